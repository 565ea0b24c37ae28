"""The request log line is written whatever failed, never queries, and never holds a key."""

import re

import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.test import Client
from django.urls import path

from regions.models import Region
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Outage:
    """Makes every query fail from the moment `down` is set, as a lost database does."""

    def __init__(self):
        self.down = False
        self.attempts = 0

    def __call__(self, execute, sql, params, many, context):
        if self.down:
            self.attempts += 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


@pytest.fixture
def outage():
    outage = Outage()
    with connection.execute_wrapper(outage):
        yield outage


def region_count(request):
    return Region.objects.count()


def user_then_outage(request):
    request.user.is_authenticated  # noqa: B018  (the page looks its user up first)
    request.META["test.outage"].down = True
    return Region.objects.count()


def broken_feed(request, token):
    raise RuntimeError(f"feed {request.path} failed")


urlpatterns = [
    path("regions/", region_count),
    path("user-then-outage/", user_then_outage),
    path("my/calendar/<str:token>.ics", broken_feed),
]


@pytest.fixture
def signed_in():
    client = Client(raise_request_exception=False)
    user = UserFactory()
    client.force_login(user)
    client.user = user
    return client


def request_line(log_lines):
    (line,) = [line for line in log_lines if line["logger"] == "boms.request"]
    return line


def test_a_signed_in_probe_is_logged_while_the_database_is_down(signed_in, outage, log_lines):
    outage.down = True
    log_lines.clear()
    response = signed_in.get("/healthz")
    assert response.status_code == 200
    assert outage.attempts == 0
    line = request_line(log_lines)
    assert line["status"] == 200
    assert "user_id" not in line


def test_a_page_that_loses_the_database_before_the_user_is_looked_up_is_logged(
    signed_in, outage, log_lines, settings
):
    settings.ROOT_URLCONF = __name__
    outage.down = True
    log_lines.clear()
    response = signed_in.get("/regions/")
    assert response.status_code == 500
    line = request_line(log_lines)
    assert line["status"] == 500
    assert "user_id" not in line


def test_a_page_that_loses_the_database_after_looking_the_user_up_logs_the_user(
    signed_in, outage, log_lines, settings
):
    settings.ROOT_URLCONF = __name__
    log_lines.clear()
    response = signed_in.get("/user-then-outage/", **{"test.outage": outage})
    assert response.status_code == 500
    assert outage.attempts >= 1
    assert request_line(log_lines)["user_id"] == signed_in.user.pk


def test_the_user_who_signs_in_or_out_during_the_request_is_the_one_logged(client, log_lines):
    user = UserFactory()
    client.post("/accounts/login/", {"username": user.email, "password": "correct-horse-battery"})
    client.post("/accounts/logout/")
    signed_in, signed_out = [line for line in log_lines if line["logger"] == "boms.request"]
    assert signed_in["user_id"] == user.pk
    assert "user_id" not in signed_out


def test_a_calendar_feed_token_is_not_logged(client, log_lines):
    user = UserFactory()
    response = client.get(f"/my/calendar/{user.calendar_token}.ics")
    assert response.status_code == 200
    line = request_line(log_lines)
    assert line["path"] == "/my/calendar/[redacted].ics"
    assert user.calendar_token not in str(log_lines)


def test_a_failing_calendar_feed_logs_its_error_and_traceback_without_the_token(
    log_lines, settings
):
    settings.ROOT_URLCONF = __name__
    token = "S3cretFeedT0ken"
    response = Client(raise_request_exception=False).get(f"/my/calendar/{token}.ics")
    assert response.status_code == 500
    (error,) = [line for line in log_lines if line["logger"] == "django.request"]
    assert error["message"] == "Internal Server Error: /my/calendar/[redacted].ics"
    assert "feed /my/calendar/[redacted].ics failed" in error["exception"]
    assert request_line(log_lines)["status"] == 500
    assert token not in str(log_lines)


def test_a_password_reset_link_is_not_logged(client, log_lines):
    user = UserFactory()
    client.post("/accounts/password/reset/", {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/\S+)", mail.outbox[0].body).group(1)
    uid, token = link.rstrip("/").split("/")[-2:]
    client.get(link, follow=True)
    paths = [line["path"] for line in log_lines if line["logger"] == "boms.request"]
    assert "/accounts/password/reset/[redacted]/[redacted]/" in paths
    assert token not in str(log_lines)
    assert f"/{uid}/" not in str(log_lines)


def test_a_refused_request_says_why_in_its_line(client, log_lines):
    client.get("/?region=%00")
    assert request_line(log_lines)["refused"] == "control character in the query string"
