import datetime
import io
import json
import logging

import pytest
from django.core.mail import send_mail
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.utils import timezone

from health.logging import JsonFormatter, RequestIdFilter
from tests.factories import UserFactory
from tests.queue import DATABASE_BACKEND
from worker import outbox
from worker.models import Sweep
from worker.outbox import QueuedEmailBackend


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


@pytest.mark.django_db
def test_queue_probe_is_ok_while_a_worker_sweeps_and_nothing_waits(client, settings):
    settings.TASKS = DATABASE_BACKEND
    Sweep.objects.create(swept_at=timezone.now() - datetime.timedelta(seconds=30))
    response = client.get("/readyz/queue")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["due_tasks"], body["oldest_due_task_age_s"]) == ("ok", 0, 0.0)
    assert 29 <= body["heartbeat_age_s"] <= 60
    assert body["problems"] == []


@pytest.mark.django_db
def test_queue_probe_fails_when_no_worker_has_swept_lately(client, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS = 180
    Sweep.objects.create(swept_at=timezone.now() - datetime.timedelta(minutes=4))
    response = client.get("/readyz/queue")
    assert response.status_code == 503
    assert "minute sweep" in response.json()["problems"][0]


@pytest.mark.django_db
def test_queue_probe_fails_before_any_worker_ran(client):
    response = client.get("/readyz/queue")
    assert response.status_code == 503
    assert response.json()["heartbeat_age_s"] is None


@pytest.mark.django_db
def test_queue_probe_reports_the_backlog_and_fails_when_a_due_task_waits_too_long(client, settings):
    settings.TASKS = DATABASE_BACKEND
    settings.QUEUE_MAX_WAIT_SECONDS = 300
    Sweep.objects.create(swept_at=timezone.now())
    send_mail("a", "b", None, ["a@example.com"], connection=QueuedEmailBackend())
    later = timezone.now() + datetime.timedelta(hours=1)
    outbox.deliver.using(run_after=later).enqueue(1)  # not due: not counted
    six_minutes_ago = timezone.now() - datetime.timedelta(minutes=6)
    outbox.deliver.using(run_after=six_minutes_ago).enqueue(2)

    response = client.get("/readyz/queue")
    assert response.status_code == 503
    body = response.json()
    assert body["due_tasks"] == 2
    assert 360 <= body["oldest_due_task_age_s"] < 400
    assert "oldest due task" in body["problems"][0]


@pytest.mark.django_db
def test_queue_status_command_prints_the_figures_and_fails_like_the_probe(settings):
    Sweep.objects.create(swept_at=timezone.now())
    out = io.StringIO()
    call_command("queue_status", stdout=out)
    assert json.loads(out.getvalue())["due_tasks"] == 0
    Sweep.objects.update(swept_at=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(CommandError, match="minute sweep"):
        call_command("queue_status", stdout=io.StringIO())
