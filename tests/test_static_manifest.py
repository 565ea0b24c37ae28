"""Pages render with the production static storage: every {% static %} file exists."""

import pytest
from django.core.management import call_command

from tests.factories import RoomFactory, UserFactory, next_weekday_at


@pytest.fixture
def manifest_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)


@pytest.mark.django_db
def test_public_pages_render_with_hashed_static_files(client, manifest_storage):
    room = RoomFactory()
    client.force_login(UserFactory())
    day = next_weekday_at(10).date().isoformat()
    for url in (
        "/",
        f"/rooms/{room.pk}/",
        f"/book/{room.pk}/?date={day}&start=10:00",
        "/my/",
        "/accounts/profile/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/static/css/boms." in response.content.decode(), url
