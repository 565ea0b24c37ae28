import pytest

from tests.e2e.conftest import PHONE, serious_accessibility_violations
from tests.factories import RoomFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_search_room_and_booking_pages_have_no_serious_accessibility_violations(new_page, viewport):
    room = RoomFactory()
    user = UserFactory(email="a11y@example.com")
    page = new_page(viewport) if viewport else new_page()
    for url in ("/", f"/rooms/{room.pk}/", "/accounts/login/"):
        page.goto(url)
        assert page.locator("h1").is_visible(), url
        assert serious_accessibility_violations(page) == [], url
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    for url in (f"/book/{room.pk}/", "/my/"):
        page.goto(url)
        assert serious_accessibility_violations(page) == [], url
    assert [e for e in page.console_errors if "ERR_NAME_NOT_RESOLVED" not in e] == []
