"""Printable QR door signs: the code opens the room's door page at SITE_URL; staff reach them
within the admin's scope, from the room's and the facility's admin pages."""

import io

import pytest
import resvg_py
import zxingcpp
from django.urls import reverse
from PIL import Image

from tests.factories import BoothFactory

pytestmark = pytest.mark.django_db


def decoded(svg):
    """The text of the QR code an inline SVG draws, read back as a phone's camera would."""
    standalone = svg.replace(
        "<svg ", '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" ', 1
    )
    image = Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(svg_string=standalone))))
    (code,) = zxingcpp.read_barcodes(image)
    return code.text


def signs(page):
    return [part.split("</svg>")[0] + "</svg>" for part in page.split("<svg ")[1:]]


def test_a_rooms_sign_encodes_the_door_pages_absolute_url(client, owner_manager, room_a, settings):
    settings.SITE_URL = "https://boms.mss.go.kr/"
    client.force_login(owner_manager)

    response = client.get(reverse("backoffice:room_sign", args=[room_a.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    (svg,) = signs(page)
    assert decoded("<svg " + svg) == f"https://boms.mss.go.kr/rooms/{room_a.pk}/door/"
    assert "Room Alpha" in page and "Facility Alpha" in page
    assert "<script>" not in page and "style=" not in page


def test_a_facilitys_page_has_a_sign_per_room(client, owner_manager, room_a, settings):
    settings.SITE_URL = "https://boms.example.kr"
    booth = BoothFactory(facility=room_a.facility)
    client.force_login(owner_manager)

    page = client.get(reverse("backoffice:facility_signs", args=[room_a.facility_id])).content

    texts = sorted(decoded("<svg " + svg) for svg in signs(page.decode()))
    assert texts == sorted(
        f"https://boms.example.kr/rooms/{room.pk}/door/" for room in (room_a, booth)
    )


def test_a_manager_gets_no_sign_of_another_managers_rooms(client, owner_manager, room_b):
    client.force_login(owner_manager)

    assert client.get(reverse("backoffice:room_sign", args=[room_b.pk])).status_code == 404
    facility = reverse("backoffice:facility_signs", args=[room_b.facility_id])
    assert client.get(facility).status_code == 404


@pytest.mark.parametrize("role", ["ministry_official", "superuser"])
def test_officials_and_superusers_print_any_rooms_sign(client, user_in_role, role, room_b):
    client.force_login(user_in_role(role))

    assert client.get(reverse("backoffice:room_sign", args=[room_b.pk])).status_code == 200


def test_visitors_and_sme_users_are_sent_to_the_admins_sign_in(client, sme_user, room_a):
    url = reverse("backoffice:room_sign", args=[room_a.pk])
    assert client.get(url)["Location"].startswith(reverse("admin:login"))
    client.force_login(sme_user)
    assert client.get(url)["Location"].startswith(reverse("admin:login"))


def test_staff_owing_the_second_step_are_sent_to_it(client, owner_manager, room_a):
    client.force_login(owner_manager, second_factor=False)

    response = client.get(reverse("backoffice:room_sign", args=[room_a.pk]))

    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_the_room_and_facility_admin_pages_link_their_signs(client, owner_manager, room_a):
    client.force_login(owner_manager)

    room_page = client.get(reverse("admin:rooms_room_change", args=[room_a.pk])).content.decode()
    facility_page = client.get(
        reverse("admin:rooms_facility_change", args=[room_a.facility_id])
    ).content.decode()

    assert reverse("backoffice:room_sign", args=[room_a.pk]) in room_page
    assert reverse("backoffice:facility_signs", args=[room_a.facility_id]) in facility_page
