"""Reading bookers' personal details is logged (who, when, which bookings), kept for a set period,
and readable by superusers alone; officials do not see how to reach a booker at all."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reservations.models import PersonalDataAccess, Status
from reservations.tasks import forget_old_personal_data_accesses
from tests.factories import ReservationFactory, next_weekday_at

pytestmark = pytest.mark.django_db

LOG = "admin:reservations_personaldataaccess_changelist"


def open_booking(client, user, booking):
    client.force_login(user)
    return client.get(reverse("admin:reservations_reservation_change", args=[booking.pk]))


@pytest.mark.parametrize("role", ["owner_manager", "ministry_official", "superuser"])
def test_opening_a_bookings_page_is_logged_with_who_and_which(
    client, user_in_role, booking_a, role
):
    user = user_in_role(role)

    assert open_booking(client, user, booking_a).status_code == 200

    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.actor_email, access.channel) == (
        user,
        user.email,
        PersonalDataAccess.Channel.BOOKING_PAGE,
    )
    assert (access.reservation_ids, access.count) == ([booking_a.pk], 1)


def test_an_export_is_logged_with_every_booking_in_it_and_its_filters(
    client, owner_manager, booking_a, room_a
):
    ReservationFactory(room=room_a, status=Status.APPROVED, start=next_weekday_at(15))
    client.force_login(owner_manager)

    response = client.get(
        reverse("admin:reservations_reservation_export"), {"status__exact": "pending"}
    )
    b"".join(response.streaming_content)

    access = PersonalDataAccess.objects.get()
    assert access.channel == PersonalDataAccess.Channel.EXPORT
    assert access.reservation_ids == [booking_a.pk]
    assert access.criteria == "status__exact=pending"


def test_another_facilitys_booking_is_neither_shown_nor_logged(client, other_manager, booking_a):
    assert open_booking(client, other_manager, booking_a).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_an_official_reads_a_booking_without_the_bookers_e_mail_or_phone(
    client, ministry_official, booking_a
):
    booking_a.contact_phone = "010-9876-5432"
    booking_a.save()

    page = open_booking(client, ministry_official, booking_a).content.decode()

    assert "Alpha meeting" in page
    assert booking_a.booked_by.email not in page
    assert "010-9876-5432" not in page


def test_only_superusers_read_the_log(client, superuser, owner_manager, ministry_official):
    PersonalDataAccess.record(owner_manager, [1, 2], PersonalDataAccess.Channel.EXPORT)

    client.force_login(superuser)
    assert owner_manager.email in client.get(reverse(LOG)).content.decode()
    for staff in (owner_manager, ministry_official):
        client.force_login(staff)
        assert client.get(reverse(LOG)).status_code == 403


def test_entries_older_than_the_retention_period_are_forgotten(owner_manager, settings):
    settings.PERSONAL_DATA_ACCESS_RETENTION_DAYS = 730
    now = timezone.now()
    old = PersonalDataAccess.record(owner_manager, [1], PersonalDataAccess.Channel.BOOKING_PAGE)
    PersonalDataAccess.objects.filter(pk=old.pk).update(at=now - datetime.timedelta(days=731))
    recent = PersonalDataAccess.record(owner_manager, [2], PersonalDataAccess.Channel.EXPORT)

    assert forget_old_personal_data_accesses(now) == 1
    assert list(PersonalDataAccess.objects.values_list("pk", flat=True)) == [recent.pk]
