import re

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def sign_in(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def test_five_failed_sign_ins_lock_the_account_with_a_way_back(client):
    user = UserFactory(email="locked@example.com")
    for _ in range(4):
        assert sign_in(client, user.email, "wrong-password").status_code == 200
    assert sign_in(client, user.email, "wrong-password").status_code == 429
    response = sign_in(client, user.email, "correct-horse-battery")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "15" in page
    assert "/accounts/password/reset/" in page


def test_the_lock_holds_for_the_account_from_another_address(client):
    user = UserFactory()
    for _ in range(5):
        sign_in(client, user.email, "wrong-password")
    elsewhere = client.__class__(REMOTE_ADDR="10.9.8.7")
    assert sign_in(elsewhere, user.email, "correct-horse-battery").status_code == 429
    assert sign_in(elsewhere, UserFactory().email, "correct-horse-battery").status_code == 302


def test_fewer_failures_do_not_lock_and_success_resets_the_count(client):
    user = UserFactory()
    for _ in range(4):
        sign_in(client, user.email, "wrong-password")
    assert sign_in(client, user.email, "correct-horse-battery").status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, user.email, "wrong-password")
    assert sign_in(client, user.email, "correct-horse-battery").status_code == 302


def test_resetting_the_password_unlocks_the_account(client):
    user = UserFactory(email="forgetful@example.com")
    for _ in range(5):
        sign_in(client, user.email, "wrong-password")
    assert sign_in(client, user.email, "correct-horse-battery").status_code == 429

    client.post("/accounts/password/reset/", {"email": user.email})
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/\S+)", message.body).group(1)
    form_url = client.get(link).url or link
    response = client.post(
        form_url, {"new_password1": "Fresh-start-2026!", "new_password2": "Fresh-start-2026!"}
    )
    assert response.status_code == 302

    fresh = client.__class__(REMOTE_ADDR="10.1.2.3")
    assert sign_in(fresh, user.email, "Fresh-start-2026!").status_code == 302


def test_wrong_passwords_on_account_deletion_lock_like_failed_sign_ins(client):
    user = UserFactory()
    client.force_login(user)
    answers = [
        client.post("/accounts/delete/", {"password": f"guess-{n}"}).status_code
        for n in range(1, 7)
    ]

    assert answers[:4] == [200] * 4
    assert answers[4:] == [429, 429]
    locked = client.post("/accounts/delete/", {"password": "correct-horse-battery"})
    assert locked.status_code == 429
    assert "/accounts/password/reset/" in locked.content.decode()
    assert user.__class__.objects.filter(pk=user.pk).exists()
    other = client.__class__(REMOTE_ADDR="10.9.8.7")
    assert sign_in(other, user.email, "correct-horse-battery").status_code == 429


def test_deletion_guesses_and_sign_in_failures_count_together(client):
    user = UserFactory()
    client.force_login(user)
    for _ in range(3):
        sign_in(client.__class__(REMOTE_ADDR="10.9.8.7"), user.email, "wrong-password")
    client.post("/accounts/delete/", {"password": "guess-1"})

    assert client.post("/accounts/delete/", {"password": "guess-2"}).status_code == 429
