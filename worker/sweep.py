"""The minute sweep: one recurring task that runs the timed work that is due.

django-tasks-db runs deferred tasks but schedules nothing by itself. The sweep runs at the
start of every minute, enqueues its successor first, then runs each registered step that is
due. Steps are queries over what is due (e.g. pending bookings whose start has passed), so
they are idempotent: a sweep that runs twice, or late after the workers were down, does each
thing once.

One chain only: the Sweep row names the task that carries the chain on. A sweep task that is
not that task does nothing (a duplicate), unless the named task is dead (missing, finished,
or stuck RUNNING after its worker was killed), in which case it takes the chain over. start()
(run by every worker as it starts) enqueues a first sweep only when no live chain exists.

A step: in an app's tasks.py,

    @sweep.step(every=datetime.timedelta(hours=1))
    def send_reminders(now):
        ...
        return {"sent": n}          # JSON, kept on the sweep's task result

`every` (a divisor of a day) and `at` (an offset into it, Seoul time) say when the step is
due: in the first sweep after each such moment, once however late that sweep is.
"""

import dataclasses
import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from worker.models import Sweep

logger = logging.getLogger("boms.worker")

MINUTE = datetime.timedelta(minutes=1)
# Above the default 0: a due sweep runs before a backlog of mail.
PRIORITY = 10
# A RUNNING sweep task this old lost its worker: django-tasks-db never marks it failed.
STALE = datetime.timedelta(minutes=10)
SUPERSEDED = "superseded"


@dataclasses.dataclass(frozen=True)
class Step:
    name: str
    run: object
    every: datetime.timedelta
    at: datetime.timedelta

    def period(self, moment):
        """The number of the step's period that the moment falls in (Seoul wall-clock time)."""
        wall = timezone.localtime(moment).replace(tzinfo=datetime.UTC)
        since = wall - datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) - self.at
        return since // self.every

    def is_due(self, previous_sweep, now):
        return previous_sweep is None or self.period(previous_sweep) != self.period(now)


STEPS: dict[str, Step] = {}


def step(*, every=MINUTE, at=datetime.timedelta(0)):
    """Register the decorated function(now) as a step of the sweep."""

    def register(function):
        name = f"{function.__module__}.{function.__qualname__}"
        STEPS[name] = Step(name=name, run=function, every=every, at=at)
        return function

    return register


@task(priority=PRIORITY, takes_context=True)
def sweep(context):
    now = timezone.now()
    previous = _pass_on(context.task_result, now)
    if previous is SUPERSEDED:
        return SUPERSEDED
    done = {}
    for due in [s for s in STEPS.values() if s.is_due(previous, now)]:
        try:
            done[due.name] = due.run(now)
        except Exception:
            # One failing step must not stop the others, nor the chain.
            logger.exception("Sweep step %s failed", due.name)
            done[due.name] = "failed"
    return done


def _pass_on(task_result, now):
    """Enqueue the next sweep unless this one is a duplicate; return the previous sweep's time."""
    with transaction.atomic():
        state = _locked_state()
        carrier = str(state.task_id) if state.task_id else None
        if carrier not in (None, task_result.id) and _alive(carrier, now):
            return SUPERSEDED
        following = sweep.using(run_after=(now + MINUTE).replace(second=0, microsecond=0))
        state.task_id = following.enqueue().id
        previous, state.swept_at = state.swept_at, now
        state.worker_id = (task_result.worker_ids or [""])[-1]
        state.save()
    return previous


def start(now=None):
    """Enqueue a sweep now unless a live chain exists; return whether one was enqueued."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _locked_state()
        if state.task_id and _alive(str(state.task_id), now):
            return False
        state.task_id = sweep.enqueue().id
        state.save(update_fields=["task_id"])
    return True


def _locked_state():
    Sweep.objects.get_or_create(pk=1)
    return Sweep.objects.select_for_update().get(pk=1)


def _alive(task_id, now):
    found = DBTaskResult.objects.filter(pk=task_id).values("status", "started_at").first()
    if found is None:
        return False
    if found["status"] == TaskResultStatus.READY:
        return True
    return found["status"] == TaskResultStatus.RUNNING and found["started_at"] > now - STALE
