"""A recurring booking in a real browser: the booker checks every date's outcome, books the
bookable ones, and later cancels one date and all after it from "my reservations"; the same
works with JavaScript off."""

import datetime
import importlib
import os
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from reservations.models import Reservation, Series, Status
from rooms.calendar import at
from tests.e2e.conftest import PHONE, serious_accessibility_violations
from tests.e2e.test_journeys import sign_in
from tests.factories import ClosureFactory, ReservationFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Wednesday 9 September 2026: Thursdays ahead are 10 and 17 September (free), the 24th (the
# day before Chuseok), 1 October (closed), 8 October (taken) and 15 October (beyond the window).
NOW = at(datetime.date(2026, 9, 9), datetime.time(9))
SHOTS = Path(os.environ.get("E2E_SHOTS", "/tmp/shots_h17s"))


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def clock():
    traveller = time_machine.travel(NOW, tick=True)
    traveller.start()
    yield
    traveller.stop()


@pytest.fixture
def room(clock):
    room = RoomFactory(name="세미나실 가", facility__name="판교 창업센터")
    ClosureFactory(
        facility=room.facility,
        start=at(datetime.date(2026, 10, 1), datetime.time(9)),
        end=at(datetime.date(2026, 10, 1), datetime.time(18)),
    )
    taken = at(datetime.date(2026, 10, 8), datetime.time(10))
    ReservationFactory(room=room, start=taken, end=taken + datetime.timedelta(hours=1))
    return room


def fill_series(page, room):
    page.goto(f"/book/{room.pk}/series/?date=2026-09-10&start=10:00&duration=60")
    page.select_option("select[name=frequency]", "weekly")
    page.fill("input[name=count]", "6")
    page.fill("input[name=attendees]", "4")
    page.fill("input[name=purpose]", "주간 화상회의")


def test_book_a_series_then_cancel_this_and_later_from_my_reservations(new_page, room):
    user = UserFactory(email="series@example.com")
    page = new_page()
    sign_in(page, user.email)
    fill_series(page, room)
    page.locator("button[name=preview]").click()

    dates = page.locator(".series-plan__date")
    expect(dates).to_have_count(6)
    expect(page.locator('[data-outcome="bookable"]')).to_have_count(2)
    expect(page.locator('[data-refusal="holiday"]')).to_contain_text("추석 전날")
    expect(page.locator('[data-refusal="closed"]')).to_contain_text("휴관")
    expect(page.locator('[data-refusal="slot_taken"]')).to_contain_text("10:00–11:00")
    expect(page.locator('[data-outcome="later"]')).to_contain_text("2026-09-15")
    assert not Series.objects.exists()
    assert serious_accessibility_violations(page) == []
    shot(page, "series-plan")

    page.locator("button[name=confirm]").click()
    page.wait_for_url("**/book/series/**")
    expect(page.locator('tr[data-status="approved"]')).to_have_count(2)
    expect(page.locator(".series-skipped")).to_have_count(3)
    assert serious_accessibility_violations(page) == []
    shot(page, "series-booked")

    series = Series.objects.get(booked_by=user)
    first, second = Reservation.objects.filter(series=series).order_by("start")
    page.goto("/my/")
    card = page.locator(f"#reservation-{second.pk}")
    expect(card).to_contain_text("반복 예약: 매주")
    card.locator("a", has_text="취소").click()  # htmx puts the choice under the card
    expect(page.locator(f"#cancel-{second.pk} button[value=later]")).to_be_visible()
    shot(page, "series-cancel-choice")
    page.locator(f"#cancel-{second.pk} button[value=later]").click()
    page.wait_for_load_state()
    expect(page.locator(".message--success")).to_contain_text("1개 날짜를 취소")
    shot(page, "series-after-cancel")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.APPROVED, Status.CANCELLED)
    # Map tiles of pages visited on the way (the sign-in lands on the search) need the network.
    assert [e for e in page.console_errors if "ERR_NAME_NOT_RESOLVED" not in e] == []


def test_a_series_is_checked_and_booked_with_javascript_off_on_a_phone(new_page, room):
    user = UserFactory(email="nojs@example.com")
    page = new_page(PHONE, java_script_enabled=False)
    sign_in(page, user.email)
    fill_series(page, room)
    page.locator("button[name=preview]").click()
    page.wait_for_load_state()
    expect(page.locator('[data-outcome="bookable"]')).to_have_count(2)
    shot(page, "series-plan-phone-nojs")
    page.locator("button[name=confirm]").click()
    page.wait_for_url("**/book/series/**")
    expect(page.locator('tr[data-status="approved"]')).to_have_count(2)
    shot(page, "series-booked-phone-nojs")


def test_a_manager_approves_a_pending_series_as_a_whole_in_the_admin(new_page, clock):
    from django.apps import apps as django_apps

    from reservations import services
    from reservations.models import Frequency
    from tests.e2e.test_journeys import staff_in
    from tests.factories import HallFactory

    manager, authenticator = staff_in("Facility managers", is_staff=True)
    # Transactional tests flush the data migrations' rows: grant the series' permissions again.
    importlib.import_module("reservations.migrations.0009_series").grant(django_apps, None)
    hall = HallFactory(name="확장형 회의실", facility__managers=[manager])
    start = at(datetime.date(2026, 9, 15), datetime.time(10))
    series = services.book_series(
        UserFactory(), hall, start, start + datetime.timedelta(hours=2),
        frequency=Frequency.FORTNIGHTLY, count=3, attendees=40, purpose="수출상담회",
    ).series  # fmt: skip

    admin = new_page()
    sign_in(admin, manager.email, authenticator=authenticator)
    admin.goto("/admin/reservations/series/")
    admin.locator("a", has_text="확장형 회의실").first.click()
    expect(admin.locator(".inline-group a[href*='/reservations/reservation/']")).to_have_count(3)
    shot(admin, "series-admin-change")
    admin.locator("button", has_text="반복 예약 전체 승인").click()
    admin.wait_for_load_state()
    expect(admin.locator(".messagelist")).to_contain_text("3개 날짜 처리")
    assert set(series.occurrences.values_list("status", flat=True)) == {Status.APPROVED}
