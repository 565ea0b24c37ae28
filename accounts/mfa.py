"""The second sign-in factor: an authenticator app (TOTP) and one-time recovery codes.

django-otp keeps the devices, checks codes (each code once, with throttling) and marks the
session as verified (`user.is_verified()`); this module decides who needs a second factor
and runs enrolment, verification and resets.
"""

import logging
import math
import re
from base64 import b32encode

import django_otp
import segno
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import FACILITY_MANAGERS, MINISTRY_OFFICIALS, in_group

logger = logging.getLogger(__name__)

# Set at sign-in for accounts that use a second factor; cleared when it is given.
PENDING_SESSION_KEY = "accounts_second_factor_pending"
RECOVERY_CODE_COUNT = 10
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"


class TooManyAttempts(Exception):
    def __init__(self, seconds):
        super().__init__(seconds)
        self.seconds = seconds


def requires_second_factor(user):
    """Facility managers, ministry officials and superusers: whoever reaches the admin or the
    dashboard. (SME users may choose to use one: `uses_second_factor`.)"""
    return user.is_authenticated and (
        user.is_staff
        or user.is_superuser
        or in_group(user, FACILITY_MANAGERS)
        or in_group(user, MINISTRY_OFFICIALS)
    )


def authenticator_of(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def uses_second_factor(user):
    return requires_second_factor(user) or authenticator_of(user) is not None


def second_factor_pending(sender, request, user, **kwargs):
    """On sign-in (user_logged_in): the session counts as signed in once the second factor
    is given too, by anyone who uses one."""
    if request is not None and uses_second_factor(user):
        request.session[PENDING_SESSION_KEY] = True


def is_pending(request):
    return bool(request.session.get(PENDING_SESSION_KEY))


def login(request, device):
    django_otp.login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)


@transaction.atomic
def start_enrolment(user):
    """The unconfirmed authenticator the user is adding (the same one on every reload)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


@transaction.atomic
def confirm_enrolment(request, device):
    """Make the device the user's authenticator once a code from it was accepted; returns
    a fresh set of recovery codes and marks the session verified."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(device.user)
    login(request, device)
    logger.info("second factor enrolled", extra={"user_id": device.user_id})
    return codes


@transaction.atomic
def new_recovery_codes(user):
    """Replace the user's recovery codes with new ones, each good for one sign-in."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user).count()


def verify(user, code, devices=None):
    """The device that accepts `code` (six digits: the authenticator; else a recovery code),
    or None. Raises TooManyAttempts while the device waits out earlier wrong codes."""
    code = re.sub(r"[\s-]", "", code or "").lower()
    if devices is None:
        model = TOTPDevice if re.fullmatch(r"\d{6}", code) else StaticDevice
        devices = model.objects.devices_for_user(user, confirmed=True)
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed:
            wait = (details["locked_until"] - timezone.now()).total_seconds()
            raise TooManyAttempts(max(1, math.ceil(wait)))
        if django_otp.verify_token(user, device.persistent_id, code):
            if isinstance(device, StaticDevice):
                logger.info("recovery code used", extra={"user_id": user.pk})
            return device
    return None


@transaction.atomic
def reset(user):
    """Remove the user's authenticator and recovery codes (a lost phone); returns how many
    devices went. The user enrols again at the next sign-in."""
    removed = sum(
        model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
        for model in (TOTPDevice, StaticDevice)
    )
    return removed


def secret_of(device):
    """The key as an authenticator app takes it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device, title):
    """The device's otpauth:// link as an inline SVG QR code (no script, no image request)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title=title, svgclass="qr-code", omitsize=True
    )
