"""E-mails about accounts, in Korean with English below.

`schedule()` is the one door account mail leaves by: after the transaction commits, and a
failing mail server is logged rather than failing the request (a sign-up must answer the same
whether its mail went out or not).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
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
    def send_account_mail():
        send(kind, to, context)

    transaction.on_commit(send_account_mail, robust=True)
