import datetime
from urllib.parse import quote

import pytest
from django.urls import reverse

from reservations.models import Reservation, Status
from tests.factories import (
    FacilityFactory,
    HallFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
EVERY_DAY_LONG = [(day, datetime.time(7), datetime.time(23)) for day in range(7)]


def book_url(room):
    return reverse("booking:book", args=[room.pk])


def booking_data(when, **overrides):
    data = {
        "date": f"{when:%Y-%m-%d}",
        "start": f"{when:%H:%M}",
        "duration": "60",
        "attendees": "4",
        "purpose": "투자사 화상 미팅",
        "company_name": "주식회사 가나다",
        "contact_phone": "010-2222-3333",
    }
    data.update(overrides)
    return data


def test_booking_form_requires_sign_in_and_comes_back_with_the_query_string(client):
    room = RoomFactory()
    url = f"{book_url(room)}?date=2026-12-01&start=10:00&duration=60"
    response = client.get(url)
    assert response.status_code == 302
    login = reverse("accounts:login")
    assert response["Location"] == f"{login}?next={quote(url, safe='/')}"


def test_booking_form_prefills_slot_and_profile(booker_client):
    room = RoomFactory()
    page = booker_client.get(
        f"{book_url(room)}?date=2026-12-01&start=10:30&duration=90"
    ).content.decode()
    assert 'value="2026-12-01"' in page
    assert 'value="10:30"' in page
    assert '<option value="90" selected>' in page
    assert 'value="주식회사 가나다"' in page
    assert 'value="010-2222-3333"' in page


def test_booking_form_defaults_to_one_hour(booker_client):
    page = booker_client.get(book_url(RoomFactory())).content.decode()
    assert '<option value="60" selected>' in page


def test_plain_post_books_an_approved_standard_room_and_redirects(booker_client, booker):
    room = RoomFactory()
    start = next_weekday_at(10)
    response = booker_client.post(book_url(room), booking_data(start))
    reservation = Reservation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:booked", args=[reservation.pk])
    assert reservation.booked_by == booker
    assert reservation.status == Status.APPROVED
    assert reservation.start == start
    assert reservation.end == start + datetime.timedelta(hours=1)
    assert reservation.attendees == 4
    assert reservation.company_name == "주식회사 가나다"


def test_hall_booking_waits_for_approval(booker_client):
    room = HallFactory()
    start = next_weekday_at(10, days_ahead=3)
    response = booker_client.post(book_url(room), booking_data(start, attendees="60"))
    reservation = Reservation.objects.get()
    assert reservation.status == Status.PENDING
    page = booker_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "awaiting the facility manager" in page


def test_htmx_post_success_redirects_on_the_client(booker_client):
    room = RoomFactory()
    response = booker_client.post(book_url(room), booking_data(next_weekday_at(10)), **HTMX)
    reservation = Reservation.objects.get()
    assert response["HX-Redirect"] == reverse("booking:booked", args=[reservation.pk])


def test_htmx_post_with_an_error_returns_only_the_form_with_the_message(booker_client):
    room = RoomFactory(capacity=4)
    response = booker_client.post(
        book_url(room),
        booking_data(next_weekday_at(10), attendees="9"),
        HTTP_ACCEPT_LANGUAGE="en",
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<form id="booking-form"')
    assert "<html" not in page
    assert 'role="alert"' in page
    assert not Reservation.objects.exists()


def test_double_submit_creates_one_booking(booker_client):
    room = RoomFactory()
    data = booking_data(next_weekday_at(10))
    booker_client.post(book_url(room), data)
    response = booker_client.post(book_url(room), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-refusal="user_overlap"' in page or 'data-refusal="slot_taken"' in page
    assert Reservation.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "overrides", "code"),
    [
        (lambda: next_weekday_at(10, days_ahead=-7), {}, "past"),
        (lambda: next_weekday_at(10, 15), {}, "off_grid"),
        (lambda: next_weekday_at(8), {}, "outside_hours"),
        (lambda: next_weekday_at(17, 30), {}, "outside_hours"),
        (lambda: next_weekday_at(10), {"attendees": "11"}, "too_many_attendees"),
        (lambda: next_weekday_at(10, days_ahead=45), {}, "too_far_ahead"),
    ],
)
def test_each_refusal_shows_the_engine_message_and_writes_nothing(
    booker_client, start, overrides, code
):
    room = RoomFactory(capacity=10)
    response = booker_client.post(book_url(room), booking_data(start(), **overrides))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'role="alert" data-refusal="{code}"' in page
    assert not Reservation.objects.exists()


def test_too_long_booking_is_refused(booker_client):
    room = RoomFactory(facility=FacilityFactory(opening_hours=EVERY_DAY_LONG))
    start = next_weekday_at(7)
    response = booker_client.post(book_url(room), booking_data(start, duration="600"))
    assert 'data-refusal="too_long"' in response.content.decode()
    assert not Reservation.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date", "2026-02-30"),
        ("date", "next tuesday"),
        ("start", "25:00"),
        ("start", "ten"),
        ("duration", "-60"),
        ("duration", "abc"),
        ("attendees", "four"),
        ("attendees", "0"),
        ("attendees", "-3"),
        ("purpose", ""),
    ],
)
def test_malformed_input_is_a_field_error_in_the_users_language(booker_client, field, value):
    room = RoomFactory()
    data = booking_data(next_weekday_at(10), **{field: value})
    response = booker_client.post(book_url(room), data, HTTP_ACCEPT_LANGUAGE="ko")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="field__error"' in page
    assert not Reservation.objects.exists()


