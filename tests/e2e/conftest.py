"""Real-browser journeys: Playwright driving Debian's Chromium against a live server.

They run where Chromium and axe-core are installed (`make e2e-deps`) and the database is
PostgreSQL, as in CI; elsewhere they are skipped with the reason.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connection

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parents[2] / ".cache/e2e/node_modules/axe-core/axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# to set up data are ordinary blocking calls, which Django otherwise refuses there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    reason = None
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM} (make e2e-deps)"
    elif not AXE_JS.exists():
        reason = "axe-core not installed (make e2e-deps)"
    elif connection.vendor != "postgresql":
        reason = "end-to-end journeys run against PostgreSQL"
    if reason and os.environ.get("REQUIRE_E2E"):
        raise pytest.UsageError(f"REQUIRE_E2E is set but the journeys cannot run: {reason}")
    if reason:
        for item in items:
            if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _plain_http_cookies(settings):
    """The live server speaks plain HTTP: secure-only cookies would never be sent back."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def new_page(browser, request, live_server):
    """Open pages in fresh browser contexts; screenshot every page of a failed test."""
    pages = []

    def open_page(viewport=DESKTOP, locale="ko-KR", **options):
        context = browser.new_context(
            viewport=viewport,
            locale=locale,
            base_url=live_server.url,
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(10_000)
        # Injected by the browser itself, so the page's CSP (no inline script) still holds.
        context.add_init_script(path=str(AXE_JS))
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
        pages.append(page)
        return page

    yield open_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        for index, page in enumerate(pages):
            page.screenshot(path=SCREENSHOTS / f"{request.node.name}-{index}.png", full_page=True)
    for page in pages:
        page.context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def serious_accessibility_violations(page):
    """Run axe-core in the page; return the serious and critical violations."""
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
