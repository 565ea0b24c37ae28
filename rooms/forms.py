"""The room search form: where, when, for how many, with what."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import LATITUDE_RANGE, LONGITUDE_RANGE, District, Region
from reservations.forms import DEFAULT_DURATION, duration_choices
from rooms.models import Equipment, RoomKind


class SearchForm(forms.Form):
    region = forms.ModelChoiceField(
        Region.objects.all(), to_field_name="slug", required=False, label=_("Region"),
        empty_label=_("All regions"),
    )  # fmt: skip
    district = forms.ModelChoiceField(
        District.objects.none(), to_field_name="code", required=False, label=_("District"),
        empty_label=_("All districts"),
    )  # fmt: skip
    date = forms.DateField(
        required=False,
        label=_("Date"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
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
    free_now = forms.BooleanField(required=False, label=_("Free now"))
    lat = forms.FloatField(
        required=False, min_value=LATITUDE_RANGE[0], max_value=LATITUDE_RANGE[1],
        widget=forms.HiddenInput,
    )  # fmt: skip
    lng = forms.FloatField(
        required=False, min_value=LONGITUDE_RANGE[0], max_value=LONGITUDE_RANGE[1],
        widget=forms.HiddenInput,
    )  # fmt: skip

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

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise forms.ValidationError(_("Your location is incomplete; please try again."))
        return data

    def day(self):
        data = getattr(self, "cleaned_data", {})
        return data.get("date") or timezone.localdate()

    def window(self):
        """(start, end) aware datetimes when a start time was chosen, else None."""
        data = getattr(self, "cleaned_data", {})
        if not data.get("start"):
            return None
        start = timezone.make_aware(datetime.datetime.combine(self.day(), data["start"]))
        return start, start + datetime.timedelta(minutes=data.get("duration") or DEFAULT_DURATION)
