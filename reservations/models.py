"""Bookings of rooms, the audit trail of every change of their status, and suspensions."""

import datetime
import secrets
import time

from django.conf import settings
from django.db import models
from django.db.models import DateTimeField, F, FloatField, Func, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rooms.models import Room


class Status(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired (not decided in time)")
    NO_SHOW = "no_show", _("No-show (not checked in)")
    # Not a booking: the room's time held for the first in line of a waitlist until they
    # confirm (then it becomes a booking) or the offer ends (then the row is deleted).
    OFFERED = "offered", _("Offered to the waitlist")


ACTIVE_STATUSES = (Status.PENDING, Status.APPROVED)
# What holds a room's time in the database's overlap guard: bookings and waitlist offers.
HOLDING_STATUSES = (*ACTIVE_STATUSES, Status.OFFERED)
# The statuses of bookings, for figures: an offer held for a waitlist is none.
BOOKING_STATUSES = tuple(status for status in Status if status != Status.OFFERED)

# A booking holds its room until its effective end: the booked end, or the moment its time was
# released (ended early, or a no-show). The overlap guards in the database use the same.
EFFECTIVE_END = Coalesce("released_at", "end")


class SecondsAfter(Func):
    """Seconds from `moment` to a timestamp expression, as a float: a whole day's bookings are
    read as numbers instead of time zone-aware datetimes, each of which Django converts."""

    output_field = FloatField()

    def __init__(self, expression, moment):
        super().__init__(expression, Value(moment, output_field=DateTimeField()))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, arg_joiner=" - ",
            template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision", **extra,
        )  # fmt: skip

    def as_sqlite(self, compiler, connection, **extra):
        # julianday() is exact to a few tens of microseconds: rounded to the millisecond.
        return self.as_sql(
            compiler, connection, arg_joiner=") - julianday(",
            template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)", **extra,
        )  # fmt: skip


# Short booking codes, typed at the room's door: no 0/O, 1/I/L to mix up.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 7


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed):
    """A code as people type it (lower case, spaces, hyphens) in its stored form."""
    return "".join(char for char in str(typed).upper() if char.isalnum())


# A booking lies within one day's opening hours (services.check_booking_rules), so it is
# shorter than a day: one that overlaps a range starts less than a day before the range.
LONGEST = datetime.timedelta(days=1)


def _over(now):
    """The booking's effective end (the booked end, or when its time was released) has passed."""
    return Q(released_at__isnull=True, end__lte=now) | Q(released_at__lte=now)


class ReservationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def holding_time(self):
        """Rows that take the room's time: active bookings and offers held for a waitlist."""
        return self.filter(status__in=HOLDING_STATUSES)

    def offers(self):
        return self.filter(status=Status.OFFERED)

    def overlapping(self, start, end):
        """Bookings whose time, up to their effective end, overlaps [start, end)."""
        # The lower bound on start lets the (room, start) index serve the query; see LONGEST.
        return self.filter(start__lt=end, start__gt=start - LONGEST).filter(
            Q(released_at__isnull=True, end__gt=start) | Q(released_at__gt=start)
        )

    def not_over(self, now):
        """Bookings whose effective end is still ahead."""
        return self.filter(~_over(now))

    def over(self, now):
        return self.filter(_over(now))

    def ahead(self, now):
        """What a booker still has to come to: bookings on (pending, approved) and not over."""
        return self.active().not_over(now)

    def behind(self, now):
        """Everything else: over, or off (cancelled, rejected, expired, missed)."""
        return self.filter(_over(now) | ~Q(status__in=ACTIVE_STATUSES))

    def booked_by(self, user):
        return self.filter(booked_by=user)

    def managed_by(self, user):
        if user.is_superuser:
            return self
        return self.filter(room__facility__managers=user)


