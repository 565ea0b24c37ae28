"""The user admin for an e-mail login: creating staff, assigning roles and facilities."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from accounts.roles import FACILITY_MANAGERS, is_facility_manager

pytestmark = pytest.mark.django_db


def test_a_superuser_creates_a_user_with_an_e_mail_login(client, superuser):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Manager@Center.example",
            "name": "새 관리자",
            "usable_password": "true",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.manager@center.example")
    assert user.name == "새 관리자"
    assert user.check_password("a-long-and-unusual-passphrase")


def test_an_e_mail_already_used_in_another_case_is_refused(client, superuser, sme_user):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": sme_user.email.upper(),
            "name": "중복",
            "usable_password": "false",
        },
    )

    assert response.status_code == 400
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact=sme_user.email).count() == 1


def test_a_superuser_makes_a_facility_manager_from_the_user_page(
    client, superuser, sme_user, facility_a
):
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[sme_user.pk])
    form = client.get(url).context["adminform"].form
    through = "Facility_managers"
    data = {
        key: value
        for key, value in form.initial.items()
        if key in form.fields and value is not None and key not in ("groups", "user_permissions")
    }
    data.update(
        {
            "is_staff": "on",
            "is_active": "on",
            "groups": [Group.objects.get(name=FACILITY_MANAGERS).pk],
            f"{through}-TOTAL_FORMS": 1,
            f"{through}-INITIAL_FORMS": 0,
            f"{through}-MIN_NUM_FORMS": 0,
            f"{through}-MAX_NUM_FORMS": 1000,
            f"{through}-0-facility": facility_a.pk,
            f"{through}-0-user": sme_user.pk,
        }
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    sme_user = User.objects.get(pk=sme_user.pk)
    assert is_facility_manager(sme_user)
    assert set(sme_user.managed_facilities.all()) == {facility_a}


def test_the_user_list_shows_roles_and_finds_by_company(client, superuser, owner_manager, sme_user):
    client.force_login(superuser)

    response = client.get(reverse("admin:accounts_user_changelist"), {"q": '"주식회사 알파"'})

    assert list(response.context["cl"].result_list) == [sme_user]
    everyone = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Facility managers" in everyone


@pytest.mark.parametrize("role", ["owner_manager", "ministry_official"])
def test_managers_and_officials_do_not_see_users(client, user_in_role, role):
    client.force_login(user_in_role(role))

    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


@pytest.mark.parametrize("role", ["owner_manager", "ministry_official", "superuser"])
def test_regions_and_districts_are_readable_by_staff(client, facility_a, user_in_role, role):
    client.force_login(user_in_role(role))

    regions = client.get(reverse("admin:regions_region_changelist"))
    districts = client.get(reverse("admin:regions_district_changelist"))

    assert regions.status_code == districts.status_code == 200
    assert "서울" in regions.content.decode()


@pytest.mark.parametrize("how", ["delete_page", "bulk_action"])
def test_deleting_a_user_in_the_admin_keeps_their_bookings_without_personal_details(
    client, superuser, sme_user, how
):
    from reservations.models import Reservation
    from tests.factories import ReservationFactory

    booking = ReservationFactory(booked_by=sme_user, company_name="알파", contact_phone="010-1")
    client.force_login(superuser)

    if how == "delete_page":
        url = reverse("admin:accounts_user_delete", args=[sme_user.pk])
        response = client.post(url, {"post": "yes"})
    else:
        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "delete_selected", "_selected_action": [sme_user.pk], "post": "yes"},
        )

    assert response.status_code == 302
    assert not User.objects.filter(pk=sme_user.pk).exists()
    booking = Reservation.objects.get(pk=booking.pk)
    assert (booking.booked_by, booking.company_name, booking.contact_phone) == (None, "", "")
