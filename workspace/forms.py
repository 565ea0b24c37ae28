"""What the board and its decisions read from a request."""

from django import forms
from django.utils.translation import gettext_lazy as _

from web.forms import DateField, NoControlCharactersMixin

# Ids are database integers; a longer number is refused as input, not looked up.
LARGEST_ID = 2**31 - 1


class BoardForm(forms.Form):
    """The day (and, for staff who read every site, the facility) a board shows."""

    date = DateField(required=False, label=_("Date"), input_formats=["%Y-%m-%d"])
    facility = forms.IntegerField(
        required=False, min_value=1, max_value=LARGEST_ID, label=_("Facility")
    )


class WeekForm(forms.Form):
    """Any day of the week a room's week board shows; the week starts on its Monday."""

    date = DateField(required=False, label=_("Week of"), input_formats=["%Y-%m-%d"])


class RejectForm(NoControlCharactersMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
        help_text=_("The booker receives this text by e-mail."),
        error_messages={"required": _("Give the booker a reason for rejecting.")},
    )
