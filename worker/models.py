"""The outbox of e-mail, the minute sweep's one row, and the queue's tasks as the admin shows them."""

import base64

from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tasks_db.models import DBTaskResult


class Email(models.Model):
    """One e-mail as it was handed over for sending, and how its delivery went.

    Requests and tasks never talk to the mail server: they store the message here and a task
    sends it (worker/outbox.py), retrying with backoff until it is sent or EMAIL_MAX_ATTEMPTS
    have failed; a superuser sees failed e-mails in the admin and can send them again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")

    key = models.CharField(
        _("key"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Set for notices that must go out only once, e.g. one booking's approval."),
    )
    subject = models.TextField(_("subject"))
    from_email = models.TextField(pgettext_lazy("e-mail", "from"))
    to = models.JSONField(pgettext_lazy("e-mail", "to"), default=list)
    cc = models.JSONField(_("cc"), default=list)
    bcc = models.JSONField(_("bcc"), default=list)
    reply_to = models.JSONField(_("reply to"), default=list)
    headers = models.JSONField(_("headers"), default=dict)
    body = models.TextField(_("body"))
    alternatives = models.JSONField(_("alternative parts"), default=list)
    attachments = models.JSONField(_("attachments"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("last attempt started"), null=True, blank=True)
    task_id = models.UUIDField(_("delivery task"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed"]),
                name="worker_email_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="worker_email_status_next"),
        ]

    def __str__(self):
        return self.subject

    @property
    def recipients(self):
        return [*self.to, *self.cc, *self.bcc]

    @classmethod
    def from_message(cls, message, **fields):
        """An unsaved Email holding everything needed to build the message again."""
        attachments = []
        for attachment in message.attachments:
            filename, content, mimetype = attachment  # a MIMEBase part is not supported
            if isinstance(content, str):
                content = content.encode()
            attachments.append([filename, base64.b64encode(content).decode("ascii"), mimetype])
        return cls(
            subject=str(message.subject),
            from_email=message.from_email,
            to=list(message.to),
            cc=list(message.cc),
            bcc=list(message.bcc),
            reply_to=list(message.reply_to),
            headers=dict(message.extra_headers),
            body=message.body,
            alternatives=[list(part) for part in getattr(message, "alternatives", [])],
            attachments=attachments,
            **fields,
        )

    def as_message(self, connection=None):
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body,
            from_email=self.from_email,
            to=self.to,
            cc=self.cc,
            bcc=self.bcc,
            reply_to=self.reply_to,
            headers=self.headers,
            alternatives=[tuple(part) for part in self.alternatives],
            connection=connection,
        )
        for filename, content, mimetype in self.attachments:
            message.attach(filename, base64.b64decode(content), mimetype)
        return message


class Sweep(models.Model):
    """The minute sweep's single row: which task carries the chain on, and when it last ran.

    Whoever changes it holds its row lock, so two workers, or a worker restarting, never
    start a second chain (worker/sweep.py). `swept_at` is the workers' heartbeat.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    task_id = models.UUIDField(_("next sweep task"), null=True, blank=True)
    swept_at = models.DateTimeField(_("last swept at"), null=True, blank=True)
    worker_id = models.CharField(_("last swept by worker"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("minute sweep")
        verbose_name_plural = _("minute sweep")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="worker_sweep_single_row")]

    def __str__(self):
        return str(self._meta.verbose_name)


class QueuedTask(DBTaskResult):
    """The queue's tasks (django-tasks-db's table) under this app's translated admin."""

    class Meta:
        proxy = True
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
