import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from reservations.models import Reservation
from tests.factories import ReservationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def test_sign_in_by_email_ignores_case_and_returns_to_next_with_its_query(client):
    UserFactory(email="park@example.com")
    next_url = "/book/?room=3&start=2026-12-01T10:00"

    page = client.get(reverse("accounts:login"), {"next": next_url})
    assert page.status_code == 200
    assert f'value="{next_url}"'.replace("&", "&amp;") in page.content.decode()

    response = client.post(
        reverse("accounts:login"),
        {"username": "PARK@Example.COM", "password": PASSWORD, "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == next_url


def test_sign_in_ignores_an_unsafe_next(client):
    UserFactory(email="park@example.com")

    response = client.post(
        reverse("accounts:login"),
        {"username": "park@example.com", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_sign_in_with_a_wrong_password_is_refused(client):
    UserFactory(email="park@example.com")

    response = client.post(
        reverse("accounts:login"), {"username": "park@example.com", "password": "nope"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_out_is_post_only(client):
    client.force_login(UserFactory())

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="lee@example.com")

    response = client.post(reverse("accounts:password_reset"), {"email": "lee@example.com"})

    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lee@example.com"]
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    confirm = client.get(link, follow=True)
    assert confirm.context["validlink"]
    done = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "green-valley-stone-77", "new_password2": "green-valley-stone-77"},
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("green-valley-stone-77")


def test_password_reset_mail_is_in_korean_by_default(client):
    UserFactory(email="lee@example.com")

    client.post(reverse("accounts:password_reset"), {"email": "lee@example.com"})

    assert "비밀번호" in mail.outbox[0].subject


def test_password_change_needs_the_old_password(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "green-valley-stone-77",
            "new_password2": "green-valley-stone-77",
        },
    )

    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.check_password("green-valley-stone-77")


def test_profile_edit_saves_the_new_details(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"),
        {
            "name": "최현우",
            "email": user.email,
            "account_type": "business",
            "company": "새 회사",
            "business_number": "124-81-00998",
            "phone": "02-123-4567",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.company, user.business_number, user.phone) == (
        "최현우",
        "새 회사",
        "1248100998",
        "02-123-4567",
    )


def test_profile_shows_the_business_number_only_to_its_owner(client):
    user = UserFactory(business_number="1248100998")
    client.force_login(user)

    assert "1248100998" in client.get(reverse("accounts:profile")).content.decode()


def test_profile_needs_sign_in(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_account_deletion_with_a_wrong_password_is_refused(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("accounts:delete"), {"password": "wrong"})

    assert response.status_code == 200
    assert User.objects.filter(pk=user.pk).exists()


def test_account_deletion_blanks_personal_fields_and_keeps_the_bookings(client):
    user = UserFactory()
    reservation = ReservationFactory(booked_by=user)
    client.force_login(user)

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    kept = Reservation.objects.get(pk=reservation.pk)
    assert (kept.booked_by, kept.company_name, kept.contact_phone) == (None, "", "")
    assert "_auth_user_id" not in client.session


def test_nav_shows_sign_in_and_sign_up_when_signed_out(client):
    page = client.get(reverse("accounts:login")).content.decode()

    assert reverse("accounts:signup") in page
    assert reverse("accounts:logout") not in page


def test_nav_shows_account_links_and_a_sign_out_form_when_signed_in(client):
    client.force_login(UserFactory())

    page = client.get(reverse("accounts:profile")).content.decode()

    assert reverse("mine:list") in page
    assert f'action="{reverse("accounts:logout")}" method="post"' in page
    assert "/dashboard/" not in page
    assert reverse("admin:index") not in page


def test_nav_shows_the_dashboard_to_ministry_officials_and_admin_to_staff(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = client.get(reverse("accounts:profile")).content.decode()

    assert 'href="/dashboard/"' in page
    assert reverse("admin:index") in page


def test_sign_in_page_is_in_korean_by_default_and_english_on_request(client):
    assert "로그인" in client.get(reverse("accounts:login")).content.decode()

    english = client.get(reverse("accounts:login"), headers={"accept-language": "en"})
    assert "Sign in" in english.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})

    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_link_with_a_bad_token_says_the_link_is_invalid(client):
    response = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]), follow=True
    )

    assert response.status_code == 200
    assert not response.context["validlink"]


def test_account_deletion_page_asks_for_the_password(client):
    client.force_login(UserFactory())

    response = client.get(reverse("accounts:delete"))

    assert response.status_code == 200
    assert 'type="password"' in response.content.decode()