class Reservation(models.Model):
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="reservations", verbose_name=_("room")
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="reservations",
        verbose_name=_("booked by"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    attendees = models.PositiveSmallIntegerField(_("attendees"))
    purpose = models.CharField(_("purpose"), max_length=200)
    company_name = models.CharField(_("company"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    code = models.CharField(
        _("booking code"),
        max_length=CODE_LENGTH,
        default=new_code,
        editable=False,
        help_text=_("Short reference in e-mails, used to check in at the room's door."),
    )
    # Bookings made before check-in existed were never asked to check in: no no-show for them.
    check_in_required = models.BooleanField(_("check-in required"), default=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    released_at = models.DateTimeField(
        _("time released at"),
        null=True,
        blank=True,
        help_text=_("When the rest of the booked time was freed: ended early, or a no-show."),
    )
    # One date of a recurring series (Series below), booked under the same rules as any other.
    series = models.ForeignKey(
        "Series",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name=_("series"),
    )
    # An offer to a waitlist holds the time until then (status OFFERED only).
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    # The shortest lead time (in minutes) of a reminder sent so far; empty before the first.
    reminded_before = models.PositiveIntegerField(_("reminded before (minutes)"), null=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="reservation_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(attendees__gte=1), name="reservation_attendees_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="reservation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True)
                | Q(released_at__gte=F("start"), released_at__lte=F("end")),
                name="reservation_released_within_booking",
            ),
            models.CheckConstraint(
                condition=~Q(status="no_show") | Q(checked_in_at__isnull=True),
                name="reservation_no_show_never_checked_in",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="reservation_offer_expires",
            ),
            models.UniqueConstraint(fields=["code"], name="reservation_code_unique"),
        ]
        indexes = [
            models.Index(fields=["room", "start"], name="reservation_room_start"),
            models.Index(fields=["booked_by", "start"], name="reservation_user_start"),
            models.Index(fields=["status", "start"], name="reservation_status_start"),
            # What holds time, read from the index alone: the search's bookings of a day
            # across every room (PostgreSQL; SQLite ignores `include`).
            models.Index(
                fields=["start"],
                include=["room", "end", "released_at", "status"],
                condition=Q(status__in=HOLDING_STATUSES),
                name="reservation_holding_start",
            ),
            # The dashboard's decision times read only bookings a manager decided on.
            models.Index(
                fields=["start"],
                condition=Q(decided_at__isnull=False),
                name="reservation_decided_start",
            ),
            # The no-show sweep reads only approved bookings still waiting for their check-in.
            models.Index(
                fields=["start"],
                condition=Q(status="approved", checked_in_at__isnull=True, check_in_required=True),
                name="reservation_awaiting_check_in",
            ),
        ]

    def __str__(self):
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{self.room} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    @property
    def when(self):
        """ "2026-12-02 (수) 10:00–11:00" in the current language: the booking's day and time."""
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        weekday = WEEKDAYS_ABBR[start.weekday()]
        return f"{start:%Y-%m-%d} ({weekday}) {start:%H:%M}–{end:%H:%M}"

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    @property
    def effective_end(self):
        return self.released_at or self.end

    @property
    def ended_early(self):
        return self.status == Status.APPROVED and self.released_at is not None


class Action(models.TextChoices):
    """What an audit line records besides a change of status."""

    CHECK_IN = "check_in", _("Checked in")
    END_EARLY = "end_early", _("Ended early")


class ReservationEvent(models.Model):
    """One audit line: who moved a reservation from one status to another, when and why.

    Check-in and ending early leave the status as it is: `action` names them.
    """

    reservation = models.ForeignKey(
        Reservation,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("reservation"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(
        pgettext_lazy("status change", "from"), max_length=16, choices=Status.choices, blank=True
    )
    to_status = models.CharField(
        pgettext_lazy("status change", "to"), max_length=16, choices=Status.choices
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("reservation event")
        verbose_name_plural = _("reservation events")
        ordering = ["at", "pk"]

    def __str__(self):
        if self.action:
            return str(self.get_action_display())
        return f"{self.from_status or '∅'} → {self.to_status}"


class SuspensionQuerySet(models.QuerySet):
    def in_force(self, now):
        return self.filter(starts_at__lte=now, ends_at__gt=now, lifted_at__isnull=True)


class Suspension(models.Model):
    """A booker may make no new bookings for a while after repeated no-shows (rules.PENALTIES).

    Made by the no-show release (services.release_no_shows); only a superuser lifts one, with a
    reason (services.lift_suspension). The row is the record of both.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="suspensions",
        verbose_name=_("user"),
    )
    starts_at = models.DateTimeField(pgettext_lazy("period", "from"))
    ends_at = models.DateTimeField(_("until"))
    no_shows = models.PositiveSmallIntegerField(
        _("no-shows"), help_text=_("No-shows in the counting period that led to it.")
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="suspension_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""),
                name="suspension_lifted_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["user", "ends_at"], name="suspension_user_ends")]

    def __str__(self):
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{self.user} {start:%Y-%m-%d}–{end:%Y-%m-%d}"

    def is_in_force(self, now):
        return self.lifted_at is None and self.starts_at <= now < self.ends_at


class PersonalDataAccess(models.Model):
    """Who read bookers' personal details (name, e-mail, company, phone), when and whose.

    Written when staff open a booking's page in the admin and when they export bookings;
    kept PERSONAL_DATA_ACCESS_RETENTION_DAYS, readable by superusers only.
    """

    class Channel(models.TextChoices):
        BOOKING_PAGE = "booking_page", _("Booking page")
        EXPORT = "export", _("Export")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_email = models.EmailField(_("who (e-mail at the time)"))
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    channel = models.CharField(_("how"), max_length=16, choices=Channel.choices)
    reservation_ids = models.JSONField(_("bookings"), default=list)
    count = models.PositiveIntegerField(_("number of bookings"))
    criteria = models.CharField(_("filters of the export"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.actor_email} {self.get_channel_display()} {self.count}"

    @classmethod
    def record(cls, actor, reservation_ids, channel, criteria=""):
        """Note that `actor` read the personal details of these bookings."""
        return cls.objects.create(
            actor=actor,
            actor_email=actor.email,
            channel=channel,
            reservation_ids=list(reservation_ids),
            count=len(reservation_ids),
            criteria=criteria[:500],
        )


class ScheduleVersionQuerySet(models.QuerySet):
    def stamps(self, keys):
        """{key: version} of `keys`; a key never stamped (a day nobody booked yet, or after the
        table was emptied) is stamped now, later than any stamp it may have had."""
        stamps = dict(self.filter(key__in=keys).values_list("key", "version"))
        missing = [key for key in keys if key not in stamps]
        if missing:
            now = time.time_ns() // 1000
            self.bulk_create(
                [ScheduleVersion(key=key, version=now) for key in missing], ignore_conflicts=True
            )
            stamps = dict(self.filter(key__in=keys).values_list("key", "version"))
        return stamps


class ScheduleVersion(models.Model):
    """When what makes up a day's free time last changed: a stamp that grows with each change.

    Triggers in the database (migrations 0008 and 0012) stamp `key` in the changing transaction
    itself: the day, in Asia/Seoul, and the shard of the room (its id modulo
    `availability.SHARDS`) of a booking inserted, deleted or changed in what holds its time,
    'YYYY-MM-DD/n', and SITES for any change of opening hours or closures. The schedules read
    for a day are kept in the cache in parts under these stamps (`availability.day_book`), so a
    change is seen by the next reader at once and nothing cached can show as free a time that
    was taken. REGISTRY
    (migration 0011) stamps any change of a room, a site, a district or a region: what the
    search keeps of the registry in the cache is kept under it.
    """

    SITES = "sites"
    REGISTRY = "registry"

    key = models.CharField(max_length=16, primary_key=True)
    version = models.BigIntegerField()

    objects = ScheduleVersionQuerySet.as_manager()

    def __str__(self):
        return f"{self.key} {self.version}"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month, same weekday of the same week")


def _nth_weekday(year, month, weekday, week):
    """The day of the month that is its `week`-th (1–4) such weekday, or its last for 5."""
    first = datetime.date(year, month, 1)
    day = first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))
    if week == 5:
        day = first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 28)
        if day.month != month:
            day -= datetime.timedelta(days=7)
    return day


def occurrence_days(first, frequency, *, until=None, count=None, most=None):
    """The series' days from `first`: until a day (inclusive) or `count` of them.

    Monthly: the same weekday of the same week of the month as `first` (the 2nd Tuesday); a
    first day in the fifth week means the last such weekday of each month. At most `most`+1
    days are computed, so that a caller can tell a pattern that runs over its limit.
    """
    cap = None if most is None else most + 1
    days = []
    step = 0
    while True:
        if frequency == Frequency.MONTHLY:
            months = first.month - 1 + step
            year = first.year + months // 12
            if year > datetime.MAXYEAR:
                break
            day = _nth_weekday(year, months % 12 + 1, first.weekday(), (first.day - 1) // 7 + 1)
        else:
            weeks = 1 if frequency == Frequency.WEEKLY else 2
            try:
                day = first + datetime.timedelta(weeks=weeks * step)
            except OverflowError:
                break
        if until is not None and day > until:
            break
        days.append(day)
        step += 1
        if count is not None and len(days) >= count:
            break
        if cap is not None and len(days) >= cap:
            break
    return days


class SeriesQuerySet(models.QuerySet):
    def managed_by(self, user):
        if user.is_superuser:
            return self
        return self.filter(room__facility__managers=user)

    def booked_by(self, user):
        return self.filter(booked_by=user)

    def to_extend(self, through):
        """Series with dates not yet tried up to the day `through`, not stopped, booker kept."""
        return self.filter(
            stopped_at__isnull=True, booked_by__isnull=False, booked_through__lt=F("last_day")
        ).filter(booked_through__lt=through)


class Series(models.Model):
    """Recurring bookings of one room: each date is a Reservation of its own (`occurrences`),
    booked by the same rules; dates beyond the room kind's booking window are booked by the
    worker's daily sweep as they enter it (services.extend_series).

    `booked_through` is the last day tried so far; `skipped` the dates not booked, each with
    the refusing rule's code and message (in Korean and English, as the e-mails show them);
    `stopped_at`, set when the booker cancels "this and all later", ends the series there.
    """

    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="series", verbose_name=_("room")
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="booking_series",
        verbose_name=_("booked by"),
    )
    frequency = models.CharField(_("repeats"), max_length=16, choices=Frequency.choices)
    first_start = models.DateTimeField(_("first start"))
    first_end = models.DateTimeField(_("first end"))
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("number of dates"), null=True, blank=True)
    last_day = models.DateField(_("last date"))
    attendees = models.PositiveSmallIntegerField(_("attendees"))
    purpose = models.CharField(_("purpose"), max_length=200)
    company_name = models.CharField(_("company"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    booked_through = models.DateField(_("dates tried up to"))
    skipped = models.JSONField(_("dates not booked"), default=list, blank=True)
    stopped_at = models.DateTimeField(_("stopped from"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("recurring booking")
        verbose_name_plural = _("recurring bookings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True, count__gte=2)
                | Q(count__isnull=True, until__isnull=False),
                name="series_until_or_count",
            ),
            models.CheckConstraint(
                condition=Q(first_end__gt=F("first_start")), name="series_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="series_frequency_valid"
            ),
            models.CheckConstraint(condition=Q(attendees__gte=1), name="series_attendees_positive"),
        ]

    def __str__(self):
        start = timezone.localtime(self.first_start)
        return f"{self.room} {self.get_frequency_display()} {start:%Y-%m-%d %H:%M}"

    @property
    def first_day(self):
        return timezone.localtime(self.first_start).date()

    @property
    def length(self):
        return self.first_end - self.first_start

    def days(self, most=None):
        return occurrence_days(
            self.first_day, self.frequency, until=self.until, count=self.count, most=most
        )

    def period_on(self, day):
        """The (start, end) of the series' date `day`, at the first date's local time."""
        start = timezone.make_aware(
            datetime.datetime.combine(day, timezone.localtime(self.first_start).time())
        )
        return start, start + self.length
