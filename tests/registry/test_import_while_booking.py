"""A long import of the real list never makes bookings wait: it locks only what it changes."""

import datetime
import threading

import pytest
from django.db import connection, transaction

from reservations.services import book
from rooms.importer import import_facilities
from tests.factories import (
    DistrictFactory,
    FacilityFactory,
    RoomFactory,
    UserFactory,
    next_weekday_at,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are PostgreSQL's; SQLite serialises all writers",
    ),
]

HEADER = "code,name,host_organization,host_type,district_code,address,latitude,longitude\n"


def test_a_booking_at_a_site_the_import_is_changing_does_not_wait_for_it():
    district = DistrictFactory(code="11680")
    site = FacilityFactory(code="SEOUL-GN-001", district=district)
    room = RoomFactory(facility=site)
    user = UserFactory()
    start = next_weekday_at(10)
    rows = HEADER + (
        "SEOUL-GN-001,강남 창업허브 (새 이름),강남 창업허브,incubator,11680,"
        "서울특별시 강남구 테헤란로 1,37.5172,127.0473\n"
    )
    written, done = threading.Event(), threading.Event()
    outcome = {}

    def import_and_hold_the_transaction_open():
        try:
            with transaction.atomic():
                outcome["import"] = import_facilities(rows)
                written.set()
                done.wait(10)
        finally:
            connection.close()

    importer = threading.Thread(target=import_and_hold_the_transaction_open)
    importer.start()
    try:
        assert written.wait(10)
        with connection.cursor() as cursor:
            # Waiting on a lock at all fails the booking, however fast the machine.
            cursor.execute("SET lock_timeout = '1s'")
        reservation = book(user, room, start, start + datetime.timedelta(hours=1), attendees=2,
                           purpose="회의")  # fmt: skip
    finally:
        done.set()
        importer.join(10)
    assert reservation.pk
    assert outcome["import"].changed == ["SEOUL-GN-001"]
    site.refresh_from_db()
    assert site.name == "강남 창업허브 (새 이름)"
