"""The API behaves like a well-run public API: problem details for each class of error in the
request's language, validators and 304s, caching per resource, CORS for any origin, rate limits
per address and per key counted in the shared cache, HEAD, and never a 5xx on bad input."""

import datetime
import math

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from django.utils.http import parse_http_date

from accounts import mfa
from api import keys
from reservations.models import ScheduleVersion
from rooms.models import OpeningHours, Room
from tests.factories import RoomFactory, UserFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"].startswith("/api/v1/docs#")
    assert response["Access-Control-Allow-Origin"] == "*"
    return body


# --- problem details, one per class of error ---


def test_a_parameter_of_the_wrong_type_is_named_with_its_translated_label(client):
    body = problem(client.get("/api/v1/rooms", {"page": "two"}), 400)
    assert body["title"] == "요청의 매개변수가 올바르지 않습니다."
    assert body["errors"] == [{"field": "page", "label": "쪽", "message": "정수를 입력하세요."}]


def test_english_is_given_when_asked_for(client):
    body = problem(client.get("/api/v1/rooms", {"page": "0"}, HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert body["title"] == "The request's parameters are not valid."
    assert body["errors"] == [
        {"field": "page", "label": "Page", "message": "Enter a value of at least 1."}
    ]


def test_the_portals_form_refusals_name_the_field(client):
    body = problem(client.get("/api/v1/free-rooms", {"start": "10:15"}), 400)
    assert [error["field"] for error in body["errors"]] == ["start"]
    assert body["errors"][0]["label"] == "시작 시간"


def test_an_unknown_region_is_a_400_naming_it(client):
    body = problem(client.get("/api/v1/rooms", {"region": "atlantis"}), 400)
    assert body["errors"][0]["field"] == "region"


def test_an_unknown_address_and_an_unknown_room_are_404s(client):
    problem(client.get("/api/v1/nothing-here"), 404)
    problem(client.get("/api/v1/rooms/987654"), 404)
    problem(client.get("/api/v1/rooms/99999999999999999999999"), 404)
    problem(client.get("/api/v1/sites/NO-SUCH"), 404)
    problem(client.get("/api/v1/rooms", {"page": 5}), 404)


def test_writing_is_refused_with_a_405_naming_what_is_allowed(client):
    response = client.post("/api/v1/rooms", {"name": "x"})
    problem(response, 405)
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    problem(client.delete("/api/v1/rooms/1"), 405)
    problem(client.post("/api/v1/rooms", "{}", content_type="application/json"), 405)


def test_an_unknown_key_is_a_401(client):
    body = problem(client.get("/api/v1/regions", HTTP_X_API_KEY="boms_not-a-key"), 401)
    assert body["title"] == "API 키가 올바르지 않거나 폐기되었습니다."
    problem(client.get("/api/v1/regions", HTTP_X_API_KEY="x" * 100_000), 401)


def test_past_the_rate_the_answer_is_a_429_with_retry_after(client, settings):
    settings.API_ANONYMOUS_RATE = 2
    with time_machine.travel(datetime.datetime(2027, 3, 2, 1, 0, 15, tzinfo=datetime.UTC)):
        assert client.get("/api/v1/regions").status_code == 200
        assert client.get("/api/v1/regions")["RateLimit-Remaining"] == "0"
        response = client.get("/api/v1/regions")
        problem(response, 429)
        assert response["Retry-After"] == "45"
        assert response["RateLimit-Limit"] == "2"
    with time_machine.travel(datetime.datetime(2027, 3, 2, 1, 1, 0, tzinfo=datetime.UTC)):
        assert client.get("/api/v1/regions").status_code == 200


def test_a_failure_of_ours_is_a_problem_too_without_a_traceback(client, monkeypatch):
    def broken(region):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("api.registry.region_out", broken)
    RoomFactory()
    client.raise_request_exception = False
    response = client.get("/api/v1/regions")
    body = problem(response, 500)
    assert body["title"] == "서버에서 문제가 생겼습니다."
    assert "secret" not in response.content.decode()


# --- hostile input: a problem, never a 5xx ---

HOSTILE = ["9999-12-31", "0001-01-01", "\x00", "\x1b[2J", "x" * 100_000, "é".encode("latin-1"),
           "-1", "1e309", "nan", "[]", "{}"]  # fmt: skip
HOSTILE_IDS = ["far", "early", "nul", "control", "huge", "latin1", "negative", "inf", "nan",
               "brackets", "braces"]  # fmt: skip


@pytest.mark.parametrize("value", HOSTILE, ids=HOSTILE_IDS)
@pytest.mark.parametrize(
    "path, name",
    [
        ("/api/v1/free-rooms", "date"), ("/api/v1/free-rooms", "start"),
        ("/api/v1/free-rooms", "duration"), ("/api/v1/free-rooms", "mode"),
        ("/api/v1/free-rooms", "sort"), ("/api/v1/free-rooms", "area"),
        ("/api/v1/free-rooms", "lat"), ("/api/v1/free-rooms", "equipment"),
        ("/api/v1/rooms", "attendees"), ("/api/v1/rooms", "kind"), ("/api/v1/rooms", "page"),
        ("/api/v1/rooms", "page_size"), ("/api/v1/rooms", "region"),
        ("/api/v1/districts", "region"), ("/api/v1/availability", "date"),
    ],
)  # fmt: skip
def test_hostile_values_get_a_problem_never_a_server_error(client, path, name, value):
    room = RoomFactory()
    path = path.replace("/availability", f"/rooms/{room.pk}/availability")
    for query in ({name: value}, {name: ["1", value]}):
        response = client.get(path, query)
        assert response.status_code < 500
        if response.status_code != 200:
            problem(response, response.status_code)


def test_a_control_character_in_a_value_is_a_problem_naming_the_parameter(client):
    body = problem(client.get("/api/v1/free-rooms", {"date": "2026-12-03", "start": "\x00"}), 400)
    assert body["errors"] == [
        {
            "field": "start",
            "label": "start",
            "message": "제어 문자가 들어 있습니다. 어떤 매개변수에도 쓸 수 없습니다.",
        }
    ]
    in_a_name = problem(client.get("/api/v1/free-rooms", {"da\x1bte": "2026-12-03"}), 400)
    assert "errors" not in in_a_name


@pytest.mark.parametrize("room_id", ["abc", "-1", "0", "1.5", "%00", "9" * 40])
def test_a_room_id_that_is_no_number_of_a_room_is_a_problem(client, room_id):
    response = client.get(f"/api/v1/rooms/{room_id}/availability")
    assert response.status_code in (400, 404)
    problem(response, response.status_code)


def test_a_body_or_another_charset_changes_nothing(client):
    RoomFactory()
    response = client.generic(
        "GET", "/api/v1/rooms", b"\xff\xfe", content_type="multipart/form-data; charset=latin-1"
    )
    assert response.status_code < 500


# --- validators, caching, CORS, HEAD ---


def test_an_unchanged_answer_is_a_304_and_a_change_is_seen_at_once(client):
    room = RoomFactory()
    first = client.get("/api/v1/rooms")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    again = client.get("/api/v1/rooms", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/rooms", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    Room.objects.filter(pk=room.pk).update(capacity=12)
    changed = client.get("/api/v1/rooms", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["results"][0]["capacity"] == 12


def test_every_registry_resource_is_dated_by_the_registrys_last_change(client):
    room = RoomFactory()

    def last_change():
        """The stamps that the registry's and the sites' hours' triggers set, in seconds."""
        stamps = ScheduleVersion.objects.stamps([ScheduleVersion.REGISTRY, ScheduleVersion.SITES])
        return math.ceil(max(stamps.values()) / 1_000_000)

    paths = ["/api/v1/rooms", "/api/v1/sites", "/api/v1/regions", "/api/v1/registry.csv"]
    assert {parse_http_date(client.get(path)["Last-Modified"]) for path in paths} == {last_change()}
    Room.objects.filter(pk=room.pk).update(capacity=12)
    assert parse_http_date(client.get("/api/v1/rooms")["Last-Modified"]) == last_change()
    OpeningHours.objects.filter(facility=room.facility).update(closes=datetime.time(17))
    assert parse_http_date(client.get("/api/v1/registry.json")["Last-Modified"]) == last_change()


def test_availability_is_kept_for_seconds_and_the_registry_for_minutes(client):
    room = RoomFactory()
    live = client.get(f"/api/v1/rooms/{room.pk}/availability")
    assert live["Cache-Control"] == "public, max-age=10"
    assert live["ETag"] and not live.has_header("Last-Modified")
    assert client.get("/api/v1/free-rooms")["Cache-Control"] == "public, max-age=10"
    assert client.get("/api/v1/rooms")["Cache-Control"] == "public, max-age=300"
    assert client.get("/api/v1/registry.csv")["Cache-Control"] == "public, max-age=3600"
    assert "Accept-Language" in client.get("/api/v1/rooms")["Vary"]


def test_any_origin_may_read_and_preflight_without_credentials(client):
    RoomFactory()
    response = client.get("/api/v1/rooms", HTTP_ORIGIN="https://map.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Retry-After" in response["Access-Control-Expose-Headers"]
    assert not response.has_header("Access-Control-Allow-Credentials")
    preflight = client.options(
        "/api/v1/rooms",
        HTTP_ORIGIN="https://map.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="X-API-Key",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "X-API-Key" in preflight["Access-Control-Allow-Headers"]


def test_head_answers_the_headers_of_get_without_a_body(client):
    RoomFactory()
    get, head = client.get("/api/v1/rooms"), client.head("/api/v1/rooms")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"]


def test_the_api_keeps_no_session_and_sets_no_cookie(client):
    RoomFactory()
    response = client.get("/api/v1/rooms")
    assert not response.cookies
    assert "private" not in response["Cache-Control"]
    assert "Cookie" not in response["Vary"]


def test_a_session_owing_its_second_factor_still_reads_the_api_but_not_its_docs(client):
    RoomFactory()
    client.force_login(UserFactory())
    session = client.session
    session[mfa.PENDING_SESSION_KEY] = True
    session.save()
    response = client.get("/api/v1/rooms")
    assert response.status_code == 200 and "Cookie" not in response["Vary"]
    assert client.get("/api/v1/docs").status_code == 302


# --- rate limits: per address, per key, in the shared cache ---


def test_each_address_has_its_own_count(client, settings):
    settings.API_ANONYMOUS_RATE = 1
    elsewhere = client.__class__(REMOTE_ADDR="10.9.8.7")
    assert client.get("/api/v1/regions").status_code == 200
    assert client.get("/api/v1/regions").status_code == 429
    assert elsewhere.get("/api/v1/regions").status_code == 200


def test_a_key_has_its_own_rate_whatever_the_address(client, settings):
    settings.API_ANONYMOUS_RATE = 1
    _key, raw = keys.issue(name="지도 앱", owner=UserFactory(), rate=3, by=None)
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        other = client.__class__(REMOTE_ADDR=address)
        response = other.get("/api/v1/regions", HTTP_X_API_KEY=raw)
        assert response.status_code == 200 and response["RateLimit-Limit"] == "3"
    problem(client.get("/api/v1/regions", HTTP_X_API_KEY=raw), 429)
    # The address's own count was not spent by the key's requests.
    assert client.get("/api/v1/regions").status_code == 200


def test_the_counts_live_in_the_shared_cache(client, settings):
    """Every process reads the same counter: one in the cache, not in a process's memory."""
    settings.API_ANONYMOUS_RATE = 5
    with time_machine.travel(datetime.datetime(2027, 3, 2, 1, 0, 15, tzinfo=datetime.UTC)):
        client.get("/api/v1/regions")
        client.get("/api/v1/regions")
        window = int(timezone.now().timestamp() // 60)
        assert cache.get(f"api-rate:address:127.0.0.1:{window}") == 2
        # Another process counting in the same cache moves this one's count.
        cache.incr(f"api-rate:address:127.0.0.1:{window}", 3)
        problem(client.get("/api/v1/regions"), 429)
