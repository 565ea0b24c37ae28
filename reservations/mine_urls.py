from django.urls import path, re_path

from .views import mine

app_name = "mine"

urlpatterns = [
    path("", mine.reservation_list, name="list"),
    path("<int:pk>/cancel/", mine.cancel, name="cancel"),
    path("<int:pk>.ics", mine.reservation_ics, name="ics"),
    # Tokens are URL-safe base64 (accounts.models.new_calendar_token); anything else is a 404.
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$", mine.feed, name="feed"),
    path("calendar/revoke/", mine.revoke_feed, name="revoke_feed"),
]
