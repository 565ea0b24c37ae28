"""No figure without its period: the default period, "so far" and "booked ahead", people served
up to now, and a filter error that replaces the figures rather than sitting beside them."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountType
from reservations.models import Status
from tests.dashboard.conftest import booking
from tests.factories import FacilityFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db
SEOUL = datetime.timezone(datetime.timedelta(hours=9))


def local(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def served_scene():
    """Monday 15 June 2026 at 14:30. Company X met this morning 09–10 (over), company Y meets
    14:00–15:00 (not over), company Z met on Friday, company W meets tomorrow, a person met on
    Friday, company V's Friday booking is still pending, and company U met 40 days ago."""
    room = RoomFactory(facility=FacilityFactory(code="SITE-S"))
    today = datetime.date(2026, 6, 15)
    friday = today - datetime.timedelta(days=3)
    companies = {name: UserFactory(business_number=number) for name, number in
                 {"X": "1208147521", "Y": "2148135247", "Z": "1018100340", "W": "2208162517",
                  "V": "1078614075", "U": "1168119948"}.items()}  # fmt: skip
    person = UserFactory(account_type=AccountType.INDIVIDUAL, company="", business_number="")
    booking(room, companies["X"], local(today, 9), local(today, 10))
    booking(room, companies["Y"], local(today, 14), local(today, 15))
    booking(room, companies["Z"], local(friday, 10), local(friday, 11))
    tomorrow = today + datetime.timedelta(days=1)
    booking(room, companies["W"], local(tomorrow, 10), local(tomorrow, 11))
    booking(room, person, local(friday, 13), local(friday, 14))
    booking(room, companies["V"], local(friday, 15), local(friday, 16), Status.PENDING)
    long_ago = today - datetime.timedelta(days=40)
    booking(room, companies["U"], local(long_ago, 10), local(long_ago, 11))
    return room


@time_machine.travel(datetime.datetime(2026, 6, 15, 14, 30, tzinfo=SEOUL), tick=False)
def test_companies_served_count_meetings_over_by_this_hour_in_the_last_30_days(
    served_scene, official_client
):
    response = official_client.get(reverse("dashboard:site", args=["SITE-S"]))
    total = response.context["report"].total
    period = response.context["filters"].period
    assert (period.first, period.last) == (datetime.date(2026, 5, 17), datetime.date(2026, 6, 15))
    # X (this morning) and Z (Friday); not Y (still meeting), W (tomorrow), V (pending), U (old).
    assert (total.companies, total.individuals) == (2, 1)
    page = response.content.decode()
    assert 'id="figure-companies">2<' in page and 'id="figure-individuals">1<' in page
    assert 'id="dashboard-ahead"' not in page  # the default period ends today


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=SEOUL), tick=False)
def test_on_the_first_of_a_month_the_default_period_still_shows_the_month_before(
    served_scene, official_client
):
    response = official_client.get(reverse("dashboard:site", args=["SITE-S"]))
    period = response.context["filters"].period
    assert (period.first, period.last) == (datetime.date(2026, 6, 2), datetime.date(2026, 7, 1))
    total = response.context["report"].total
    assert (total.companies, total.individuals) == (4, 1)  # X, Y, Z, W and the person
    assert total.requests == 6


@time_machine.travel(datetime.datetime(2026, 6, 15, 14, 30, tzinfo=SEOUL), tick=False)
def test_this_month_says_how_much_is_so_far_and_how_much_booked_ahead(
    served_scene, official_client
):
    response = official_client.get(
        reverse("dashboard:site", args=["SITE-S"]), {"period": "this_month"}
    )
    page = response.content.decode()
    assert "15 days so far and 15 days booked ahead" in page
    assert response.context["report"].total.companies == 2


@time_machine.travel(datetime.datetime(2026, 6, 15, 14, 30, tzinfo=SEOUL), tick=False)
def test_a_period_wholly_ahead_says_nothing_has_taken_place(served_scene, official_client):
    query = {"period": "custom", "start": "2026-06-16", "end": "2026-06-30"}
    response = official_client.get(reverse("dashboard:site", args=["SITE-S"]), query)
    assert "This period lies wholly ahead" in response.content.decode()
    assert response.context["report"].total.companies == 0


@pytest.mark.parametrize("htmx", [False, True])
def test_a_reversed_period_shows_the_error_where_the_figures_were_and_no_figures(
    served_scene, official_client, htmx
):
    query = {"period": "custom", "start": "2026-06-10", "end": "2026-06-01"}
    headers = {"HX-Request": "true"} if htmx else {}
    response = official_client.get(reverse("dashboard:nation"), query, headers=headers)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The range must end on or after its start." in page
    assert 'id="dashboard-body"' in page
    for figure in ('id="figure-companies"', 'id="summary-heading"', "map__region", "<table"):
        assert figure not in page
    if htmx:
        assert page.lstrip().startswith('<div id="dashboard-body"')
