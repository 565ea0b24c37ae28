"""Facilities (sites), their bookable rooms, opening hours and closures."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import District, Region, coordinates_in_korea
from web.validators import validate_date_in_range


class HostType(models.TextChoices):
    KNOWLEDGE_INDUSTRY_CENTER = "knowledge_center", _("Knowledge industry center")
    STARTUP_INCUBATOR = "incubator", _("Startup incubator")
    TECHNOPARK = "technopark", _("Technopark")
    CREATIVE_ECONOMY_CENTER = "creative_center", _("Creative economy innovation center")
    MID_CAREER_CENTER = "mid_career_center", _("Mid-career center")
    SME_SUPPORT_CENTER = "sme_support_center", _("SME support center")
    PUBLIC_AGENCY = "public_agency", _("Public agency")
    INDUSTRY_ASSOCIATION = "association", _("Industry association")


class RoomKind(models.TextChoices):
    STANDARD = "standard", _("Standard room")
    BOOTH = "booth", _("Smart-work booth")
    HALL = "hall", _("Extended hall")


class Equipment(models.TextChoices):
    """Each value is the name of a boolean field `has_<value>` on Room."""

    CAMERA = "camera", _("Camera")
    SPEAKERPHONE = "speakerphone", _("Speakerphone")
    DISPLAY = "display", _("Display")
    PC = "pc", _("PC")
    VC_SOFTWARE = "vc_software", _("Video-conference software")
    INTERPRETATION = "interpretation", _("Interpretation system")
    STREAMING = "streaming", _("Streaming equipment")

    @property
    def field_name(self):
        return f"has_{self.value}"


# A site's code names it in addresses (/dashboard/s/<code>/) and in the importer's files.
FACILITY_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*\Z"
validate_facility_code = RegexValidator(
    FACILITY_CODE_PATTERN,
    message=_(
        "Use letters, digits, hyphens and underscores only, starting with a letter or digit."
    ),
    code="facility_code",
)


class DoorPolicy(models.TextChoices):
    """How someone with a booking gets through the door; a code itself is never published."""

    OPEN = "open", _("The room is open during opening hours")
    RECEPTION = "reception", _("Ask at the reception; they open the room")
    CODE_ON_DAY = "code_on_day", _("Call the site on the day for the door code")


class FacilityQuerySet(models.QuerySet):
    def managed_by(self, user):
        if user.is_superuser:
            return self
        return self.filter(managers=user)

    def in_region(self, region):
        return self.filter(district__region=region)

    def in_area(self, region=None, district=None):
        """The sites of a district, of a region, or (neither given) of the whole country."""
        if district is not None:
            return self.filter(district=district)
        if region is not None:
            return self.in_region(region)
        return self


class Facility(models.Model):
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[validate_facility_code],
        help_text=_(
            "Stable key of the site, used by the importer: letters, digits, hyphens and "
            "underscores."
        ),
    )
    name = models.CharField(_("name"), max_length=200)
    host_organization = models.CharField(_("host organization"), max_length=200)
    host_type = models.CharField(_("host type"), max_length=32, choices=HostType.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("district")
    )
    address = models.CharField(_("street address"), max_length=300)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    requires_approval = models.BooleanField(
        _("bookings need approval"),
        default=False,
        help_text=_("When set, bookings wait for a manager's decision."),
    )
    directions = models.TextField(
        _("directions"),
        max_length=2000,
        blank=True,
        help_text=_("How to get there: the nearest station or bus stop, the entrance to use."),
    )
    floor = models.CharField(_("floor"), max_length=50, blank=True)
    door_policy = models.CharField(
        _("door code policy"), max_length=16, choices=DoorPolicy.choices, blank=True
    )
    reception = models.CharField(
        _("reception"),
        max_length=200,
        blank=True,
        help_text=_("Where the reception is and when it is staffed, if there is one."),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_facilities",
        verbose_name=_("managers"),
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Generated sample site: name and address are not real."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=coordinates_in_korea(), name="facility_coordinates_in_korea"
            ),
            models.CheckConstraint(
                condition=Q(host_type__in=HostType.values), name="facility_host_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(code__regex=FACILITY_CODE_PATTERN), name="facility_code_valid"
            ),
        ]

    def __str__(self):
        return self.name


class OpeningHours(models.Model):
    """One opening interval per weekday; a weekday without a row is closed."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    DEFAULT_WEEKDAYS = range(0, 5)
    DEFAULT_OPENS = datetime.time(9, 0)
    DEFAULT_CLOSES = datetime.time(18, 0)

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("facility")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["facility", "weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "weekday"], name="opening_hours_one_per_weekday"
            ),
            models.CheckConstraint(
                condition=Q(opens__lt=F("closes")), name="opening_hours_opens_before_closes"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.opens is not None and self.closes is not None and self.opens >= self.closes:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})


