"""The request type of views behind login_required, for the type checker: its user is signed in."""

from accounts.models import User
from web.http import HtmxHttpRequest


class SignedInRequest(HtmxHttpRequest):
    user: User
