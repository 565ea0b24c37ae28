"""What every task shares: retry with backoff, and the figures that show the queue keeps up."""

import datetime
import logging

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from worker.models import Sweep

logger = logging.getLogger("boms.worker")

FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=1)


def backoff(attempt):
    """How long to wait after the given failed attempt: 1, 2, 4 … minutes, at most an hour."""
    return min(FIRST_RETRY * 2 ** (attempt - 1), LONGEST_RETRY)


def retry_later(task, *args, attempt, **kwargs):
    """Enqueue the task again after a backoff unless TASK_MAX_ATTEMPTS are spent.

    django-tasks-db does not retry by itself; a task that may fail catches its error, calls
    this with the attempt it is on (an `attempt` keyword argument, 1 at first) and re-raises,
    so that the failure stays recorded on its own task result.
    """
    if attempt >= settings.TASK_MAX_ATTEMPTS:
        logger.error("Task %s gave up after %d attempts", task.name, attempt)
        return None
    return task.using(run_after=timezone.now() + backoff(attempt)).enqueue(
        *args, attempt=attempt + 1, **kwargs
    )


def watch(now=None):
    """The queue's state: how many tasks are due, how long the oldest has waited, the heartbeat."""
    now = now or timezone.now()
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    immediate = ready.filter(run_after=get_date_max())
    deferred = ready.filter(run_after__lte=now)
    due = immediate.count() + deferred.count()
    waiting_since = [
        moment
        for moment in (
            immediate.aggregate(oldest=Min("enqueued_at"))["oldest"],
            deferred.aggregate(oldest=Min("run_after"))["oldest"],
        )
        if moment is not None
    ]
    sweep = Sweep.objects.filter(pk=1).first()
    heartbeat = sweep.swept_at if sweep else None
    return {
        "due_tasks": due,
        "oldest_due_task_age_s": _seconds(now - min(waiting_since)) if waiting_since else 0.0,
        "last_heartbeat": heartbeat.isoformat() if heartbeat else None,
        "heartbeat_age_s": _seconds(now - heartbeat) if heartbeat else None,
    }


def problems(figures):
    """What in the figures of watch() says the workers are not keeping up, as sentences."""
    found = []
    if figures["oldest_due_task_age_s"] > settings.QUEUE_MAX_WAIT_SECONDS:
        found.append(
            f"the oldest due task has waited {figures['oldest_due_task_age_s']:.0f} s "
            f"(limit {settings.QUEUE_MAX_WAIT_SECONDS} s)"
        )
    if figures["heartbeat_age_s"] is None:
        found.append("no worker has run the minute sweep yet")
    elif figures["heartbeat_age_s"] > settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS:
        found.append(
            f"no worker has run the minute sweep for {figures['heartbeat_age_s']:.0f} s "
            f"(limit {settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS} s)"
        )
    return found


def _seconds(delta):
    return round(max(delta.total_seconds(), 0.0), 1)
