from django.urls import path

from rooms.views import room, search

urlpatterns = [
    path("", search.home, name="home"),
    path("rooms/<int:pk>/", room.room_detail, name="room"),
]
