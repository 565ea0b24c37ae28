"""The sign-in lock-out page speaks the interface's language (it showed English in Korean)."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def lock_out(client, user):
    for _ in range(5):
        client.post(LOGIN, {"username": user.email, "password": "wrong-password"})
    return client.post(LOGIN, {"username": user.email, "password": "wrong-password"})


def test_the_lockout_page_is_in_korean_inside_the_korean_interface(client):
    response = lock_out(client, UserFactory())
    page = response.content.decode()
    assert response.status_code == 429
    assert '<html lang="ko">' in page
    assert "로그인이 잠시 잠겼습니다" in page
    assert "15분 동안" in page
    for english_text in ("Sign-in temporarily locked", "too many failed", "Reset my password"):
        assert english_text not in page


def test_the_lockout_page_in_english(client, settings):
    page = lock_out(english(client, settings), UserFactory()).content.decode()
    assert "Sign-in temporarily locked" in page
    assert "Reset my password" in page
