"""The profile shows the booker's standing: good, warned after a no-show, or suspended."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reservations.models import Status, Suspension
from tests.factories import ReservationFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def no_show(user, days_ago):
    start = timezone.now() - days_ago * DAY
    ReservationFactory(
        booked_by=user, status=Status.NO_SHOW, start=start, end=start + DAY / 24,
        released_at=start,
    )  # fmt: skip


def profile(client):
    return client.get(reverse("accounts:profile")).content.decode()


def test_a_booker_without_no_shows_is_in_good_standing(booker_client):
    assert "양호: 최근 90일 동안 노쇼가 없습니다." in profile(booker_client)


def test_a_no_show_warns_with_the_rule(booker_client, booker):
    no_show(booker, 3)

    page = profile(booker_client)

    assert "최근 90일 동안 노쇼 1회." in page
    assert "90일 안에 노쇼가 3회가 되면 14일 동안 새 예약을 할 수 없습니다" in page


def test_a_suspension_shows_until_when(booker_client, booker):
    for days in (1, 2, 3):
        no_show(booker, days)
    now = timezone.now()
    Suspension.objects.create(user=booker, starts_at=now, ends_at=now + 14 * DAY, no_shows=3)

    page = profile(booker_client)

    assert "예약 제한:" in page and "노쇼 3회에 따른 제한입니다." in page
