"""HTTP pieces every app shares: the request type of htmx views, the refusal of bad input."""

from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class RefusedInput(BadRequest):
    """Malformed input, refused with a 400 whose page tells the user why (a translated text)."""


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
