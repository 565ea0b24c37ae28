"""Every public page reads cleanly for assistive technology on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, serious_accessibility_violations
from tests.factories import HallFactory, RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/",
    "/accessibility/",
    "/accounts/terms/",
    "/accounts/privacy/",
    "/accounts/signup/",
    "/accounts/login/",
    "/api/v1/docs",
]


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("locale", ["ko-KR", "en-US"])
def test_the_public_pages_have_no_serious_accessibility_violations(new_page, viewport, locale):
    rooms = [RoomFactory(), HallFactory()]
    page = new_page(viewport, locale=locale) if viewport else new_page(locale=locale)

    for url in [*PAGES, *(f"/rooms/{room.pk}/" for room in rooms)]:
        response = page.goto(url)
        assert response.status == 200, url
        expect(page.locator("h1").first).to_be_visible()
        expect(page.locator("footer")).to_contain_text(
            "중소벤처기업부" if locale == "ko-KR" else "Ministry"
        )
        assert serious_accessibility_violations(page) == [], url
