"""Facility managers are invited, never given a password: their account is made without a
usable one, and an e-mail link (a password-reset token, valid PASSWORD_RESET_TIMEOUT) lets
them choose it; their first sign-in then enrols the second factor (accounts/mfa.py).

`create_managers` makes the accounts; `invite` queues one task that posts each invitation to
the outbox, keyed by account, so that a second import or a retried task sends none twice.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from accounts import mail
from accounts.roles import FACILITY_MANAGERS
from worker.queue import retry_later


def create_managers(emails):
    """New staff accounts in the managers' group, without a usable password; return them."""
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            # make_password(None) is an unusable hash: nobody, the importer included, knows it.
            User(email=email, name=email.split("@")[0], is_staff=True, password=make_password(None))
            for email in emails
        ]
    )
    make_managers(users)
    return users


def make_managers(users):
    """Put these accounts in the managers' group as staff (they sign in with a second factor)."""
    group = Group.objects.get(name=FACILITY_MANAGERS)
    ids = [user.pk for user in users]
    get_user_model().objects.filter(pk__in=ids, is_staff=False).update(is_staff=True)
    Membership = get_user_model().groups.through
    Membership.objects.bulk_create(
        [Membership(user_id=pk, group_id=group.pk) for pk in ids], ignore_conflicts=True
    )


def invite(users, *, again=False):
    """Queue the invitations of these accounts; call it inside the transaction that made them.

    Each account is invited once; `again` (a superuser's "send the invitation again") sends a
    new one with a fresh link.
    """
    ids = [user.pk for user in users]
    if ids:
        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f") if again else ""
        send_invitations.enqueue(ids, stamp)


def invitation_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:password_reset_confirm", args=[uid, token])


@task
def send_invitations(user_ids, stamp="", attempt=1):
    try:
        for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True):
            if user.has_usable_password():
                continue  # they chose a password meanwhile: nothing to invite to
            key = f"manager-invitation-{user.pk}" + (f"-{stamp}" if stamp else "")
            mail.schedule(
                "manager_invitation", user.email, key=key, user=user, link=invitation_link(user)
            )
    except Exception:
        retry_later(send_invitations, user_ids, stamp, attempt=attempt)
        raise
