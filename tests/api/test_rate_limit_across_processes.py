"""The API's rate limit counts in the cache every process shares: two gunicorn processes, as
deployed, refuse together once the address has spent its requests between them."""

import time

import pytest
import redis
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tests.web.test_sessions_across_processes import redis_answers, server_environment, two_servers

RATE = 3


@pytest.fixture
def api_servers(tmp_path, request):
    env = server_environment({"API_ANONYMOUS_RATE": str(RATE), **request.param})
    if "CACHE_URL" not in request.param:
        # The default cache is a table of the database, which the test database lacks.
        with override_settings(CACHES={"default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "boms_cache",
        }}):  # fmt: skip
            call_command("createcachetable")
        with connection.cursor() as cursor:
            # The table outlives the tests that flush the models' tables: no count from before.
            cursor.execute("DELETE FROM boms_cache")
    else:
        redis.Redis.from_url(request.param["CACHE_URL"]).flushdb()
    with two_servers(env, tmp_path) as started:
        yield started


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "api_servers",
    [
        pytest.param({}, id="defaults"),
        pytest.param(
            {"CACHE_URL": "redis://127.0.0.1:6379/6"},
            id="production-redis",
            marks=pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379"),
        ),
    ],
    indirect=True,
)
def test_two_processes_count_one_addresss_requests_together(api_servers):
    first, second = api_servers
    # All requests within one minute's window: start afresh if this one is about to end.
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)
    statuses = [
        first.request("GET", "/api/v1/regions")[0],
        second.request("GET", "/api/v1/regions")[0],
        first.request("GET", "/api/v1/regions")[0],
        second.request("GET", "/api/v1/regions")[0],
        first.request("GET", "/api/v1/regions")[0],
    ]
    assert statuses == [200, 200, 200, 429, 429]
