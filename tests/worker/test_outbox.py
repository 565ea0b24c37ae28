import datetime

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import transaction
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reservations import notifications
from reservations.services import approve, book
from tests.factories import HallFactory, RoomFactory, UserFactory, next_weekday_at
from tests.queue import run_due_tasks
from tests.worker.conftest import LOCMEM
from worker import outbox
from worker.models import Email
from worker.queue import backoff
from worker.tasks import rescue_stranded_email

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def booking_form(when):
    return {
        "date": f"{when:%Y-%m-%d}",
        "start": f"{when:%H:%M}",
        "duration": "60",
        "attendees": "4",
        "purpose": "투자사 화상 미팅",
    }


def test_a_booking_adds_one_task_row_in_its_transaction(queue):
    start = next_weekday_at(10)
    book(UserFactory(), HallFactory(), start, start + HOUR, attendees=5, purpose="x")
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "reservations.notifications.notify"
    assert task.status == TaskResultStatus.READY
    assert Email.objects.count() == 0


def test_a_rolled_back_booking_enqueues_nothing(queue):
    start = next_weekday_at(10)
    with pytest.raises(RuntimeError), transaction.atomic():
        book(UserFactory(), RoomFactory(), start, start + HOUR, attendees=2, purpose="x")
        raise RuntimeError("rolled back")
    assert not DBTaskResult.objects.exists()


def test_with_the_mail_server_down_a_booking_succeeds_and_its_mail_goes_out_once_it_is_back(
    queue, mail_server_down, client, clock
):
    client.force_login(UserFactory(email="booker@example.com"))
    room = RoomFactory()
    response = client.post(
        reverse("booking:book", args=[room.pk]), booking_form(next_weekday_at(10)), follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith("/book")
    assert mail_server_down.attempts == 0  # the request never talks to the mail server

    run_due_tasks()
    email = Email.objects.get()
    assert (email.status, email.attempts, email.to) == (
        Email.Status.QUEUED,
        1,
        ["booker@example.com"],
    )
    assert "ConnectionRefusedError" in email.last_error
    assert mail.outbox == []

    queue.EMAIL_DELIVERY_BACKEND = LOCMEM
    clock.travel(seconds=30)
    assert run_due_tasks() == []  # the retry waits for its backoff
    clock.travel(seconds=31)
    run_due_tasks()
    (message,) = mail.outbox
    assert message.to == ["booker@example.com"]
    assert "Booking confirmed" in message.subject
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Email.Status.SENT, 2, "")


def test_notices_go_out_once_however_often_the_task_runs(queue):
    manager = UserFactory(email="manager@example.com")
    hall = HallFactory(facility__managers=[manager])
    start = next_weekday_at(10)
    reservation = book(UserFactory(), hall, start, start + HOUR, attendees=5, purpose="x")
    run_due_tasks()
    notifications.notify.call(reservation.pk, "requested")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [reservation.booked_by.email, "manager@example.com"]
    )
    # Sent in the notice's task, each in one attempt, without a delivery task of its own.
    assert Email.objects.filter(status=Email.Status.SENT, attempts=1, task_id=None).count() == 2


def test_a_failing_notice_task_is_retried_with_backoff(queue, clock, monkeypatch):
    start = next_weekday_at(10)
    reservation = book(UserFactory(), RoomFactory(), start, start + HOUR, attendees=2, purpose="x")
    real = notifications.send_notices
    monkeypatch.setattr(notifications, "send_notices", lambda *args: 1 / 0)
    (failed,) = run_due_tasks()
    assert failed.status == TaskResultStatus.FAILED
    assert "ZeroDivisionError" in failed.traceback
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs == {"args": [reservation.pk, "booked"], "kwargs": {"attempt": 2}}
    assert retry.run_after == pytest.approx(clock.now + backoff(1), abs=HOUR / 60)

    monkeypatch.setattr(notifications, "send_notices", real)
    clock.travel(minutes=1, seconds=1)
    run_due_tasks()
    (message,) = mail.outbox
    assert message.to == [reservation.booked_by.email]


def test_a_notice_task_gives_up_after_the_set_number_of_attempts(queue, clock, monkeypatch):
    queue.TASK_MAX_ATTEMPTS = 2
    start = next_weekday_at(10)
    book(UserFactory(), RoomFactory(), start, start + HOUR, attendees=2, purpose="x")
    monkeypatch.setattr(notifications, "send_notices", lambda *args: 1 / 0)
    run_due_tasks()
    clock.travel(minutes=2)
    run_due_tasks()
    clock.travel(hours=2)
    assert run_due_tasks() == []
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 2


