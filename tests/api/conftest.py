import datetime

import pytest
from django.utils import timezone

from reservations.models import Status
from tests.factories import (
    BoothFactory,
    ClosureFactory,
    FacilityFactory,
    HallFactory,
    ReservationFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)


@pytest.fixture
def busy_registry(db):
    """A few sites of every kind, some rooms booked, one closed: what the API reads."""
    rooms = [RoomFactory() for _ in range(6)]
    booth = BoothFactory(facility=rooms[0].facility)
    hall = HallFactory()
    ten = next_weekday_at(10)
    booker = UserFactory(company="주식회사 비밀", phone="010-9999-8888")
    for room in rooms[:3]:
        ReservationFactory(
            room=room, start=ten, end=ten + datetime.timedelta(hours=2), booked_by=booker,
            purpose="비밀 회의", company_name="주식회사 비밀", contact_phone="010-9999-8888",
        )  # fmt: skip
    ReservationFactory(
        room=hall, start=ten, end=ten + datetime.timedelta(hours=1), status=Status.PENDING,
        booked_by=booker,
    )  # fmt: skip
    ClosureFactory(
        facility=rooms[4].facility, start=ten - datetime.timedelta(hours=1),
        end=ten + datetime.timedelta(hours=3), reason="점검",
    )  # fmt: skip
    FacilityFactory()  # a site without rooms
    return {"rooms": rooms, "booth": booth, "hall": hall, "ten": ten, "booker": booker,
            "now": timezone.now()}  # fmt: skip
