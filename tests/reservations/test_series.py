"""Recurring bookings: every date of a series is an ordinary booking under every rule; dates
refused are skipped with their rule's reason, later dates are booked as they enter the window,
the quota counts a series once, "this and later" ends a series, managers decide a series as a
whole, and each change is one e-mail with the dates as calendar events."""

import datetime

import icalendar
import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from reservations import rules, services
from reservations.models import Frequency, Reservation, Series, Status, occurrence_days
from reservations.rules import BookingError
from rooms.calendar import at
from tests.factories import (
    ClosureFactory,
    HallFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Wednesday 9 September 2026, 09:00 in Seoul: a standard room's window reaches 9 October.
NOW = at(datetime.date(2026, 9, 9), datetime.time(9))
THURSDAY = datetime.date(2026, 9, 10)
TEN, ELEVEN = datetime.time(10), datetime.time(11)


def travel(moment):
    return time_machine.travel(moment, tick=False)


def day(month, number):
    return datetime.date(2026, month, number)


@pytest.fixture
def booker():
    return UserFactory(email="booker@example.com")


@pytest.fixture
def scene(booker):
    """Six Thursdays from 10 September: the 24th is a holiday (the day before Chuseok), the
    room is closed on 1 October, someone else holds 8 October, and 15 October lies beyond the
    30-day window seen from 9 September."""
    room = RoomFactory()
    ClosureFactory(
        facility=room.facility,
        start=at(day(10, 1), datetime.time(9)),
        end=at(day(10, 1), datetime.time(18)),
    )
    ReservationFactory(room=room, start=at(day(10, 8), TEN), end=at(day(10, 8), ELEVEN))
    return room


def book_thursdays(booker, room, hour=10, **pattern):
    pattern = {"frequency": Frequency.WEEKLY, "count": 6, **pattern}
    start = at(THURSDAY, datetime.time(hour))
    return services.book_series(
        booker,
        room,
        start,
        start + datetime.timedelta(hours=1),
        attendees=4,
        purpose="주간 화상회의",
        **pattern,
    )


# --- the pattern ---


def test_weekly_and_fortnightly_dates_step_by_one_and_two_weeks():
    assert occurrence_days(THURSDAY, Frequency.WEEKLY, count=3) == [
        day(9, 10), day(9, 17), day(9, 24)
    ]  # fmt: skip
    assert occurrence_days(THURSDAY, Frequency.FORTNIGHTLY, until=day(10, 8)) == [
        day(9, 10), day(9, 24), day(10, 8)
    ]  # fmt: skip


def test_monthly_dates_keep_the_weekday_of_the_same_week():
    # 10 September 2026 is the second Thursday of its month.
    assert occurrence_days(THURSDAY, Frequency.MONTHLY, count=4) == [
        day(9, 10), day(10, 8), day(11, 12), day(12, 10)
    ]  # fmt: skip


def test_a_monthly_series_from_the_fifth_week_takes_each_months_last_such_weekday():
    # 29 October 2026 is the fifth Thursday; November has four.
    assert occurrence_days(day(10, 29), Frequency.MONTHLY, count=3) == [
        day(10, 29), day(11, 26), day(12, 31)
    ]  # fmt: skip


def test_the_pattern_stops_one_past_the_limit_however_far_the_end():
    far = occurrence_days(THURSDAY, Frequency.WEEKLY, until=datetime.date(2100, 12, 31), most=26)
    assert len(far) == 27


# --- before booking: every date with its outcome ---


def test_the_plan_shows_every_date_with_the_rule_that_refuses_it(scene, booker):
    with travel(NOW):
        plan = services.plan_series(
            booker, scene, at(THURSDAY, TEN), at(THURSDAY, ELEVEN),
            frequency=Frequency.WEEKLY, count=6, attendees=4,
        )  # fmt: skip

    outcomes = [(timezone.localdate(date.start), date.outcome, date.error and date.error.code)
                for date in plan]  # fmt: skip
    assert outcomes == [
        (day(9, 10), "bookable", None),
        (day(9, 17), "bookable", None),
        (day(9, 24), "refused", "holiday"),
        (day(10, 1), "refused", "closed"),
        (day(10, 8), "refused", "slot_taken"),
        (day(10, 15), "later", None),
    ]
    assert plan[5].books_on == day(9, 15)
    assert Series.objects.count() == 0
    assert Reservation.objects.filter(booked_by=booker).count() == 0


# --- booking ---


def test_a_series_over_a_holiday_a_closure_and_a_taken_date_books_the_rest(scene, booker):
    with travel(NOW):
        outcome = book_thursdays(booker, scene)

    series = outcome.series
    booked = Reservation.objects.filter(series=series).order_by("start")
    assert [timezone.localdate(r.start) for r in booked] == [day(9, 10), day(9, 17)]
    assert all(r.status == Status.APPROVED and r.booked_by == booker for r in booked)
    assert [r.end - r.start for r in booked] == [datetime.timedelta(hours=1)] * 2
    skipped = {entry["start"][:10]: entry for entry in series.skipped}
    assert {date: entry["code"] for date, entry in skipped.items()} == {
        "2026-09-24": "holiday",
        "2026-10-01": "closed",
        "2026-10-08": "slot_taken",
    }
    assert skipped["2026-10-01"]["reason"]["en"] == "The room is closed at that time."
    assert skipped["2026-10-01"]["reason"]["ko"] != skipped["2026-10-01"]["reason"]["en"]
    assert outcome.later == [day(10, 15)]
    assert series.booked_through == day(10, 9) and series.last_day == day(10, 15)


def test_a_series_is_mailed_once_with_its_dates_and_skipped_reasons_and_an_ics_of_the_dates(
    scene, booker, django_capture_on_commit_callbacks
):
    with travel(NOW), django_capture_on_commit_callbacks(execute=True):
        book_thursdays(booker, scene)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["booker@example.com"]
    assert "Recurring booking confirmed" in message.subject
    assert "2026-09-10 (Thu) 10:00–11:00" in message.body
    assert "2026-10-01 (Thu) 10:00: The room is closed at that time." in message.body
    assert "2026-10-15 (Thu) 10:00–11:00 (on 2026-09-15)" in message.body
    assert "Hangul" not in message.body
    filename, content, mimetype = message.attachments[0]
    calendar = icalendar.Calendar.from_ical(content)
    events = list(calendar.walk("VEVENT"))
    starts = [event.decoded("dtstart") for event in events]
    assert [start.date() for start in starts] == [day(9, 10), day(9, 17)]
    assert all(start.hour == 10 and str(start.tzinfo) == "Asia/Seoul" for start in starts)
    assert all(event.get("rrule") is None for event in events)
    assert len({str(event["uid"]) for event in events}) == 2


def test_nothing_is_kept_when_no_date_can_be_booked(booker):
    room = RoomFactory(is_active=False)
    with travel(NOW), pytest.raises(BookingError) as refused:
        book_thursdays(booker, room)
    assert refused.value.code == "series_nothing_booked"
    assert Series.objects.count() == 0
    assert Reservation.objects.count() == 0


def test_a_pending_series_sends_one_request_and_one_notice_to_the_managers(
    booker, django_capture_on_commit_callbacks
):
    manager = UserFactory(is_staff=True, email="manager@example.com")
    hall = HallFactory(facility__managers=[manager])
    with travel(NOW), django_capture_on_commit_callbacks(execute=True):
        outcome = book_thursdays(booker, hall, count=3)

    assert {r.status for r in outcome.booked} == {Status.PENDING}
    assert sorted(message.to[0] for message in mail.outbox) == [
        "booker@example.com",
        "manager@example.com",
    ]
    to_manager = next(m for m in mail.outbox if m.to == ["manager@example.com"])
    assert f"/admin/reservations/series/{outcome.series.pk}/change/" in to_manager.body


@pytest.mark.parametrize(
    ("pattern", "code"),
    [
        ({"count": 27}, "series_too_long"),
        ({"count": None, "until": datetime.date(2100, 12, 31)}, "series_too_long"),
        ({"count": 1}, "series_end"),
        ({"count": None, "until": THURSDAY}, "series_end"),
        ({"count": 3, "until": day(12, 31)}, "series_end"),
    ],
)
def test_a_pattern_out_of_bounds_is_refused_whole(booker, pattern, code):
    with travel(NOW), pytest.raises(BookingError) as refused:
        book_thursdays(booker, RoomFactory(), **pattern)
    assert refused.value.code == code
    assert Series.objects.count() == 0 and Reservation.objects.count() == 0


# --- the quota ---


def test_a_series_counts_as_one_booking_against_the_quota(booker):
    room = RoomFactory()
    for hour in (9, 10, 11):
        ReservationFactory(booked_by=booker, start=at(day(9, 14), datetime.time(hour)),
                           end=at(day(9, 14), datetime.time(hour, 30)))  # fmt: skip
    with travel(NOW):
        outcome = book_thursdays(booker, room, count=4)
        assert len(outcome.booked) == 3  # three dates (24 September is a holiday), one place

        # 3 single bookings + 1 series: one single booking more fills the quota.
        services.book(booker, RoomFactory(), at(day(9, 15), TEN), at(day(9, 15), ELEVEN),
                      attendees=2, purpose="면담")  # fmt: skip
        with pytest.raises(BookingError) as refused:
            services.book(booker, RoomFactory(), at(day(9, 16), TEN), at(day(9, 16), ELEVEN),
                          attendees=2, purpose="면담")  # fmt: skip
    assert refused.value.code == "user_limit"


def test_the_dates_of_a_series_already_counted_are_never_refused_by_the_quota(booker):
    room = RoomFactory()
    with travel(NOW):
        book_thursdays(booker, room, count=6)
        for number in range(4):
            start = at(day(9, 14) + datetime.timedelta(days=number), datetime.time(14))
            services.book(booker, RoomFactory(), start, start + datetime.timedelta(hours=1),
                          attendees=2, purpose="면담")  # fmt: skip
    with travel(at(day(9, 15), datetime.time(0, 5))):
        assert services.extend_series() == 1


def test_a_third_series_going_on_is_refused_with_the_series_rule(booker):
    with travel(NOW):
        book_thursdays(booker, RoomFactory(), hour=10, count=2)
        book_thursdays(booker, RoomFactory(), hour=12, count=2)
        with pytest.raises(BookingError) as refused:
            book_thursdays(booker, RoomFactory(), hour=14, count=2)
    assert refused.value.code == "series_limit"
    assert str(rules.USER_MAX_SERIES) in refused.value.messages[0]
    assert Series.objects.count() == 2


# --- extending as the window moves ---


def test_dates_entering_the_window_are_booked_once_and_told_in_one_mail(
    scene, booker, django_capture_on_commit_callbacks
):
    with travel(NOW):
        series = book_thursdays(booker, scene).series
    mail.outbox.clear()
    with (
        travel(at(day(9, 15), datetime.time(0, 5))),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.extend_series() == 1
        assert services.extend_series() == 0

    dates = Reservation.objects.filter(series=series).order_by("start")
    assert [timezone.localdate(r.start) for r in dates] == [day(9, 10), day(9, 17), day(10, 15)]
    series.refresh_from_db()
    assert series.booked_through == day(10, 15)
    assert len(mail.outbox) == 1
    assert "More dates of your recurring booking" in mail.outbox[0].subject


def test_a_date_refused_when_it_enters_the_window_is_skipped_with_its_reason(scene, booker):
    with travel(NOW):
        series = book_thursdays(booker, scene).series
    ReservationFactory(room=scene, start=at(day(10, 15), TEN), end=at(day(10, 15), ELEVEN))
    with travel(at(day(9, 15), datetime.time(0, 5))):
        assert services.extend_series() == 0
    series.refresh_from_db()
    assert series.skipped[-1]["start"].startswith("2026-10-15")
    assert series.skipped[-1]["code"] == "slot_taken"
    assert series.booked_through == day(10, 15)


# --- cancelling ---


def test_cancelling_this_and_later_leaves_earlier_dates_and_ends_the_series(
    scene, booker, django_capture_on_commit_callbacks
):
    with travel(NOW):
        series = book_thursdays(booker, scene).series
        second = series.occurrences.get(start=at(day(9, 17), TEN))
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            cancelled = services.cancel_from(booker, second)

    assert [r.pk for r in cancelled] == [second.pk]
    statuses = dict(series.occurrences.values_list("start", "status"))
    assert statuses == {at(day(9, 10), TEN): Status.APPROVED, at(day(9, 17), TEN): Status.CANCELLED}
    series.refresh_from_db()
    assert series.stopped_at == second.start
    assert len(mail.outbox) == 1 and "Recurring booking cancelled" in mail.outbox[0].subject
    with travel(at(day(9, 15), datetime.time(0, 5))):
        assert services.extend_series() == 0
    assert series.occurrences.count() == 2


def test_cancelling_one_date_keeps_the_others_and_the_series(scene, booker):
    with travel(NOW):
        series = book_thursdays(booker, scene).series
        first = series.occurrences.get(start=at(THURSDAY, TEN))
        services.cancel(booker, first)
    assert series.occurrences.get(start=at(day(9, 17), TEN)).status == Status.APPROVED
    with travel(at(day(9, 15), datetime.time(0, 5))):
        assert services.extend_series() == 1


def test_only_the_booker_cancels_the_rest_of_a_series(scene, booker):
    with travel(NOW):
        series = book_thursdays(booker, scene).series
        with pytest.raises(PermissionDenied):
            services.cancel_from(UserFactory(), series.occurrences.first())
    assert not series.occurrences.filter(status=Status.CANCELLED).exists()


# --- managers' decisions ---


@pytest.fixture
def pending_series(booker):
    manager = UserFactory(is_staff=True, email="manager@example.com")
    hall = HallFactory(facility__managers=[manager])
    with travel(NOW):
        series = book_thursdays(booker, hall, count=2).series
    return series, manager


def test_a_manager_approves_a_series_as_a_whole_in_one_mail(
    pending_series, django_capture_on_commit_callbacks
):
    series, manager = pending_series
    mail.outbox.clear()
    with travel(NOW), django_capture_on_commit_callbacks(execute=True):
        decision = services.approve_series(manager, series)
    assert len(decision.decided) == 2
    assert set(series.occurrences.values_list("status", flat=True)) == {Status.APPROVED}
    assert [m.to for m in mail.outbox] == [["booker@example.com"]]
    assert "Recurring booking approved" in mail.outbox[0].subject


def test_a_manager_rejects_a_series_as_a_whole_with_a_reason(pending_series):
    series, manager = pending_series
    with travel(NOW):
        services.reject_series(manager, series, "행사 준비")
    assert set(series.occurrences.values_list("decision_note", flat=True)) == {"행사 준비"}
    assert set(series.occurrences.values_list("status", flat=True)) == {Status.REJECTED}


def test_a_manager_decides_one_date_of_a_series_on_its_own(pending_series):
    series, manager = pending_series
    first, *rest = series.occurrences.order_by("start")
    with travel(NOW):
        services.approve(manager, first)
        services.approve_series(manager, series)
    assert first.events.filter(to_status=Status.APPROVED).count() == 1
    assert set(series.occurrences.values_list("status", flat=True)) == {Status.APPROVED}


def test_another_facilitys_manager_cannot_decide_the_series(pending_series):
    series, _manager = pending_series
    with travel(NOW), pytest.raises(PermissionDenied):
        services.approve_series(UserFactory(is_staff=True), series)
    assert set(series.occurrences.values_list("status", flat=True)) == {Status.PENDING}


def test_the_worker_extends_series_once_a_day_just_after_midnight(scene, booker):
    from reservations import tasks
    from worker import sweep

    step = sweep.STEPS["reservations.tasks.extend_series"]
    assert step.every == datetime.timedelta(days=1)
    assert step.is_due(at(day(9, 14), datetime.time(23, 59)), at(day(9, 15), datetime.time(0, 5)))
    with travel(NOW):
        book_thursdays(booker, scene)
    midnight = at(day(9, 15), datetime.time(0, 5))
    with travel(midnight):
        assert tasks.extend_series(midnight) == 1
