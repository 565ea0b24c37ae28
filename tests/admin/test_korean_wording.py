"""The admin a facility manager or an official uses reads as natural Korean: Django's awkward
stock texts are worded anew in the project's catalogue, and no English is left on the screens."""

import ast
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.test import Client
from django.urls import reverse

from boms import admin_wording
from reservations.models import Status
from tests.factories import (  # fmt: skip
    ClosureFactory,
    FacilityFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = pytest.mark.django_db

DJANGO_ADMIN_CATALOGUE = (
    Path(django.__file__).parent / "contrib/admin/locale/ko/LC_MESSAGES/django.mo"
)
# Words that are Korean screens' own: the portal's name, a file format, and the language
# switch's way to English, which names the language in itself (lang="en"), and PC, which
# Korean writes in Latin letters.
ALLOWED = {"BOMS", "CSV", "English", "PC"}


def reworded_messages():
    """The messages boms/admin_wording.py lists, as makemessages reads them: the literals."""
    tree = ast.parse(Path(admin_wording.__file__).read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") in ("gettext_noop", "ngettext_lazy")
    ]


def test_every_reworded_message_is_one_of_djangos_admin():
    with DJANGO_ADMIN_CATALOGUE.open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)._catalog
    msgids = {key[0] if isinstance(key, tuple) else key for key in catalogue}
    messages = reworded_messages()
    assert len(messages) == len(admin_wording.DJANGO_ADMIN_MESSAGES)
    for message in messages:
        assert message in msgids, message


class VisibleText(HTMLParser):
    """The text a person reads or hears: text nodes, and the labels in attributes."""

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.skipping += 1
        attrs = dict(attrs)
        for name in ("alt", "title", "aria-label", "placeholder"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def english_on(page):
    reader = VisibleText()
    reader.feed(page)
    # E-mail addresses are the people's own, Latin by nature.
    text = re.sub(r"\S+@\S+", "", " ".join(reader.parts))
    words = re.findall(r"[A-Za-z]{2,}", text)
    return sorted({word for word in words if word not in ALLOWED})


@pytest.fixture
def korean_scene(owner_manager):
    facility = FacilityFactory(
        code="11-0001", name="강남 창업허브", managers=[owner_manager], requires_approval=True
    )
    room = RoomFactory(facility=facility, name="대회의실")
    booker = UserFactory(name="김예약", company="주식회사 알파", email="kim@example.com")
    start = next_weekday_at(10, days_ahead=2)
    pending = ReservationFactory(room=room, booked_by=booker, status=Status.PENDING, purpose="수출 상담", company_name="주식회사 알파", start=start, end=start.replace(hour=12))  # fmt: skip
    ClosureFactory(facility=facility, reason="정기 점검", start=next_weekday_at(9, days_ahead=20))
    return {"facility": facility, "room": room, "pending": pending}


@pytest.fixture
def korean_client():
    return Client()  # no Accept-Language: the portal's default, Korean


def manager_pages(scene):
    pending = scene["pending"]
    return [
        reverse("admin:index"),
        f"/admin/board/?date={pending.start.date().isoformat()}",
        f"/admin/board/rooms/{scene['room'].pk}/?date={pending.start.date().isoformat()}",
        "/admin/reservations/reservation/?status__exact=pending",
        reverse("admin:reservations_reservation_change", args=[pending.pk]),
        "/admin/rooms/closure/",
        "/admin/rooms/facility/",
        "/admin/rooms/room/",
    ]


def test_the_managers_screens_have_no_english_left(korean_client, owner_manager, korean_scene):
    korean_client.force_login(owner_manager)

    for url in manager_pages(korean_scene):
        response = korean_client.get(url)
        assert response.status_code == 200, url
        # The booking's code is Latin letters by design (typed at the door).
        page = response.content.decode().replace(korean_scene["pending"].code, "")
        assert english_on(page) == [], url


def test_the_officials_screens_have_no_english_left(korean_client, ministry_official, korean_scene):
    korean_client.force_login(ministry_official)
    urls = [
        reverse("admin:index"),
        f"/admin/board/?facility={korean_scene['facility'].pk}",
        "/admin/reservations/reservation/",
        "/admin/rooms/facility/",
    ]

    for url in urls:
        response = korean_client.get(url)
        assert response.status_code == 200, url
        assert english_on(response.content.decode()) == [], url


def test_list_and_booking_titles_read_naturally(korean_client, owner_manager, korean_scene):
    korean_client.force_login(owner_manager)

    listing = korean_client.get("/admin/reservations/reservation/").content.decode()
    booking = korean_client.get(
        reverse("admin:reservations_reservation_change", args=[korean_scene["pending"].pk])
    ).content.decode()

    assert "<h1>예약 목록</h1>" in listing
    assert "보기위한" not in listing and "를(을)" not in listing
    assert "예약 1건" in listing
    assert "<h1>예약 보기</h1>" in booking
    assert "뷰 예약" not in booking
    assert "변경 기록" in booking


def test_the_reworded_javascript_texts_are_djangos_and_served_in_korean(
    korean_client, owner_manager
):
    catalogue_dir = Path(django.__file__).parent / "contrib/admin/locale/ko/LC_MESSAGES"
    with (catalogue_dir / "djangojs.mo").open("rb") as mo:
        django_msgids = {
            k[0] if isinstance(k, tuple) else k for k in gettext.GNUTranslations(mo)._catalog
        }
    ours = Path(admin_wording.__file__).parent.parent / "locale/ko/LC_MESSAGES/djangojs.mo"
    with ours.open("rb") as mo:
        reworded = {
            k[0] if isinstance(k, tuple) else k for k in gettext.GNUTranslations(mo)._catalog
        }
    assert reworded - {""} <= django_msgids
    korean_client.force_login(owner_manager)

    script = korean_client.get(reverse("admin:jsi18n")).content.decode()

    assert '"Choose a Date": "\\ub0a0\\uc9dc \\uc120\\ud0dd"' in script  # 날짜 선택
