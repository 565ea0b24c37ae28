"""Each room's waitlist in the admin, for its managers only; lifting a closure early."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rooms.models import Closure
from tests.factories import ClosureFactory, ReservationFactory, UserFactory, next_weekday_at
from waitlist import services
from waitlist.models import Entry, EntryStatus
from waitlist.services import Wish

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)
CHANGELIST = "admin:waitlist_entry_changelist"


def wait_for(room, user=None, start=None, *, book_it=True):
    """Someone joins the line for a period of the room that a booking (else a closure) takes."""
    start = start or next_weekday_at(10, days_ahead=2)
    if book_it and not room.reservations.filter(start=start).exists():
        ReservationFactory(room=room, start=start, end=start + HOUR)
    return services.join(
        user or UserFactory(),
        Wish(start=start, end=start + HOUR, attendees=2, purpose="대기", room=room),
    )


def test_a_manager_sees_the_queue_of_their_rooms_in_join_order_without_who_waits(
    client, owner_manager, room_a, room_b
):
    first = wait_for(room_a, UserFactory(email="first@sme.example"))
    second = wait_for(room_a, UserFactory(email="second@sme.example"))
    elsewhere = wait_for(room_b)
    client.force_login(owner_manager)
    response = client.get(reverse(CHANGELIST), {"room__id__exact": room_a.pk})
    assert response.status_code == 200
    shown = [entry.pk for entry in response.context["cl"].result_list]
    assert shown == [first.pk, second.pk]
    page = response.content.decode()
    assert "Room Alpha" in page and "@sme.example" not in page
    assert elsewhere.pk not in [e.pk for e in response.context["cl"].queryset]


@pytest.mark.parametrize("role", ["other_manager", "sme_user"])
def test_another_facilitys_manager_or_a_booker_cannot_see_the_queue(
    client, user_in_role, room_a, role
):
    entry = wait_for(room_a)
    client.force_login(user_in_role(role))
    listing = client.get(reverse(CHANGELIST))
    page = client.get(reverse("admin:waitlist_entry_change", args=[entry.pk]))
    if role == "sme_user":
        assert listing.status_code == 302 and page.status_code == 302  # to the admin sign-in
    else:
        assert listing.status_code == 200
        assert not listing.context["cl"].result_list
        assert page.status_code == 404


@pytest.mark.parametrize("role", ["ministry_official", "superuser"])
def test_officials_and_superusers_read_every_queue(client, user_in_role, room_a, room_b, role):
    wait_for(room_a)
    wait_for(room_b)
    client.force_login(user_in_role(role))
    response = client.get(reverse(CHANGELIST))
    assert len(response.context["cl"].result_list) == 2


def test_nobody_edits_or_deletes_an_entry_in_the_admin(client, superuser, room_a):
    entry = wait_for(room_a)
    client.force_login(superuser)
    change = reverse("admin:waitlist_entry_change", args=[entry.pk])
    client.post(change, {"status": "accepted"})
    assert client.post(reverse("admin:waitlist_entry_delete", args=[entry.pk])).status_code == 403
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WAITING


def test_a_manager_lifts_a_closure_early_and_the_waitlist_gets_the_time(
    client, owner_manager, room_a, django_capture_on_commit_callbacks
):
    start = next_weekday_at(10, days_ahead=2)
    closure = ClosureFactory(facility=room_a.facility, start=start - HOUR, end=start + 2 * HOUR)
    entry = wait_for(room_a, start=start, book_it=False)
    client.force_login(owner_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:rooms_closure_changelist"),
            {"action": "lift_now", "_selected_action": [closure.pk]},
            follow=True,
        )
    assert "1 closure lifted" in response.content.decode()
    assert not Closure.objects.filter(pk=closure.pk).exists()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OFFERED


def test_another_facilitys_manager_cannot_lift_a_closure(client, other_manager, room_a):
    closure = ClosureFactory(
        facility=room_a.facility, start=timezone.now() - HOUR, end=timezone.now() + HOUR
    )
    client.force_login(other_manager)
    client.post(
        reverse("admin:rooms_closure_changelist"),
        {"action": "lift_now", "_selected_action": [closure.pk]},
    )
    closure.refresh_from_db()
    assert closure.end > timezone.now()
    assert Entry.objects.count() == 0