def test_backoff_doubles_from_a_minute_up_to_an_hour():
    minutes = [backoff(attempt) / datetime.timedelta(minutes=1) for attempt in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_an_email_that_keeps_failing_is_marked_failed_after_the_last_attempt(
    queue, mail_server_down, clock
):
    queue.EMAIL_MAX_ATTEMPTS = 3
    outbox.post(mail.EmailMessage("Hello", "Body", to=["a@example.com"]))
    for _ in range(5):
        run_due_tasks()
        clock.travel(hours=1)
    email = Email.objects.get()
    assert (email.status, email.attempts) == (Email.Status.FAILED, 3)
    assert mail_server_down.attempts == 3
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


def test_any_mail_the_portal_sends_is_queued_and_sent_by_the_worker(queue, settings):
    settings.EMAIL_BACKEND = "worker.outbox.QueuedEmailBackend"
    send_mail("Password reset", "Follow the link", None, ["lee@example.com"])
    assert mail.outbox == []
    email = Email.objects.get()
    assert email.status == Email.Status.QUEUED
    run_due_tasks()
    (message,) = mail.outbox
    assert (message.subject, message.to) == ("Password reset", ["lee@example.com"])


def test_the_password_reset_mail_goes_through_the_queue(queue, settings, client):
    settings.EMAIL_BACKEND = "worker.outbox.QueuedEmailBackend"
    UserFactory(email="lee@example.com")
    client.post(reverse("accounts:password_reset"), {"email": "lee@example.com"})
    assert Email.objects.get().to == ["lee@example.com"]
    run_due_tasks()
    assert mail.outbox[0].to == ["lee@example.com"]


def test_a_stored_email_keeps_its_parts_attachments_and_headers(queue):
    message = EmailMultiAlternatives(
        "제목",
        "본문",
        "BOMS <noreply@boms.example>",
        ["a@example.com"],
        cc=["c@example.com"],
        reply_to=["r@example.com"],
        headers={"X-Thing": "1"},
    )
    message.attach_alternative("<p>본문</p>", "text/html")
    message.attach("a.ics", b"BEGIN:VCALENDAR", "text/calendar")
    message.attach("b.bin", b"\x00\xff", "application/octet-stream")
    outbox.post(message)
    run_due_tasks()
    (sent,) = mail.outbox
    assert (sent.subject, sent.body, sent.from_email) == ("제목", "본문", message.from_email)
    assert (sent.to, sent.cc, sent.reply_to) == (
        ["a@example.com"],
        ["c@example.com"],
        ["r@example.com"],
    )
    assert sent.extra_headers == {"X-Thing": "1"}
    assert list(sent.alternatives[0]) == ["<p>본문</p>", "text/html"]
    assert [tuple(a) for a in sent.attachments] == [
        ("a.ics", "BEGIN:VCALENDAR", "text/calendar"),
        ("b.bin", b"\x00\xff", "application/octet-stream"),
    ]


def test_two_delivery_tasks_for_one_email_send_it_once(queue):
    email = outbox.post(mail.EmailMessage("Hi", "x", to=["a@example.com"]))
    outbox.deliver.enqueue(email.pk)
    run_due_tasks()
    assert len(mail.outbox) == 1


def test_an_email_whose_worker_died_mid_attempt_is_sent_again(queue, clock):
    email = outbox.post(mail.EmailMessage("Hi", "x", to=["a@example.com"]))
    task = DBTaskResult.objects.get()
    task.claim("killed-worker")  # stays RUNNING: the worker was killed
    Email.objects.filter(pk=email.pk).update(status=Email.Status.SENDING, claimed_at=clock.now)
    clock.travel(minutes=5)
    assert rescue_stranded_email(clock.now) == 0
    clock.travel(minutes=6)
    assert rescue_stranded_email(clock.now) == 1
    run_due_tasks()
    assert len(mail.outbox) == 1


def test_an_email_whose_delivery_task_failed_is_queued_again_once(queue, clock):
    email = outbox.post(mail.EmailMessage("Hi", "x", to=["a@example.com"]))
    DBTaskResult.objects.update(status=TaskResultStatus.FAILED)
    clock.travel(minutes=11)
    assert rescue_stranded_email(clock.now) == 1
    assert rescue_stranded_email(clock.now) == 0  # its new task is waiting
    run_due_tasks()
    email.refresh_from_db()
    assert email.status == Email.Status.SENT


def test_a_decision_mail_runs_through_the_queue(queue):
    manager = UserFactory(is_staff=True)
    hall = HallFactory(facility__managers=[manager])
    start = next_weekday_at(10)
    reservation = book(UserFactory(), hall, start, start + HOUR, attendees=9, purpose="x")
    approve(manager, reservation)
    assert DBTaskResult.objects.count() == 2
    ran = run_due_tasks()
    assert {r.status for r in ran} == {TaskResultStatus.SUCCESSFUL}
    assert any("approved" in m.subject for m in mail.outbox)
