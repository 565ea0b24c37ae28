"""Every change of a waitlist entry: join, leave, the offer to the first in line, confirm,
decline, and the expiry of offers and of entries whose period began.

An offer holds the room's time through the booking service (`reservations.services.hold_for_offer`,
a row the database's overlap guard counts like a booking), so nobody else can book it and no
second offer can be made for it. Each change of an entry's status is a compare-and-set, so two
workers handling the same freed time never offer one entry twice; an "any room" entry has at
most one offer at a time. Ending an offer (declined, expired) frees its time through the same
signal as a cancellation, which offers it to the next in line.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reservations import rules
from reservations import services as bookings
from reservations.models import Reservation
from reservations.rules import BookingError, refusal
from rooms.models import Room
from waitlist import notifications
from waitlist.models import Entry, EntryStatus, EventKind, WaitlistEvent

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger("boms.waitlist")


@dataclass
class Wish:
    """What a person asks to wait for: a room, or a search (region and its filters)."""

    start: datetime.datetime
    end: datetime.datetime
    attendees: int
    purpose: str
    room: Room | None = None
    region_id: int | None = None
    district_id: int | None = None
    kind: str = ""
    equipment: list[str] = field(default_factory=list)


def join(user: User, wish: Wish, now: datetime.datetime | None = None) -> Entry:
    """Put the user at the end of the line for the wish; refuse a period already begun, and a
    second place in the same room's line for the same period."""
    now = now or timezone.now()
    if wish.start <= now:
        raise refusal("past", _("This period has already begun; there is nothing to wait for."))
    if wish.end <= wish.start:
        raise refusal("too_short", _("The period must end after it starts."))
    if wish.room is None and wish.region_id is None:
        raise refusal("no_region", _("Choose a region to wait for any room in it."))
    if wish.room is not None:
        _check_worth_waiting(wish, now)
    else:
        # Whichever room comes free, a period on a holiday or off the grid never can be booked.
        request = rules.BookingRequest(wish.start, wish.end, now, attendees=wish.attendees)
        for rule in rules.RULES:
            if isinstance(rule, rules.PeriodRule):
                rule.check_period(request)
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                user=user,
                room=wish.room,
                region_id=None if wish.room else wish.region_id,
                district_id=None if wish.room else wish.district_id,
                kind="" if wish.room else wish.kind,
                equipment=[] if wish.room else sorted(set(wish.equipment)),
                start=wish.start,
                end=wish.end,
                attendees=wish.attendees,
                purpose=wish.purpose,
                joined_at=now,
            )
            WaitlistEvent.record(EventKind.JOINED, entry, at=now)
    except IntegrityError as error:
        if "entry_once_per_room_and_period" in str(error) or "waitlist_entry.user_id" in str(error):
            raise refusal(
                "already_waiting", _("You are already on the waitlist for this room and time.")
            ) from error
        raise
    return entry


# What may come free: a booking cancelled (or released), a closure lifted.
WAITABLE = (rules.SLOT_FREE.code, rules.CLOSURES.code)


def _check_worth_waiting(wish: Wish, now: datetime.datetime) -> None:
    """A room's period is worth waiting for when a booking or a closure takes it and every
    other rule about the room and the period (opening hours, holidays, the booking window,
    capacity…) would let it be booked; a period free now is to be booked, not waited for."""
    assert wish.room is not None
    request = rules.BookingRequest(wish.start, wish.end, now, attendees=wish.attendees)
    facts = rules.read(request, wish.room)
    taken = False
    for rule in rules.RULES:
        try:
            rule.check(request, wish.room, facts)
        except BookingError as error:
            if error.code not in WAITABLE:
                raise
            taken = True
    if not taken:
        raise refusal("free_now", _("This time is free: book it now instead of waiting."))


def _end(entry: Entry, from_status: str, to_status: str, now: datetime.datetime) -> bool:
    """Compare-and-set the entry's status; the hold (if any) is let go by the caller."""
    changed = Entry.objects.filter(pk=entry.pk, status=from_status).update(
        status=to_status, hold=None, ended_at=now
    )
    return changed == 1


def leave(user: User, entry: Entry, now: datetime.datetime | None = None) -> Entry:
    """The user leaves the line; an offer they hold is declined and passed on."""
    if entry.user_id != user.pk:
        raise refusal("not_yours", _("This waitlist entry is not yours."))
    if entry.status == EntryStatus.OFFERED:
        return decline(user, entry, now)
    now = now or timezone.now()
    with transaction.atomic():
        if not _end(entry, EntryStatus.WAITING, EntryStatus.LEFT, now):
            raise _changed()
    entry.refresh_from_db()
    return entry


def _changed() -> BookingError:
    return refusal(
        "invalid_transition", _("This entry was changed meanwhile. Please reload the page.")
    )


