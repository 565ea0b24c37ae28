"""Form pieces every app shares: the date (and date-and-time) fields of the accepted range, and a mixin that keeps
control characters out of every text field of a form.

The date fields refuse a date outside settings.ACCEPTED_DATES with a message naming the range
(a model's date fields carry `validate_date_in_range` for their model forms, the admin's too).

Keeping control characters out of text:

    class BookingForm(NoControlCharactersMixin, forms.ModelForm):
        ...

Put the mixin first. Each CharField (and subclass: e-mail, URL, slug, password, …) gets
`validate_single_line_text`, or `validate_multi_line_text` when its widget is a text area, so
that the field shows its own translated error. The request middleware already refuses these
characters in every request; the form is the guard where values come from elsewhere — an
import, a management command, the shell — and states the rule next to the fields it governs.
"""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from web.validators import (
    validate_date_in_range,
    validate_multi_line_text,
    validate_single_line_text,
)


class DateField(forms.DateField):
    """A date within the accepted range, picked with the browser's date input."""

    default_validators = [validate_date_in_range]

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)


class DateTimePickers(forms.SplitDateTimeWidget):
    """The browser's own date picker and time picker, side by side (hours and minutes)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs,
            date_format="%Y-%m-%d",
            time_format="%H:%M",
            date_attrs={"type": "date"},
            time_attrs={"type": "time"},
        )


class DateTimeField(forms.SplitDateTimeField):
    """A date and time within the accepted range, with the browser's date and time pickers.

    A label names one element: each picker is named by the field's label and its part."""

    default_validators = [validate_date_in_range]
    widget = DateTimePickers

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.label:
            date, time = self.widget.widgets
            date.attrs["aria-label"] = format_lazy("{} ({})", self.label, _("date"))
            time.attrs["aria-label"] = format_lazy("{} ({})", self.label, _("time"))


class NoControlCharactersMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                multi_line = isinstance(field.widget, forms.Textarea)
                field.validators.append(
                    validate_multi_line_text if multi_line else validate_single_line_text
                )
