"""The main journeys in a real browser against a live server on PostgreSQL."""

import importlib
import re
import time
from base64 import b32decode

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from reservations.models import Reservation, Status
from reservations.services import book
from tests.e2e.conftest import PHONE, serious_accessibility_violations
from tests.factories import (
    DistrictFactory,
    HallFactory,
    RegionFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def busan_room():
    region = RegionFactory(code="26", slug="busan", name_ko="부산", name_en="Busan", order=2)
    district = DistrictFactory(region=region, code="26350", name_ko="해운대구")
    RoomFactory(name="서울 회의실")
    return RoomFactory(facility__district=district, facility__name="해운대 창업센터")


def sign_in(page, email, password="correct-horse-battery", authenticator=None):
    """Sign in; with an authenticator (a TOTP device), give its current code as the second step."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    if authenticator is not None:
        assert "/accounts/two-factor/" in page.url
        page.fill("input[name=code]", totp_code(authenticator.bin_key))
        page.locator("form.form button[type=submit]").click()
        page.wait_for_load_state()


def totp_code(key):
    """What an authenticator app holding `key` shows now (django-otp's own TOTP)."""
    totp = TOTP(key)
    totp.time = time.time()
    return f"{totp.token():06d}"


def staff_in(group, **fields):
    # Transactional tests flush the database, data migrations included: recreate the roles.
    importlib.import_module("accounts.migrations.0002_roles").create_roles(django_apps, None)
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=group))
    return user, TOTPDevice.objects.create(user=user, name="authenticator")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_an_sme_user_signs_up_searches_books_and_downloads_the_ics(new_page, busan_room, viewport):
    page = new_page(viewport) if viewport else new_page()
    page.goto("/accounts/signup/")
    assert serious_accessibility_violations(page) == []
    page.fill("input[name=email]", "new.user@example.com")
    page.fill("input[name=name]", "신규 사용자")
    page.fill("input[name=company]", "주식회사 새싹")
    page.fill("input[name=business_number]", "120-81-47521")
    page.fill("input[name=phone]", "010-2345-6789")
    page.fill("input[name=password1]", "Saessak-2026-pass!")
    page.fill("input[name=password2]", "Saessak-2026-pass!")
    for item in ("terms", "privacy", "age_14"):
        page.check(f"input[name=consent_{item}]")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/signup/sent/" in page.url, page.locator(".errorlist").all_inner_texts()
    expect(page.locator("h1")).to_contain_text("메일")

    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/verify/\S+)", message.body).group(1)
    page.goto(link)
    sign_in(page, "new.user@example.com", "Saessak-2026-pass!")

    day = next_weekday_at(10).date()
    page.goto("/")
    assert page.locator(".result").count() == 2
    page.select_option("select[name=region]", "busan")
    expect(page.locator(".result")).to_have_count(1)
    page.fill("input[name=date]", day.isoformat())
    page.locator("input[name=date]").dispatch_event("change")
    page.wait_for_url(f"**date={day.isoformat()}**")
    page.locator(".result__title a").first.click()
    page.wait_for_load_state()
    assert "해운대 창업센터" in page.content()

    page.locator(".slot--free a.slot__link").first.click()
    page.wait_for_load_state()
    page.fill("input[name=attendees]", "4")
    page.fill("input[name=purpose]", "부산 거래처 화상회의")
    page.locator("#booking-form button[type=submit]").click()
    page.wait_for_url("**/book/done/**")
    reservation = Reservation.objects.get(booked_by__email="new.user@example.com")
    assert reservation.status == Status.APPROVED

    page.goto("/my/")
    assert "해운대 창업센터" in page.content()
    with page.expect_download() as download:
        page.locator(
            f"a[href='/my/{reservation.pk}/ics/'], a[href*='{reservation.pk}'][href$='.ics'], a[download]"
        ).first.click()
    with open(download.value.path(), encoding="utf-8") as ics:
        content = ics.read()
    assert "BEGIN:VEVENT" in content and "TZID=Asia/Seoul" in content


