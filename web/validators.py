"""What values from outside may hold: which characters text may hold, which dates are accepted.

No control characters (C0, DEL and C1, Unicode category Cc): PostgreSQL refuses NUL in text
outright (DataError), and the others make no sense in a name, a search term or an address and
only hide what a value says. Multi-line text keeps tab, line feed and carriage return, which
text areas send. `web.middleware` applies these rules to every request; forms apply them to
their fields with `web.forms.NoControlCharactersMixin`.
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import formats
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_BUT_TAB_AND_LINE_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

MESSAGE = _("Remove the invisible control characters from this text.")

validate_single_line_text = RegexValidator(
    CONTROL_CHARACTERS, message=MESSAGE, code="control_characters", inverse_match=True
)
validate_multi_line_text = RegexValidator(
    CONTROL_CHARACTERS_BUT_TAB_AND_LINE_BREAKS,
    message=MESSAGE,
    code="control_characters",
    inverse_match=True,
)


def date_range_message():
    first, last = settings.ACCEPTED_DATES
    return _("Enter a date between %(first)s and %(last)s.") % {
        "first": formats.date_format(first, "Y-m-d"),
        "last": formats.date_format(last, "Y-m-d"),
    }


def validate_date_in_range(value):
    """Dates outside settings.ACCEPTED_DATES are refused: nobody books, closes or reports there,
    and arithmetic on the calendar's edges (9999-12-31 plus a day) overflows."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    first, last = settings.ACCEPTED_DATES
    if not first <= day <= last:
        raise ValidationError(date_range_message(), code="date_out_of_range")
