from django.urls import path

from rooms.views import room, search

urlpatterns = [
    path("", search.search, name="home"),
    path("rooms/districts/", search.district_options, name="district_options"),
    path("rooms/<int:pk>/", room.room_detail, name="room"),
]
