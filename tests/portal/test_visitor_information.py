"""How to get there, get in and start the call: kept by managers per site and room, shown on
the room page (with photos), on the door page and in the reminder e-mail."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from reservations import reminders
from rooms.models import DoorPolicy, Photo
from tests.factories import FacilityFactory, ReservationFactory, RoomFactory, next_weekday_at

pytestmark = pytest.mark.django_db

DIRECTIONS = "지하철 2호선 강남역 3번 출구에서 200m"
GUIDE = "TV 리모컨의 전원을 누르고 PC에서 화상회의 앱을 여세요."


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def room():
    facility = FacilityFactory(
        directions=DIRECTIONS,
        floor="3층",
        door_policy=DoorPolicy.RECEPTION,
        reception="1층 안내데스크 (평일 09–18시)",
    )
    return RoomFactory(
        facility=facility, location="302호, 엘리베이터 오른쪽", equipment_guide=GUIDE
    )


def photo_of(room, caption, for_room=True):
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 20, 30)).save(out, format="PNG")
    photo = Photo(facility=room.facility, room=room if for_room else None, caption=caption,
                  image_format="PNG", width=400, height=300)  # fmt: skip
    photo.image.save("p.png", ContentFile(out.getvalue()), save=True)
    return photo


def test_the_room_page_shows_the_way_in_the_guide_and_the_photos(client, room):
    site = photo_of(room, "건물 입구", for_room=False)
    inside = photo_of(room, "회의실 내부")
    other_room = RoomFactory(facility=room.facility, name="부스", kind="booth", capacity=2)
    photo_of(other_room, "부스 내부")

    page = client.get(reverse("room", args=[room.pk])).content.decode()

    for text in (DIRECTIONS, "3층", "302호, 엘리베이터 오른쪽", "1층 안내데스크", GUIDE):
        assert text in page
    assert str(DoorPolicy.RECEPTION.label) in page or "안내데스크" in page
    assert f'src="{reverse("photo", args=[site.pk])}" alt="건물 입구"' in page
    assert f'src="{reverse("photo", args=[inside.pk])}" alt="회의실 내부"' in page
    assert "부스 내부" not in page


def test_a_room_without_information_shows_no_empty_section(client):
    plain = RoomFactory()

    page = client.get(reverse("room", args=[plain.pk])).content.decode()

    assert "visitor-info" not in page


def test_the_door_page_shows_the_way_in_and_the_guide(client, room):
    page = client.get(reverse("door", args=[room.pk])).content.decode()

    assert "302호, 엘리베이터 오른쪽" in page
    assert GUIDE in page


def test_the_reminder_tells_the_way_in_and_how_to_start_the_call(
    room, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://boms.example.kr"
    start = next_weekday_at(10, days_ahead=3)
    with time_machine.travel(start - datetime.timedelta(days=3), tick=False):
        meeting = ReservationFactory(
            room=room, start=start, end=start + datetime.timedelta(hours=1)
        )
    moment = start - datetime.timedelta(days=1)

    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        reminders.send_due(moment)

    (reminder,) = mail.outbox
    assert reminder.to == [meeting.booked_by.email]
    for text in (DIRECTIONS, "3층 · 302호", "1층 안내데스크", GUIDE):
        assert text in reminder.body
    assert f"https://boms.example.kr/rooms/{room.pk}/" in reminder.body


@pytest.mark.parametrize("pk", ["999999", str(10**30)])
def test_an_unknown_photo_is_a_404(client, pk):
    assert client.get(f"/rooms/photos/{pk}/").status_code == 404
