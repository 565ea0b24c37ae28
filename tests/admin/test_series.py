"""Recurring bookings in the admin: a facility's managers approve or reject a pending series
as a whole, through the services (one e-mail to the booker), and see only their facilities'
series; officials read them; each date stays a booking decided on its own page."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from reservations import services
from reservations.models import Frequency, Status
from rooms.calendar import at

pytestmark = pytest.mark.django_db

NOW = at(datetime.date(2026, 9, 9), datetime.time(9))
CHANGELIST = "admin:reservations_series_changelist"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def weekly(user, room, dates=3):
    start = at(datetime.date(2026, 9, 8), datetime.time(10))  # Tuesdays: no holiday among them
    return services.book_series(
        user, room, start + datetime.timedelta(days=7), start + datetime.timedelta(days=7, hours=1),
        frequency=Frequency.WEEKLY, count=dates, attendees=4, purpose="주간 회의",
    ).series  # fmt: skip


@pytest.fixture
def series_a(sme_user, room_a):
    return weekly(sme_user, room_a)


@pytest.fixture
def series_b(sme_user, room_b):
    start = at(datetime.date(2026, 9, 16), datetime.time(14))
    return services.book_series(
        sme_user, room_b, start, start + datetime.timedelta(hours=1),
        frequency=Frequency.FORTNIGHTLY, count=2, attendees=4, purpose="격주 회의",
    ).series  # fmt: skip


def post_action(client, action, *series, **extra):
    data = {"action": action, "index": 0, "_selected_action": [s.pk for s in series]}
    data.update(extra)
    return client.post(reverse(CHANGELIST), data, follow=True)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def statuses(series):
    return set(series.occurrences.values_list("status", flat=True))


def test_a_manager_approves_a_whole_series_and_the_booker_gets_one_mail(
    client, owner_manager, series_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(owner_manager)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(client, "approve_series_selected", series_a)

    assert statuses(series_a) == {Status.APPROVED}
    assert set(series_a.occurrences.values_list("decided_by", flat=True)) == {owner_manager.pk}
    assert messages_of(response) == ["3 dates decided."]
    assert [mail.to for mail in mailoutbox] == [["booker@sme.example"]]
    assert "Recurring booking approved" in mailoutbox[0].subject


def test_rejecting_a_series_asks_for_a_reason_first_then_rejects_every_pending_date(
    client, owner_manager, series_a
):
    client.force_login(owner_manager)
    asked = post_action(client, "reject_series_selected", series_a)
    assert asked.templates[0].name == "admin/reservations/series/reason_confirmation.html"
    assert statuses(series_a) == {Status.PENDING}

    post_action(client, "reject_series_selected", series_a, _confirm="yes", reason="행사 준비")
    assert statuses(series_a) == {Status.REJECTED}
    assert set(series_a.occurrences.values_list("decision_note", flat=True)) == {"행사 준비"}


def test_one_date_decided_on_its_own_leaves_the_rest_for_the_series_decision(
    client, owner_manager, series_a
):
    client.force_login(owner_manager)
    first = series_a.occurrences.order_by("start").first()
    client.post(
        reverse("admin:reservations_reservation_changelist"),
        {"action": "approve_selected", "index": 0, "_selected_action": [first.pk]},
    )
    first.refresh_from_db()
    assert first.status == Status.APPROVED
    assert series_a.occurrences.filter(status=Status.PENDING).count() == 2

    response = post_action(client, "approve_series_selected", series_a)
    assert messages_of(response)[-1] == "2 dates decided."


def test_the_series_page_lists_its_dates_and_offers_the_decisions(client, owner_manager, series_a):
    client.force_login(owner_manager)
    page = client.get(reverse("admin:reservations_series_change", args=[series_a.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Approve the whole series" in html and "Reject the whole series…" in html
    for date in series_a.occurrences.all():
        assert reverse("admin:reservations_reservation_change", args=[date.pk]) in html


def test_a_manager_sees_only_their_facilities_series(client, owner_manager, series_a, series_b):
    client.force_login(owner_manager)
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert "Room Alpha" in listing and "Room Bravo" not in listing
    other = client.get(reverse("admin:reservations_series_change", args=[series_b.pk]))
    assert other.status_code == 404


def test_a_manager_cannot_decide_another_facilitys_series(client, owner_manager, series_b):
    client.force_login(owner_manager)
    post_action(client, "approve_series_selected", series_b)
    assert statuses(series_b) == {Status.PENDING}


def test_an_official_reads_series_but_cannot_decide(client, ministry_official, series_a, series_b):
    client.force_login(ministry_official)
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert "Room Alpha" in listing and "Room Bravo" in listing
    page = client.get(reverse("admin:reservations_series_change", args=[series_a.pk]))
    assert "Approve the whole series" not in page.content.decode()
    post_action(client, "approve_series_selected", series_a)
    assert statuses(series_a) == {Status.PENDING}


def test_an_sme_user_reaches_no_series_admin(client, sme_user, series_a):
    client.force_login(sme_user)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302


@pytest.mark.parametrize("ids", [["abc"], ["1\x00"], ["9" * 40]])
def test_malformed_action_ids_are_a_400(client, owner_manager, series_a, ids):
    client.force_login(owner_manager)
    response = client.post(
        reverse(CHANGELIST),
        {"action": "approve_series_selected", "index": 0, "_selected_action": ids},
    )
    assert response.status_code == 400
    assert statuses(series_a) == {Status.PENDING}
