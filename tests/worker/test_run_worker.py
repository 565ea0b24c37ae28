import logging
import signal
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from worker import outbox
from worker.models import Email, Sweep


@pytest.fixture
def restore_signals_and_log_levels():
    """The worker command installs its own signal handlers and log levels."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    levels = {name: logging.getLogger(name).level for name in ("django_tasks", "django_tasks_db")}
    yield
    for signum, handler in handlers.items():
        signal.signal(signum, handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.django_db(transaction=True)
def test_run_worker_starts_the_sweep_and_works_through_the_queue(
    queue, restore_signals_and_log_levels
):
    outbox.post(mail.EmailMessage("Hi", "x", to=["a@example.com"]))
    call_command(
        "run_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
    )
    assert Email.objects.get().status == Email.Status.SENT
    assert Sweep.objects.get().swept_at is not None
    assert set(DBTaskResult.objects.values_list("task_path", "status")) == {
        ("worker.outbox.deliver", TaskResultStatus.SUCCESSFUL),
        ("worker.sweep.sweep", TaskResultStatus.SUCCESSFUL),
        ("worker.sweep.sweep", TaskResultStatus.READY),
        # The first sweep's steps queue the dashboard's reading ahead.
        ("dashboard.tasks.read_ahead", TaskResultStatus.SUCCESSFUL),
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED needs PostgreSQL")
def test_several_workers_at_once_run_each_task_once(queue):
    for n in range(30):
        outbox.post(mail.EmailMessage(f"Mail {n}", "x", to=[f"u{n}@example.com"]))
    barrier = threading.Barrier(3)

    def work(worker_id):
        try:
            barrier.wait()
            Worker(
                queue_names=["*"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            ).run()
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m.subject for m in mail.outbox) == sorted(f"Mail {n}" for n in range(30))
    assert all(len(ids) == 1 for ids in DBTaskResult.objects.values_list("worker_ids", flat=True))
    assert Email.objects.filter(status=Email.Status.SENT, attempts=1).count() == 30
