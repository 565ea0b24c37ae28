"""The database keeps the registry consistent; clean() gives the friendly message first."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rooms.models import Room
from tests.factories import (
    BoothFactory,
    ClosureFactory,
    DistrictFactory,
    FacilityFactory,
    RoomFactory,
)

pytestmark = pytest.mark.django_db


def refused_by_database(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_room_for_nobody_is_refused():
    refused_by_database(lambda: RoomFactory(capacity=0))
    with pytest.raises(ValidationError, match="1명 이상"):
        Room(facility=FacilityFactory(), kind="standard", name="x", capacity=0).clean()


def test_a_second_booth_at_one_site_is_refused():
    booth = BoothFactory()
    refused_by_database(lambda: BoothFactory(facility=booth.facility))
    with pytest.raises(ValidationError, match="부스를 하나만"):
        Room(facility=booth.facility, kind="booth", name="부스 2", capacity=2).clean()


def test_an_unknown_room_kind_is_refused():
    refused_by_database(lambda: RoomFactory(kind="ballroom"))


def test_coordinates_outside_korea_are_refused():
    refused_by_database(
        lambda: FacilityFactory(latitude=Decimal("51.5"), longitude=Decimal("-0.1"))
    )


def test_a_closure_must_end_after_it_starts():
    closure = ClosureFactory.build(facility=FacilityFactory())
    closure.end = closure.start
    with pytest.raises(ValidationError):
        closure.clean()
    refused_by_database(closure.save)


@pytest.mark.parametrize("code", ["SEOUL/GN-001", "-A", "A B"])
def test_a_facility_code_outside_the_pattern_is_refused(code):
    refused_by_database(lambda: FacilityFactory(code=code))
    facility = FacilityFactory.build(code=code, district=DistrictFactory())
    with pytest.raises(ValidationError, match="영문자, 숫자"):
        facility.full_clean(exclude=["district"])
