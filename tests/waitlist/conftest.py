import datetime

import pytest

from tests.factories import RoomFactory, UserFactory, next_weekday_at
from waitlist import services
from waitlist.services import Wish

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def room():
    return RoomFactory()


@pytest.fixture
def slot():
    start = next_weekday_at(10)
    return start, start + HOUR


def wish_for(room, slot, **fields):
    start, end = slot
    return Wish(start=start, end=end, attendees=2, purpose="대기 중인 회의", room=room, **fields)


def join(user, room, slot, **fields):
    return services.join(user, wish_for(room, slot, **fields))


@pytest.fixture
def make_user():
    return lambda **fields: UserFactory(**fields)