class RoomQuerySet(models.QuerySet):
    def bookable(self):
        return self.filter(is_active=True)

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def in_region(self, region):
        return self.filter(facility__district__region=region)

    def in_district(self, district):
        return self.filter(facility__district=district)

    def managed_by(self, user):
        if user.is_superuser:
            return self
        return self.filter(facility__managers=user)

    def with_equipment(self, equipment):
        return self.filter(**{Equipment(item).field_name: True for item in equipment})

    def kind_counts(self):
        """(kind, count) pairs in the order of RoomKind."""
        counts = dict(self.values_list("kind").annotate(n=models.Count("pk")).order_by())
        return [(kind, counts.get(kind, 0)) for kind in RoomKind.values]


class Room(models.Model):
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("facility")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RoomKind.choices)
    name = models.CharField(_("name"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    has_camera = models.BooleanField(_("camera"), default=False)
    has_speakerphone = models.BooleanField(_("speakerphone"), default=False)
    has_display = models.BooleanField(_("display"), default=False)
    has_pc = models.BooleanField(_("PC"), default=False)
    has_vc_software = models.BooleanField(_("video-conference software"), default=False)
    has_interpretation = models.BooleanField(_("interpretation system"), default=False)
    has_streaming = models.BooleanField(_("streaming equipment"), default=False)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive rooms cannot be booked.")
    )
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(
        _("where in the building"),
        max_length=200,
        blank=True,
        help_text=_("Floor and room number, and how to find the door from the entrance."),
    )
    equipment_guide = models.TextField(
        _("equipment guide"),
        max_length=2000,
        blank=True,
        help_text=_("A short guide: how to switch on the screen and start the video call."),
    )

    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["facility__code", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="room_capacity_positive"),
            models.CheckConstraint(condition=Q(kind__in=RoomKind.values), name="room_kind_valid"),
            models.CheckConstraint(
                condition=Q(floor_area__isnull=True) | Q(floor_area__gt=0),
                name="room_floor_area_positive",
            ),
            models.UniqueConstraint(
                fields=["facility"],
                condition=Q(kind="booth"),
                name="room_one_booth_per_facility",
            ),
            models.UniqueConstraint(fields=["facility", "name"], name="room_name_unique_in_site"),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self):
        """The site's name, then the room's, unless the site is named after its room already
        ("○○ 화상회의실" holds "화상회의실")."""
        if self.facility.name.endswith(self.name):
            return self.facility.name
        return f"{self.facility.name} · {self.name}"

    @property
    def equipment(self):
        return [item for item in Equipment if getattr(self, item.field_name)]

    @property
    def has_visitor_information(self):
        """Whether anything tells a visitor the way in (the room page, the door, the e-mail)."""
        facility = self.facility
        return any(
            [facility.directions, facility.floor, facility.door_policy, facility.reception,
             self.location, self.equipment_guide]
        )  # fmt: skip

    def clean(self):
        if self.capacity is not None and self.capacity <= 0:
            raise ValidationError({"capacity": _("Capacity must be at least one person.")})
        if self.floor_area is not None and self.floor_area <= 0:
            raise ValidationError({"floor_area": _("Floor area must be positive.")})
        if (
            self.kind == RoomKind.BOOTH
            and self.facility_id
            and Room.objects.filter(facility_id=self.facility_id, kind=RoomKind.BOOTH)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"kind": _("A site has at most one smart-work booth.")})


