"""Roll-ups of bookings per room and day, and per room and month, kept by database triggers.

Triggers on the reservations table keep these rows in step with every insert, update and
delete, in the same transaction (their SQL is frozen in migration 0003); nothing in Python
writes them except `rollup.rebuild`. Days are Asia/Seoul days of the booking's start.

Minutes: `approved_minutes` and `no_show_minutes` are booked time; `used_minutes` is the time
of checked-in meetings up to their effective end; `released_minutes` the time freed by
ending early or by a no-show's release.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rooms.models import Room


class BookingCounts(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    approved = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    cancelled = models.IntegerField(default=0)
    expired = models.IntegerField(default=0)
    no_show = models.IntegerField(default=0)
    approved_minutes = models.IntegerField(default=0)
    no_show_minutes = models.IntegerField(default=0)
    checked_in = models.IntegerField(default=0)
    used_minutes = models.IntegerField(default=0)
    released_minutes = models.IntegerField(default=0)

    class Meta:
        abstract = True


class RoomDay(BookingCounts):
    day = models.DateField()

    class Meta:
        verbose_name = _("room day")
        verbose_name_plural = _("room days")
        constraints = [models.UniqueConstraint(fields=["room", "day"], name="roomday_one_per_day")]
        indexes = [models.Index(fields=["day", "room"], name="roomday_day_room")]

    def __str__(self):
        return f"{self.room_id} {self.day:%Y-%m-%d}"


class RoomMonth(BookingCounts):
    month = models.DateField(help_text="The first day of the month.")

    class Meta:
        verbose_name = _("room month")
        verbose_name_plural = _("room months")
        constraints = [
            models.UniqueConstraint(fields=["room", "month"], name="roommonth_one_per_month")
        ]
        indexes = [models.Index(fields=["month", "room"], name="roommonth_month_room")]

    def __str__(self):
        return f"{self.room_id} {self.month:%Y-%m}"
