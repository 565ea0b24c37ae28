"""The pages a refused request gets are the site's own: styled, translated, with its headers."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LATIN1_FORM = "application/x-www-form-urlencoded; charset=latin-1"


def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_400_page_is_styled_and_in_korean(client):
    response = client.get("/?q=%00")
    page = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="ko">' in page and "css/boms" in page
    assert "요청을 처리할 수 없습니다" in page
    assert "We could not accept" not in page


def test_the_400_page_in_english(client, settings):
    page = english(client, settings).get("/?q=%00").content.decode()
    assert '<html lang="en">' in page
    assert "We could not accept that request" in page


def test_a_failed_csrf_check_gets_the_styled_page_in_korean_with_a_403():
    response = Client(enforce_csrf_checks=True).post(LOGIN, {"username": "a", "password": "b"})
    page = response.content.decode()
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["403_csrf.html", "base.html"]
    assert "입력 양식을 보내지 못했습니다" in page
    assert "Content-Security-Policy" in response


def test_the_csrf_page_in_english(settings):
    client = english(Client(enforce_csrf_checks=True), settings)
    response = client.post(LOGIN, {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


def test_the_400_handler_does_not_read_the_body_that_made_the_request_bad(settings):
    """Without the hygiene middleware Django raises on a Latin-1 form inside the CSRF check;
    its default 400 handler runs that check again and raised anew (gunicorn's raw 500)."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.startswith("web.")]
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    token = client.cookies["csrftoken"].value
    response = client.generic(
        "POST", LOGIN, f"csrfmiddlewaretoken={token}&username=a".encode(), content_type=LATIN1_FORM
    )
    assert response.status_code == 400
    assert "요청을 처리할 수 없습니다" in response.content.decode()
