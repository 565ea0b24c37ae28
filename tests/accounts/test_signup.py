"""Sign-up: account types, consents, and an e-mail link before the account can book, without
telling anyone whether an address is registered."""

import re
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from accounts import verification
from accounts.models import AccountType, Consent, User
from accounts.policies import PRIVACY_VERSION, TERMS_VERSION
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
PASSWORD = "blue-mountain-river-42"


def signup_data(**overrides):
    data = {
        "account_type": "business",
        "email": "Kim@Example.com",
        "name": "김민지",
        "company": "주식회사 새싹",
        "business_number": "220-81-62517",
        "phone": "010-2345-6789",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent_terms": "on",
        "consent_privacy": "on",
        "consent_age_14": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def sign_up(client, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(SIGNUP, signup_data(**overrides))


def link_in(message):
    return re.search(r"https?://[^/\s]+(/accounts/verify/\S+)", message.body).group(1)


# --- a new address ---


def test_sign_up_creates_an_unconfirmed_account_and_mails_the_link(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_sent")
    user = User.objects.get()
    assert (user.email, user.business_number, user.account_type) == (
        "kim@example.com",
        "2208162517",
        AccountType.BUSINESS,
    )
    assert user.check_password(PASSWORD)
    assert not user.email_verified and not user.can_book
    assert "_auth_user_id" not in client.session
    (message,) = mail.outbox
    assert message.to == ["kim@example.com"]
    assert "이메일" in message.subject and "Confirm" in message.subject


def test_the_link_confirms_the_address_and_then_the_account_may_book(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)

    response = client.get(link_in(mail.outbox[0]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    user = User.objects.get()
    assert user.email_verified and user.can_book


def test_the_link_brings_a_signed_in_owner_back_to_where_they_signed_up_from(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, signup_data(next="/book/3/?start=2026-12-01T10:00"))
    client.force_login(User.objects.get())

    response = client.get(link_in(mail.outbox[0]))

    assert response["Location"] == "/book/3/?start=2026-12-01T10:00"


def test_a_forged_expired_or_outdated_link_is_refused_with_a_way_forward(client):
    user = UserFactory(email_verified_at=None)
    forged = verification.token_for(user)[:-2] + "xx"
    with mock.patch("django.core.signing.time.time", return_value=0):
        expired = verification.token_for(user)
    outdated = verification.token_for(user)
    user.email = "new@example.com"
    user.save()

    for token in (forged, expired, outdated, "", "a" * 5000):
        response = client.get(reverse("accounts:verify_email"), {"token": token})
        assert response.status_code == 400
        assert reverse("accounts:profile") in response.content.decode()
    user.refresh_from_db()
    assert not user.email_verified


def test_the_token_is_signed_for_this_purpose_only(client):
    user = UserFactory(email_verified_at=None)
    other_purpose = signing.dumps({"user": user.pk, "email": user.email}, salt="something-else")

    response = client.get(reverse("accounts:verify_email"), {"token": other_purpose})

    assert response.status_code == 400


def test_the_link_in_the_mail_keeps_the_token_out_of_the_logged_path(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)

    assert link_in(mail.outbox[0]).startswith("/accounts/verify/?token=")


# --- an address that is already registered ---


def test_signing_up_with_a_registered_address_looks_the_same_and_tells_the_owner(
    client, django_capture_on_commit_callbacks
):
    new = sign_up(client, django_capture_on_commit_callbacks, email="new@example.com")
    owner = UserFactory(email="kim@example.com")
    mail.outbox.clear()

    again = sign_up(client.__class__(), django_capture_on_commit_callbacks, email="KIM@example.com")

    assert (again.status_code, again["Location"]) == (new.status_code, new["Location"])
    assert User.objects.filter(email__iexact="kim@example.com").count() == 1
    owner.refresh_from_db()
    assert owner.check_password("correct-horse-battery")
    (notice,) = mail.outbox
    assert notice.to == ["kim@example.com"]
    assert reverse("accounts:password_reset") in notice.body
    assert "/accounts/verify/" not in notice.body


def test_the_check_your_mail_page_reads_the_same_for_new_and_registered_addresses(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="taken@example.com")
    pages = []
    for email in ("taken@example.com", "fresh@example.com"):
        browser = client.__class__()
        response = sign_up(browser, django_capture_on_commit_callbacks, email=email)
        page = browser.get(response["Location"])
        pages.append((page.status_code, page.content.decode().replace(email, "EMAIL")))

    assert pages[0][0] == pages[1][0] == 200
    strip_tokens = re.compile(r'value="[^"]*"|"X-CSRFToken": "[^"]*"')
    assert strip_tokens.sub("", pages[0][1]) == strip_tokens.sub("", pages[1][1])


def test_both_paths_hash_one_password(client, django_capture_on_commit_callbacks):
    UserFactory(email="taken@example.com")
    counts = []
    for email in ("taken@example.com", "fresh@example.com"):
        with mock.patch.object(
            MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode
        ) as encode:
            sign_up(client.__class__(), django_capture_on_commit_callbacks, email=email)
        counts.append(encode.call_count)

    assert counts == [1, 1]


def test_an_unconfirmed_owner_signing_up_again_gets_a_new_link(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="kim@example.com", email_verified_at=None)

    sign_up(client, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert "/accounts/verify/" in message.body


def test_repeated_attempts_send_the_owner_one_notice_in_ten_minutes(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="kim@example.com")

    for _ in range(3):
        response = sign_up(client, django_capture_on_commit_callbacks)
        assert response.status_code == 302

    assert len(mail.outbox) == 1


class SmtpDown:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("SMTP down")


def test_a_failing_mail_server_still_answers_the_same_page(
    client, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "worker.outbox.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "tests.accounts.test_signup.SmtpDown"
    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert User.objects.count() == 1
    assert "SMTP down" in caplog.text


# --- account types ---


def test_an_individual_signs_up_without_company_or_business_number(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(
        client,
        django_capture_on_commit_callbacks,
        account_type="individual",
        company="",
        business_number="",
    )

    assert response.status_code == 302
    user = User.objects.get()
    assert (user.account_type, user.company, user.business_number) == ("individual", "", "")


def test_an_individual_keeps_no_company_details_typed_by_mistake(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks, account_type="individual",
            business_number="1234")  # fmt: skip

    user = User.objects.get()
    assert (user.company, user.business_number) == ("", "")


@pytest.mark.parametrize("missing", ["company", "business_number"])
def test_a_business_account_without_its_company_details_is_refused(client, missing):
    response = client.post(SIGNUP, signup_data(**{missing: ""}))

    assert response.status_code == 200
    assert response.context["form"].has_error(missing, "required_for_business")
    assert not User.objects.exists()


def test_an_unknown_account_type_is_refused(client):
    response = client.post(SIGNUP, signup_data(account_type="government"))

    assert response.context["form"].has_error("account_type", "invalid_choice")
    assert not User.objects.exists()


def test_the_sign_up_page_works_without_script_showing_both_types_and_company_fields(client):
    page = client.get(SIGNUP).content.decode()

    assert 'type="radio" name="account_type" value="business"' in page
    assert 'value="individual"' in page
    assert 'name="company"' in page and 'name="business_number"' in page
    assert "123-45-67891" in page


# --- consents ---


def test_sign_up_records_each_consent_with_its_version_and_time(
    client, django_capture_on_commit_callbacks
):
    before = timezone.now()
    sign_up(client, django_capture_on_commit_callbacks, consent_news="on")

    consents = {c.item: c for c in Consent.objects.filter(user__email="kim@example.com")}
    assert set(consents) == {"terms", "privacy", "age_14", "news"}
    assert consents["terms"].version == TERMS_VERSION
    assert consents["privacy"].version == PRIVACY_VERSION
    assert all(c.given_at >= before and c.withdrawn_at is None for c in consents.values())


def test_the_optional_consent_may_be_refused(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert set(Consent.objects.values_list("item", flat=True)) == {"terms", "privacy", "age_14"}


@pytest.mark.parametrize("item", ["consent_terms", "consent_privacy", "consent_age_14"])
def test_sign_up_without_a_required_consent_is_refused(client, item):
    response = client.post(SIGNUP, signup_data(**{item: None}))

    assert response.status_code == 200
    assert response.context["form"].has_error(item, "required")
    assert not User.objects.exists()


def test_the_sign_up_page_marks_required_and_optional_items_and_links_the_documents(client):
    page = client.get(SIGNUP, headers={"accept-language": "en"}).content.decode()

    assert page.count(">required<") == 3
    assert page.count(">optional<") == 1
    assert reverse("accounts:terms") in page and reverse("accounts:privacy") in page


# --- the rest of the form ---


def test_sign_up_with_a_wrong_check_digit_is_refused(client):
    response = client.post(SIGNUP, signup_data(business_number="2208162510"))

    assert response.context["form"].has_error("business_number", "business_number_check_digit")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "password",
    ["Short-pw-1!", "password1234", "kimexample123", "839201748291"],
    ids=["eleven characters", "common", "like the e-mail", "numbers only"],
)
def test_sign_up_with_a_weak_password_is_refused(client, password):
    response = client.post(
        SIGNUP, signup_data(email="kimexample@example.com", password1=password, password2=password)
    )

    assert response.context["form"].has_error("password1")
    assert not User.objects.exists()


def test_a_twelve_character_password_is_enough(client, django_capture_on_commit_callbacks):
    response = sign_up(
        client,
        django_capture_on_commit_callbacks,
        password1="Gx7-lamp-Orb",
        password2="Gx7-lamp-Orb",
    )

    assert response.status_code == 302


def test_sign_up_with_passwords_that_differ_is_refused(client):
    response = client.post(SIGNUP, signup_data(password2="blue-mountain-river-43"))

    assert response.context["form"].has_error("password2", "password_mismatch")
    assert not User.objects.exists()


def test_sign_up_with_a_non_korean_phone_is_refused(client):
    response = client.post(SIGNUP, signup_data(phone="555-0100"))

    assert response.context["form"].has_error("phone", "phone_format")
    assert not User.objects.exists()


def test_a_signed_in_user_is_sent_home_from_sign_up(client):
    client.force_login(UserFactory())

    assert client.get(SIGNUP)["Location"] == reverse("home")


# --- signed in but not confirmed ---


def test_signing_in_unconfirmed_works_and_says_how_to_confirm(client):
    UserFactory(email="kim@example.com", email_verified_at=None)

    response = client.post(
        reverse("accounts:login"),
        {"username": "kim@example.com", "password": "correct-horse-battery"},
        follow=True,
    )

    assert response.context["user"].is_authenticated
    assert "kim@example.com" in str(list(response.context["messages"])[0])


def test_the_profile_of_an_unconfirmed_user_offers_a_new_link(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email_verified_at=None)
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:resend_confirmation") in page

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("accounts:resend_confirmation"))
        second = client.post(reverse("accounts:resend_confirmation"))

    assert first.status_code == second.status_code == 302
    assert len(mail.outbox) == 1
    assert client.get(link_in(mail.outbox[0])).status_code == 302
    user.refresh_from_db()
    assert user.can_book


def test_a_confirmed_user_gets_no_new_link(client, django_capture_on_commit_callbacks):
    client.force_login(UserFactory())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:resend_confirmation"))

    assert mail.outbox == []


def test_asking_for_a_new_link_needs_a_post(client):
    client.force_login(UserFactory(email_verified_at=None))

    assert client.get(reverse("accounts:resend_confirmation")).status_code == 405


def test_changing_the_address_needs_a_new_confirmation(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    data = {
        "name": user.name,
        "email": "moved@example.com",
        "phone": user.phone,
        "account_type": "business",
        "company": user.company,
        "business_number": user.business_number,
    }

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:profile"), data)

    user.refresh_from_db()
    assert user.email == "moved@example.com" and not user.can_book
    (message,) = mail.outbox
    assert message.to == ["moved@example.com"]


def test_an_inactive_account_cannot_book_even_when_confirmed():
    assert not UserFactory.build(is_active=False).can_book
    assert UserFactory.build().can_book
