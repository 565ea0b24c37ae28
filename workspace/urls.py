"""The workspace's pages, behind the admin's sign-in (and its second step)."""

from django.contrib import admin
from django.urls import path

from workspace import views

app_name = "workspace"

urlpatterns = [
    path("", admin.site.admin_view(views.board), name="board"),
    path("rooms/<int:pk>/", admin.site.admin_view(views.room_week), name="room_week"),
    path("bookings/<int:pk>/approve/", admin.site.admin_view(views.approve), name="approve"),
    path("bookings/<int:pk>/reject/", admin.site.admin_view(views.reject), name="reject"),
]
