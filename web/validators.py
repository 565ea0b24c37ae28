"""Which characters text from outside may hold.

No control characters (C0, DEL and C1, Unicode category Cc): PostgreSQL refuses NUL in text
outright (DataError), and the others make no sense in a name, a search term or an address and
only hide what a value says. Multi-line text keeps tab, line feed and carriage return, which
text areas send. `web.middleware` applies these rules to every request; forms apply them to
their fields with `web.forms.NoControlCharactersMixin`.
"""

import re

from django.core.validators import RegexValidator
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
