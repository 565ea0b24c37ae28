import datetime

import pytest
from django.utils import timezone

from dashboard.models import RoomDay
from reservations.models import Reservation, Status
from reservations.tasks import erase_personal_data
from tests.factories import ReservationFactory, RoomFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def ended(days_ago, **fields):
    start = timezone.now() - days_ago * DAY - datetime.timedelta(hours=2)
    return ReservationFactory(start=start, end=start + datetime.timedelta(hours=1), **fields)


def test_bookings_past_the_retention_period_lose_purpose_company_and_phone(settings):
    settings.BOOKING_PERSONAL_DATA_RETENTION_DAYS = 3 * 365
    room = RoomFactory()
    old = ended(3 * 365 + 1, room=room, attendees=7, status=Status.APPROVED)
    recent = ended(3 * 365 - 1, room=room)
    figures_before = list(RoomDay.objects.values().order_by("day"))

    assert erase_personal_data(timezone.now()) == 1

    old.refresh_from_db()
    assert (old.purpose, old.company_name, old.contact_phone) == ("", "", "")
    assert (old.attendees, old.status, old.room, old.booked_by) == (
        7,
        Status.APPROVED,
        room,
        old.booked_by,
    )
    recent.refresh_from_db()
    assert recent.purpose and recent.company_name and recent.contact_phone
    assert list(RoomDay.objects.values().order_by("day")) == figures_before


def test_erasing_in_batches_and_again_changes_each_booking_once(settings, monkeypatch):
    settings.BOOKING_PERSONAL_DATA_RETENTION_DAYS = 30
    monkeypatch.setattr("reservations.tasks.ERASE_BATCH", 1)
    ended(31)
    ended(35)
    ended(40, purpose="", company_name="", contact_phone="")
    assert erase_personal_data(timezone.now()) == 2
    assert erase_personal_data(timezone.now()) == 0
    assert not Reservation.objects.exclude(purpose="").exists()


def test_a_booking_with_only_a_phone_left_is_erased_too(settings):
    settings.BOOKING_PERSONAL_DATA_RETENTION_DAYS = 30
    left = ended(31, purpose="", company_name="")
    assert erase_personal_data(timezone.now()) == 1
    left.refresh_from_db()
    assert left.contact_phone == ""
