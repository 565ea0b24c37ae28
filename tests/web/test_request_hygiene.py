"""Hostile input is refused before any view reads it: a 400 with the site's page, one log line,
nothing written. The addresses are those the hardening issue found raising DataError on
PostgreSQL or escaping Django's error handling; the refusal does not depend on the view."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
KOREAN_PAGE = "요청을 처리할 수 없습니다"


def assert_refused(response, log_lines, reason):
    assert response.status_code == 400
    assert [t.name for t in response.templates][:2] == ["400.html", "base.html"]
    assert KOREAN_PAGE in response.content.decode()
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    (line,) = log_lines
    assert line["logger"] == "boms.request"
    assert line["status"] == 400
    assert line["refused"] == reason
    assert "exception" not in line


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/d/%00/",
        "/dashboard/s/%00/",
        "/rooms/%00/",
        "/my/calendar/%00.ics",
        "/%1B[31m/",
        "/rooms/%C2%85/",
        "/rooms/%7F/",
    ],
)
def test_a_control_character_in_the_path_is_refused(client, log_lines, writes, url):
    with writes:
        response = client.get(url)
    assert_refused(response, log_lines, "control character in the path")
    assert writes.captured_queries == []


@pytest.mark.parametrize(
    "url",
    [
        "/?region=%00",
        "/rooms/districts/?region=%00",
        "/?q=%00",
        "/?%00=1",
        "/?q=%01",
        "/?q=%1B",
        "/?q=%7F",
        "/?q=%C2%80",
        "/?q=%C2%9F",
        "/?q=line%0Abreak",
        "/?q=tab%09",
    ],
)
def test_a_control_character_in_a_query_parameter_is_refused(client, log_lines, writes, url):
    with writes:
        response = client.get(url)
    assert_refused(response, log_lines, "control character in the query string")
    assert writes.captured_queries == []


@pytest.mark.parametrize(
    "url",
    [
        "/admin/rooms/room/?kind__exact=%00",
        "/admin/rooms/facility/?host_type__exact=%00",
        "/admin/reservations/reservation/?room__kind__exact=%00",
        "/admin/reservations/reservation/?purpose__icontains=%00",
        "/admin/reservations/reservation/?q=%00",
        "/admin/autocomplete/?term=%00&app_label=reservations&model_name=reservation&field_name=room",
    ],
)
def test_admin_filters_and_autocomplete_refuse_a_nul(client, log_lines, writes, url):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    log_lines.clear()
    with writes:
        response = client.get(url)
    assert_refused(response, log_lines, "control character in the query string")
    assert writes.statements == []


def test_a_query_string_that_is_not_utf8_is_refused(client, log_lines):
    assert_refused(client.get("/?q=%FF"), log_lines, "query string is not UTF-8")


def test_korean_and_other_text_in_the_query_is_served(client):
    assert client.get("/?q=%ED%95%9C%EA%B5%AD%EC%96%B4+%E2%80%94+%F0%9F%98%80").status_code == 200


@pytest.fixture
def csrf_client(client):
    """A browser that passes the CSRF check, as the attacker in the issue did."""
    strict = Client(enforce_csrf_checks=True)
    strict.get(LOGIN)
    strict.token = strict.cookies["csrftoken"].value
    return strict


def post_urlencoded(client, path, body, charset=None):
    """POST the body's bytes as they are (the test client's post() would re-encode them)."""
    content_type = "application/x-www-form-urlencoded"
    if charset:
        content_type += f"; charset={charset}"
    body = body.encode() if isinstance(body, str) else body
    return client.generic("POST", path, body, content_type=content_type)


# Every POST endpoint is behind the same middleware; these are the public ones and the admin's.
POST_PATHS = [
    LOGIN,
    "/accounts/signup/",
    "/accounts/logout/",
    "/accounts/password/reset/",
    "/i18n/setlang/",
    "/my/calendar/revoke/",
    "/admin/login/",
]


@pytest.mark.parametrize("path", POST_PATHS)
@pytest.mark.parametrize("charset", ["latin-1", "euc-kr", "utf-16", "no-such-charset"])
def test_a_form_in_another_charset_is_refused_with_one_log_line(
    csrf_client, log_lines, writes, path, charset
):
    body = f"csrfmiddlewaretoken={csrf_client.token}&username=a%E9&password=b"
    with writes:
        response = post_urlencoded(csrf_client, path, body, charset)
    assert_refused(response, log_lines, "charset other than UTF-8")
    assert writes.captured_queries == []


@pytest.mark.parametrize("charset", ["utf-8", "UTF8"])
def test_a_form_declared_as_utf8_is_read(csrf_client, charset):
    body = f"csrfmiddlewaretoken={csrf_client.token}&username=%ED%95%9C&password=b"
    response = post_urlencoded(csrf_client, LOGIN, body, charset)
    assert response.status_code == 200
    assert response.context["form"].data["username"] == "한"


@pytest.mark.parametrize(
    "body",
    [b"username=%FF&password=b", b"username=\xff\xfe&password=b", b"username=%C3&password=b"],
)
def test_a_form_body_that_is_not_utf8_is_refused(csrf_client, log_lines, body):
    body = f"csrfmiddlewaretoken={csrf_client.token}&".encode() + body
    response = post_urlencoded(csrf_client, LOGIN, body)
    assert_refused(response, log_lines, "form is not UTF-8")


@pytest.mark.parametrize(
    "field", ["username=a%00b", "username=%1B", "username=%C2%85", "user%00name=a", "a%0Ab=c"]
)
def test_a_control_character_in_a_form_field_is_refused(csrf_client, log_lines, writes, field):
    body = f"csrfmiddlewaretoken={csrf_client.token}&password=b&{field}"
    with writes:
        response = post_urlencoded(csrf_client, LOGIN, body)
    assert_refused(response, log_lines, "control character in the form")
    assert writes.captured_queries == []


def test_tab_and_line_breaks_in_a_form_value_are_kept_for_text_areas(csrf_client):
    body = f"csrfmiddlewaretoken={csrf_client.token}&username=a%09b%0D%0Ac&password=b"
    response = post_urlencoded(csrf_client, LOGIN, body)
    assert response.status_code == 200
    assert response.context["form"].data["username"] == "a\tb\r\nc"


def test_a_control_character_in_a_multipart_form_is_refused(csrf_client, log_lines):
    response = csrf_client.post(
        LOGIN,
        {"csrfmiddlewaretoken": csrf_client.token, "username": "a\x00", "password": "b"},
    )
    assert_refused(response, log_lines, "control character in the form")


def test_a_multipart_form_that_is_not_utf8_is_refused(csrf_client, log_lines):
    boundary = "BoUnDaRy"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{csrf_client.token}\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="username"\r\n\r\n'
        ).encode()
        + b"\xff\xfe\r\n"
        + f"--{boundary}--\r\n".encode()
    )
    response = csrf_client.post(
        LOGIN, body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert_refused(response, log_lines, "form is not UTF-8")


def test_a_form_with_too_many_fields_is_refused_in_one_line(csrf_client, log_lines, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = f"csrfmiddlewaretoken={csrf_client.token}" + "".join(f"&f{i}=1" for i in range(20))
    response = post_urlencoded(csrf_client, LOGIN, body)
    assert_refused(response, log_lines, "too many fields in the form")


def test_a_form_over_the_size_limit_is_refused_in_one_line(csrf_client, log_lines, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = f"csrfmiddlewaretoken={csrf_client.token}&username=" + "a" * 2000
    response = post_urlencoded(csrf_client, LOGIN, body)
    assert_refused(response, log_lines, "form refused by Django: RequestDataTooBig")


def test_a_control_character_in_the_session_cookie_is_refused_without_a_lookup(
    client, log_lines, writes, settings
):
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijklmnop"
    with writes:
        response = client.get("/")
    assert_refused(response, log_lines, "control character in the session cookie")
    assert writes.captured_queries == []
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""


def test_a_signed_in_user_keeps_the_session_through_a_refusal(client, writes):
    user = UserFactory()
    client.force_login(user)
    with writes:
        response = client.get("/?region=%00")
    assert response.status_code == 400
    assert writes.statements == []
    assert client.get("/accounts/profile/").status_code == 200


def test_the_page_follows_the_chosen_language(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/?region=%00")
    assert response.status_code == 400
    assert "We could not accept that request" in response.content.decode()
