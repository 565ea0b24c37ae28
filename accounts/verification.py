"""Links that confirm an e-mail address: signed, expiring, and void once the address changes."""

import datetime

from django.core import signing
from django.urls import reverse
from django.utils.http import urlencode

SALT = "accounts.email-verification"
LINK_LIFETIME = datetime.timedelta(days=3)


def token_for(user):
    return signing.dumps({"user": user.pk, "email": user.email}, salt=SALT)


def link_for(user, next_url=""):
    """The path of the link; the token is in the query string, which request logs omit."""
    query = {"token": token_for(user)}
    if next_url:
        query["next"] = next_url
    return f"{reverse('accounts:verify_email')}?{urlencode(query)}"


def read_token(token):
    """(user id, e-mail) the token was made for, or None if it is forged or expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_LIFETIME)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not {"user", "email"} <= data.keys():
        return None
    return data["user"], data["email"]
