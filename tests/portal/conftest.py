import pytest

from tests.factories import UserFactory


# --- room page and booking form ---
@pytest.fixture
def booker(db):
    return UserFactory(company="주식회사 가나다", phone="010-2222-3333")


@pytest.fixture
def booker_client(client, booker):
    client.force_login(booker)
    return client
