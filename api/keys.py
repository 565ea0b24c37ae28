"""Issuing, revoking and recognising partners' API keys: the one place that changes them."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from api.models import ApiKey

KEY_PREFIX = "boms_"
# The header partners send their key in; never the address, where logs and referrers keep it.
KEY_HEADER = "X-API-Key"


def _hash(raw):
    # The key carries 256 random bits, so a fast hash cannot be reversed by guessing.
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(*, name, owner, rate, by):
    """A new key for `owner`: returns (ApiKey, the key itself), which is shown this once."""
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=name, owner=owner, rate=rate, prefix=raw[:12], hashed=_hash(raw), created_by=by
    )
    return key, raw


def revoke(keys, *, by):
    """Revokes the keys of `keys` (a queryset) still active; returns how many it revoked. The
    next request with a revoked key is refused: every request looks its key up."""
    with transaction.atomic():
        return keys.active().update(revoked_at=timezone.now(), revoked_by=by)


def recognise(raw):
    """The active key `raw` is, or None."""
    if not raw or len(raw) > 100:
        return None
    return ApiKey.objects.active().filter(hashed=_hash(raw)).first()
