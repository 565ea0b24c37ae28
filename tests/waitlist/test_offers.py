"""The hand-over of freed time: first in line gets an offer that holds the slot, then the next."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from reservations import rules
from reservations.models import Reservation, Status
from reservations.services import (
    BookingError,
    book,
    cancel,
    end_early,
    lift_closure,
    reject,
    release_no_shows,
)
from tests.factories import (
    ClosureFactory,
    HallFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)
from tests.waitlist.conftest import HOUR, join
from waitlist import services
from waitlist.models import Entry, EntryStatus, EventKind, WaitlistEvent

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def taken(room, slot):
    """The slot, booked by someone else."""
    start, end = slot
    return book(UserFactory(), room, start, end, attendees=2, purpose="먼저 한 예약")


def test_a_cancellation_offers_the_slot_to_the_first_in_line_only(
    room, slot, taken, django_capture_on_commit_callbacks
):
    first = join(UserFactory(email="first@example.com"), room, slot)
    second = join(UserFactory(email="second@example.com"), room, slot)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == EntryStatus.OFFERED
    assert second.status == EntryStatus.WAITING
    hold = first.hold
    assert hold.status == Status.OFFERED and hold.booked_by is None
    assert (hold.room_id, hold.start, hold.end) == (room.pk, *slot)
    assert hold.offer_expires_at == min(hold.created_at + rules.OFFER_WINDOW, slot[0]) or (
        hold.offer_expires_at - timezone.now() <= rules.OFFER_WINDOW
    )
    offers = [m for m in mail.outbox if m.to == ["first@example.com"]]
    assert len(offers) == 1 and "held for you" in offers[0].subject
    assert not [m for m in mail.outbox if m.to == ["second@example.com"]]


def test_someone_else_booking_during_the_hold_is_refused_by_the_rules_and_the_database(
    room, slot, taken, django_capture_on_commit_callbacks
):
    join(UserFactory(), room, slot)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    with pytest.raises(BookingError) as refused:
        book(UserFactory(), room, *slot, attendees=2, purpose="끼어들기")
    assert refused.value.code == "slot_taken"
    # Past the rules, the database's overlap guard itself refuses the row.
    with pytest.raises(IntegrityError, match="reservation_no_overlap"), transaction.atomic():
        ReservationFactory(room=room, start=slot[0], end=slot[1], status=Status.APPROVED)


def test_an_offer_not_confirmed_in_time_passes_to_the_second(
    room, slot, taken, django_capture_on_commit_callbacks
):
    first = join(UserFactory(), room, slot)
    second = join(UserFactory(), room, slot)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    first.refresh_from_db()
    first_hold = first.hold_id
    later = timezone.now() + rules.OFFER_WINDOW + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_offers(now=later) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == EntryStatus.EXPIRED and first.hold is None
    assert not Reservation.objects.filter(pk=first_hold).exists()
    assert second.status == EntryStatus.OFFERED
    assert second.hold.start == slot[0]


def test_confirming_books_the_slot_for_the_offered_user(
    room, slot, taken, django_capture_on_commit_callbacks
):
    user = UserFactory()
    entry = join(user, room, slot)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    entry.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.confirm(user, entry)
    entry.refresh_from_db()
    assert booking.booked_by == user and booking.status == Status.APPROVED
    assert (booking.start, booking.end, booking.purpose) == (*slot, "대기 중인 회의")
    assert entry.status == EntryStatus.ACCEPTED and entry.booking == booking
    assert not Reservation.objects.offers().exists()
    assert Reservation.objects.holding_time().filter(room=room).count() == 1


def test_a_declined_offer_goes_to_the_next_in_line(
    room, slot, taken, django_capture_on_commit_callbacks
):
    first_user = UserFactory()
    first = join(first_user, room, slot)
    second = join(UserFactory(), room, slot)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    first.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(first_user, first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == EntryStatus.DECLINED
    assert second.status == EntryStatus.OFFERED
    assert Reservation.objects.offers().count() == 1


def test_confirming_runs_the_booking_rules_and_a_refusal_keeps_the_hold(
    room, slot, taken, django_capture_on_commit_callbacks
):
    user = UserFactory()
    entry = join(user, room, slot)
    # The user's own booking elsewhere at the same time: confirming would overlap it.
    ReservationFactory(booked_by=user, room=RoomFactory(), start=slot[0], end=slot[1])
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    entry.refresh_from_db()
    hold_id = entry.hold_id
    with pytest.raises(BookingError) as refused:
        services.confirm(user, entry)
    assert refused.value.code == "user_overlap"
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OFFERED and entry.hold_id == hold_id
    assert Reservation.objects.filter(pk=hold_id, status=Status.OFFERED).exists()


def test_confirming_a_suspended_users_offer_is_refused(
    room, slot, taken, django_capture_on_commit_callbacks
):
    from reservations.models import Suspension

    user = UserFactory()
    entry = join(user, room, slot)
    now = timezone.now()
    Suspension.objects.create(
        user=user, starts_at=now, ends_at=now + datetime.timedelta(days=3), no_shows=3
    )
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    entry.refresh_from_db()
    with pytest.raises(BookingError) as refused:
        services.confirm(user, entry)
    assert refused.value.code == "suspended"


def test_confirming_over_the_quota_is_refused(
    room, slot, taken, django_capture_on_commit_callbacks
):
    user = UserFactory(account_type="individual", company="", business_number="")
    entry = join(user, room, slot)
    for days in range(2, 2 + rules.USER_MAX_UPCOMING):
        start = next_weekday_at(14, days_ahead=days)
        ReservationFactory(booked_by=user, start=start, end=start + HOUR)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    entry.refresh_from_db()
    with pytest.raises(BookingError) as refused:
        services.confirm(user, entry)
    assert refused.value.code == "user_limit"


def test_an_offer_past_its_window_cannot_be_confirmed(
    room, slot, taken, django_capture_on_commit_callbacks
):
    user = UserFactory()
    entry = join(user, room, slot)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    entry.refresh_from_db()
    later = timezone.now() + rules.OFFER_WINDOW
    with pytest.raises(BookingError) as refused:
        services.confirm(user, entry, now=later)
    assert refused.value.code == "offer_over"


def test_someone_elses_offer_cannot_be_confirmed_or_declined(
    room, slot, taken, django_capture_on_commit_callbacks
):
    entry = join(UserFactory(), room, slot)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    entry.refresh_from_db()
    intruder = UserFactory()
    for action in (services.confirm, services.decline, services.leave):
        with pytest.raises(BookingError) as refused:
            action(intruder, entry)
        assert refused.value.code == "not_yours"
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OFFERED


def test_a_pending_approval_room_makes_a_pending_booking(django_capture_on_commit_callbacks):
    hall = HallFactory()
    start = next_weekday_at(10)
    slot = (start, start + HOUR)
    taken = book(UserFactory(), hall, *slot, attendees=20, purpose="행사")
    user = UserFactory()
    entry = join(user, hall, slot)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    entry.refresh_from_db()
    booking = services.confirm(user, entry)
    assert booking.status == Status.PENDING


def test_a_rejection_offers_the_freed_time(django_capture_on_commit_callbacks):
    manager = UserFactory(is_staff=True)
    hall = HallFactory(facility__managers=[manager])
    start = next_weekday_at(10)
    pending = book(UserFactory(), hall, start, start + HOUR, attendees=20, purpose="행사")
    waiting = join(UserFactory(), hall, (start, start + HOUR))
    with django_capture_on_commit_callbacks(execute=True):
        reject(manager, pending, "점검")
    waiting.refresh_from_db()
    assert waiting.status == EntryStatus.OFFERED


@pytest.fixture
def morning():
    """Working hours on a working day: a meeting under way can be released."""
    moment = next_weekday_at(10, 10)
    with time_machine.travel(moment, tick=False):
        yield moment


def test_a_no_show_release_offers_the_rest_of_its_time(morning, django_capture_on_commit_callbacks):
    room = RoomFactory()
    ReservationFactory(
        room=room, start=morning - datetime.timedelta(minutes=40), end=morning + 3 * HOUR
    )
    entry = join(UserFactory(), room, (morning + 50 * MINUTE, morning + 110 * MINUTE))
    with django_capture_on_commit_callbacks(execute=True):
        assert release_no_shows(now=morning) == 1
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OFFERED


def test_ending_early_offers_the_rest_of_the_meeting(morning, django_capture_on_commit_callbacks):
    room = RoomFactory()
    meeting = ReservationFactory(
        room=room,
        start=morning - datetime.timedelta(minutes=10),
        end=morning + 3 * HOUR,
        checked_in_at=morning - datetime.timedelta(minutes=10),
    )
    entry = join(UserFactory(), room, (morning + 50 * MINUTE, morning + 110 * MINUTE))
    with django_capture_on_commit_callbacks(execute=True):
        end_early(meeting.booked_by, meeting, now=morning)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OFFERED


def test_lifting_a_closure_early_offers_its_time(django_capture_on_commit_callbacks):
    manager = UserFactory(is_staff=True)
    room = RoomFactory(facility__managers=[manager])
    start = next_weekday_at(10)
    closure = ClosureFactory(facility=room.facility, start=start - HOUR, end=start + 3 * HOUR)
    entry = join(UserFactory(), room, (start, start + HOUR))
    with django_capture_on_commit_callbacks(execute=True):
        assert lift_closure(manager, closure) is None  # not begun: removed
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OFFERED


def test_lifting_a_closure_under_way_ends_it_now(django_capture_on_commit_callbacks):
    manager = UserFactory(is_staff=True)
    room = RoomFactory(facility__managers=[manager])
    now = timezone.now()
    closure = ClosureFactory(facility=room.facility, start=now - HOUR, end=now + 5 * HOUR)
    with django_capture_on_commit_callbacks(execute=True):
        lifted = lift_closure(manager, closure, now=now)
    assert lifted.end == now
    closure.refresh_from_db()
    assert closure.end == now


def test_only_the_facilitys_managers_lift_a_closure():
    from django.core.exceptions import PermissionDenied

    closure = ClosureFactory()
    with pytest.raises(PermissionDenied):
        lift_closure(UserFactory(is_staff=True), closure)
    with pytest.raises(BookingError):
        over = ClosureFactory(
            facility=closure.facility,
            start=timezone.now() - 3 * HOUR,
            end=timezone.now() - HOUR,
        )
        lift_closure(UserFactory(is_superuser=True, is_staff=True), over)


def test_an_entry_whose_period_began_expires(room, slot, taken):
    entry = join(UserFactory(), room, slot)
    with time_machine.travel(slot[0] + datetime.timedelta(minutes=1)):
        assert services.expire_waiting() == 1
    entry.refresh_from_db()
    assert entry.status == EntryStatus.EXPIRED
    assert list(WaitlistEvent.objects.values_list("kind", flat=True)) == [
        EventKind.JOINED,
        EventKind.EXPIRED,
    ]


def test_joining_twice_for_the_same_room_and_period_is_refused(room, slot, taken):
    user = UserFactory()
    join(user, room, slot)
    with pytest.raises(BookingError) as refused:
        join(user, room, slot)
    assert refused.value.code == "already_waiting"
    assert Entry.objects.count() == 1


def test_joining_for_a_period_begun_is_refused(room):
    now = timezone.now()
    with pytest.raises(BookingError) as refused:
        join(UserFactory(), room, (now - HOUR, now + HOUR))
    assert refused.value.code == "past"


def test_events_record_each_step_where_it_happened_and_nothing_personal(
    room, slot, taken, django_capture_on_commit_callbacks
):
    user = UserFactory()
    entry = join(user, room, slot)
    second_user = UserFactory()
    second = join(second_user, room, slot)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    entry.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(user, entry)
    second.refresh_from_db()
    services.confirm(second_user, second)
    kinds = list(WaitlistEvent.objects.values_list("kind", flat=True))
    assert kinds == ["joined", "joined", "offered", "declined", "offered", "accepted"]
    facility = room.facility
    assert set(WaitlistEvent.objects.values_list("region", "district", "facility", "room")) == {
        (facility.district.region_id, facility.district_id, facility.pk, room.pk)
    }
    fields = {f.name for f in WaitlistEvent._meta.get_fields()}
    assert fields == {"id", "kind", "at", "region", "district", "facility", "room"}


def test_an_offer_holds_the_time_in_the_schedule_and_the_search(
    room, slot, taken, django_capture_on_commit_callbacks
):
    from reservations import availability

    join(UserFactory(), room, slot)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    now = timezone.now()
    request = rules.BookingRequest(*slot, now, attendees=2)
    assert not rules.SLOT_FREE.admit(type(room).objects.filter(pk=room.pk), request).exists()
    day = timezone.localdate(slot[0])
    schedule = availability.day_book(day).schedules([(room.pk, room.facility_id)], now)[room.pk]
    assert not schedule.is_free(*slot)


def test_the_cached_day_follows_an_offer_made_and_ended(
    room, slot, taken, django_capture_on_commit_callbacks
):
    """The schedule stamps (triggers of reservations 0008) stamp the day for an offer's row as
    for a booking's, so the cached day never shows an offered slot as free, nor an ended
    offer's slot as taken."""
    from reservations import availability

    user = UserFactory()
    entry = join(user, room, slot)
    day = timezone.localdate(slot[0])

    def free():
        now = timezone.now()
        book_of_day = availability.day_book(day)
        return book_of_day.schedules([(room.pk, room.facility_id)], now)[room.pk].is_free(*slot)

    assert not free()  # booked, and now in the cache
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    assert not free()  # offered to the first in line
    entry.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(user, entry)
    assert free()


def test_deleting_an_account_passes_its_offer_to_the_next_in_line(
    room, slot, taken, django_capture_on_commit_callbacks
):
    leaving = UserFactory()
    first = join(leaving, room, slot)
    second = join(UserFactory(), room, slot)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(taken.booked_by, taken)
    first.refresh_from_db()
    assert first.status == EntryStatus.OFFERED
    with django_capture_on_commit_callbacks(execute=True):
        leaving.delete()
    second.refresh_from_db()
    assert second.status == EntryStatus.OFFERED
    assert not Entry.objects.filter(pk=first.pk).exists()
    assert Reservation.objects.offers().count() == 1