def test_two_browsers_booking_the_same_slot_at_once_exactly_one_wins(new_page):
    room = RoomFactory()
    RoomFactory(facility__district=room.facility.district)
    start = next_weekday_at(10)
    users = [UserFactory(), UserFactory()]
    pages = []
    for user in users:
        page = new_page()
        sign_in(page, user.email)
        page.goto(f"/book/{room.pk}/?date={start:%Y-%m-%d}&start=10:00&duration=60")
        page.fill("input[name=attendees]", "2")
        page.fill("input[name=purpose]", "동시 예약")
        pages.append(page)
    # Playwright's sync API is bound to this thread: send both, then let both settle.
    for page in pages:
        page.locator("#booking-form button[type=submit]").click(no_wait_after=True)
    pages[0].wait_for_timeout(2000)
    assert Reservation.objects.filter(room=room).count() == 1
    outcomes = sorted("/book/done/" in page.url for page in pages)
    assert outcomes == [False, True]
    loser = next(page for page in pages if "/book/done/" not in page.url)
    expect(loser.locator("[data-refusal=slot_taken]")).to_have_count(1)


def test_a_manager_approves_a_pending_hall_booking_and_the_user_sees_it(new_page):
    manager, authenticator = staff_in("Facility managers", is_staff=True)
    hall = HallFactory(facility__managers=[manager])
    booker = UserFactory()
    start = next_weekday_at(10)
    reservation = book(
        booker, hall, start, start.replace(hour=12), attendees=40, purpose="수출상담회"
    )
    assert reservation.status == Status.PENDING

    admin = new_page()
    sign_in(admin, manager.email, authenticator=authenticator)
    admin.goto("/admin/reservations/reservation/?status__exact=pending")
    admin.locator(f"input[name=_selected_action][value='{reservation.pk}']").check()
    admin.select_option("select[name=action]", "approve_selected")
    admin.locator("button[name=index]").click()
    admin.wait_for_load_state()
    reservation.refresh_from_db()
    assert reservation.status == Status.APPROVED

    user = new_page()
    sign_in(user, booker.email)
    user.goto("/my/")
    assert "승인" in user.content()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_ministry_official_opens_the_dashboard_and_drills_down_to_a_site(
    new_page, busan_room, viewport
):
    official, authenticator = staff_in("Ministry officials")
    start = next_weekday_at(10)
    ReservationFactory(room=busan_room, start=start, end=start.replace(hour=12))
    site = busan_room.facility

    page = new_page(viewport) if viewport else new_page()
    sign_in(page, official.email, authenticator=authenticator)
    page.get_by_role("link", name="대시보드").click()
    expect(page.locator("h1")).to_contain_text("전국")
    assert serious_accessibility_violations(page) == []

    page.select_option("#id_period", "last_12_months")
    expect(page).to_have_url(re.compile(r"period=last_12_months"))
    expect(page.locator("#dashboard-body .lead")).to_contain_text("365")

    page.locator("#dashboard-body table.table--figures").get_by_role("link", name="부산").click()
    expect(page.locator("h1")).to_contain_text("부산")
    assert "period=last_12_months" in page.url
    page.get_by_role("link", name="해운대구").click()
    expect(page.locator("h1")).to_contain_text("해운대구")
    page.get_by_role("link", name=site.name).click()
    expect(page.locator("h1")).to_contain_text(site.name)
    row = page.locator("table.table--figures tbody tr").first
    expect(row).to_contain_text(busan_room.name)
    assert serious_accessibility_violations(page) == []
    assert [e for e in page.console_errors if "ERR_NAME_NOT_RESOLVED" not in e] == []


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_new_facility_manager_sets_up_the_authenticator_at_first_sign_in(new_page, viewport):
    manager, device = staff_in("Facility managers", is_staff=True)
    device.delete()

    page = new_page(viewport) if viewport else new_page()
    sign_in(page, manager.email)
    page.goto("/admin/")
    assert "/accounts/two-factor/setup/" in page.url
    expect(page.locator("svg.qr-code")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    key = b32decode(page.locator(".secret").inner_text().replace(" ", ""))
    page.fill("input[name=code]", totp_code(key))
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()

    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="보관했습니다").click()
    page.wait_for_load_state()
    assert page.url.endswith("/admin/")
    expect(page.locator("#site-name")).to_be_visible()