def test_unknown_room_is_404(booker_client):
    assert booker_client.get("/book/999999/").status_code == 404
    assert booker_client.post("/book/999999/", {}).status_code == 404


def test_slot_just_taken_offers_next_free_slots_and_free_rooms_nearby(booker_client):
    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start)
    nearby = RoomFactory(facility__district=room.facility.district, name="옆 건물 회의실")
    busy_nearby = RoomFactory(facility__district=room.facility.district, name="바쁜 회의실")
    ReservationFactory(room=busy_nearby, start=start)
    response = booker_client.post(book_url(room), booking_data(start), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert 'data-refusal="slot_taken"' in page
    assert "Other free times in this room that day" in page
    assert f"{book_url(room)}?date={start:%Y-%m-%d}&amp;start=11:00&amp;duration=60" in page
    assert "Rooms nearby free at the same time" in page
    assert f"{book_url(nearby)}?date={start:%Y-%m-%d}&amp;start=10:00&amp;duration=60" in page
    assert "옆 건물 회의실" in page
    assert "바쁜 회의실" not in page
    assert Reservation.objects.count() == 2


def test_rooms_further_away_are_offered_when_the_nearest_are_all_taken(booker_client):
    from portal.views.booking import NEARBY_FIRST

    room = RoomFactory()
    start = next_weekday_at(10)
    ReservationFactory(room=room, start=start)
    # In the same site, so the nearest by id: every one of the first rooms read is taken.
    nearest = RoomFactory.create_batch(NEARBY_FIRST, facility=room.facility)
    for busy in nearest:
        ReservationFactory(room=busy, start=start)
    further = RoomFactory(facility__district=room.facility.district, name="먼 회의실")
    response = booker_client.post(book_url(room), booking_data(start), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert 'data-refusal="slot_taken"' in page
    assert f"{book_url(further)}?date={start:%Y-%m-%d}&amp;start=10:00&amp;duration=60" in page
    assert not any(book_url(busy) in page for busy in nearest)


def test_inactive_room_cannot_be_booked(booker_client):
    room = RoomFactory(is_active=False)
    response = booker_client.post(
        book_url(room), booking_data(next_weekday_at(10)), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert "not bookable" in page
    assert 'data-refusal="inactive_room"' in page
    assert not Reservation.objects.exists()


def test_success_page_shows_status_details_and_links(booker_client, booker):
    reservation = ReservationFactory(booked_by=booker, start=next_weekday_at(14))
    url = reverse("booking:booked", args=[reservation.pk])
    page = booker_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your booking is confirmed" in page
    assert reservation.room.name in page
    assert "14:00–15:00" in page
    assert reverse("mine:ics", args=[reservation.pk]) in page
    assert reverse("mine:list") in page


def test_success_page_in_korean(booker_client, booker):
    reservation = ReservationFactory(booked_by=booker)
    url = reverse("booking:booked", args=[reservation.pk])
    page = booker_client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "예약이 확정되었습니다" in page


def test_booking_form_in_korean_and_english(booker_client):
    room = RoomFactory()
    assert (
        "참석 인원" in booker_client.get(book_url(room), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    )
    assert (
        "Attendees" in booker_client.get(book_url(room), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_success_page_is_404_for_anyone_but_the_booker(client):
    reservation = ReservationFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("booking:booked", args=[reservation.pk])).status_code == 404


class FailingMailBackend:
    """An SMTP server that is down: every send raises."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_booking_is_confirmed_though_the_mail_server_is_down(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.portal.test_booking.FailingMailBackend"
    room = RoomFactory()
    user = UserFactory()
    client.force_login(user)
    start = next_weekday_at(10)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(book_url(room), booking_data(start))

    reservation = Reservation.objects.get(room=room)
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:booked", args=[reservation.pk])


def test_an_unconfirmed_account_is_asked_to_confirm_its_address_and_can_resend_the_link(client):
    room = RoomFactory()
    client.force_login(UserFactory(email_verified_at=None))

    response = client.post(book_url(room), booking_data(next_weekday_at(10)))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-refusal="account_unconfirmed"' in page
    assert reverse("accounts:resend_confirmation") in page
    assert not Reservation.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_a_date_outside_the_accepted_range_is_refused_naming_the_range(booker_client, day):
    room = RoomFactory()
    data = {**booking_data(next_weekday_at(10)), "date": day}

    response = booker_client.post(book_url(room), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "Enter a date between 2000-01-01 and 2100-12-31." in response.content.decode()
    assert not Reservation.objects.exists()


def test_an_overlap_with_ones_own_booking_names_it_and_links_to_it(booker_client, booker):
    mine = ReservationFactory(booked_by=booker, start=next_weekday_at(10))
    other_room = RoomFactory()

    response = booker_client.post(
        book_url(other_room), booking_data(next_weekday_at(10, 30)), HTTP_ACCEPT_LANGUAGE="en"
    )

    page = response.content.decode()
    assert 'data-refusal="user_overlap"' in page
    assert f"You already have a booking at that time: {mine.room}" in page
    assert reverse("booking:booked", args=[mine.pk]) in page
