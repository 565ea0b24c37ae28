"""The facility manager's day in a real browser: they land on the board, approve one pending
hall booking and reject another in place, and the bookers see the outcome."""

import pytest
from playwright.sync_api import expect

from reservations.models import Reservation, Status
from reservations.services import book
from tests.e2e.conftest import serious_accessibility_violations
from tests.e2e.test_journeys import sign_in, staff_in
from tests.factories import ClosureFactory, HallFactory, UserFactory, next_weekday_at

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_decides_two_hall_bookings_on_the_board(new_page):
    manager, authenticator = staff_in("Facility managers", is_staff=True)
    hall = HallFactory(
        facility__managers=[manager], facility__name="강남 확장형 센터", name="대강당"
    )
    ClosureFactory(
        facility=hall.facility, reason="정기 점검", start=next_weekday_at(9, days_ahead=20)
    )
    start = next_weekday_at(10, days_ahead=2)
    first_booker, second_booker = UserFactory(name="김수출"), UserFactory(name="박설명")
    approved = book(
        first_booker, hall, start, start.replace(hour=12), attendees=40, purpose="수출상담회"
    )
    rejected = book(second_booker, hall, start.replace(hour=14), start.replace(hour=16), attendees=60, purpose="제품 설명회")  # fmt: skip
    assert approved.status == rejected.status == Status.PENDING

    admin = new_page()
    sign_in(admin, manager.email, authenticator=authenticator)
    admin.goto("/admin/")
    expect(admin.locator("#board")).to_be_visible()
    assert serious_accessibility_violations(admin) == []
    admin.fill("#board-date", start.date().isoformat())
    admin.locator(".board__pick button[type=submit]").click()
    expect(admin.locator("td.board__cell--pending")).to_have_count(2)
    assert serious_accessibility_violations(admin) == []
    # A mark in the page: were it reloaded, the mark would be gone.
    admin.evaluate("document.body.dataset.stillHere = 'yes'")

    admin.locator("td.board__cell--pending summary", has_text="김수출").click()
    admin.locator("td.board__cell--pending", has_text="김수출").get_by_role(
        "button", name="승인"
    ).click()
    expect(admin.locator("td.board__cell--approved", has_text="김수출")).to_have_count(1)
    expect(admin.locator("#board .messagelist")).to_contain_text("승인했습니다")

    pending = admin.locator("td.board__cell--pending", has_text="박설명")
    pending.locator("summary").click()
    pending.get_by_role("button", name="거절").click()
    expect(pending.locator(".errorlist")).to_contain_text("거절 사유를 입력해 주세요")
    pending.get_by_label("거절 사유").fill("행사 준비로 대강당을 쓸 수 없습니다")
    pending.get_by_role("button", name="거절").click()
    expect(admin.locator("td.board__cell--pending")).to_have_count(0)
    expect(admin.locator("#board .messagelist")).to_contain_text("거절했습니다")
    assert admin.evaluate("document.body.dataset.stillHere") == "yes"

    approved.refresh_from_db()
    rejected.refresh_from_db()
    assert (approved.status, approved.decided_by) == (Status.APPROVED, manager)
    assert (rejected.status, rejected.decision_note) == (
        Status.REJECTED,
        "행사 준비로 대강당을 쓸 수 없습니다",
    )
    # htmx ran under the strict CSP: nothing refused, no script error (the 400 of the
    # reasonless rejection is logged as a failed load, as any 4xx is).
    assert [e for e in admin.console_errors if "Failed to load resource" not in e] == []

    # The other pages a manager works on.
    booking = Reservation.objects.get(pk=approved.pk)
    for url in (
        f"/admin/board/rooms/{hall.pk}/?date={start.date().isoformat()}",
        "/admin/reservations/reservation/?status__exact=pending",
        f"/admin/reservations/reservation/{booking.pk}/change/",
        "/admin/rooms/closure/",
        "/admin/rooms/closure/add/",
    ):
        admin.goto(url)
        assert serious_accessibility_violations(admin) == [], url

    for booker, outcome in ((first_booker, "승인"), (second_booker, "거절")):
        page = new_page()
        sign_in(page, booker.email)
        page.goto("/my/")
        expect(page.locator("main")).to_contain_text(outcome)
