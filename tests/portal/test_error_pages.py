import pytest
from django.test import Client
from django.urls import path


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", broken_view)]


@pytest.mark.django_db
def test_an_unknown_address_gets_the_styled_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "BOMS" in body and 'href="/"' in body


@pytest.mark.django_db
def test_an_unknown_room_is_a_404(client):
    assert client.get("/rooms/999999/").status_code == 404


@pytest.mark.django_db
def test_a_server_error_gets_the_styled_500_without_a_database(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "BOMS" in response.content.decode()
