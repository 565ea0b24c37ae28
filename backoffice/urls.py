"""Staff pages outside the model admins, behind the admin's sign-in (and its second step)."""

from django.contrib import admin
from django.urls import path

from backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("rooms/<int:pk>/", admin.site.admin_view(views.room_sign), name="room_sign"),
    path(
        "facilities/<int:pk>/",
        admin.site.admin_view(views.facility_signs),
        name="facility_signs",
    ),
]
