import json
from base64 import b32decode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountType
from accounts.policies import CONSENTS
from accounts.roles import FACILITY_MANAGERS, MINISTRY_OFFICIALS
from accounts.services import record_consents
from rooms.models import Facility

# The demo accounts, the sites the demo manager runs and the staff's authenticator key are data,
# in fixtures/demo.json: public on purpose, like the passwords. Demo data only.
DEMO = json.loads((settings.BASE_DIR / "fixtures" / "demo.json").read_text(encoding="utf-8"))
DEMO_ACCOUNTS = tuple(
    (account["email"], account["password"], account["name"], account["role"])
    for account in DEMO["accounts"]
)
MANAGED_SITES = tuple(DEMO["managed_sites"])
DEMO_TOTP_SECRET = DEMO["staff_totp_secret"]


class Command(BaseCommand):
    help = "Create (or reset) the demo accounts and print their credentials."

    @transaction.atomic
    def handle(self, *args, **options):
        sites = list(Facility.objects.filter(code__in=MANAGED_SITES))
        if len(sites) != len(MANAGED_SITES):
            raise CommandError(_("Load the registry first: manage.py load_registry"))
        User = get_user_model()
        self.stdout.write(_("Demo accounts (e-mail / password):"))
        for email, password, name, role in DEMO_ACCOUNTS:
            user, _created = User.objects.get_or_create(email=email, defaults={"name": name})
            user.name = name
            user.account_type = AccountType.BUSINESS
            user.company = DEMO["company"]["name"]
            user.business_number = DEMO["company"]["business_number"]
            user.phone = DEMO["company"]["phone"]
            user.email_verified_at = user.email_verified_at or timezone.now()
            user.is_superuser = role == "superuser"
            user.is_staff = role is not None
            user.set_password(password)
            user.save()
            if not user.consents.in_force().exists():
                record_consents(user, [consent.item for consent in CONSENTS if consent.required])
            if role in (FACILITY_MANAGERS, MINISTRY_OFFICIALS):
                user.groups.set([Group.objects.get(name=role)])
            if role == FACILITY_MANAGERS:
                user.managed_facilities.set(sites)
            if role is not None:
                _reset_authenticator(user)
            self.stdout.write(f"  {name:<32} {email:<24} {password}")
        self.stdout.write(
            _(
                "Staff accounts sign in with a second step: add the key %(key)s to an "
                "authenticator app (time-based, 6 digits) and enter its code."
            )
            % {"key": DEMO_TOTP_SECRET}
        )


def _reset_authenticator(user):
    """The same known authenticator on every run, with no recovery codes left over."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(
        user=user, name="demo authenticator", confirmed=True, key=demo_totp_key()
    )


def demo_totp_key():
    """DEMO_TOTP_SECRET as django-otp stores a key: hexadecimal."""
    return b32decode(DEMO_TOTP_SECRET).hex()
