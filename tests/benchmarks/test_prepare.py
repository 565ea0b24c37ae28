"""The benchmark's sessions are accepted as the pages expect: the official's has passed the
second factor, the bookers may book."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from benchmarks.prepare import plan

pytestmark = pytest.mark.django_db


def client_with(session_key):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def test_the_officials_session_reaches_the_dashboard():
    sessions = plan(bookers=2)

    assert client_with(sessions["official"]).get("/dashboard/").status_code == 200


def test_the_bookers_are_confirmed_business_accounts_and_signed_in():
    sessions = plan(bookers=2)
    plan(bookers=2)

    bookers = User.objects.filter(email__startswith="bench-booker-")
    assert bookers.count() == 2
    assert all(user.can_book and user.is_business for user in bookers)
    assert client_with(sessions["bookers"][0]).get("/accounts/profile/").status_code == 200


def test_the_runs_api_key_is_accepted_and_the_last_runs_is_revoked(settings):
    settings.API_ANONYMOUS_RATE = 1
    first = plan(bookers=1)["api_key"]
    second = plan(bookers=1)["api_key"]
    api = Client()
    assert api.get("/api/v1/regions", HTTP_X_API_KEY=second).status_code == 200
    assert api.get("/api/v1/regions", HTTP_X_API_KEY=second).status_code == 200
    assert api.get("/api/v1/regions", HTTP_X_API_KEY=first).status_code == 401
