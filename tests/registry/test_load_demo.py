"""Demo accounts: one per role, created again and again without duplicates."""

from base64 import b32decode

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.utils import translation
from django_otp.oath import TOTP

from accounts.models import User
from accounts.roles import FACILITY_MANAGERS, MINISTRY_OFFICIALS
from rooms.management.commands.load_demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET, MANAGED_SITES
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def managed_sites():
    return [FacilityFactory(code=code) for code in MANAGED_SITES]


def test_load_demo_creates_one_account_per_role_and_prints_the_credentials(managed_sites, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for email, password, _name, _role in DEMO_ACCOUNTS:
        assert email in out and password in out
        assert User.objects.get(email=email).check_password(password)
    assert not User.objects.get(email="demo@boms.example").is_staff
    manager = User.objects.get(email="manager@boms.example")
    assert manager.is_staff and not manager.is_superuser
    assert list(manager.groups.values_list("name", flat=True)) == [FACILITY_MANAGERS]
    assert set(manager.managed_facilities.all()) == set(managed_sites)
    official = User.objects.get(email="official@boms.example")
    assert official.is_staff and not official.is_superuser
    assert list(official.groups.values_list("name", flat=True)) == [MINISTRY_OFFICIALS]
    assert User.objects.get(email="admin@boms.example").is_superuser


def test_load_demo_run_twice_leaves_the_same_four_accounts(managed_sites, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    manager = User.objects.get(email="manager@boms.example")
    manager.set_password("changed-by-someone-1")
    manager.save()
    call_command("load_demo")
    assert capsys.readouterr().out == first
    assert User.objects.count() == 4
    manager.refresh_from_db()
    assert manager.check_password("Boms-manager-2026!")
    assert manager.consents.count() == 3
    assert manager.managed_facilities.count() == len(MANAGED_SITES)


@pytest.mark.parametrize(("email", "password"), [(e, p) for e, p, _n, _r in DEMO_ACCOUNTS])
def test_demo_passwords_pass_the_password_validators(email, password):
    validate_password(password, User(email=email, name=email.split("@")[0]))


def test_demo_staff_open_the_admin(managed_sites, client):
    call_command("load_demo")
    for email in ("manager@boms.example", "official@boms.example", "admin@boms.example"):
        client.force_login(User.objects.get(email=email))
        assert client.get("/admin/").status_code == 200, email


def test_demo_accounts_are_confirmed_business_accounts_that_consented(managed_sites):
    call_command("load_demo")

    for email, *_rest in DEMO_ACCOUNTS:
        user = User.objects.get(email=email)
        assert user.can_book and user.is_business, email
        assert set(user.consents.values_list("item", flat=True)) == {"terms", "privacy", "age_14"}


def test_demo_staff_sign_in_with_the_printed_authenticator_key(managed_sites, client, capsys):
    call_command("load_demo")
    call_command("load_demo")
    assert DEMO_TOTP_SECRET in capsys.readouterr().out
    manager = User.objects.get(email="manager@boms.example")
    assert manager.totpdevice_set.count() == 1
    key = b32decode(DEMO_TOTP_SECRET)

    client.post("/accounts/login/", {"username": manager.email, "password": "Boms-manager-2026!"})
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/")
    code = f"{TOTP(key).token():06d}"
    assert client.post("/accounts/two-factor/", {"code": code})["Location"] == "/admin/"

    assert client.get("/admin/").status_code == 200
    assert not User.objects.get(email="demo@boms.example").totpdevice_set.exists()


def test_load_demo_before_the_registry_says_what_to_run_first():
    with translation.override("en"), pytest.raises(CommandError, match="load_registry"):
        call_command("load_demo")
    assert not User.objects.exists()
