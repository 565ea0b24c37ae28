"""Property-based fuzzing of the API from its published schema (Schemathesis): whatever the
schema admits, the API never answers 5xx, and every answer conforms to the schema — status,
content type, headers and body.

PostgreSQL only (as in CI), with a bounded number of examples per operation so that the whole
file takes a minute or two; on SQLite it is skipped with the reason.
"""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.views import api
from boms.wsgi import application

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the API is fuzzed on PostgreSQL only, as in CI"
)

EXAMPLES_PER_OPERATION = 30
# A parameter the schema admits may still name nothing (a region slug that does not exist, a
# district of another region, a date outside the accepted range): a documented 400, which this
# check of Schemathesis would count as a failure.


# The schema as published at /api/v1/openapi.json (a test below holds the two equal), called
# in process through the WSGI application.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = application


@pytest.fixture(autouse=True)
def _one_client_at_any_rate(settings):
    # The fuzzer is one client at one address: the rate limit is tested elsewhere.
    settings.API_ANONYMOUS_RATE = 1_000_000


@pytest.fixture(autouse=True)
def _requests_keep_the_tests_connection():
    """As Django's test client does: the end of a request would close the connection that
    holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_fails_and_always_answers_as_its_schema_says(busy_registry, case):
    _mostly_existing(case, busy_registry)
    # Raises with the failing check (a 5xx, a body or header the schema does not describe).
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    assert response.status_code < 500


def _mostly_existing(case, scene):
    """Random ids, codes and dates would almost never name a room, a site or a day anyone
    books: three times in four, the generated value picks one of the scene's instead, or a
    day of the coming weeks."""
    query = case.query or {}
    if isinstance(query.get("date"), str) and len(set(query["date"])) % 4:
        try:
            generated = datetime.date.fromisoformat(query["date"])
        except ValueError:
            pass
        else:
            day = timezone.localdate() + datetime.timedelta(days=generated.toordinal() % 40 - 5)
            query["date"] = day.isoformat()
    parameters = case.path_parameters or {}
    rooms = [*scene["rooms"], scene["booth"], scene["hall"]]
    room_id = str(parameters.get("room_id", ""))
    if room_id.isdigit() and int(room_id) % 4:
        parameters["room_id"] = rooms[int(room_id) % len(rooms)].pk
    if isinstance(parameters.get("code"), str) and len(parameters["code"]) % 4:
        parameters["code"] = rooms[len(parameters["code"]) % len(rooms)].facility.code
