"""A page's figures are read once a minute for every official, and the costliest ones an hour
ahead by the worker; the page says when its figures were read."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import MINISTRY_OFFICIALS
from dashboard import tasks
from dashboard.periods import DEFAULT_PRESET
from reservations import history
from reservations.models import Reservation
from tests.dashboard.conftest import MAY, booking
from tests.factories import UserFactory
from web.replica import PIN_COOKIE
from worker import sweep

pytestmark = pytest.mark.django_db

SERVED = "COUNT(DISTINCT CASE"


def _bookings_in_may(page):
    return page.context["report"].total.requests


def test_the_page_says_when_its_figures_were_read(scene, official_client):
    page = official_client.get(reverse("dashboard:region", args=[scene["region"].slug]), MAY)
    read_at = timezone.localtime(page.context["figures_at"])
    assert f"Figures as of {read_at:%H:%M}" in page.content.decode()


def test_a_second_official_within_the_minute_gets_the_same_figures_without_reading_them(
    scene, official_client
):
    url = reverse("dashboard:region", args=[scene["region"].slug])
    first = official_client.get(url, MAY).content.decode()
    booking(scene["rooms"][0], UserFactory(), *_may(27))
    other = UserFactory()
    other.groups.add(Group.objects.get(name=MINISTRY_OFFICIALS))
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(other)
    with CaptureQueriesContext(connection) as captured:
        second = client.get(url, MAY).content.decode()
    assert not [q for q in captured.captured_queries if "reservations_reservation" in q["sql"]]
    assert _figures_of(first) == _figures_of(second)


def test_figures_are_read_afresh_once_their_minute_is_over(scene, official_client):
    url = reverse("dashboard:region", args=[scene["region"].slug])
    before = _bookings_in_may(official_client.get(url, MAY))
    booking(scene["rooms"][0], UserFactory(), *_may(27))
    _minute_passes()
    assert _bookings_in_may(official_client.get(url, MAY)) == before + 1


@pytest.mark.parametrize(
    "other",
    [
        {**MAY, "kind": "booth"},
        {**MAY, "sort": "utilisation"},
        {"period": "last_12_months"},
        {**MAY, "unknown": "kept-in-links"},
    ],
)
def test_another_question_is_not_answered_from_the_first_ones_figures(
    scene, official_client, other
):
    url = reverse("dashboard:region", args=[scene["region"].slug])
    first = official_client.get(url, MAY).content.decode()
    assert official_client.get(url, other).content.decode() != first


def test_each_language_has_its_own_figures(scene, official):
    url = reverse("dashboard:region", args=[scene["region"].slug])
    pages = {}
    for language in ("en", "ko"):
        client = Client(headers={"Accept-Language": language})
        client.force_login(official)
        pages[language] = client.get(url, MAY).content.decode()
    assert "Figures as of" in pages["en"] and "Figures as of" not in pages["ko"]


def test_the_admin_link_is_not_shown_to_an_official_from_a_superusers_figures(
    scene, official_client
):
    site = scene["sites"][0]
    url = reverse("dashboard:site", args=[site.code])
    superuser = Client(headers={"Accept-Language": "en"})
    superuser.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert "bookings in the admin" in superuser.get(url, MAY).content.decode()
    assert "bookings in the admin" not in official_client.get(url, MAY).content.decode()


def test_htmx_gets_the_same_figures_as_the_page(scene, official_client):
    url = reverse("dashboard:region", args=[scene["region"].slug])
    page = official_client.get(url, MAY).content.decode()
    swapped = official_client.get(url, MAY, headers={"HX-Request": "true"}).content.decode()
    assert swapped.strip().startswith('<div id="dashboard-body"') and swapped.strip() in page


def test_the_worker_reads_the_people_served_and_busy_hours_ahead(scene, official_client):
    url = reverse("dashboard:region", args=[scene["region"].slug])
    assert tasks.read_ahead.func() == 2 * (1 + scene["region"].__class__.objects.count())
    with CaptureQueriesContext(connection) as captured:
        official_client.get(url, {"period": DEFAULT_PRESET})
    assert not [q for q in captured.captured_queries if SERVED in q["sql"]]


def test_the_sweep_queues_the_read_ahead_once_an_hour_and_after_history_changes():
    step = sweep.STEPS[f"{tasks.__name__}.read_figures_ahead"]
    assert step.every == datetime.timedelta(minutes=1)
    ten = timezone.make_aware(datetime.datetime(2026, 6, 15, 10, 1))
    assert tasks.read_figures_ahead(ten) == {"queued": True}
    assert tasks.read_figures_ahead(ten + datetime.timedelta(minutes=30)) == {"queued": False}
    history.changed()
    assert tasks.read_figures_ahead(ten + datetime.timedelta(minutes=31)) == {"queued": True}
    assert tasks.read_figures_ahead(ten + datetime.timedelta(minutes=32)) == {"queued": False}
    assert tasks.read_figures_ahead(ten + datetime.timedelta(hours=1)) == {"queued": True}


def test_without_a_cache_that_keeps_anything_nothing_is_read_ahead(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    ten = timezone.make_aware(datetime.datetime(2026, 6, 15, 10, 1))
    assert tasks.read_figures_ahead(ten) == {"queued": False}


def test_without_the_read_ahead_the_first_request_counts_the_people_served(scene, official_client):
    url = reverse("dashboard:region", args=[scene["region"].slug])
    with CaptureQueriesContext(connection) as captured:
        official_client.get(url, {"period": DEFAULT_PRESET})
    assert [q for q in captured.captured_queries if SERVED in q["sql"]]


def _may(day):
    start = timezone.make_aware(datetime.datetime(2026, 5, day, 16))
    return start, start + datetime.timedelta(hours=1)


def _figures_of(page):
    return page[page.index('<div id="dashboard-body"') :]


def _minute_passes():
    from django.core.cache import cache

    # The locmem cache of the tests keeps entries by wall-clock time; forget the page's.
    cache.clear()
    assert Reservation.objects.exists()


def test_an_official_who_just_wrote_reads_the_figures_afresh(scene, official_client):
    url = reverse("dashboard:region", args=[scene["region"].slug])
    before = _bookings_in_may(official_client.get(url, MAY))
    booking(scene["rooms"][0], UserFactory(), *_may(27))
    official_client.cookies[PIN_COOKIE] = "1"
    assert _bookings_in_may(official_client.get(url, MAY)) == before + 1
