from django.urls import path

from rooms.views import search

urlpatterns = [
    path("", search.home, name="home"),
]
