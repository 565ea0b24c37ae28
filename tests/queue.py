"""The task queue in tests: the database backend, with tasks run in this process.

By default (tests/conftest.py) a task runs as soon as its transaction commits, as a worker
would pick it up, so tests that expect mail see it after django_capture_on_commit_callbacks.
Tests of the queue itself use the plain database backend and run_due_tasks().
"""

from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ON_COMMIT_BACKEND = {"default": {"BACKEND": "tests.queue.OnCommitBackend"}}


def _worker():
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def run(db_result, worker=None):
    """Claim and run one task as django-tasks-db's worker does; return its refreshed row."""
    db_result.claim("test-worker")
    (worker or _worker()).run_task(db_result)
    db_result.refresh_from_db()
    return db_result


def run_due_tasks():
    """Run every due task, and those they enqueue that are due, in queue order."""
    worker, ran = _worker(), []
    while (due := DBTaskResult.objects.ready().first()) is not None:
        ran.append(run(due, worker))
    return ran


class OnCommitBackend(DatabaseBackend):
    """Stores each task as in production and runs it once its transaction commits, if due.

    A failing task fails the test: in production it would only be recorded.
    """

    def enqueue(self, task, args, kwargs):
        result = super().enqueue(task, args, kwargs)
        if task.run_after is None:
            transaction.on_commit(lambda: _run_or_raise(result.id))
        return result


def _run_or_raise(result_id):
    db_result = DBTaskResult.objects.get(pk=result_id)
    if db_result.status != TaskResultStatus.READY:
        return
    db_result = run(db_result)
    if db_result.status == TaskResultStatus.FAILED:
        raise AssertionError(f"Task {db_result.task_path} failed:\n{db_result.traceback}")
