"""Bookings of rooms and the audit trail of every change of their status."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rooms.models import Room


class Status(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired (not decided in time)")


ACTIVE_STATUSES = (Status.PENDING, Status.APPROVED)

# A booking lies within one day's opening hours (services.check_booking_rules), so it is
# shorter than a day: one that overlaps a range starts less than a day before the range.
LONGEST = datetime.timedelta(days=1)


class ReservationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def overlapping(self, start, end):
        # The lower bound on start lets the (room, start) index serve the query; see LONGEST.
        return self.filter(start__lt=end, end__gt=start, start__gt=start - LONGEST)

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
        ]
        indexes = [
            models.Index(fields=["room", "start"], name="reservation_room_start"),
            models.Index(fields=["booked_by", "start"], name="reservation_user_start"),
            models.Index(fields=["status", "start"], name="reservation_status_start"),
            # The dashboard's decision times read only bookings a manager decided on.
            models.Index(
                fields=["start"],
                condition=Q(decided_at__isnull=False),
                name="reservation_decided_start",
            ),
        ]

    def __str__(self):
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{self.room} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES


class ReservationEvent(models.Model):
    """One audit line: who moved a reservation from one status to another, when and why."""

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
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("reservation event")
        verbose_name_plural = _("reservation events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"


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
