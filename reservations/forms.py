"""Forms of the public portal's booking pages: the day picker and the booking form."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reservations.rules import SLOT

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


def duration_choices():
    step = int(SLOT.total_seconds() // 60)
    return [(step * n, _duration_label(step * n)) for n in DURATION_STEPS]


class DayForm(forms.Form):
    """The day whose timeline the room page shows (?date=YYYY-MM-DD)."""

    date = forms.DateField(
        label=_("Date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def day(self):
        return self.cleaned_data.get("date") or timezone.localdate()


class BookingForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
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

    def clean(self):
        cleaned = super().clean()
        day, start_time, minutes = (
            cleaned.get("date"),
            cleaned.get("start"),
            cleaned.get("duration"),
        )
        if day and start_time and minutes:
            starts_at = timezone.make_aware(datetime.datetime.combine(day, start_time))
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
