"""Plain-text e-mails say exactly what was typed: no HTML escaping in text bodies."""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail

from reservations.services import book, reject
from tests.factories import HallFactory, RoomFactory, UserFactory, next_weekday_at

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>'x' & \"y\"</script>"
HOUR = datetime.timedelta(hours=1)


def email_templates(suffix):
    return sorted(p for p in ROOT.glob(f"*/templates/*/email/*{suffix}") if ".venv" not in p.parts)


def test_there_are_text_mail_templates_to_check():
    assert len(email_templates(".txt")) >= 3


@pytest.mark.parametrize("template", email_templates(".txt"), ids=lambda p: p.name)
def test_every_text_mail_template_turns_autoescaping_off(template):
    source = template.read_text()
    assert re.fullmatch(
        r"(\{% load [\w ]+ %\})*\{% autoescape off %\}.*\{% endautoescape %\}\s*", source, re.S
    ), f"{template}: wrap the body in {{% autoescape off %}} … {{% endautoescape %}}"


def test_html_mail_templates_keep_autoescaping():
    for template in email_templates(".html"):
        assert "autoescape off" not in template.read_text(), template


@pytest.mark.django_db
def test_a_booking_mail_repeats_the_purpose_and_names_verbatim(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="booker@example.com")
    room = RoomFactory(facility__name="R&D <센터>", facility__address="테헤란로 1 'B동'")
    start = next_weekday_at(10)
    with django_capture_on_commit_callbacks(execute=True):
        book(user, room, start, start + HOUR, attendees=2, purpose=HOSTILE)
    (message,) = mail.outbox
    assert HOSTILE in message.body
    assert "R&D <센터>" in message.body and "'B동'" in message.body
    assert (
        "&lt;" not in message.body and "&#x27;" not in message.body and "&amp;" not in message.body
    )


@pytest.mark.django_db
def test_a_decision_mail_repeats_the_managers_note_verbatim(django_capture_on_commit_callbacks):
    manager = UserFactory(is_staff=True, email="manager@example.com")
    hall = HallFactory(facility__managers=[manager])
    start = next_weekday_at(10)
    booker = UserFactory(email="booker@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        reservation = book(booker, hall, start, start + HOUR, attendees=9, purpose="x")
    (received,) = [m for m in mail.outbox if m.to == ["booker@example.com"]]
    assert "The facility's manager will approve or reject it" in received.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reject(manager, reservation, HOSTILE)
    (message,) = mail.outbox
    assert HOSTILE in message.body
    assert "&lt;" not in message.body and "&#x27;" not in message.body


@pytest.mark.django_db
def test_the_password_reset_mail_greets_the_user_verbatim(client):
    user = UserFactory(name="O'Brien <Kim> & Co")
    client.post("/accounts/password/reset/", {"email": user.email})
    (message,) = mail.outbox
    assert "O'Brien <Kim> & Co" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body
