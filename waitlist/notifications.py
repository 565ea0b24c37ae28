"""The e-mail that tells the first in line of their offer, in Korean with English below.

Queued inside the offer's transaction (a rolled-back offer sends nothing); the task renders it
and hands it to the outbox under a key per entry, so it goes out once however often it runs.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from waitlist.models import Entry, EntryStatus
from worker import outbox
from worker.queue import retry_later

SUBJECT = _("A slot you waited for is held for you")


def schedule_offer(entry_id):
    notify_offer.enqueue(entry_id)


@task
def notify_offer(entry_id, attempt=1):
    try:
        send_offer(entry_id)
    except Exception:
        retry_later(notify_offer, entry_id, attempt=attempt)
        raise


def send_offer(entry_id):
    entry = (
        Entry.objects.select_related("user", "hold__room__facility")
        .filter(pk=entry_id, status=EntryStatus.OFFERED, hold__isnull=False)
        .first()
    )
    if entry is None or not entry.user.email:
        return
    context = {
        "entry": entry,
        "hold": entry.hold,
        "room": entry.hold.room,
        "mine_url": settings.SITE_URL.rstrip("/") + reverse("mine:list"),
    }
    parts = {}
    for language in ("ko", "en"):
        with translation.override(language):
            parts[language] = (
                str(SUBJECT),
                render_to_string("waitlist/email/offer.txt", context).strip(),
            )
    message = EmailMessage(
        subject=f"[BOMS] {parts['ko'][0]} / {parts['en'][0]}",
        body=f"{parts['ko'][1]}\n\n----------\n\n{parts['en'][1]}\n",
        to=[entry.user.email],
    )
    outbox.post(message, key=f"waitlist-offer-{entry.pk}-{entry.hold_id}", send_now=True)
