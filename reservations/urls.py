from django.urls import path

from reservations.views import booking

app_name = "reservations"

urlpatterns = [
    path("<int:room_pk>/", booking.book, name="book"),
    path("done/<int:pk>/", booking.booked, name="booked"),
]
