"""The site level shows the site's own facts, and a link to its bookings for those allowed."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.roles import MINISTRY_OFFICIALS
from tests.dashboard.conftest import MAY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_site_page_shows_address_host_managers_and_opening_hours(scene, official_client):
    site = scene["sites"][1]
    manager = UserFactory(name="김관리", email="kim@example.kr")
    site.managers.add(manager)
    page = official_client.get(reverse("dashboard:site", args=[site.code]), MAY).content.decode()
    assert site.address in page and site.host_organization in page
    assert site.get_host_type_display() in page
    assert "김관리" in page and "kim@example.kr" in page
    assert "10:00–14:00" in page and "10:00–12:00" in page
    assert "bookings in the admin" not in page  # an official without the admin


@pytest.mark.parametrize("who", ["superuser", "staff official"])
def test_users_allowed_in_the_bookings_admin_get_a_link_to_the_sites_bookings(scene, who):
    site = scene["sites"][0]
    if who == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    else:
        user = UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name=MINISTRY_OFFICIALS))
        if not user.has_perm("reservations.view_reservation"):
            pytest.skip("ministry officials do not read bookings in the admin")
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    page = client.get(reverse("dashboard:site", args=[site.code]), MAY).content.decode()
    url = reverse("admin:reservations_reservation_changelist") + f"?facility={site.pk}"
    assert f'href="{url}"' in page


def test_other_levels_do_not_show_site_facts(scene, official_client):
    page = official_client.get(
        reverse("dashboard:district", args=[scene["districts"][0].code]), MAY
    ).content.decode()
    assert "About this site" not in page
    assert datetime.date(2026, 5, 1).isoformat() in page
