import json
import logging

import pytest
from django.db import DatabaseError

from health.logging import JsonFormatter, RequestIdFilter
from tests.factories import UserFactory


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any database access here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ready_when_the_database_answers_and_is_migrated(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_readyz_is_unavailable_with_unapplied_migrations(client, monkeypatch):
    monkeypatch.setattr(
        "health.views.MigrationExecutor.migration_plan", lambda self, targets: [("x", False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["unapplied_migrations"] == 1


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_database_fails(client, monkeypatch):
    def broken(self, *args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("health.views.MigrationExecutor.__init__", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_probes_refuse_posts(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_each_request_is_logged_as_json_with_request_id_user_and_timing(client, caplog):
    user = UserFactory()
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="boms.request"):
        response = client.get(
            "/accounts/profile/?email=secret@example.com", HTTP_X_REQUEST_ID="abc-123"
        )
    assert response["X-Request-ID"] == "abc-123"
    (record,) = [r for r in caplog.records if r.name == "boms.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["user_id"] == user.pk
    assert line["path"] == "/accounts/profile/"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert "secret@example.com" not in json.dumps(line)
    assert RequestIdFilter().filter(record)


def test_an_unsafe_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert response["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_the_query_count_is_logged_and_sent_only_when_asked(client, settings, caplog):
    with caplog.at_level(logging.INFO, logger="boms.request"):
        response = client.get("/readyz")
    assert "X-DB-Queries" not in response
    (record,) = [r for r in caplog.records if r.name == "boms.request"]
    assert record.queries >= 1

    settings.QUERY_COUNT_HEADER = True
    assert int(client.get("/readyz")["X-DB-Queries"]) >= 1
