import pytest
from django.db.models import Count
from django.utils import timezone

from benchmarks.dataset import DatasetSize, build
from reservations import rules
from reservations.models import ACTIVE_STATUSES, Reservation, Status
from tests.factories import HallFactory, RoomFactory

pytestmark = pytest.mark.django_db


def test_the_builder_writes_valid_non_overlapping_bookings_the_database_accepts():
    rooms = [*RoomFactory.create_batch(3), HallFactory()]
    rows = build(DatasetSize(users=20, months=2, scale=0.5), seed=1)
    assert rows == Reservation.objects.count() > 50
    by_status = dict(Reservation.objects.values_list("status").annotate(n=Count("pk")))
    assert set(by_status) <= {Status.APPROVED, Status.PENDING, Status.CANCELLED, Status.NO_SHOW}
    assert 0.03 < by_status.get(Status.CANCELLED, 0) / rows < 0.2
    # Meetings whose check-in time is over were checked in or were no-shows, none left for
    # the worker to release; some checked-in ones ended early.
    assert not Reservation.objects.filter(rules.CHECK_IN.missed(timezone.now())).exists()
    assert 0 < by_status.get(Status.NO_SHOW, 0) / rows < 0.15
    assert Reservation.objects.filter(status=Status.APPROVED, released_at__isnull=False).exists()
    assert len(set(Reservation.objects.values_list("code", flat=True))) == rows
    for room in rooms:
        active = list(
            Reservation.objects.filter(room=room, status__in=ACTIVE_STATUSES).order_by("start")
        )
        assert all(a.end <= b.start for a, b in zip(active, active[1:], strict=False))
        assert all(r.attendees <= room.capacity and r.end > r.start for r in active)
    assert not Reservation.objects.filter(room__kind="standard", status=Status.PENDING).exists()


def test_building_again_replaces_the_dataset():
    RoomFactory()
    first = build(DatasetSize(users=5, months=1, scale=0.5), seed=3)
    assert build(DatasetSize(users=5, months=1, scale=0.5), seed=3) == first
    assert Reservation.objects.count() == first


def test_the_roll_ups_match_the_bookings_after_a_build():
    from django.db.models import Sum

    from accounts.models import User
    from accounts.validators import business_number_is_valid
    from dashboard.models import RoomDay, RoomMonth

    RoomFactory.create_batch(2)
    build(DatasetSize(users=10, months=2, scale=0.5), seed=5)
    approved = Reservation.objects.filter(status=Status.APPROVED).count()
    cancelled = Reservation.objects.filter(status=Status.CANCELLED).count()

    for model in (RoomDay, RoomMonth):
        sums = model.objects.aggregate(approved=Sum("approved"), cancelled=Sum("cancelled"))
        assert sums == {"approved": approved, "cancelled": cancelled}
    numbers = User.objects.filter(email__startswith="bench-").values_list(
        "business_number", flat=True
    )
    assert all(business_number_is_valid(number) for number in numbers)


def test_a_dataset_reused_hours_later_is_brought_up_to_then_and_leaves_the_sweep_no_backlog():
    import datetime

    import time_machine

    from benchmarks.dataset import bring_up_to
    from reservations import reminders, services

    RoomFactory.create_batch(4)
    # A Wednesday, not a holiday: the sites open at nine.
    built = timezone.make_aware(datetime.datetime(2026, 12, 9, 7, 0))
    with time_machine.travel(built, tick=False):
        build(DatasetSize(users=10, months=1, scale=3), seed=7)
    later = built + datetime.timedelta(hours=6)
    missed = Reservation.objects.filter(rules.CHECK_IN.missed(later)).count()
    assert missed > 0  # the meetings of the morning, to be checked in or released
    with time_machine.travel(later, tick=False):
        assert bring_up_to(later) >= missed
        assert bring_up_to(later) == 0  # once
        assert services.release_no_shows(now=later) == 0
        assert reminders.send_due(later) == {"1440": 0, "60": 0}
    morning = Reservation.objects.filter(start__range=(built, later), status=Status.APPROVED)
    assert morning.filter(checked_in_at__isnull=False).exists()
