"""Navigation around the admin: language, links between a facility and its bookings."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_admin_switches_between_korean_and_english(owner_manager, facility_a):
    client = Client()
    client.force_login(owner_manager)
    korean = client.get(reverse("admin:index")).content.decode()
    assert '<html lang="ko"' in korean
    assert 'value="en"' in korean and "English" in korean

    client.post(reverse("set_language"), {"language": "en", "next": reverse("admin:index")})
    english = client.get(reverse("admin:index")).content.decode()

    assert '<html lang="en"' in english
    assert 'value="ko"' in english and "한국어" in english


def test_the_facility_page_links_to_its_bookings_and_closures(client, owner_manager, facility_a):
    client.force_login(owner_manager)

    page = client.get(reverse("admin:rooms_facility_change", args=[facility_a.pk])).content.decode()

    assert f'href="/admin/reservations/reservation/?facility={facility_a.pk}"' in page
    assert f'href="/admin/rooms/closure/add/?facility={facility_a.pk}"' in page


def test_the_bookings_link_of_a_facility_filters_to_it(client, scene, superuser):
    client.force_login(superuser)

    response = client.get(
        reverse("admin:reservations_reservation_changelist"),
        {"facility": scene["facility_a"].pk},
    )

    assert [r.purpose for r in response.context["cl"].result_list] == ["Alpha meeting"]


def test_a_ministry_official_is_not_offered_to_close_a_facility(
    client, ministry_official, facility_a
):
    client.force_login(ministry_official)

    page = client.get(reverse("admin:rooms_facility_change", args=[facility_a.pk])).content.decode()

    assert "/admin/rooms/closure/add/" not in page
