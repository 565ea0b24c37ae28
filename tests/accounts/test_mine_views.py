"""The signed-in user's own bookings at /my/ (portal.views.mine)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reservations.models import Status
from tests.factories import ReservationFactory, RoomFactory, UserFactory, next_weekday_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def outsider():
    return UserFactory()


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def past_reservation(user, days_ago=3, **kwargs):
    start = timezone.now() - datetime.timedelta(days=days_ago)
    return ReservationFactory(
        booked_by=user, start=start, end=start + datetime.timedelta(hours=1), **kwargs
    )


def test_list_needs_sign_in(client):
    response = client.get(reverse("mine:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_list_shows_only_the_users_own_bookings(owner_client, owner, outsider):
    mine = ReservationFactory(booked_by=owner, room=RoomFactory(name="내 회의실"))
    past_reservation(owner, room=RoomFactory(name="지난 회의실"))
    ReservationFactory(booked_by=outsider, room=RoomFactory(name="남의 회의실"))

    page = owner_client.get(reverse("mine:list")).content.decode()

    assert "내 회의실" in page
    assert "지난 회의실" in page
    assert mine.room.facility.name in page
    assert "남의 회의실" not in page


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_does_not_grow_with_bookings(
    owner_client, owner, count, django_assert_max_num_queries
):
    for days in range(count):
        ReservationFactory(
            booked_by=owner,
            start=next_weekday_at(9, days_ahead=days + 1),
            end=next_weekday_at(10, days_ahead=days + 1),
        )
        past_reservation(owner, days_ago=days + 2)

    # One more than the bookings' own: the user's waitlist entries and offers.
    with django_assert_max_num_queries(8):
        response = owner_client.get(reverse("mine:list"))

    assert response.status_code == 200


def test_past_bookings_are_paginated(owner_client, owner):
    for days in range(25):
        past_reservation(owner, days_ago=days + 2)

    first = owner_client.get(reverse("mine:list"))
    second = owner_client.get(reverse("mine:list"), {"page": 2})
    nonsense = owner_client.get(reverse("mine:list"), {"page": "x"})

    assert len(first.context["past"].object_list) == 20
    assert len(second.context["past"].object_list) == 5
    assert nonsense.status_code == 200


def test_upcoming_bookings_are_paginated_and_each_list_keeps_the_others_page(owner_client, owner):
    for days in range(23):
        ReservationFactory(
            booked_by=owner,
            start=next_weekday_at(9, days_ahead=days + 1),
            end=next_weekday_at(10, days_ahead=days + 1),
        )
    for days in range(25):
        past_reservation(owner, days_ago=days + 2)

    first = owner_client.get(reverse("mine:list"), {"page": 2})
    later = owner_client.get(reverse("mine:list"), {"upcoming": 2, "page": 2})

    upcoming = first.context["upcoming"].object_list
    assert len(upcoming) == 20
    assert [r.start for r in upcoming] == sorted(r.start for r in upcoming)
    assert 'href="?upcoming=2&amp;page=2"' in first.content.decode()
    assert len(later.context["upcoming"].object_list) == 3
    assert later.context["upcoming"].object_list[0].start > upcoming[-1].start
    assert 'href="?page=1&amp;upcoming=2"' in later.content.decode()


def test_cancel_shows_a_confirmation_first(owner_client, owner):
    reservation = ReservationFactory(booked_by=owner)

    response = owner_client.get(reverse("mine:cancel", args=[reservation.pk]))

    assert response.status_code == 200
    assert reverse("mine:cancel", args=[reservation.pk]) in response.content.decode()
    reservation.refresh_from_db()
    assert reservation.status == Status.APPROVED


def test_cancel_confirmation_for_htmx_is_the_inline_partial(owner_client, owner):
    reservation = ReservationFactory(booked_by=owner)

    response = owner_client.get(
        reverse("mine:cancel", args=[reservation.pk]), headers={"hx-request": "true"}
    )

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert 'method="post"' in response.content.decode()


def test_cancel_post_cancels_the_booking(owner_client, owner):
    reservation = ReservationFactory(booked_by=owner)

    response = owner_client.post(reverse("mine:cancel", args=[reservation.pk]), follow=True)

    reservation.refresh_from_db()
    assert reservation.status == Status.CANCELLED
    assert response.redirect_chain[-1][0] == reverse("mine:list")
    assert any(m.level_tag == "success" for m in response.context["messages"])


def test_cancel_after_the_start_is_refused(owner_client, owner):
    reservation = past_reservation(owner, days_ago=0)

    response = owner_client.post(reverse("mine:cancel", args=[reservation.pk]), follow=True)

    reservation.refresh_from_db()
    assert reservation.status == Status.APPROVED
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_another_users_booking_is_a_404_for_cancel_and_ics(owner_client, outsider):
    theirs = ReservationFactory(booked_by=outsider)

    assert owner_client.get(reverse("mine:cancel", args=[theirs.pk])).status_code == 404
    assert owner_client.post(reverse("mine:cancel", args=[theirs.pk])).status_code == 404
    assert owner_client.get(reverse("mine:ics", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.APPROVED


def test_unknown_booking_is_a_404(owner_client):
    assert owner_client.get(reverse("mine:ics", args=[999999])).status_code == 404
    assert owner_client.get("/my/abc/cancel/").status_code == 404


def test_ics_download_is_a_calendar_attachment(owner_client, owner):
    reservation = ReservationFactory(booked_by=owner)

    response = owner_client.get(reverse("mine:ics", args=[reservation.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"BEGIN:VCALENDAR" in response.content
    assert b"BEGIN:VEVENT" in response.content


def test_feed_by_token_serves_the_users_bookings_without_sign_in(client, owner, outsider):
    ReservationFactory(booked_by=owner)
    ReservationFactory(booked_by=owner)
    ReservationFactory(booked_by=outsider)

    response = client.get(reverse("mine:feed", args=[owner.calendar_token]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response.content.count(b"BEGIN:VEVENT") == 2


def test_feed_with_an_unknown_or_malformed_token_is_a_404(client):
    assert client.get(reverse("mine:feed", args=["no-such-token"])).status_code == 404
    assert client.get("/my/calendar/no%20such%3Btoken.ics").status_code == 404


def test_revoking_the_feed_invalidates_the_old_token(owner_client, owner):
    old_token = owner.calendar_token

    response = owner_client.post(reverse("mine:revoke_feed"))

    owner.refresh_from_db()
    assert response.status_code == 302
    assert owner.calendar_token != old_token
    assert owner_client.get(reverse("mine:feed", args=[old_token])).status_code == 404
    assert owner_client.get(reverse("mine:feed", args=[owner.calendar_token])).status_code == 200


def test_list_shows_the_feed_address_to_copy(owner_client, owner):
    page = owner_client.get(reverse("mine:list")).content.decode()

    assert f"/my/calendar/{owner.calendar_token}.ics" in page
    assert "readonly" in page


def test_post_only_endpoints_refuse_get(owner_client):
    assert owner_client.get(reverse("mine:revoke_feed")).status_code == 405


def test_list_is_in_korean_by_default_and_english_by_cookie(owner_client):
    assert "내 예약" in owner_client.get(reverse("mine:list")).content.decode()

    owner_client.cookies["django_language"] = "en"
    assert "My reservations" in owner_client.get(reverse("mine:list")).content.decode()


def test_cancelled_declined_and_expired_bookings_leave_upcoming_without_calendar_links(
    owner_client, owner
):
    live = ReservationFactory(booked_by=owner, start=next_weekday_at(10))
    dead = [
        ReservationFactory(booked_by=owner, start=next_weekday_at(9 + n, days_ahead=2),
                           status=status, decision_note="시설 점검" if n else "")
        for n, status in enumerate((Status.CANCELLED, Status.REJECTED, Status.EXPIRED))
    ]  # fmt: skip

    response = owner_client.get(reverse("mine:list"), HTTP_ACCEPT_LANGUAGE="en")

    assert list(response.context["upcoming"].object_list) == [live]
    assert set(response.context["past"].object_list) == set(dead)
    page = response.content.decode()
    assert reverse("mine:ics", args=[live.pk]) in page
    for reservation in dead:
        assert reverse("mine:ics", args=[reservation.pk]) not in page


def test_each_booking_shows_its_code_a_status_in_words_and_the_managers_reason(owner_client, owner):
    approved = ReservationFactory(booked_by=owner, start=next_weekday_at(10))
    rejected = ReservationFactory(booked_by=owner, start=next_weekday_at(10, days_ahead=2),
                                  status=Status.REJECTED, decision_note="그날은 행사 준비")  # fmt: skip

    page = owner_client.get(reverse("mine:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f'<span class="booking-code">{approved.code}</span>' in page
    assert f'<span class="booking-code">{rejected.code}</span>' in page
    assert '<span class="badge-status badge-status--approved">Approved</span>' in page
    assert '<span class="badge-status badge-status--rejected">Rejected</span>' in page
    assert "Reason for the rejection" in page
    assert "그날은 행사 준비" in page
