from django.urls import path

from health import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("readyz/queue", views.readyz_queue, name="readyz-queue"),
]
