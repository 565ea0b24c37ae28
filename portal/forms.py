"""Forms of the public portal: the room search, the room page's day picker and the booking form."""

import datetime

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from regions.models import LATITUDE_RANGE, LONGITUDE_RANGE, District, Region
from reservations.models import Frequency, occurrence_days
from reservations.rules import SERIES_MAX_DATES, SLOT
from rooms.calendar import at
from rooms.models import Equipment, RoomKind
from web.forms import DateField

# Thirty-minute steps up to ten hours; longer bookings are rare and the engine has the last word.
DURATION_STEPS = range(1, 21)
DEFAULT_DURATION = 60


def _duration_label(minutes):
    hours, rest = divmod(minutes, 60)
    if not rest:
        return ngettext("%(hours)d hour", "%(hours)d hours", hours) % {"hours": hours}
    if not hours:
        return ngettext("%(minutes)d minute", "%(minutes)d minutes", rest) % {"minutes": rest}
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}


LENGTHS = [SLOT * n for n in DURATION_STEPS]


def duration_choices(lengths=LENGTHS):
    minutes = (int(length.total_seconds() // 60) for length in lengths)
    return [(m, _duration_label(m)) for m in minutes]


class SearchMode(models.TextChoices):
    FREE = "free", _("Free for the whole time")
    ALL = "all", _("All rooms, with their next free time")
    DAY = "day", _("Any time that day")


class SearchOrder(models.TextChoices):
    DISTANCE = "distance", _("Nearest first")
    SOONEST = "soonest", _("Soonest free first")
    REGION = "region", _("By region")


class AreaField(forms.CharField):
    """The map's visible area as "south,west,north,east" in degrees, within Korea's bounds."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            south, west, north, east = (float(part) for part in value.split(","))
        except ValueError:
            raise forms.ValidationError(_("The map area could not be read.")) from None
        latitudes, longitudes = (south, north), (west, east)
        if not (
            south < north
            and west < east
            and all(-90 <= x <= 90 for x in latitudes)
            and all(-180 <= x <= 180 for x in longitudes)
        ):
            raise forms.ValidationError(_("The map area could not be read."))
        return (south, west, north, east)


class SearchForm(forms.Form):
    region = forms.ModelChoiceField(
        Region.objects.all(), to_field_name="slug", required=False, label=_("Region"),
        empty_label=_("All regions"),
    )  # fmt: skip
    district = forms.ModelChoiceField(
        District.objects.none(), to_field_name="code", required=False, label=_("District"),
        empty_label=_("All districts"),
    )  # fmt: skip
    date = DateField(required=False, label=_("Date"), input_formats=["%Y-%m-%d"])
    start = forms.TimeField(
        required=False,
        label=_("Start"),
        input_formats=["%H:%M"],
        widget=forms.TimeInput(attrs={"type": "time", "step": 1800}, format="%H:%M"),
    )
    duration = forms.TypedChoiceField(
        choices=duration_choices,
        coerce=int,
        initial=DEFAULT_DURATION,
        required=False,
        empty_value=DEFAULT_DURATION,
        label=_("Duration"),
    )
    attendees = forms.IntegerField(required=False, min_value=1, max_value=500, label=_("Attendees"))
    kind = forms.ChoiceField(
        choices=[("", _("Any kind")), *RoomKind.choices], required=False, label=_("Room kind")
    )
    equipment = forms.MultipleChoiceField(
        choices=Equipment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Equipment"),
    )
    mode = forms.ChoiceField(
        choices=SearchMode.choices, required=False, label=_("Show"), widget=forms.RadioSelect
    )
    sort = forms.ChoiceField(
        choices=[("", _("Best first")), *SearchOrder.choices], required=False, label=_("Order")
    )
    lat = forms.FloatField(
        required=False, min_value=LATITUDE_RANGE[0], max_value=LATITUDE_RANGE[1],
        widget=forms.HiddenInput,
    )  # fmt: skip
    lng = forms.FloatField(
        required=False, min_value=LONGITUDE_RANGE[0], max_value=LONGITUDE_RANGE[1],
        widget=forms.HiddenInput,
    )  # fmt: skip
    area = AreaField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = self.data.get("region") if self.is_bound else None
        districts = (
            District.objects.filter(region__slug=region) if region else District.objects.none()
        )
        self.fields["district"].queryset = districts.order_by("name_ko")

    def clean_start(self):
        start = self.cleaned_data.get("start")
        if start and (start.minute % 30 or start.second):
            raise forms.ValidationError(_("Choose a start on the hour or the half hour."))
        return start

    def clean_mode(self):
        return self.cleaned_data.get("mode") or SearchMode.FREE

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise forms.ValidationError(_("Your location is incomplete; please try again."))
        return data

    def location(self):
        """(latitude, longitude) to measure distances from: the user's, or the map's centre."""
        data = self.cleaned_data
        if data.get("lat") is not None:
            return data["lat"], data["lng"]
        if data.get("area"):
            south, west, north, east = data["area"]
            return (south + north) / 2, (west + east) / 2
        return None

    def order(self):
        chosen = self.cleaned_data.get("sort")
        if chosen == SearchOrder.DISTANCE and self.location() is None:
            chosen = ""
        if chosen:
            return chosen
        return SearchOrder.DISTANCE if self.location() is not None else SearchOrder.SOONEST

    def length(self):
        return datetime.timedelta(minutes=self.cleaned_data.get("duration") or DEFAULT_DURATION)


class DayForm(forms.Form):
    """The day whose timeline the room page shows (?date=YYYY-MM-DD), and the period a search
    asked for (&start=HH:MM&duration=minutes), which the page offers to book."""

    date = DateField(label=_("Date"), required=False, input_formats=["%Y-%m-%d"])
    start = forms.TimeField(required=False, input_formats=["%H:%M"], widget=forms.HiddenInput)
    duration = forms.TypedChoiceField(
        choices=duration_choices, coerce=int, required=False, empty_value=None,
        widget=forms.HiddenInput,
    )  # fmt: skip

    def day(self):
        return self.cleaned_data.get("date") or timezone.localdate()

    def length(self):
        return datetime.timedelta(minutes=self.cleaned_data.get("duration") or DEFAULT_DURATION)

    def asked(self):
        """The (start, end) a search asked for, or None."""
        data = self.cleaned_data
        if not data.get("start"):
            return None
        start = at(self.day(), data["start"])
        return start, start + self.length()


class BookingForm(forms.Form):
    date = DateField(label=_("Date"), input_formats=["%Y-%m-%d"])
    start = forms.TimeField(
        label=_("Start"),
        input_formats=["%H:%M"],
        widget=forms.TimeInput(attrs={"type": "time", "step": 1800}, format="%H:%M"),
    )
    duration = forms.TypedChoiceField(
        label=_("Duration"), coerce=int, choices=duration_choices, initial=DEFAULT_DURATION
    )
    attendees = forms.IntegerField(
        label=_("Attendees"),
        min_value=1,
        max_value=32767,
        help_text=_("Everyone who will be in the room, including you."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("For example: a video call with a client in Busan."),
    )
    company_name = forms.CharField(label=_("Company"), max_length=200, required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, lengths=None, **kwargs):
        """`lengths`: the durations to offer, e.g. those that fit the free time after a slot."""
        super().__init__(*args, **kwargs)
        if lengths:
            self.fields["duration"].choices = duration_choices(lengths)

    def clean(self):
        cleaned = super().clean()
        day, start_time, minutes = (
            cleaned.get("date"),
            cleaned.get("start"),
            cleaned.get("duration"),
        )
        if day and start_time and minutes:
            starts_at = at(day, start_time)
            cleaned["starts_at"] = starts_at
            cleaned["ends_at"] = starts_at + datetime.timedelta(minutes=minutes)
        return cleaned

    def booking_arguments(self):
        """Keyword arguments for reservations.services.book()."""
        data = self.cleaned_data
        return {
            "start": data["starts_at"],
            "end": data["ends_at"],
            "attendees": data["attendees"],
            "purpose": data["purpose"],
            "company_name": data["company_name"],
            "contact_phone": data["contact_phone"],
        }


class DoorCheckInForm(forms.Form):
    """The booking code typed at the room's door, as printed in the confirmation e-mail."""

    code = forms.CharField(
        label=_("Booking code"),
        max_length=20,
        help_text=_("The code in your confirmation e-mail and in My reservations."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
    )


class SeriesEnd(models.TextChoices):
    COUNT = "count", _("After a number of dates")
    UNTIL = "until", _("On a date")


class SeriesForm(BookingForm):
    """A recurring booking: the first date's booking, how it repeats and when it ends."""

    frequency = forms.ChoiceField(
        label=_("Repeats"), choices=Frequency.choices, initial=Frequency.WEEKLY
    )
    ends = forms.ChoiceField(
        label=_("Ends"),
        choices=SeriesEnd.choices,
        initial=SeriesEnd.COUNT,
        widget=forms.RadioSelect,
    )
    count = forms.IntegerField(
        label=_("Number of dates"),
        min_value=2,
        max_value=SERIES_MAX_DATES,
        required=False,
        initial=4,
    )
    until = DateField(
        label=_("Last date"), required=False, input_formats=["%Y-%m-%d"],
        help_text=_("The series ends on or before this day."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["count"].help_text = _("Including the first date; at most %(limit)s.") % {
            "limit": SERIES_MAX_DATES
        }

    def clean(self):
        cleaned = super().clean()
        ends, first = cleaned.get("ends"), cleaned.get("date")
        if ends == SeriesEnd.COUNT:
            cleaned["until"] = None
            if cleaned.get("count") is None and "count" not in self.errors:
                self.add_error("count", _("Give the number of dates."))
        elif ends == SeriesEnd.UNTIL:
            cleaned["count"] = None
            until = cleaned.get("until")
            if until is None:
                if "until" not in self.errors:
                    self.add_error("until", _("Give the series' last date."))
            elif first and until <= first:
                self.add_error("until", _("The last date must come after the first."))
            elif first and cleaned.get("frequency"):
                days = occurrence_days(
                    first, cleaned["frequency"], until=until, most=SERIES_MAX_DATES
                )
                if len(days) > SERIES_MAX_DATES:
                    self.add_error(
                        "until",
                        _("A series has at most %(limit)s dates: choose an earlier last date.")
                        % {"limit": SERIES_MAX_DATES},
                    )
        return cleaned

    def series_arguments(self):
        """Keyword arguments for reservations.services.book_series()."""
        data = self.cleaned_data
        return {
            **self.booking_arguments(),
            "frequency": data["frequency"],
            "until": data["until"],
            "count": data["count"],
        }

    def plan_arguments(self):
        """Keyword arguments for reservations.services.plan_series()."""
        arguments = self.series_arguments()
        for name in ("purpose", "company_name", "contact_phone"):
            del arguments[name]
        return arguments


class WaitlistForm(forms.Form):
    """Joining a waitlist: for one room (`room`), or for any room matching a search (`region`
    and the search's filters), for a period; with what the booking will say when confirmed."""

    room = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
    region = forms.ModelChoiceField(
        Region.objects.all(), to_field_name="slug", required=False, label=_("Region"),
        widget=forms.HiddenInput,
    )  # fmt: skip
    district = forms.ModelChoiceField(
        District.objects.all(), to_field_name="code", required=False, label=_("District"),
        widget=forms.HiddenInput,
    )  # fmt: skip
    kind = forms.ChoiceField(
        choices=[("", _("Any kind")), *RoomKind.choices], required=False, widget=forms.HiddenInput
    )
    equipment = forms.MultipleChoiceField(
        choices=Equipment.choices, required=False, widget=forms.MultipleHiddenInput
    )
    date = DateField(label=_("Date"), input_formats=["%Y-%m-%d"])
    start = forms.TimeField(
        label=_("Start"),
        input_formats=["%H:%M"],
        widget=forms.TimeInput(attrs={"type": "time", "step": 1800}, format="%H:%M"),
    )
    duration = forms.TypedChoiceField(
        label=_("Duration"), coerce=int, choices=duration_choices, initial=DEFAULT_DURATION
    )
    attendees = forms.IntegerField(
        label=_("Attendees"),
        min_value=1,
        max_value=500,
        help_text=_("Everyone who will be in the room, including you."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("The booking will say this if you confirm the offer."),
    )

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start.minute % 30 or start.second:
            raise forms.ValidationError(_("Choose a start on the hour or the half hour."))
        return start

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("room") and not cleaned.get("region") and not self.errors:
            raise forms.ValidationError(_("Choose a region to wait for any room in it."))
        district = cleaned.get("district")
        if district and cleaned.get("region") and district.region_id != cleaned["region"].pk:
            self.add_error("district", _("The district is not in the chosen region."))
        day, start_time, minutes = (
            cleaned.get("date"),
            cleaned.get("start"),
            cleaned.get("duration"),
        )
        if day and start_time and minutes:
            cleaned["starts_at"] = at(day, start_time)
            cleaned["ends_at"] = cleaned["starts_at"] + datetime.timedelta(minutes=minutes)
        return cleaned
