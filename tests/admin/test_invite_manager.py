"""A superuser invites a facility manager from the admin: an account nobody knows the password
of, and an e-mail whose link lets its owner choose one."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.roles import FACILITY_MANAGERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INVITE = "admin:accounts_user_invite_manager"


def test_inviting_makes_a_manager_without_a_password_and_sends_the_link(
    client, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(superuser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(INVITE), {"email": "Choi@Site.example"})

    user = get_user_model().objects.get(email="choi@site.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_user_change", args=[user.pk])
    assert not user.has_usable_password()
    assert user.is_staff and user.groups.filter(name=FACILITY_MANAGERS).exists()
    assert [mail.to for mail in mailoutbox] == [["choi@site.example"]]
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_inviting_again_sends_a_new_link_to_an_invitation_not_yet_used(
    client, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse(INVITE), {"email": "choi@site.example"})

    assert get_user_model().objects.filter(email="choi@site.example").count() == 1
    assert len(mailoutbox) == 2


def test_an_account_with_a_password_is_not_invited(client, superuser, mailoutbox):
    UserFactory(email="park@site.example")
    client.force_login(superuser)

    response = client.post(reverse(INVITE), {"email": "park@site.example"})

    assert response.status_code == 400
    assert "has an account with a password already" in response.content.decode()
    assert mailoutbox == []


@pytest.mark.parametrize(
    "email", ["not-an-address", "a\x00b@site.example", "x" * 100_000 + "@site.example", ""]
)
def test_hostile_addresses_are_refused_with_a_400(client, superuser, email):
    client.force_login(superuser)
    before = get_user_model().objects.count()

    response = client.post(reverse(INVITE), {"email": email})

    assert response.status_code == 400
    assert get_user_model().objects.count() == before


@pytest.mark.parametrize("role", ["owner_manager", "ministry_official"])
def test_only_superusers_invite(client, user_in_role, role):
    client.force_login(user_in_role(role))

    response = client.post(reverse(INVITE), {"email": "choi@site.example"})

    assert response.status_code == 403
    assert not get_user_model().objects.filter(email="choi@site.example").exists()
