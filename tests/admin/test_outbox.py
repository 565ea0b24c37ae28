"""The outbox and the task list in the admin: superusers only; failed e-mails can be sent again."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.queue import DATABASE_BACKEND, run_due_tasks
from worker import outbox
from worker.models import Email

pytestmark = pytest.mark.django_db

EMAILS = reverse("admin:worker_email_changelist")
TASKS = reverse("admin:worker_queuedtask_changelist")


@pytest.fixture
def failed_email(settings):
    settings.TASKS = DATABASE_BACKEND
    email = outbox.post(mail.EmailMessage("[BOMS] 예약 확정", "본문", to=["kim@example.com"]))
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.FAILED, attempts=10, last_error="SMTPServerDisconnected: gone"
    )
    run_due_tasks()
    return email


def test_the_superuser_sees_what_failed_to_whom_and_why(client, superuser, failed_email):
    client.force_login(superuser)
    page = client.get(EMAILS + "?status=failed").content.decode()
    assert "[BOMS] 예약 확정" in page
    assert "kim@example.com" in page
    assert "SMTPServerDisconnected: gone" in page
    detail = client.get(reverse("admin:worker_email_change", args=[failed_email.pk]))
    assert detail.status_code == 200
    assert "본문" in detail.content.decode()


def test_the_superuser_sends_a_failed_email_again(client, superuser, failed_email):
    client.force_login(superuser)
    response = client.post(
        EMAILS,
        {"action": "send_again", "_selected_action": [failed_email.pk]},
        follow=True,
    )
    assert "1 e-mail queued to be sent again." in response.content.decode()
    run_due_tasks()
    failed_email.refresh_from_db()
    assert failed_email.status == Email.Status.SENT
    assert [m.to for m in mail.outbox] == [["kim@example.com"]]


@pytest.mark.parametrize("role", ["owner_manager", "ministry_official"])
def test_staff_who_are_not_superusers_see_neither_emails_nor_tasks(
    client, role, request, failed_email
):
    client.force_login(request.getfixturevalue(role))
    assert client.get(EMAILS).status_code == 403
    assert client.get(TASKS).status_code == 403
    assert (
        client.get(reverse("admin:worker_email_change", args=[failed_email.pk])).status_code == 403
    )
    assert "worker" not in client.get(reverse("admin:index")).content.decode()
    response = client.post(EMAILS, {"action": "send_again", "_selected_action": [failed_email.pk]})
    assert response.status_code == 403


def test_the_superuser_sees_the_tasks_and_why_one_failed(client, superuser, failed_email):
    client.force_login(superuser)
    page = client.get(TASKS).content.decode()
    assert "worker.outbox.deliver" in page
    assert "Done" in page


def test_the_outbox_speaks_korean(superuser, failed_email):
    client = Client()
    client.force_login(superuser)
    index = client.get(reverse("admin:index")).content.decode()
    assert "백그라운드 작업" in index
    page = client.get(EMAILS).content.decode()
    assert "발송 실패" in page
    assert "선택한 이메일을 지금 다시 보내기" in page
    tasks = client.get(TASKS).content.decode()
    assert "완료" in tasks
