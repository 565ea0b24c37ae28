"""The dashboard in a real browser: a filter error never leaves figures of another period."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serious_accessibility_violations
from tests.e2e.test_journeys import busan_room, sign_in, staff_in  # noqa: F401 - fixture
from tests.factories import ReservationFactory, next_weekday_at

pytestmark = pytest.mark.django_db(transaction=True)
REVERSED = "종료일은 시작일과 같거나 그 뒤여야 합니다."


@pytest.fixture
def official_page(new_page, busan_room):  # noqa: F811 - the fixture imported above
    def open_dashboard(**options):
        official, authenticator = staff_in("Ministry officials")
        start = next_weekday_at(10)
        ReservationFactory(room=busan_room, start=start, end=start.replace(hour=12))
        page = new_page(**options)
        sign_in(page, official.email, authenticator=authenticator)
        page.goto("/dashboard/")
        expect(page.locator("#figure-companies")).to_be_visible()
        return page

    return open_dashboard


def test_an_invalid_period_with_htmx_shows_the_error_and_no_stale_figures(official_page):
    page = official_page()
    body = page.locator("#dashboard-body")
    page.select_option("#id_period", "custom")
    # Both dates missing: the server's 400 replaces the figures.
    expect(body.get_by_role("alert")).to_be_visible()
    expect(page.locator("#figure-companies")).to_have_count(0)
    page.fill("#id_start", "2026-06-10")
    page.fill("#id_end", "2026-06-01")
    page.locator(".filters button[type=submit]").click()
    expect(body.get_by_role("alert")).to_contain_text(REVERSED)
    expect(page.locator("#figure-companies")).to_have_count(0)
    expect(page.locator(".map__region")).to_have_count(0)
    assert serious_accessibility_violations(page) == []
    # A valid range brings the figures back, for that range.
    page.fill("#id_end", "2026-06-30")
    page.locator(".filters button[type=submit]").click()
    expect(page.locator("#dashboard-period")).to_contain_text("2026-06-10")
    expect(page.locator("#figure-companies")).to_be_visible()
    expect(body.get_by_role("alert")).to_have_count(0)


def test_an_invalid_period_without_javascript_is_explained_by_the_server(official_page):
    page = official_page(java_script_enabled=False)
    page.select_option("#id_period", "custom")
    page.fill("#id_start", "2026-06-10")
    page.fill("#id_end", "2026-06-01")
    page.locator(".filters button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#dashboard-body").get_by_role("alert")).to_contain_text(REVERSED)
    expect(page.locator("#figure-companies")).to_have_count(0)
    assert "start=2026-06-10" in page.url
