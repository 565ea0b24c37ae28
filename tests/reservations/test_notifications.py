import datetime

import pytest
from django.core import mail
from icalendar import Calendar

from reservations.services import approve, book, cancel, reject
from tests.factories import (
    HallFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def ics_event(message):
    ((name, content, mimetype),) = message.attachments
    assert name.endswith(".ics")
    assert mimetype == "text/calendar"
    content = content.encode() if isinstance(content, str) else content
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event, content


def test_the_booker_gets_a_confirmation_with_an_ics_in_seoul_time(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="booker@example.com")
    room = RoomFactory()
    start = next_weekday_at(10)
    with django_capture_on_commit_callbacks(execute=True):
        reservation = book(user, room, start, start + HOUR, attendees=2, purpose="투자 미팅")
    (message,) = mail.outbox
    assert message.to == ["booker@example.com"]
    assert "Booking confirmed" in message.subject
    assert room.facility.name in message.body
    calendar, event, content = ics_event(message)
    assert b"DTSTART;TZID=Asia/Seoul:" + start.strftime("%Y%m%dT%H%M%S").encode() in content
    assert b"BEGIN:VTIMEZONE" in content and b"TZID:Asia/Seoul" in content
    assert str(event["uid"]) == f"reservation-{reservation.pk}@boms"
    assert str(event["status"]) == "CONFIRMED"


def test_a_pending_booking_tells_the_booker_and_asks_the_managers(
    django_capture_on_commit_callbacks,
):
    manager = UserFactory(email="manager@example.com", is_staff=True)
    hall = HallFactory(facility__managers=[manager])
    start = next_weekday_at(10)
    with django_capture_on_commit_callbacks(execute=True):
        book(
            UserFactory(email="b@example.com"), hall, start, start + HOUR, attendees=9, purpose="x"
        )
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["b@example.com", "manager@example.com"]
    to_manager = next(m for m in mail.outbox if m.to == ["manager@example.com"])
    assert "/admin/reservations/reservation/" in to_manager.body
    _, event, _ = ics_event(next(m for m in mail.outbox if m.to == ["b@example.com"]))
    assert str(event["status"]) == "TENTATIVE"


@pytest.mark.parametrize("decision", ["approve", "reject", "cancel"])
def test_each_decision_is_mailed_to_the_booker(decision, django_capture_on_commit_callbacks):
    manager = UserFactory(is_staff=True)
    hall = HallFactory(facility__managers=[manager])
    start = next_weekday_at(10)
    reservation = book(UserFactory(), hall, start, start + HOUR, attendees=9, purpose="x")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if decision == "approve":
            approve(manager, reservation)
        elif decision == "reject":
            reject(manager, reservation, "일정 중복")
        else:
            cancel(manager, reservation, "시설 점검")
    (message,) = mail.outbox
    assert message.to == [reservation.booked_by.email]
    expected = {"approve": "approved", "reject": "rejected", "cancel": "cancelled"}[decision]
    assert expected in message.subject
    _, event, _ = ics_event(message)
    assert str(event["status"]) == ("CONFIRMED" if decision == "approve" else "CANCELLED")
    if decision != "approve":
        assert ("일정 중복" if decision == "reject" else "시설 점검") in message.body


def test_the_seoul_vtimezone_is_worked_out_once_a_process(monkeypatch):
    from icalendar import Timezone

    from reservations import ics

    calls = []
    original = Timezone.from_tzid
    monkeypatch.setattr(Timezone, "from_tzid", lambda *a, **k: calls.append(a) or original(*a, **k))
    ics._vtimezone.cache_clear()
    first, second = (
        Calendar.from_ical(ics.reservations_ics([booking], calendar_name="BOMS"))
        for booking in ReservationFactory.create_batch(2)
    )
    assert len(calls) == 1
    for calendar in (first, second):
        (zone,) = calendar.walk("VTIMEZONE")
        assert str(zone["tzid"]) == "Asia/Seoul"
        assert zone.to_tz().utcoffset(datetime.datetime(2026, 7, 1)) == datetime.timedelta(hours=9)
