"""E-mails about accounts, in Korean with English below.

`schedule()` is the one door account mail leaves by. EMAIL_BACKEND is the outbox
(worker/outbox.py): sending stores the message in the caller's transaction and the worker
delivers it, so a rolled-back change sends nothing and the mail server is never waited on
(a sign-up answers the same, in the same time, whether its address was new or not).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

SUBJECTS = {
    "verify_email": _("Confirm your e-mail address"),
    "signup_attempt": _("Someone tried to sign up with your address"),
}


def _render(kind, context, language):
    with translation.override(language):
        return str(SUBJECTS[kind]), render_to_string(
            f"accounts/email/{kind}.txt",
            {**context, "site_url": settings.SITE_URL.rstrip("/")},
        ).strip()


def send(kind, to, context):
    (ko_subject, ko_body), (en_subject, en_body) = (
        _render(kind, context, "ko"),
        _render(kind, context, "en"),
    )
    EmailMessage(
        subject=f"[BOMS] {ko_subject} / {en_subject}",
        body=f"{ko_body}\n\n----------\n\n{en_body}\n",
        to=[to],
    ).send()


def schedule(kind, to, **context):
    send(kind, to, context)
