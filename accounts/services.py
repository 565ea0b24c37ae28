"""Changes to accounts: sign-up, e-mail confirmation, profile, consents and deletion.

Each runs in one transaction and leaves its e-mail to `mail.schedule` (sent after the commit).
"""

import logging

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import mail, verification
from .models import Consent, User
from .policies import CONSENT_BY_ITEM, ConsentItem

logger = logging.getLogger(__name__)

# One notice per address in this time, however often someone signs up with it.
NOTICE_INTERVAL = 10 * 60
RESEND_INTERVAL = 60


def sign_up(form, *, next_url=""):
    """Create the account from a valid SignUpForm and mail a confirmation link, or, if the
    address is taken, mail its owner instead. The caller cannot tell which happened, so the
    page after sign-up says the same either way (and the same work is done: one password hash).
    """
    email = form.cleaned_data["email"]
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = form.save()
                record_consents(user, form.consented_items())
                _send_confirmation(user, next_url)
            return
        except IntegrityError:
            # Someone signed up with the same address a moment earlier.
            existing = User.objects.filter(email__iexact=email).first()
            if existing is None:
                raise
    make_password(form.cleaned_data["password1"])
    _tell_owner_of_sign_up_attempt(existing, next_url)


def _tell_owner_of_sign_up_attempt(user, next_url):
    if not cache.add(f"accounts:signup-notice:{user.pk}", True, NOTICE_INTERVAL):
        return
    if user.email_verified:
        mail.schedule("signup_attempt", user.email, user=user)
    else:
        _send_confirmation(user, next_url)


def _send_confirmation(user, next_url=""):
    mail.schedule("verify_email", user.email, user=user, link=verification.link_for(user, next_url))


def resend_confirmation(user):
    """Send a new link unless the address is confirmed or a link went out a minute ago.

    Returns whether a link was sent.
    """
    if user.email_verified or not cache.add(f"accounts:resend:{user.pk}", True, RESEND_INTERVAL):
        return False
    _send_confirmation(user)
    return True


def confirm_email(token):
    """The user whose address the link confirms (now or before), or None for a bad link."""
    found = verification.read_token(token)
    if found is None:
        return None
    user_id, email = found
    User.objects.filter(pk=user_id, email=email, email_verified_at__isnull=True).update(
        email_verified_at=timezone.now()
    )
    return User.objects.filter(pk=user_id, email=email).first()


@transaction.atomic
def update_profile(form):
    """Save a valid ProfileForm; a new e-mail address must be confirmed again."""
    user = form.save(commit=False)
    email_changed = "email" in form.changed_data
    if email_changed:
        user.email_verified_at = None
    user.save()
    if email_changed:
        _send_confirmation(user)
    return user


def record_consents(user, items, *, now=None):
    now = now or timezone.now()
    Consent.objects.bulk_create(
        Consent(user=user, item=item, version=CONSENT_BY_ITEM[item].version, given_at=now)
        for item in items
    )


@transaction.atomic
def set_optional_consent(user, item, given):
    """Give or withdraw an optional consent; returns whether anything changed."""
    if CONSENT_BY_ITEM[ConsentItem(item)].required:
        raise ValueError(f"{item} is required and cannot be withdrawn")
    in_force = user.consents.in_force().filter(item=item).select_for_update()
    if given:
        if in_force.exists():
            return False
        record_consents(user, [item])
        return True
    return bool(in_force.update(withdrawn_at=timezone.now()))


@transaction.atomic
def delete_account(user):
    """Delete the account and its sign-in records, all or nothing.

    Apps that keep records of the user react to the user model's pre_delete signal (the
    bookings ahead are cancelled, the rest stay for the statistics without personal details:
    `reservations.receivers`). The sign-in throttle's records keep the address and the network
    it was used from; they go too.
    """
    for record in (AccessAttempt, AccessFailureLog, AccessLog):
        record.objects.filter(username__iexact=user.email).delete()
    user.delete()
