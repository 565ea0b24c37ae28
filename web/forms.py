"""Keeps control characters out of every text field of a form.

    class BookingForm(NoControlCharactersMixin, forms.ModelForm):
        ...

Put the mixin first. Each CharField (and subclass: e-mail, URL, slug, password, …) gets
`validate_single_line_text`, or `validate_multi_line_text` when its widget is a text area, so
that the field shows its own translated error. The request middleware already refuses these
characters in every request; the form is the guard where values come from elsewhere — an
import, a management command, the shell — and states the rule next to the fields it governs.
"""

from django import forms

from web.validators import validate_multi_line_text, validate_single_line_text


class NoControlCharactersMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                multi_line = isinstance(field.widget, forms.Textarea)
                field.validators.append(
                    validate_multi_line_text if multi_line else validate_single_line_text
                )
