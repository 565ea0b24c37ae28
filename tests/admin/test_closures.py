"""Closing a facility or a room over existing bookings: the manager sees the bookings first,
then cancels them (each booker is told, with the closure's reason) or aborts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reservations import services
from reservations.models import Status
from rooms.models import Closure
from tests.factories import FacilityFactory, ReservationFactory, RoomFactory, next_weekday_at

pytestmark = pytest.mark.django_db

ADD = "admin:rooms_closure_add"


def closure_data(facility, start, end, room=None, reason="전기 설비 점검", **extra):
    start, end = timezone.localtime(start), timezone.localtime(end)
    data = {
        "facility": facility.pk,
        "room": room.pk if room else "",
        "start_0": start.strftime("%Y-%m-%d"),
        "start_1": start.strftime("%H:%M"),
        "end_0": end.strftime("%Y-%m-%d"),
        "end_1": end.strftime("%H:%M"),
        "reason": reason,
        "_save": "Save",
    }
    data.update(extra)
    return data


@pytest.fixture
def approved_a(room_a, sme_user):
    return ReservationFactory(
        room=room_a,
        booked_by=sme_user,
        status=Status.APPROVED,
        start=next_weekday_at(14, days_ahead=2),
        purpose="Alpha review",
    )


@pytest.fixture
def day_of(approved_a):
    start = timezone.localtime(approved_a.start).replace(hour=9, minute=0)
    return start, start + datetime.timedelta(hours=9)


def test_a_closure_without_bookings_is_saved_at_once_by_its_author(
    client, owner_manager, facility_a
):
    client.force_login(owner_manager)
    start = next_weekday_at(9, days_ahead=30)

    response = client.post(
        reverse(ADD), closure_data(facility_a, start, start + datetime.timedelta(hours=3))
    )

    assert response.status_code == 302
    closure = Closure.objects.get()
    assert closure.created_by == owner_manager
    assert closure.room is None


def test_a_closure_over_bookings_lists_them_and_saves_nothing_yet(
    client, owner_manager, facility_a, approved_a, day_of, mailoutbox
):
    client.force_login(owner_manager)

    response = client.post(reverse(ADD), closure_data(facility_a, *day_of))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Room Alpha" in page
    assert approved_a.booked_by.name in page
    assert "14:00–15:00" in page
    assert "Cancel these bookings and save" in page
    assert "Abort" in page
    assert not Closure.objects.exists()
    approved_a.refresh_from_db()
    assert approved_a.status == Status.APPROVED
    assert mailoutbox == []


def test_confirming_cancels_the_bookings_with_the_closure_reason_and_tells_the_bookers(
    client,
    owner_manager,
    facility_a,
    approved_a,
    day_of,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(owner_manager)
    data = closure_data(facility_a, *day_of, reason="정전 예정")
    client.post(reverse(ADD), data)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(ADD),
            {**data, "_cancel_bookings": "1", "_confirmed_bookings": [approved_a.pk]},
            follow=True,
        )

    assert response.status_code == 200
    closure = Closure.objects.get()
    assert closure.reason == "정전 예정"
    approved_a.refresh_from_db()
    assert approved_a.status == Status.CANCELLED
    event = approved_a.events.get()
    assert (event.actor, event.note) == (owner_manager, "정전 예정")
    assert [mail.to for mail in mailoutbox] == [[approved_a.booked_by.email]]
    assert "정전 예정" in mailoutbox[0].body
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("1 booking cancelled; the booker has been notified") for m in messages)


def test_aborting_saves_nothing_and_changes_no_booking(
    client, owner_manager, facility_a, approved_a, day_of, mailoutbox
):
    client.force_login(owner_manager)
    data = closure_data(facility_a, *day_of)

    response = client.post(
        reverse(ADD), {**data, "_abort": "Abort", "_confirmed_bookings": [approved_a.pk]}
    )

    assert response.status_code == 302
    assert not Closure.objects.exists()
    approved_a.refresh_from_db()
    assert approved_a.status == Status.APPROVED
    assert mailoutbox == []


def test_a_booking_made_while_deciding_is_shown_before_anything_is_cancelled(
    client, owner_manager, facility_a, room_a, approved_a, day_of, sme_user
):
    client.force_login(owner_manager)
    data = closure_data(facility_a, *day_of)
    late = ReservationFactory(
        room=room_a,
        booked_by=sme_user,
        status=Status.PENDING,
        start=next_weekday_at(16, days_ahead=2),
    )

    response = client.post(
        reverse(ADD), {**data, "_cancel_bookings": "1", "_confirmed_bookings": [approved_a.pk]}
    )

    assert response.status_code == 200
    assert response.context["changed_meanwhile"]
    assert not Closure.objects.exists()
    late.refresh_from_db()
    approved_a.refresh_from_db()
    assert (late.status, approved_a.status) == (Status.PENDING, Status.APPROVED)


def test_a_room_closure_leaves_the_other_rooms_bookings_alone(
    client, owner_manager, facility_a, approved_a, day_of, sme_user
):
    other_room = RoomFactory(facility=facility_a, name="Room Alpha 2")
    client.force_login(owner_manager)

    response = client.post(reverse(ADD), closure_data(facility_a, *day_of, room=other_room))

    assert response.status_code == 302
    assert Closure.objects.get().room == other_room
    approved_a.refresh_from_db()
    assert approved_a.status == Status.APPROVED


def test_past_and_cancelled_bookings_do_not_need_confirmation(
    client, owner_manager, facility_a, approved_a, day_of
):
    approved_a.status = Status.CANCELLED
    approved_a.save()
    client.force_login(owner_manager)

    response = client.post(reverse(ADD), closure_data(facility_a, *day_of))

    assert response.status_code == 302
    assert Closure.objects.count() == 1


def test_moving_an_existing_closure_over_bookings_asks_too(
    client, owner_manager, facility_a, approved_a, day_of, closure_a
):
    client.force_login(owner_manager)
    url = reverse("admin:rooms_closure_change", args=[closure_a.pk])

    response = client.post(url, closure_data(facility_a, *day_of, reason=closure_a.reason))

    assert response.status_code == 200
    assert response.context["bookings"]
    closure_a.refresh_from_db()
    assert closure_a.start != day_of[0]


def test_invalid_input_is_reported_on_the_form_not_the_confirmation(
    client, owner_manager, facility_a, approved_a, day_of
):
    client.force_login(owner_manager)
    start, end = day_of

    response = client.post(reverse(ADD), closure_data(facility_a, end, start))

    assert response.status_code == 400
    assert "end" in response.context["adminform"].form.errors


def test_room_choices_follow_the_chosen_facility(client, owner_manager, facility_a, room_a):
    annex = FacilityFactory(name="Alpha Annex", managers=[owner_manager])
    annex_room = RoomFactory(facility=annex, name="Annex Room")
    client.force_login(owner_manager)

    blank = client.get(reverse(ADD))
    chosen = client.get(reverse(ADD), {"facility": annex.pk})

    blank_rooms = set(blank.context["adminform"].form.fields["room"].queryset)
    assert blank_rooms == {room_a, annex_room}
    assert list(chosen.context["adminform"].form.fields["room"].queryset) == [annex_room]


def test_a_booking_the_engine_refuses_to_cancel_is_reported_and_still_stands(
    client, owner_manager, facility_a, approved_a, day_of, monkeypatch
):
    def refuse(actor, reservation, reason=""):
        raise services.BookingError("The booking has already started.", code="past")

    monkeypatch.setattr(services, "cancel", refuse)
    client.force_login(owner_manager)
    data = closure_data(facility_a, *day_of)

    response = client.post(
        reverse(ADD),
        {**data, "_cancel_bookings": "1", "_confirmed_bookings": [approved_a.pk]},
        follow=True,
    )

    assert Closure.objects.count() == 1
    approved_a.refresh_from_db()
    assert approved_a.status == Status.APPROVED
    messages = [str(m) for m in response.context["messages"]]
    assert any(
        m.startswith("This booking could not be cancelled and still stands: Facility Alpha")
        and m.endswith("The booking has already started.")
        for m in messages
    )


def test_a_closure_over_yesterday_is_saved_without_cancelling_the_meetings_held_then(
    client,
    owner_manager,
    facility_a,
    room_a,
    sme_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    yesterday = next_weekday_at(10, days_ahead=-1)
    held = ReservationFactory(
        room=room_a,
        booked_by=sme_user,
        start=yesterday,
        end=yesterday + datetime.timedelta(hours=1),
    )
    midnight = timezone.localtime(yesterday).replace(hour=0)
    client.force_login(owner_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(ADD), closure_data(facility_a, midnight, midnight + datetime.timedelta(days=1))
        )

    assert response.status_code == 302
    assert Closure.objects.count() == 1
    held.refresh_from_db()
    assert held.status == Status.APPROVED
    assert mailoutbox == []


def test_a_closure_from_the_first_year_of_the_calendar_is_refused_naming_the_range(
    client, owner_manager, facility_a, approved_a
):
    client.force_login(owner_manager)
    start, end = next_weekday_at(9), next_weekday_at(12)
    data = {**closure_data(facility_a, start, end), "start_0": "0001-01-01"}

    response = client.post(reverse(ADD), data)

    assert response.status_code == 400
    assert "Enter a date between 2000-01-01 and 2100-12-31." in response.content.decode()
    assert not Closure.objects.exists()