def offer_freed_time(
    room_ids: list[int],
    start: datetime.datetime,
    end: datetime.datetime,
    now: datetime.datetime | None = None,
) -> list[Entry]:
    """Offer freed time in these rooms to the first in line whose period it can serve.

    Entries are tried in the order they joined; an entry whose period is not free (or that
    the rules refuse: a closure, the opening hours) is passed over for now and keeps its place.
    Each offer holds the time, so later entries wanting the same time find it taken.
    """
    now = now or timezone.now()
    offers = []
    rooms = Room.objects.filter(pk__in=room_ids, is_active=True).select_related(
        "facility__district"
    )
    for room in rooms.order_by("pk"):
        candidates = (
            Entry.objects.waiting()
            .wanting(room)
            .overlapping(start, end)
            .filter(start__gt=now)
            .in_line()
        )
        for entry in candidates:
            if entry.matches(room) and _offer(entry, room, now):
                offers.append(entry)
    return offers


class _Lost(Exception):
    """The entry was offered or ended by someone else meanwhile."""


def _offer(entry: Entry, room: Room, now: datetime.datetime) -> bool:
    """Hold the entry's period in `room` and offer it to them; False when it cannot be."""
    try:
        with transaction.atomic():
            hold = bookings.hold_for_offer(
                room, entry.start, entry.end, attendees=entry.attendees, now=now
            )
            changed = Entry.objects.filter(pk=entry.pk, status=EntryStatus.WAITING).update(
                status=EntryStatus.OFFERED, hold=hold, offered_at=now
            )
            if changed != 1:
                raise _Lost
            WaitlistEvent.record(EventKind.OFFERED, entry, room=room, at=now)
            notifications.schedule_offer(entry.pk)
    except (BookingError, _Lost):
        return False
    logger.info(
        "Waitlist entry %s offered room %s until %s", entry.pk, room.pk, hold.offer_expires_at
    )
    return True


def _own_offer(user: User, entry: Entry) -> Entry:
    """The entry, locked, if it is this user's live offer; else a refusal."""
    locked = (
        Entry.objects.select_for_update(of=("self",))
        .select_related("hold__room__facility__district")
        .filter(pk=entry.pk, user=user)
        .first()
    )
    if locked is None:
        raise refusal("not_yours", _("This waitlist entry is not yours."))
    if locked.status != EntryStatus.OFFERED or locked.hold is None:
        raise refusal("offer_over", _("This offer has ended. Please join the waitlist again."))
    return locked


def confirm(user: User, entry: Entry, now: datetime.datetime | None = None) -> Reservation:
    """Book the offered time for the user, through the booking service and all its rules at
    this moment; a refusal leaves the offer as it was."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = _own_offer(user, entry)
        hold = entry.hold
        assert hold is not None
        if hold.offer_expires_at is None or hold.offer_expires_at <= now:
            raise refusal("offer_over", _("This offer has ended. Please join the waitlist again."))
        room = hold.room
        booking = bookings.confirm_offer(
            user, hold, attendees=entry.attendees, purpose=entry.purpose
        )
        Entry.objects.filter(pk=entry.pk).update(
            status=EntryStatus.ACCEPTED, booking=booking, ended_at=now
        )
        WaitlistEvent.record(EventKind.ACCEPTED, entry, room=room, at=now)
    return booking


def decline(user: User, entry: Entry, now: datetime.datetime | None = None) -> Entry:
    """The user turns the offer down: its time goes to the next in line."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = _own_offer(user, entry)
        hold = entry.hold
        assert hold is not None
        if not _end(entry, EntryStatus.OFFERED, EntryStatus.DECLINED, now):
            raise _changed()
        bookings.release_offer(hold)
        WaitlistEvent.record(EventKind.DECLINED, entry, room=hold.room, at=now)
    entry.refresh_from_db()
    return entry


def expire_offers(now: datetime.datetime | None = None) -> int:
    """End the offers nobody confirmed in time; each one's time goes to the next in line."""
    now = now or timezone.now()
    lapsed = (
        Reservation.objects.offers()
        .filter(offer_expires_at__lte=now)
        .select_related("room__facility__district")
        .order_by("offer_expires_at", "pk")
    )
    expired = 0
    for hold in lapsed:
        with transaction.atomic():
            entry = Entry.objects.filter(hold=hold, status=EntryStatus.OFFERED).first()
            if entry is not None:
                if not _end(entry, EntryStatus.OFFERED, EntryStatus.EXPIRED, now):
                    continue
                WaitlistEvent.record(EventKind.EXPIRED, entry, room=hold.room, at=now)
            if bookings.release_offer(hold):
                expired += 1
    return expired


def expire_waiting(now: datetime.datetime | None = None) -> int:
    """End the entries whose period has begun without an offer: the demand went unmet."""
    now = now or timezone.now()
    due = Entry.objects.waiting().filter(start__lte=now).select_related("room__facility__district")
    expired = 0
    for entry in due.order_by("start", "pk"):
        with transaction.atomic():
            if _end(entry, EntryStatus.WAITING, EntryStatus.EXPIRED, now):
                WaitlistEvent.record(EventKind.EXPIRED, entry, at=now)
                expired += 1
    return expired


def waiting_count(room: Room, now: datetime.datetime | None = None) -> int:
    """How many wait for a period still ahead in this room (the room page shows the count only)."""
    now = now or timezone.now()
    return Entry.objects.waiting().filter(room=room, start__gt=now).count()
