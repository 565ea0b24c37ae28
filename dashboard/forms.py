from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dashboard.columns import SORT_KEYS
from dashboard.figures import Filters
from dashboard.periods import DEFAULT_PRESET, LONGEST_RANGE, PRESETS, Period, preset_period
from rooms.models import HostType, RoomKind
from web.forms import DateField


class FilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"), choices=list(PRESETS.items()), required=False, initial=DEFAULT_PRESET
    )
    start = DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("Room kind"),
        choices=[("", _("All kinds")), *RoomKind.choices],
        required=False,
    )
    host_type = forms.ChoiceField(
        label=_("Host type"),
        choices=[("", _("All host types")), *HostType.choices],
        required=False,
    )
    sort = forms.ChoiceField(
        choices=[(f"{sign}{key}", key) for key in SORT_KEYS for sign in ("", "-")],
        required=False,
    )

    def __init__(self, data, *, today):
        super().__init__(data)
        self.today = today

    def clean(self):
        data = super().clean()
        if data.get("period") != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            if "start" not in self.errors and "end" not in self.errors:
                raise ValidationError(
                    _("Choose both dates of the custom range."), code="range_incomplete"
                )
            return data
        if end < start:
            self.add_error(
                "end",
                ValidationError(
                    _("The range must end on or after its start."), code="range_reversed"
                ),
            )
        elif end - start > LONGEST_RANGE:
            self.add_error(
                "end",
                ValidationError(_("Choose a range of at most three years."), code="range_too_long"),
            )
        return data

    def filters(self):
        data = self.cleaned_data
        preset = data.get("period") or DEFAULT_PRESET
        if preset == "custom":
            period = Period(data["start"], data["end"])
        else:
            period = preset_period(preset, self.today)
        return Filters(period, kind=data.get("kind", ""), host_type=data.get("host_type", ""))

    def ordering(self):
        value = self.cleaned_data.get("sort") or ""
        return value.lstrip("-"), value.startswith("-")
