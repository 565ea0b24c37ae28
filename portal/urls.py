"""The public portal's addresses: search, room and door pages, booking and the user's own
bookings."""

from django.urls import include, path, re_path

from portal.views import booking, door, mine, photos, room, search, series, statement, waitlist

booking_patterns = (
    [
        path("<int:room_pk>/", booking.book, name="book"),
        path("done/<int:pk>/", booking.booked, name="booked"),
        path("<int:room_pk>/series/", series.book_series, name="book_series"),
        path("series/<int:pk>/", series.series_detail, name="series"),
        path("series/<int:pk>.ics", series.series_ics, name="series_ics"),
    ],
    "booking",
)

mine_patterns = (
    [
        path("", mine.reservation_list, name="list"),
        path("<int:pk>/cancel/", mine.cancel, name="cancel"),
        path("<int:pk>/check-in/", mine.check_in, name="check_in"),
        path("<int:pk>/end/", mine.end_early, name="end_early"),
        path("<int:pk>.ics", mine.reservation_ics, name="ics"),
        # Tokens are URL-safe base64 (accounts.models.new_calendar_token); anything else is a 404.
        re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$", mine.feed, name="feed"),
        path("calendar/revoke/", mine.revoke_feed, name="revoke_feed"),
    ],
    "mine",
)

waitlist_patterns = (
    [
        path("join/", waitlist.join, name="join"),
        path("<int:pk>/confirm/", waitlist.confirm, name="confirm"),
        path("<int:pk>/decline/", waitlist.decline, name="decline"),
        path("<int:pk>/leave/", waitlist.leave, name="leave"),
    ],
    "waitlist",
)

urlpatterns = [
    path("", search.search, name="home"),
    path("rooms/districts/", search.district_options, name="district_options"),
    path("rooms/<int:pk>/", room.room_detail, name="room"),
    path("accessibility/", statement.accessibility, name="accessibility"),
    path("rooms/photos/<int:pk>/", photos.photo, name="photo"),
    path("rooms/<int:pk>/door/", door.door, name="door"),
    path("rooms/<int:pk>/door/check-in/", door.door_check_in, name="door_check_in"),
    path("book/", include(booking_patterns)),
    path("my/", include(mine_patterns)),
    path("waitlist/", include(waitlist_patterns)),
]
