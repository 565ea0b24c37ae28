from tests.factories import ClosureFactory, HallFactory, ReservationFactory


def test_home_renders(client, db):
    ReservationFactory()
    ClosureFactory()
    HallFactory()
    response = client.get("/")
    assert response.status_code == 200
