"""A manager adds photos of their site and rooms on the facility's page; every upload is
checked (format, bytes, pixels) and hostile files are refused with a 400, nothing stored."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from rooms.models import Photo
from tests.admin.test_registry import facility_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image_bytes(size=(640, 480), image_format="PNG", **save):
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format=image_format, **save)
    return out.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose header claims a huge image (a decompression bomb's shape)."""
    data = io.BytesIO(image_bytes((200, 200)))
    raw = bytearray(data.getvalue())
    ihdr = raw[12:29]  # b"IHDR" + 13 bytes
    ihdr[4:12] = struct.pack(">II", width, height)
    raw[12:29] = ihdr
    raw[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)) & 0xFFFFFFFF)
    return bytes(raw)


def with_photo(facility, upload, room=None, caption="건물 입구"):
    data = facility_form_data(facility)
    data.update(
        {
            "photos-TOTAL_FORMS": 1,
            "photos-0-image": upload,
            "photos-0-caption": caption,
            "photos-0-room": room.pk if room else "",
            "photos-0-position": 0,
        }
    )
    return data


def post(client, facility, data):
    return client.post(reverse("admin:rooms_facility_change", args=[facility.pk]), data)


def test_a_manager_adds_a_photo_of_a_room_stored_without_its_metadata(
    client, owner_manager, facility_a, room_a
):
    client.force_login(owner_manager)
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # any tag: it must not survive
    upload = SimpleUploadedFile(
        "입구.jpg",
        image_bytes(image_format="JPEG", exif=exif.tobytes()) + b"<script>",
        "image/jpeg",
    )

    response = post(client, facility_a, with_photo(facility_a, upload, room=room_a))

    assert response.status_code == 302, response.content.decode()[:3000]
    photo = Photo.objects.get()
    assert (photo.room, photo.image_format, photo.width, photo.height) == (room_a, "JPEG", 640, 480)
    assert photo.image.name.startswith(f"photos/{facility_a.code}/")
    assert "입구" not in photo.image.name
    with photo.image.open("rb") as file:
        stored = file.read()
    assert b"<script>" not in stored and b"Phone maker" not in stored
    served = client.get(reverse("photo", args=[photo.pk]))
    assert served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == stored
    served.close()


@pytest.mark.parametrize(
    "content",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"GIF89a" + b"\x00" * 100,
        b"%PDF-1.4 not an image",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,
        png_claiming(60_000, 60_000),
        png_claiming(7_000, 300),
    ],
    ids=["svg", "gif-header", "pdf", "truncated-png", "bomb", "too-wide"],
)
def test_hostile_files_are_refused_with_a_400_and_nothing_is_stored(
    client, owner_manager, facility_a, content, tmp_path
):
    client.force_login(owner_manager)
    upload = SimpleUploadedFile("photo.png", content, "image/png")

    response = post(client, facility_a, with_photo(facility_a, upload))

    assert response.status_code == 400
    assert not Photo.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


def test_a_gif_is_refused_for_its_format(client, owner_manager, facility_a):
    client.force_login(owner_manager)
    upload = SimpleUploadedFile("photo.gif", image_bytes(image_format="GIF"), "image/gif")

    response = post(client, facility_a, with_photo(facility_a, upload))

    assert response.status_code == 400
    assert "JPEG, PNG or WebP" in response.content.decode()


def test_a_tiny_image_is_refused(client, owner_manager, facility_a):
    client.force_login(owner_manager)
    upload = SimpleUploadedFile("photo.png", image_bytes((50, 50)), "image/png")

    response = post(client, facility_a, with_photo(facility_a, upload))

    assert response.status_code == 400
    assert not Photo.objects.exists()


def test_a_photo_larger_than_five_megabytes_is_refused(client, owner_manager, facility_a):
    client.force_login(owner_manager)
    upload = SimpleUploadedFile(
        "photo.png", image_bytes() + b"\x00" * (5 * 1024 * 1024), "image/png"
    )

    response = post(client, facility_a, with_photo(facility_a, upload))

    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()


@pytest.mark.parametrize("caption", ["", "x" * 100_000, "입구\x00"])
def test_a_photo_needs_a_plain_description(client, owner_manager, facility_a, caption):
    client.force_login(owner_manager)
    upload = SimpleUploadedFile("photo.png", image_bytes(), "image/png")

    response = post(client, facility_a, with_photo(facility_a, upload, caption=caption))

    assert response.status_code == 400
    assert not Photo.objects.exists()


def test_a_room_of_another_facility_cannot_be_chosen(client, owner_manager, facility_a, room_b):
    client.force_login(owner_manager)
    upload = SimpleUploadedFile("photo.png", image_bytes(), "image/png")

    response = post(client, facility_a, with_photo(facility_a, upload, room=room_b))

    assert response.status_code == 400
    assert not Photo.objects.exists()


def test_an_official_sees_photos_but_cannot_add_them(client, ministry_official, facility_a):
    client.force_login(ministry_official)
    upload = SimpleUploadedFile("photo.png", image_bytes(), "image/png")

    response = post(client, facility_a, with_photo(facility_a, upload))

    assert response.status_code == 403
    assert not Photo.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [("directions", "x" * 100_000), ("reception", "1층\x07"), ("door_policy", "open-sesame")],
)
def test_hostile_visitor_information_is_refused(client, owner_manager, facility_a, field, value):
    client.force_login(owner_manager)

    response = post(client, facility_a, {**facility_form_data(facility_a), field: value})

    assert response.status_code == 400
    facility_a.refresh_from_db()
    assert getattr(facility_a, field) == ""


def test_a_manager_writes_where_the_room_is_and_how_to_start_the_call(
    client, owner_manager, room_a
):
    client.force_login(owner_manager)

    response = client.post(
        reverse("admin:rooms_room_change", args=[room_a.pk]),
        {"is_active": "on", "location": "3층 302호", "equipment_guide": "리모컨 전원을 누르세요."},
    )

    assert response.status_code == 302
    room_a.refresh_from_db()
    assert (room_a.location, room_a.equipment_guide) == ("3층 302호", "리모컨 전원을 누르세요.")


@pytest.mark.parametrize(
    "field, value",
    [("location", "x" * 100_000), ("equipment_guide", "x" * 100_000), ("location", "3층\x1b")],
)
def test_hostile_room_information_is_refused(client, owner_manager, room_a, field, value):
    client.force_login(owner_manager)

    response = client.post(
        reverse("admin:rooms_room_change", args=[room_a.pk]), {"is_active": "on", field: value}
    )

    assert response.status_code == 400
    room_a.refresh_from_db()
    assert getattr(room_a, field) == ""


def test_another_managers_facility_page_takes_no_photo(client, owner_manager, facility_b):
    client.force_login(owner_manager)
    upload = SimpleUploadedFile("photo.png", image_bytes(), "image/png")

    response = post(client, facility_b, with_photo(facility_b, upload))

    assert response.status_code == 404
    assert not Photo.objects.exists()
