"""The terms of use and the privacy notice, and the consents on the profile."""

import pytest
from django.urls import reverse

from accounts.models import Consent
from accounts.policies import PRIVACY_VERSION, TERMS_VERSION, ConsentItem
from accounts.services import record_consents
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "korean", "english", "version"),
    [
        ("accounts:terms", "이용약관", "terms of use", TERMS_VERSION),
        ("accounts:privacy", "개인정보 처리방침", "privacy notice", PRIVACY_VERSION),
    ],
)
def test_the_documents_are_public_in_korean_and_english_with_their_version(
    client, url_name, korean, english, version
):
    page = client.get(reverse(url_name))
    assert page.status_code == 200
    assert korean in page.content.decode() and version in page.content.decode()

    page = client.get(reverse(url_name), headers={"accept-language": "en"})
    assert english in page.content.decode() and "Korean text prevails" in page.content.decode()


def test_the_privacy_notice_lists_required_and_optional_items(client):
    page = client.get(reverse("accounts:privacy")).content.decode()

    for item in ("전자우편 주소", "사업자등록번호", "선택", "제3자", "1833-6972"):
        assert item in page


def test_the_profile_shows_what_was_agreed_and_when(client):
    user = UserFactory()
    record_consents(user, [ConsentItem.TERMS, ConsentItem.PRIVACY, ConsentItem.AGE])
    client.force_login(user)

    page = client.get(reverse("accounts:profile"), headers={"accept-language": "en"})

    html = page.content.decode()
    assert "Terms of use" in html and TERMS_VERSION in html


def test_the_optional_consent_is_given_and_withdrawn_from_the_profile(client):
    user = UserFactory()
    client.force_login(user)

    client.post(reverse("accounts:consents"), {ConsentItem.NEWS: "on"})
    assert Consent.objects.in_force().filter(user=user, item=ConsentItem.NEWS).exists()

    response = client.post(reverse("accounts:consents"), {})
    assert response["Location"] == reverse("accounts:profile") + "#consents"
    assert not Consent.objects.in_force().filter(user=user, item=ConsentItem.NEWS).exists()
    assert Consent.objects.filter(user=user, item=ConsentItem.NEWS).count() == 1


def test_required_consents_cannot_be_withdrawn_from_the_profile(client):
    user = UserFactory()
    record_consents(user, [ConsentItem.TERMS])
    client.force_login(user)

    client.post(reverse("accounts:consents"), {ConsentItem.TERMS: ""})

    assert Consent.objects.in_force().filter(user=user, item=ConsentItem.TERMS).exists()


def test_an_individual_switches_to_a_business_account_in_the_profile(client):
    user = UserFactory(account_type="individual", company="", business_number="")
    client.force_login(user)
    data = {"name": user.name, "email": user.email, "phone": user.phone}

    refused = client.post(reverse("accounts:profile"), {**data, "account_type": "business"})
    assert refused.context["form"].has_error("business_number", "required_for_business")

    client.post(
        reverse("accounts:profile"),
        {**data, "account_type": "business", "company": "새싹", "business_number": "1248100998"},
    )
    user.refresh_from_db()
    assert (user.account_type, user.company, user.business_number) == (
        "business",
        "새싹",
        "1248100998",
    )
