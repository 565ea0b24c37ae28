"""Check-in and no-show rates, used and released hours: at every level and in the CSV.

The scene of conftest.py, with at site A: the 4 May meeting checked in; the 12 May one
checked in and ended an hour early; and a no-show on 14 May 10–12 released at 10:15. Of A's
three bookings whose check-in came due (two checked in, one no-show), a check-in rate of 66.7%
and a no-show rate of 33.3%. Booked 5.5 + 2 = 7.5 h, used 2 + 1 = 3 h, released
1 + 1.75 = 2.75 h.
"""

import pytest
from django.urls import reverse

from reservations.models import Reservation, Status
from tests.dashboard.conftest import MAY, at, booking
from tests.dashboard.test_views import read_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def attended(scene):
    room_a, _booth = scene["rooms"]
    first, second, _third = Reservation.objects.filter(
        room=room_a, status=Status.APPROVED, start__month=5
    ).order_by("start")
    Reservation.objects.filter(pk=first.pk).update(checked_in_at=first.start)
    Reservation.objects.filter(pk=second.pk).update(checked_in_at=second.start)
    Reservation.objects.filter(pk=second.pk).update(released_at=at(5, 12, 10))
    missed = booking(room_a, first.booked_by, at(5, 14, 10), at(5, 14, 12))
    Reservation.objects.filter(pk=missed.pk).update(
        status=Status.NO_SHOW, released_at=at(5, 14, 10, 15)
    )
    return scene


def test_the_csv_carries_the_rates_and_the_booked_used_and_released_hours(
    attended, official_client
):
    url = reverse("dashboard:region", args=["seoul"])
    site_a, site_b = read_csv(official_client.get(url, {**MAY, "format": "csv"}))

    assert site_a["No-shows"] == "1" and site_a["Checked in"] == "2"
    assert site_a["Check-in rate (%)"] == "66.7"
    assert site_a["No-show rate (%)"] == "33.3"
    assert (site_a["Booked hours"], site_a["Used hours"], site_a["Released hours"]) == (
        "7.5",
        "3.0",
        "2.8",
    )
    # Site B's booking was never checked in nor released: no check-in came due there.
    assert (site_b["Check-in rate (%)"], site_b["No-show rate (%)"]) == ("", "")


@pytest.mark.parametrize("level", ["nation", "region", "district", "site", "room"])
def test_every_level_shows_the_check_in_and_no_show_rates(attended, official_client, level):
    room_a, _booth = attended["rooms"]
    urls = {
        "nation": reverse("dashboard:nation"),
        "region": reverse("dashboard:region", args=["seoul"]),
        "district": reverse("dashboard:district", args=[room_a.facility.district.code]),
        "site": reverse("dashboard:site", args=[room_a.facility.code]),
        "room": reverse("dashboard:room", args=[room_a.pk]),
    }

    page = official_client.get(urls[level], MAY).content.decode()

    assert "Check-in rate" in page and "No-show rate" in page
    assert "33.3%" in page or "25.0%" in page
