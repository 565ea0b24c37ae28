"""All e-mail leaves through here: stored as an Email row, sent by a task, retried with backoff.

settings.EMAIL_BACKEND is QueuedEmailBackend, so any `send()` (password resets, sign-up mail)
only stores the message and enqueues its delivery, in the caller's transaction; the worker
sends it through EMAIL_DELIVERY_BACKEND (from EMAIL_URL). A request never waits on the mail
server, and a mail server that is down delays mail instead of failing what caused it.
"""

import logging

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from worker.models import Email
from worker.queue import backoff

logger = logging.getLogger("boms.worker")

ERROR_LENGTH = 2000


def post(message, *, key=None, send_now=False):
    """Store the message for sending; with a key, only the first message posted under it.

    Returns the Email, or None when the key was posted before. send_now (for callers that
    already run in the worker) sends at once instead of enqueueing a delivery task.
    """
    now = timezone.now()
    # Sent here and now, it is stored as this first attempt's, as send() would claim it.
    claimed = {"status": Email.Status.SENDING, "attempts": 1, "claimed_at": now} if send_now else {}
    email = Email.from_message(message, key=key, next_attempt_at=now, **claimed)
    try:
        with transaction.atomic():
            email.save()
            if not send_now:
                email.task_id = deliver.enqueue(email.pk).id
                email.save(update_fields=["task_id"])
    except IntegrityError:
        if key is not None and Email.objects.filter(key=key).exists():
            return None
        raise
    if send_now:
        _attempt(email)
    return email


@task
def deliver(email_id):
    return send(email_id)


def send(email_id):
    """Try to send one queued e-mail; on failure schedule the next attempt or give up.

    The status moves QUEUED → SENDING by compare-and-set, so two tasks for one e-mail (a
    retry from the admin meeting the scheduled one) send it once.
    """
    claimed = Email.objects.filter(pk=email_id, status=Email.Status.QUEUED).update(
        status=Email.Status.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if not claimed:
        return False
    return _attempt(Email.objects.get(pk=email_id))


def _attempt(email):
    """Send a claimed (SENDING) e-mail; record that it was sent, or schedule the next attempt."""
    try:
        email.as_message(connection=get_connection(settings.EMAIL_DELIVERY_BACKEND)).send()
    except Exception as error:
        _failed(email, error)
        return False
    Email.objects.filter(pk=email.pk, status=Email.Status.SENDING).update(
        status=Email.Status.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    return True


def _failed(email, error):
    reason = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    logger.warning("E-mail %s not sent (attempt %d): %s", email.pk, email.attempts, reason)
    sending = Email.objects.filter(pk=email.pk, status=Email.Status.SENDING)
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        sending.update(status=Email.Status.FAILED, next_attempt_at=None, last_error=reason)
        logger.error("E-mail %s failed after %d attempts", email.pk, email.attempts)
        return
    when = timezone.now() + backoff(email.attempts)
    with transaction.atomic():
        retry = deliver.using(run_after=when).enqueue(email.pk)
        sending.update(
            status=Email.Status.QUEUED, next_attempt_at=when, last_error=reason, task_id=retry.id
        )


def send_again(emails):
    """Queue failed or waiting e-mails for an attempt now (the admin's retry); return how many."""
    count = 0
    with transaction.atomic():
        for email in emails.filter(status__in=(Email.Status.FAILED, Email.Status.QUEUED)):
            retry = deliver.enqueue(email.pk)
            count += Email.objects.filter(pk=email.pk, status=email.status).update(
                status=Email.Status.QUEUED, next_attempt_at=timezone.now(), task_id=retry.id
            )
    return count


class QueuedEmailBackend(BaseEmailBackend):
    """Django's e-mail backend interface, storing each message in the outbox."""

    def send_messages(self, email_messages):
        for message in email_messages:
            post(message)
        return len(email_messages)
