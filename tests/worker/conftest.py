"""Tests of the queue itself: the plain database backend, tasks run by tests.queue.run_due_tasks()."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.queue import DATABASE_BACKEND

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
DOWN = "tests.worker.conftest.MailServerDown"


class MailServerDown:
    """An e-mail backend whose server refuses every connection; it counts the attempts."""

    attempts = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        type(self).attempts += 1
        raise ConnectionRefusedError("[Errno 111] Connection refused")


@pytest.fixture
def queue(settings):
    settings.TASKS = DATABASE_BACKEND
    return settings


@pytest.fixture
def mail_server_down(settings):
    MailServerDown.attempts = 0
    settings.EMAIL_DELIVERY_BACKEND = DOWN
    return MailServerDown


@pytest.fixture
def clock():
    """Moves time forward in steps: clock.travel(minutes=5)."""

    class Clock:
        now = timezone.now()

        def travel(self, **delta):
            self.now += datetime.timedelta(**delta)
            traveller = time_machine.travel(self.now, tick=False)
            traveller.start()
            travellers.append(traveller)
            return self.now

    travellers = []
    yield Clock()
    for traveller in reversed(travellers):
        traveller.stop()
