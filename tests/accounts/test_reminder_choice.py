"""A booker turns booking reminders off (and on again) in the profile."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def details(user, **changes):
    return {
        "name": user.name,
        "email": user.email,
        "account_type": user.account_type,
        "company": user.company,
        "business_number": user.business_number,
        "phone": user.phone,
        **changes,
    }


def test_reminders_are_on_for_a_new_account_and_the_profile_says_so(client):
    user = UserFactory()
    client.force_login(user)

    page = client.get(reverse("accounts:profile")).content.decode()

    assert user.booking_reminders is True
    (checkbox,) = [tag for tag in page.split("<input")[1:] if 'name="booking_reminders"' in tag]
    assert " checked" in checkbox.split(">")[0]


def test_the_booker_turns_reminders_off_and_on_again(client):
    user = UserFactory()
    client.force_login(user)

    client.post(reverse("accounts:profile"), details(user))
    user.refresh_from_db()
    assert user.booking_reminders is False

    client.post(reverse("accounts:profile"), details(user, booking_reminders="on"))
    user.refresh_from_db()
    assert user.booking_reminders is True
