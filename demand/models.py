"""Demand the portal could not meet: searches that found no free room, bookings just taken.

An event says where and when, never who: the dashboard counts them per region, district, site
and room (dashboard/events.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models import District, Region
from rooms.models import Facility, Room


class DemandEvent(models.Model):
    class Kind(models.TextChoices):
        NO_FREE_ROOM = "no_free_room", _("search found no free room")
        JUST_TAKEN = "just_taken", _("booking refused: just taken")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("at"), db_index=True)
    # Where the demand was: a search names a region and perhaps a district; a refused booking
    # names its room, and so every level above it.
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region")
    )
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("district")
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("facility")
    )
    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("room")
    )

    class Meta:
        verbose_name = _("unmet demand event")
        verbose_name_plural = _("unmet demand events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["no_free_room", "just_taken"]),
                name="demandevent_kind_valid",
            ),
            # A refused booking always names its room and so its site and district.
            models.CheckConstraint(
                condition=~models.Q(kind="just_taken") | models.Q(room__isnull=False),
                name="demandevent_just_taken_has_room",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
