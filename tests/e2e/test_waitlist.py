"""The waitlist in a real browser: user A's slot is taken by B; A joins the waitlist; B cancels;
A receives the offer and confirms; A's booking shows in My reservations."""

import os
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from reservations.models import Reservation, Status
from reservations.services import book, cancel
from tests.e2e.conftest import PHONE, serious_accessibility_violations
from tests.e2e.test_journeys import sign_in
from tests.factories import RoomFactory, UserFactory, next_weekday_at
from waitlist.models import Entry, EntryStatus

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("E2E_SHOTS", "")) if os.environ.get("E2E_SHOTS") else None


def shot(page, name):
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def test_a_taken_slot_is_waited_for_offered_when_freed_and_confirmed(new_page):
    room = RoomFactory(name="세미나실 다", facility__name="성수 창업센터")
    a = UserFactory(email="a.waiting@example.com")
    b = UserFactory(email="b.first@example.com")
    start = next_weekday_at(10, days_ahead=2)

    page = new_page(PHONE)
    sign_in(page, a.email)
    page.goto(f"/book/{room.pk}/?date={start:%Y-%m-%d}&start=10:00&duration=60")
    page.fill("input[name=attendees]", "3")
    page.fill("input[name=purpose]", "투자 상담")
    # B takes the slot while A is still filling in the form.
    taken = book(b, room, start, start + (next_weekday_at(11, days_ahead=2) - start),
                 attendees=2, purpose="먼저 온 회의")  # fmt: skip
    page.locator("#booking-form button[type=submit]").click()
    expect(page.locator("[data-refusal=slot_taken]")).to_be_visible()
    shot(page, "1-just-taken")
    page.get_by_role("link", name="이 시간 대기 명단에 등록").click()
    expect(page.locator("input[name=purpose]")).to_have_value("투자 상담")
    assert serious_accessibility_violations(page) == []
    shot(page, "2-join")
    page.locator("form.booking-form button[type=submit]").click()
    page.wait_for_url("**/my/")
    expect(page.locator("#waitlist")).to_contain_text("세미나실 다")
    expect(page.get_by_role("button", name="대기 취소")).to_be_visible()
    shot(page, "3-waiting")
    assert Entry.objects.get(user=a).status == EntryStatus.WAITING
    # The room page shows the taken slot's way in to the line, and how many wait: a count only.
    page.goto(f"/rooms/{room.pk}/?date={start:%Y-%m-%d}")
    expect(page.locator("#waiting-count")).to_contain_text("1명")
    expect(page.locator(".slot--busy .slot__wait").first).to_be_visible()
    assert serious_accessibility_violations(page) == []
    shot(page, "3b-room")
    page.goto("/my/")

    mail.outbox.clear()
    cancel(b, taken)  # commits: the worker's offer runs, and its e-mail goes out

    offer = next(m for m in mail.outbox if m.to == [a.email])
    assert "기다리시던 시간을 잡아 두었습니다" in offer.subject
    page.reload()
    expect(page.locator("#waitlist")).to_contain_text("잡아 두었습니다")
    assert serious_accessibility_violations(page) == []
    shot(page, "4-offer")
    page.get_by_role("button", name="예약 확정").click()
    page.wait_for_url("**/my/")
    booking = Reservation.objects.get(booked_by=a)
    assert booking.status == Status.APPROVED and booking.start == start
    expect(page.locator(f"#reservation-{booking.pk}")).to_contain_text(booking.code)
    expect(page.locator("#waitlist")).to_have_count(0)
    shot(page, "5-booked")
