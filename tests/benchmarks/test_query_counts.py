"""Queries per request for every page of the benchmark's mix, at national scale.

The registry's 1,617 rooms and a built dataset with many bookings per room: if a page's query
count grew with rooms or bookings, these limits would fail long before a benchmark ran.
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.roles import MINISTRY_OFFICIALS
from benchmarks.dataset import COMPANIES, DatasetSize, build
from reservations.models import Reservation
from reservations.synthetic import business_number
from rooms.models import Room
from rooms.sample_registry import load_registry
from tests.dashboard.conftest import QUERY_BUDGET
from tests.factories import UserFactory, next_weekday_at

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def nation():
    load_registry()
    build(DatasetSize(users=40, months=1, scale=0.3), seed=7)
    return Room.objects.filter(reservations__isnull=False).order_by("pk").first()


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_search_partial_national_and_per_region(nation, client, django_assert_max_num_queries):
    day = next_weekday_at(9)
    for query in (
        {"date": f"{day:%Y-%m-%d}", "start": "10:00", "duration": "60"},
        {"region": "seoul", "date": f"{day:%Y-%m-%d}", "start": "14:00", "duration": "120"},
    ):
        with django_assert_max_num_queries(8):
            assert client.get("/", query, headers=HX).status_code == 200


def test_room_page_and_its_timeline(nation, client, django_assert_max_num_queries):
    url = reverse("room", args=[nation.pk])
    assert Reservation.objects.filter(room=nation).count() > 20
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(6):
        assert (
            client.get(url, {"date": f"{next_weekday_at(9):%Y-%m-%d}"}, headers=HX).status_code
            == 200
        )


def test_booking_post(nation, django_assert_max_num_queries):
    room = Room.objects.filter(kind="standard", facility__requires_approval=False).last()
    when = next_weekday_at(16, days_ahead=20)
    Reservation.objects.filter(room=room, start__date=when.date()).delete()
    # A company of its own: the factory's numbers are the dataset's companies' too, and one
    # of those may already hold its fifteen upcoming bookings (rules.BUSINESS_MAX_UPCOMING).
    client = signed_in(UserFactory(business_number=business_number(COMPANIES + 1)))
    data = {"date": f"{when:%Y-%m-%d}", "start": "16:00", "duration": "60", "attendees": "3",
            "purpose": "벤치마크", "company_name": "", "contact_phone": ""}  # fmt: skip
    # The session (here not in the cache yet) and its user, the view's room, the room and the
    # booker locked, the rules' one read, the booking, its audit row, its e-mail task, and the
    # transaction's two ends.
    with django_assert_max_num_queries(10):
        response = client.post(reverse("booking:book", args=[room.pk]), data)
    assert response.status_code == 302
    assert Reservation.objects.filter(room=room, start=when).count() == 1


def test_my_reservations(nation, django_assert_max_num_queries):
    user = Reservation.objects.filter(booked_by__isnull=False).first().booked_by
    assert Reservation.objects.filter(booked_by=user).count() > 10
    client = signed_in(user)
    # The bookings' pages and the user's waitlist entries and offers.
    with django_assert_max_num_queries(8):
        assert client.get(reverse("mine:list")).status_code == 200


def test_dashboard_nation_and_region_for_twelve_months(nation, django_assert_max_num_queries):
    official = UserFactory()
    official.groups.add(Group.objects.get(name=MINISTRY_OFFICIALS))
    client = signed_in(official)
    for url in (reverse("dashboard:nation"), reverse("dashboard:region", args=["seoul"])):
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = client.get(url, {"period": "last_12_months"})
        assert response.status_code == 200
        assert response.context["report"].total.requests > 500
        with django_assert_max_num_queries(QUERY_BUDGET):
            assert client.get(url, {"period": "this_year"}, headers=HX).status_code == 200
