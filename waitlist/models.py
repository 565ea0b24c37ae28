"""Waitlists: who waits for a taken room and period (or for any room matching a search), the
offer each gets in turn, and the events the dashboard counts."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _

from regions.models import District, Region
from reservations.models import Reservation
from rooms.models import Equipment, Facility, Room, RoomKind


class EntryStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered to you")
    ACCEPTED = "accepted", _("Booked")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    LEFT = "left", _("Left the waitlist")


OPEN_STATUSES = (EntryStatus.WAITING, EntryStatus.OFFERED)


class EntryQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=EntryStatus.WAITING)

    def offered(self):
        return self.filter(status=EntryStatus.OFFERED)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def of_user(self, user):
        return self.filter(user=user)

    def overlapping(self, start, end):
        return self.filter(start__lt=end, end__gt=start)

    def in_line(self):
        """First come, first served: by the time they joined."""
        return self.order_by("joined_at", "pk")

    def wanting(self, room):
        """Entries for this room, and "any room" entries whose search the room matches (but
        for the equipment, which `Entry.matches` checks on the rows read)."""
        facility = room.facility
        matching = (
            Q(
                room__isnull=True,
                region_id=facility.district.region_id,
                attendees__lte=room.capacity,
            )
            & (Q(district__isnull=True) | Q(district_id=facility.district_id))
            & (Q(kind="") | Q(kind=room.kind))
        )
        return self.filter(Q(room=room) | matching)

    def managed_by(self, user):
        """Entries a facility's manager sees: for their rooms, or offered one of them."""
        if user.is_superuser:
            return self
        return self.filter(
            Q(room__facility__managers=user) | Q(hold__room__facility__managers=user)
        ).distinct()


class Entry(models.Model):
    """One person waiting for a period: in one room, or in any room that matches their search
    (a region, perhaps a district, a kind, room for `attendees`, equipment)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
        verbose_name=_("user"),
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="waitlist_entries",
        verbose_name=_("room"),
        help_text=_("Empty: any room matching the search."),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    kind = models.CharField(_("room kind"), max_length=16, choices=RoomKind.choices, blank=True)
    equipment = models.JSONField(_("equipment"), default=list, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    attendees = models.PositiveSmallIntegerField(_("attendees"))
    purpose = models.CharField(_("purpose"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.WAITING
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now, db_index=True)
    # The time held for this entry while it is offered: a Reservation in status OFFERED.
    hold = models.OneToOneField(
        Reservation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entry",
        verbose_name=_("offered hold"),
    )
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    booking = models.ForeignKey(
        Reservation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booking"),
    )

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="entry_ends_after_start"),
            models.CheckConstraint(condition=Q(attendees__gte=1), name="entry_attendees_positive"),
            models.CheckConstraint(
                condition=Q(status__in=EntryStatus.values), name="entry_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(room__isnull=False) | Q(region__isnull=False),
                name="entry_room_or_region",
            ),
            models.CheckConstraint(
                condition=Q(hold__isnull=True) | Q(status="offered"),
                name="entry_hold_only_when_offered",
            ),
            # One place in a room's line per person and period.
            models.UniqueConstraint(
                fields=["user", "room", "start", "end"],
                condition=Q(status__in=("waiting", "offered")),
                name="entry_once_per_room_and_period",
            ),
        ]
        indexes = [
            models.Index(
                fields=["room", "start"],
                condition=Q(status="waiting"),
                name="entry_waiting_room_start",
            ),
            models.Index(
                fields=["region", "start"],
                condition=Q(status="waiting", room__isnull=True),
                name="entry_waiting_any_room",
            ),
        ]

    def __str__(self):
        return f"{self.place()} {self.when}"

    def place(self):
        if self.room_id:
            return str(self.room)
        return str(_("Any matching room"))

    @property
    def when(self):
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{start:%Y-%m-%d} ({WEEKDAYS_ABBR[start.weekday()]}) {start:%H:%M}–{end:%H:%M}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def matches(self, room):
        """Whether the room serves this entry (the queryset `wanting` read the rest)."""
        if self.room_id:
            return self.room_id == room.pk
        return all(getattr(room, Equipment(item).field_name) for item in self.equipment)

    def equipment_labels(self):
        return [Equipment(item).label for item in self.equipment]


class EventKind(models.TextChoices):
    JOINED = "joined", _("Joined")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class WaitlistEvent(models.Model):
    """One step of a waitlist, for the dashboard's figures of unmet demand; nothing personal.

    Where it happened is kept at each level (region, district, facility, room) the dashboard
    counts by; an "any room" entry that was never offered has no facility or room.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facility"),
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("room"),
    )

    class Meta:
        verbose_name = _("waitlist event")
        verbose_name_plural = _("waitlist events")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="waitlist_event_kind_valid"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, kind, entry, room=None, at=None):
        """Note a step of `entry`, at the offered `room` if any, else at the entry's own."""
        room = room or entry.room
        if room is not None:
            facility = room.facility
            place = {
                "room": room,
                "facility": facility,
                "district_id": facility.district_id,
                "region_id": facility.district.region_id,
            }
        else:
            place = {"region_id": entry.region_id, "district_id": entry.district_id}
        return cls.objects.create(kind=kind, at=at or timezone.now(), **place)
