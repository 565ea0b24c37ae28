import pytest

from tests.e2e.conftest import serious_accessibility_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_loads_without_console_errors_or_serious_accessibility_violations(page):
    page.goto("/")
    assert page.locator("h1").is_visible()
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []
