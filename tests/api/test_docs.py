"""The API's documentation page, rendered from the published schema under the strict CSP, and
the deep link partners use to open the portal's booking form for a room and time."""

import re

import pytest
from django.urls import resolve
from django.utils import timezone

from tests.factories import RoomFactory, UserFactory, next_weekday_at

pytestmark = pytest.mark.django_db


def test_the_docs_page_lists_every_operation_of_the_schema_in_korean(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    schema = client.get("/api/v1/openapi.json").json()
    for path in schema["paths"]:
        assert f"<code>{path}</code>" in page
    assert "BOMS 오픈 API" in page and "예약 화면으로 연결하기" in page
    for anchor in ("problem-invalid", "problem-rate-limit", "problem-bad-key", "problem-not-found"):
        assert f'id="{anchor}"' in page
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and " style=" not in page
    assert "cdn" not in page.lower()


def test_the_docs_page_reads_in_english_too(client):
    page = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "BOMS open API" in page and "Linking to the booking form" in page


def test_every_problem_type_points_at_a_section_of_the_docs(client):
    page = client.get("/api/v1/docs").content.decode()
    for response in (
        client.get("/api/v1/nothing"),
        client.get("/api/v1/rooms", {"page": "x"}),
        client.post("/api/v1/rooms"),
        client.get("/api/v1/rooms", HTTP_X_API_KEY="nope"),
    ):
        anchor = response.json()["type"].split("#")[1]
        assert f'id="{anchor}"' in page


def test_the_book_url_opens_the_portals_form_filled_in_after_sign_in(client):
    room = RoomFactory()
    ten = next_weekday_at(10, days_ahead=2)
    day = f"{timezone.localtime(ten):%Y-%m-%d}"
    body = client.get("/api/v1/free-rooms", {"date": day, "start": "10:00", "duration": 90}).json()
    (result,) = body["results"]
    book_url = result["book_url"]
    assert book_url == (f"http://localhost:8000/book/{room.pk}/?date={day}&start=10:00&duration=90")
    path = book_url.removeprefix("http://localhost:8000")
    # Signed out: the sign-in page, which comes back to the very same form.
    signed_out = client.get(path)
    assert signed_out.status_code == 302
    assert "next=" in signed_out["Location"] and "duration%3D90" in signed_out["Location"]
    client.force_login(UserFactory())
    page = client.get(path)
    assert page.status_code == 200
    form = page.context["form"]
    assert str(form["date"].value()) == day
    assert str(form["start"].value())[:5] == "10:00"
    assert str(form["duration"].value()) == "90"


def test_the_room_page_honours_the_same_link(client):
    room = RoomFactory()
    ten = next_weekday_at(10, days_ahead=2)
    day = f"{timezone.localtime(ten):%Y-%m-%d}"
    response = client.get(f"/rooms/{room.pk}/", {"date": day, "start": "10:00", "duration": 60})
    assert response.status_code == 200
    assert response.context["asked"][0] == ten


def test_every_address_of_the_api_is_in_the_namespace_a_database_router_can_send_to_a_replica():
    for path in ("/api/v1/rooms", "/api/v1/rooms/1/availability", "/api/v1/free-rooms",
                 "/api/v1/registry.csv", "/api/v1/openapi.json", "/api/v1/docs"):  # fmt: skip
        assert resolve(path).namespace == "api"
