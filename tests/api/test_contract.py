"""Every operation's answers validate against the schema the API publishes: status, content
type, headers and body (Schemathesis's checks on hand-picked requests of each operation)."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.views import api
from boms.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """The schema as served at /api/v1/openapi.json, called in process through WSGI."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_published_schema_is_the_one_generated_from_the_code(client):
    served = client.get("/api/v1/openapi.json").json()
    assert served == json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    assert served["openapi"].startswith("3.")
    assert set(served["paths"]) == {
        "/api/v1/regions", "/api/v1/districts", "/api/v1/sites", "/api/v1/sites/{code}",
        "/api/v1/rooms", "/api/v1/rooms/{room_id}", "/api/v1/rooms/{room_id}/availability",
        "/api/v1/free-rooms", "/api/v1/registry.json", "/api/v1/registry.csv",
    }  # fmt: skip


def _requests(scene):
    room, hall = scene["rooms"][0], scene["hall"]
    day = f"{scene['ten']:%Y-%m-%d}"
    region = room.facility.district.region.slug
    return [
        ("/api/v1/regions", {}, {}),
        ("/api/v1/regions", {"page": 2, "page_size": 1}, {}),
        ("/api/v1/districts", {"region": region}, {}),
        ("/api/v1/sites", {"kind": "hall"}, {}),
        ("/api/v1/sites", {"page": 99}, {}),
        ("/api/v1/sites/{code}", {}, {"code": room.facility.code}),
        ("/api/v1/sites/{code}", {}, {"code": "NO-SUCH-SITE"}),
        ("/api/v1/rooms", {"region": region, "equipment": ["camera", "pc"]}, {}),
        ("/api/v1/rooms", {"lat": 37.5, "lng": 127.0, "page_size": 2}, {}),
        ("/api/v1/rooms", {"district": "11000"}, {}),
        ("/api/v1/rooms/{room_id}", {}, {"room_id": hall.pk}),
        ("/api/v1/rooms/{room_id}", {}, {"room_id": 10**6}),
        ("/api/v1/rooms/{room_id}/availability", {"date": day}, {"room_id": room.pk}),
        ("/api/v1/rooms/{room_id}/availability", {"date": "2200-01-01"}, {"room_id": room.pk}),
        ("/api/v1/free-rooms", {"date": day, "start": "10:00", "duration": 60}, {}),
        ("/api/v1/free-rooms", {"date": day, "start": "10:00", "mode": "all"}, {}),
        ("/api/v1/free-rooms", {"date": day, "mode": "day", "lat": 37.5, "lng": 127.0}, {}),
        ("/api/v1/free-rooms", {"date": day, "start": "10:15"}, {}),
        ("/api/v1/registry.json", {}, {}),
        ("/api/v1/registry.csv", {}, {}),
    ]


def test_every_operation_answers_as_the_published_schema_says(published, busy_registry):
    statuses = set()
    for path, query, path_parameters in _requests(busy_registry):
        operation = published[path]["GET"]
        case = operation.Case(query=query, path_parameters=path_parameters)
        response = case.call()
        case.validate_response(response, excluded_checks=[positive_data_acceptance])
        statuses.add(response.status_code)
    assert statuses == {200, 400, 404}
