"""Two-step sign-in: staff reach no admin or dashboard page without their second factor."""

import time

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.roles import FACILITY_MANAGERS, MINISTRY_OFFICIALS
from tests.factories import FacilityFactory, ReservationFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
VERIFY = "/accounts/two-factor/"
SETUP = "/accounts/two-factor/setup/"


def code_for(device, offset=0):
    """What the authenticator app shows now (or `offset` steps from now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


def staff_in(group):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def manager():
    return staff_in(FACILITY_MANAGERS)


@pytest.fixture
def official():
    return staff_in(MINISTRY_OFFICIALS)


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def authenticator():
    def make(user):
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)

    return make


@pytest.fixture
def no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def sign_in(client, user):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})


@pytest.fixture
def scene(manager):
    facility = FacilityFactory(managers=[manager])
    room = RoomFactory(facility=facility)
    booking = ReservationFactory(room=room)
    return {"facility": facility, "room": room, "booking": booking}


def guarded_urls(scene):
    facility, room, booking = scene["facility"], scene["room"], scene["booking"]
    return [
        reverse("admin:index"),
        reverse("admin:reservations_reservation_changelist"),
        reverse("admin:reservations_reservation_change", args=[booking.pk]),
        reverse("admin:rooms_facility_change", args=[facility.pk]),
        reverse("admin:rooms_room_changelist"),
        reverse("admin:rooms_closure_changelist"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:password_change"),
        reverse("dashboard:nation"),
        reverse("dashboard:nation_sites"),
        reverse("dashboard:region", args=[facility.district.region.slug]),
        reverse("dashboard:district", args=[facility.district.code]),
        reverse("dashboard:site", args=[facility.code]),
        reverse("dashboard:room", args=[room.pk]),
    ]


# --- the URL × role matrix ---


@pytest.mark.parametrize("role", ["manager", "official", "superuser"])
def test_staff_without_a_verified_device_reach_no_admin_or_dashboard_page(
    client, scene, request, role
):
    user = request.getfixturevalue(role)
    client.force_login(user, second_factor=False)

    for url in guarded_urls(scene):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY), url


@pytest.mark.parametrize("role", ["manager", "official", "superuser"])
def test_staff_with_an_enrolled_but_unused_device_are_still_held_back(
    client, scene, request, role, authenticator
):
    user = request.getfixturevalue(role)
    authenticator(user)
    client.force_login(user, second_factor=False)

    for url in guarded_urls(scene):
        assert client.get(url)["Location"].startswith(VERIFY), url


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("manager", {"admin"}),
        ("official", {"admin", "dashboard"}),
        ("superuser", {"admin", "dashboard"}),
    ],
)
def test_staff_with_a_verified_device_reach_the_pages_of_their_role(
    client, scene, request, role, allowed
):
    client.force_login(request.getfixturevalue(role))
    superuser_only = reverse("admin:accounts_user_changelist")

    for url in guarded_urls(scene):
        area = "dashboard" if url.startswith("/dashboard/") else "admin"
        response = client.get(url)
        if area in allowed and (url != superuser_only or role == "superuser"):
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, url


def test_a_staff_session_from_someone_elses_device_is_not_verified(client, manager, official):
    other = TOTPDevice.objects.create(user=official, name="authenticator")
    client.force_login(manager, second_factor=False)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = other.persistent_id
    session.save()

    assert client.get(reverse("admin:index"))["Location"].startswith(VERIFY)


def test_the_admin_sign_in_page_itself_stays_reachable(client, manager):
    client.force_login(manager, second_factor=False)

    client.post(reverse("admin:logout"))

    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:login")).status_code == 200


# --- first sign-in: enrolment ---


def test_staff_signing_in_for_the_first_time_are_sent_to_enrolment(client, manager):
    response = sign_in(client, manager)
    assert response["Location"].startswith(VERIFY)

    step = client.get(response["Location"])
    assert step["Location"].startswith(SETUP)


def test_enrolment_shows_a_qr_code_and_the_key_then_a_code_turns_it_on(client, manager):
    sign_in(client, manager)
    page = client.get(SETUP, {"next": "/admin/"})
    html = page.content.decode()
    assert '<svg viewBox="' in html and 'class="qr-code"' in html
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert mfa.secret_of(device) in html
    assert client.get(SETUP).content.decode().count(mfa.secret_of(device)) == 1

    response = client.post(SETUP, {"code": code_for(device), "next": "/admin/"})

    assert response["Location"] == reverse("accounts:recovery_codes") + "?next=%2Fadmin%2F"
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(response["Location"])
    codes = codes_page.context["codes"]
    assert len(codes) == mfa.RECOVERY_CODE_COUNT
    assert all(code in codes_page.content.decode() for code in codes)
    assert client.get(response["Location"]).context["codes"] is None
    assert client.get("/admin/").status_code == 200


def test_enrolment_refuses_a_wrong_code(client, manager):
    sign_in(client, manager)
    client.get(SETUP)

    response = client.post(SETUP, {"code": "000000"})

    assert response.status_code == 200
    assert response.context["form"].has_error("code")
    assert not TOTPDevice.objects.filter(user=manager, confirmed=True).exists()
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_someone_with_only_the_password_cannot_enrol_over_an_existing_device(
    client, manager, authenticator
):
    device = authenticator(manager)
    sign_in(client, manager)

    response = client.get(SETUP)

    assert response["Location"].startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=manager)) == [device]


# --- later sign-ins ---


def test_signing_in_asks_for_the_code_and_returns_to_next(client, manager, authenticator):
    device = authenticator(manager)
    response = client.post(
        reverse("accounts:login"),
        {"username": manager.email, "password": PASSWORD, "next": "/admin/rooms/room/"},
    )
    assert response["Location"] == VERIFY + "?next=%2Fadmin%2Frooms%2Froom%2F"
    assert client.get("/admin/").status_code == 302

    response = client.post(VERIFY, {"code": code_for(device), "next": "/admin/rooms/room/"})

    assert response["Location"] == "/admin/rooms/room/"
    assert client.get("/admin/rooms/room/").status_code == 200


def test_a_pending_session_reaches_nothing_but_the_second_step(client, manager, authenticator):
    authenticator(manager)
    sign_in(client, manager)

    for url in ("/", reverse("accounts:profile"), reverse("mine:list")):
        assert client.get(url)["Location"].startswith(VERIFY), url
    assert client.get(VERIFY).status_code == 200
    assert client.get(reverse("accounts:privacy")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_a_code_is_accepted_once(client, manager, authenticator, no_throttle):
    device = authenticator(manager)
    code = code_for(device)
    sign_in(client, manager)
    assert client.post(VERIFY, {"code": code})["Location"] == reverse("admin:index")

    other = client.__class__()
    sign_in(other, manager)
    response = other.post(VERIFY, {"code": code})

    assert response.status_code == 200
    assert response.context["form"].has_error("code", "invalid_code")


def test_wrong_codes_are_throttled(client, manager, authenticator):
    device = authenticator(manager)
    sign_in(client, manager)
    client.post(VERIFY, {"code": "000000"})

    response = client.post(VERIFY, {"code": code_for(device)})

    assert response.context["form"].has_error("code", "throttled")
    assert client.get("/admin/")["Location"].startswith(VERIFY)


@pytest.mark.parametrize("code", ["", "12345", "x" * 5000, "１２３４５６"])
def test_malformed_codes_are_refused_plainly(client, manager, authenticator, no_throttle, code):
    authenticator(manager)
    sign_in(client, manager)

    response = client.post(VERIFY, {"code": code})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_code_with_a_control_character_is_a_bad_request(
    client, manager, authenticator, no_throttle
):
    authenticator(manager)
    sign_in(client, manager)

    response = client.post(VERIFY, {"code": "123456\x00"})

    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


# --- recovery codes ---


def test_a_recovery_code_signs_in_once(client, manager, authenticator, no_throttle):
    authenticator(manager)
    codes = mfa.new_recovery_codes(manager)
    sign_in(client, manager)

    response = client.post(VERIFY, {"code": codes[0].upper()})
    assert response["Location"] == reverse("admin:index")
    assert client.get("/admin/").status_code == 200

    again = client.__class__()
    sign_in(again, manager)
    reused = again.post(VERIFY, {"code": codes[0]})
    assert reused.context["form"].has_error("code", "invalid_code")
    assert again.post(VERIFY, {"code": codes[1]})["Location"] == reverse("admin:index")
    assert mfa.recovery_codes_left(manager) == mfa.RECOVERY_CODE_COUNT - 2


def test_new_recovery_codes_cancel_the_old_ones(client, manager, no_throttle):
    client.force_login(manager)
    old = mfa.new_recovery_codes(manager)

    client.post(reverse("accounts:recovery_codes"))
    new = client.get(reverse("accounts:recovery_codes")).context["codes"]

    assert len(new) == mfa.RECOVERY_CODE_COUNT and not set(old) & set(new)
    assert mfa.verify(manager, old[0]) is None
    assert mfa.verify(manager, new[0]) is not None


# --- a lost phone ---


def test_a_superuser_resets_a_lost_device_and_it_is_recorded(client, superuser, manager):
    authenticator = TOTPDevice.objects.create(user=manager, name="authenticator")
    mfa.new_recovery_codes(manager)
    client.force_login(superuser)
    page = client.get(reverse("admin:accounts_user_change", args=[manager.pk]))
    reset_url = reverse("admin:accounts_user_reset_second_factor", args=[manager.pk])
    assert reset_url in page.content.decode()

    response = client.post(reset_url)

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=authenticator.pk).exists()
    assert not StaticDevice.objects.filter(user=manager).exists()
    entry = LogEntry.objects.get(object_id=str(manager.pk))
    assert (entry.user, entry.action_flag) == (superuser, CHANGE)
    assert "two-step" in entry.get_change_message()

    staff = client.__class__()
    sign_in(staff, manager)
    assert staff.get(VERIFY)["Location"].startswith(SETUP)


def test_only_a_superuser_may_reset_a_device(client, manager, official):
    TOTPDevice.objects.create(user=official, name="authenticator")
    client.force_login(manager)
    reset_url = reverse("admin:accounts_user_reset_second_factor", args=[official.pk])

    assert client.post(reset_url).status_code == 403
    assert TOTPDevice.objects.filter(user=official).exists()


def test_the_reset_needs_a_post(client, superuser, manager):
    client.force_login(superuser)
    reset_url = reverse("admin:accounts_user_reset_second_factor", args=[manager.pk])

    assert client.get(reset_url).status_code == 405


def test_the_device_models_are_not_editable_in_the_admin(client, superuser):
    client.force_login(superuser)

    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


# --- SME users may opt in ---


def test_an_sme_user_without_a_device_signs_in_with_the_password_alone(client):
    user = UserFactory()

    response = sign_in(client, user)

    assert response["Location"] == reverse("home")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_an_sme_user_turns_two_step_sign_in_on_and_then_needs_it(client):
    user = UserFactory()
    client.force_login(user)
    assert SETUP in client.get(reverse("accounts:profile")).content.decode()
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    assert client.post(SETUP, {"code": code_for(device)}).status_code == 302

    later = client.__class__()
    sign_in(later, user)
    assert later.get(reverse("mine:list"))["Location"].startswith(VERIFY)
    later.post(VERIFY, {"code": code_for(device, offset=1)})
    assert later.get(reverse("mine:list")).status_code == 200


def test_an_sme_user_turns_it_off_with_the_password(client):
    user = UserFactory()
    TOTPDevice.objects.create(user=user, name="authenticator")
    client.force_login(user)
    off = reverse("accounts:two_factor_disable")

    assert client.post(off, {"password": "wrong"}).status_code == 200
    assert TOTPDevice.objects.filter(user=user).exists()
    assert client.post(off, {"password": PASSWORD})["Location"] == reverse("accounts:profile")
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_staff_cannot_turn_it_off(client, manager):
    client.force_login(manager)

    response = client.post(reverse("accounts:two_factor_disable"), {"password": PASSWORD})

    assert response["Location"] == reverse("accounts:profile")
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).exists()


def test_the_second_step_pages_are_in_korean_and_english(client, manager, authenticator):
    authenticator(manager)
    sign_in(client, manager)

    assert "2단계" in client.get(VERIFY).content.decode()
    english = client.get(VERIFY, headers={"accept-language": "en"}).content.decode()
    assert "Two-step sign-in" in english


@pytest.mark.parametrize(
    ("who", "landing"),
    [("manager", "admin:index"), ("superuser", "admin:index"), ("official", "dashboard:nation")],
)
def test_signing_in_without_a_next_lands_each_staff_role_on_its_own_page(
    request, client, authenticator, no_throttle, who, landing
):
    user = request.getfixturevalue(who)
    device = authenticator(user)
    sign_in(client, user)

    assert client.post(VERIFY, {"code": code_for(device)})["Location"] == reverse(landing)


def test_a_next_wins_over_the_landing_page(client, manager, authenticator, no_throttle):
    device = authenticator(manager)
    sign_in(client, manager)

    response = client.post(f"{VERIFY}?next=/my/", {"code": code_for(device)})

    assert response["Location"] == "/my/"
