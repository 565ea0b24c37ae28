"""Keys that travel in URL paths, and their removal from everything the logs record.

One entry per kind of link that carries a key, with `{secret}` where a secret segment stands.
A new link with a key (an e-mail confirmation, say) needs its entry here: tests/web fail for
any URL whose arguments are named like a key (token, key, secret, uidb64) that no entry hides.
`RedactSecretsFilter` applies the table to each log record (settings.LOGGING).
"""

import logging
import re

SECRET_PATHS = (
    # A calendar feed's token alone reads someone's bookings.
    "/my/calendar/{secret}.ics",
    # A password-reset link (and the page it redirects to) sets a new password.
    "/accounts/password/reset/{secret}/{secret}/",
)
REDACTED = "[redacted]"

# A secret segment ends where a path segment, a query string or quoted text would.
_SEGMENT = r"""([^/?#\s"']+)"""


def _compile(template):
    literals = template.split("{secret}")
    return re.compile(_SEGMENT.join(re.escape(literal) for literal in literals))


_PATTERNS = [_compile(template) for template in SECRET_PATHS]


def _hide(match):
    text, start = match.group(0), match.start()
    for group in reversed(range(1, (match.re.groups or 0) + 1)):
        begin, end = match.span(group)
        text = text[: begin - start] + REDACTED + text[end - start :]
    return text


def redact(text):
    """The text with the secret segments of every such path in it replaced."""
    for pattern in _PATTERNS:
        text = pattern.sub(_hide, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Hides the keys in a record's message, its `path` and its traceback, whatever logged it."""

    def filter(self, record):
        message = record.getMessage()
        if (redacted := redact(message)) != message:
            record.msg, record.args = redacted, None
        if isinstance(getattr(record, "path", None), str):
            record.path = redact(record.path)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
