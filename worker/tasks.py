"""The worker's own steps of the minute sweep: stranded e-mail, and what is kept how long."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from worker import sweep
from worker.models import Email
from worker.outbox import deliver

# Longer than any attempt can take (EMAIL_TIMEOUT): an e-mail SENDING this long lost its worker.
LOST_ATTEMPT = datetime.timedelta(minutes=10)
DAY = datetime.timedelta(days=1)


@sweep.step()
def rescue_stranded_email(now):
    """Queue again the e-mails whose delivery task is gone or whose worker died mid-attempt.

    A task stuck RUNNING (its worker killed) is never run again by django-tasks-db, and a
    delivery task that failed outside the send (e.g. the database was down) leaves its
    e-mail QUEUED with nothing to send it.
    """
    live_tasks = DBTaskResult.objects.filter(
        status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING)
    ).values("id")
    stranded = Email.objects.filter(
        Q(status=Email.Status.SENDING, claimed_at__lt=now - LOST_ATTEMPT)
        | (
            Q(status=Email.Status.QUEUED, next_attempt_at__lt=now - LOST_ATTEMPT)
            & (Q(task_id__isnull=True) | ~Q(task_id__in=live_tasks))
        )
    )
    rescued = 0
    for email in stranded.only("pk", "status"):
        with transaction.atomic():
            retry = deliver.enqueue(email.pk)
            rescued += Email.objects.filter(pk=email.pk, status=email.status).update(
                status=Email.Status.QUEUED, next_attempt_at=now, task_id=retry.id
            )
    return rescued


@sweep.step(every=DAY, at=datetime.timedelta(hours=3, minutes=30))
def forget_old_email(now):
    """Delete sent and failed e-mails after EMAIL_RETENTION_DAYS: they hold personal data."""
    cutoff = now - datetime.timedelta(days=settings.EMAIL_RETENTION_DAYS)
    deleted, _ = Email.objects.filter(
        status__in=(Email.Status.SENT, Email.Status.FAILED), created_at__lt=cutoff
    ).delete()
    return deleted


@sweep.step(every=DAY, at=datetime.timedelta(hours=3, minutes=45))
def forget_old_task_results(now):
    """Delete finished task results after TASK_RESULT_RETENTION_DAYS."""
    cutoff = now - datetime.timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