class ClosureQuerySet(models.QuerySet):
    def overlapping(self, start, end):
        return self.filter(start__lt=end, end__gt=start)

    def affecting(self, room, facility):
        """Closures of the room itself or of its whole facility (either may be an OuterRef)."""
        return self.filter(Q(room=room) | Q(room__isnull=True, facility=facility))

    def affecting_room(self, room):
        return self.affecting(room.pk, room.facility_id)

    def managed_by(self, user):
        if user.is_superuser:
            return self
        return self.filter(facility__managers=user)


class AreaClosure(models.Model):
    """Every site of a region, of a district or of the whole country closed for a time (a
    typhoon, a public holiday announced at short notice). It is kept as one Closure per site,
    so everything that reads closures reads these alike; this row records what was decided."""

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    start = models.DateTimeField(_("start"), validators=[validate_date_in_range])
    end = models.DateTimeField(_("end"), validators=[validate_date_in_range])
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("closure of many sites")
        verbose_name_plural = _("closures of many sites")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="area_closure_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(region__isnull=True) | Q(district__isnull=True),
                name="area_closure_region_or_district",
            ),
        ]

    def __str__(self):
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{self.area} · {self.reason} ({start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M})"

    @property
    def area(self):
        if self.district_id:
            return self.district.full_name
        if self.region_id:
            return self.region.name
        return _("The whole country")

    def facilities(self):
        return Facility.objects.in_area(region=self.region, district=self.district)

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The closure must end after it starts.")})
        if self.region_id and self.district_id:
            raise ValidationError({"district": _("Choose a region or a district, not both.")})


class Closure(models.Model):
    """A facility, or one of its rooms, is closed for a time range (maintenance, events)."""

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="closures", verbose_name=_("facility")
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("room"),
        help_text=_("Leave empty to close the whole facility."),
    )
    start = models.DateTimeField(_("start"), validators=[validate_date_in_range])
    end = models.DateTimeField(_("end"), validators=[validate_date_in_range])
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    area_closure = models.ForeignKey(
        AreaClosure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="closures",
        verbose_name=_("closure of many sites"),
    )

    objects = ClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="closure_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["facility", "start", "end"])]

    def __str__(self):
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{self.reason} ({start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M})"

    def affects(self, room_id, facility_id):
        """The Python twin of ClosureQuerySet.affecting, for closures already read."""
        return self.facility_id == facility_id and self.room_id in (None, room_id)

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The closure must end after it starts.")})
        if self.room_id and self.facility_id and self.room.facility_id != self.facility_id:
            raise ValidationError({"room": _("The room must belong to the chosen facility.")})


def photo_path(photo, filename):
    """A random name under the site's code: the uploader's file name is never reused."""
    return f"photos/{photo.facility.code}/{uuid.uuid4().hex}.{photo.image_format.lower()}"


class PhotoQuerySet(models.QuerySet):
    def for_room(self, room):
        """The site's own photos and the room's, in their order."""
        return self.filter(Q(room__isnull=True) | Q(room=room), facility_id=room.facility_id)


class Photo(models.Model):
    """A photo of a site (the entrance, the way in) or of one of its rooms, shown to bookers.

    Stored through Django's storage API (STORAGES["default"]: the filesystem, or an
    S3-compatible store in production); rooms.photos checks every upload before it is saved.
    """

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="photos", verbose_name=_("facility")
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("room"),
        help_text=_("Leave empty for a photo of the site (the building, the entrance)."),
    )
    # Width and height come from rooms.photos, which decodes every upload anyway.
    image = models.ImageField(_("image"), upload_to=photo_path)
    image_format = models.CharField(_("format"), max_length=8, editable=False)
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    caption = models.CharField(
        _("description"),
        max_length=200,
        help_text=_("What the photo shows, for people who cannot see it (e.g. “The entrance”)."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(image_format__in=["JPEG", "PNG", "WEBP"]), name="photo_format_allowed"
            ),
        ]

    def __str__(self):
        return self.caption

    def clean(self):
        if self.room_id and self.facility_id and self.room.facility_id != self.facility_id:
            raise ValidationError({"room": _("The room must belong to the chosen facility.")})


class FacilityImport(models.Model):
    """An uploaded list of sites between its preview and its import, kept in the database so
    that any process can apply what another one previewed."""

    file_name = models.CharField(_("file name"), max_length=255)
    text = models.TextField(_("contents"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        verbose_name = _("facility import")
        verbose_name_plural = _("facility imports")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.file_name
