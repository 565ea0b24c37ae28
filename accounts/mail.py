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

from worker import outbox

SUBJECTS = {
    "verify_email": _("Confirm your e-mail address"),
    "signup_attempt": _("Someone tried to sign up with your address"),
    "manager_invitation": _("You are invited to manage a video-conference room"),
}


def _render(kind, context, language):
    with translation.override(language):
        return str(SUBJECTS[kind]), render_to_string(
            f"accounts/email/{kind}.txt",
            {**context, "site_url": settings.SITE_URL.rstrip("/")},
        ).strip()


def message(kind, to, context):
    (ko_subject, ko_body), (en_subject, en_body) = (
        _render(kind, context, "ko"),
        _render(kind, context, "en"),
    )
    return EmailMessage(
        subject=f"[BOMS] {ko_subject} / {en_subject}",
        body=f"{ko_body}\n\n----------\n\n{en_body}\n",
        to=[to],
    )


def schedule(kind, to, *, key=None, **context):
    """Post the e-mail to the outbox; with a key, only if nothing was posted under it."""
    if key is None:
        message(kind, to, context).send()
    else:
        outbox.post(message(kind, to, context), key=key)
