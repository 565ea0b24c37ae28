"""The life of a booking in a real browser: reminded, checked in at the door, or released as a
no-show by the worker and booked by someone else."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from reservations.models import Reservation, Status
from tests.e2e.conftest import PHONE, serious_accessibility_violations
from tests.e2e.test_journeys import sign_in
from tests.factories import ReservationFactory, RoomFactory, UserFactory, next_weekday_at
from tests.queue import run_due_tasks
from worker import sweep

pytestmark = pytest.mark.django_db(transaction=True)
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
TABLET = {"width": 1024, "height": 768}


def travel(moment):
    """Move the server's clock (this process's: the live server is a thread of it)."""
    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    return traveller


def test_book_get_the_reminder_and_check_in_at_the_door_with_its_code(new_page):
    room = RoomFactory(name="세미나실 가", facility__name="판교 창업센터")
    user = UserFactory(email="booker@example.com")
    start = next_weekday_at(10, days_ahead=3)
    clock = travel(start - 2 * 24 * HOUR)
    try:
        page = new_page()
        sign_in(page, user.email)
        page.goto(f"/book/{room.pk}/?date={start:%Y-%m-%d}&start=10:00&duration=60")
        page.fill("input[name=attendees]", "4")
        page.fill("input[name=purpose]", "투자사 화상 미팅")
        page.locator("#booking-form button[type=submit]").click()
        page.wait_for_url("**/book/done/**")
        booking = Reservation.objects.get(booked_by=user)
        sweep.start()  # the worker starts its minute sweep
        mail.outbox.clear()
        clock.stop()

        clock = travel(start - HOUR)
        run_due_tasks()  # the sweep that is due now: the hour's reminder
        reminder = next(m for m in mail.outbox if "Reminder" in m.subject)
        assert reminder.to == [user.email]
        assert room.facility.address in reminder.body
        code = re.search(r"예약 코드: (\w+)", reminder.body).group(1)
        door_path = re.search(r"https?://[^/\s]+(/rooms/\d+/door/)", reminder.body).group(1)
        clock.stop()

        clock = travel(start - 5 * MINUTE)
        door = new_page(TABLET)  # a wall tablet nobody is signed in on
        door.goto(door_path)
        expect(door.locator(".door__entry--check_in")).to_contain_text("10:00–11:00")
        assert serious_accessibility_violations(door) == []
        door.fill("input[name=code]", code.lower())
        door.locator(".door__button").click()
        expect(door.locator(".door__note--ok")).to_contain_text("체크인했습니다")
        expect(door.locator(".door__entry--in_use")).to_contain_text("10:00–11:00")
        booking.refresh_from_db()
        assert booking.checked_in_at is not None
        assert door.console_errors == []
    finally:
        clock.stop()


def test_a_no_show_is_released_by_the_worker_and_another_user_books_the_freed_time(new_page):
    room = RoomFactory(name="세미나실 나")
    start = next_weekday_at(10, days_ahead=2)
    missed = ReservationFactory(room=room, start=start, end=start + 2 * HOUR)
    other = UserFactory(email="next.user@example.com")
    clock = travel(start + 15 * MINUTE)
    try:
        sweep.start()  # the worker's sweep at the end of the check-in window
        missed.refresh_from_db()
        assert missed.status == Status.NO_SHOW
        assert any("No check-in" in m.subject for m in mail.outbox)

        page = new_page(PHONE)
        sign_in(page, other.email)
        page.goto(f"/rooms/{room.pk}/?date={start:%Y-%m-%d}")
        page.locator(".slot--free a.slot__link").first.click()
        page.wait_for_load_state()
        assert "start=10%3A30" in page.url or "start=10:30" in page.url
        page.fill("input[name=attendees]", "2")
        page.fill("input[name=purpose]", "빈 회의실 사용")
        page.locator("#booking-form button[type=submit]").click()
        page.wait_for_url("**/book/done/**")
        taken = Reservation.objects.get(booked_by=other)
        assert (taken.room, taken.start, taken.status) == (
            room,
            start + 30 * MINUTE,
            Status.APPROVED,
        )
    finally:
        clock.stop()
