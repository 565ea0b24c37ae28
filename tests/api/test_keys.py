"""Partners' API keys: superusers issue them in the admin and see each once, only a hash is
kept, revoking takes effect at the very next request, and no one else reaches them."""

import pytest

from accounts.roles import FACILITY_MANAGERS, MINISTRY_OFFICIALS
from api import keys
from api.models import ApiKey
from tests.admin.conftest import staff_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KEYS = "/admin/api/apikey/"


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(email="root@boms.example", is_staff=True, is_superuser=True))
    return client


def test_a_superuser_issues_a_key_and_sees_it_once_while_only_its_hash_is_kept(superuser_client):
    partner = UserFactory(email="partner@map.example")
    response = superuser_client.post(
        f"{KEYS}add/", {"name": "지도 앱", "owner": partner.pk, "rate": 1200}, follow=True
    )
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    raw = next(word for text in shown for word in text.split() if word.startswith("boms_"))
    key = ApiKey.objects.get()
    assert (key.name, key.owner, key.rate) == ("지도 앱", partner, 1200)
    assert raw.startswith(key.prefix) and key.hashed != raw and len(key.hashed) == 64
    assert not any(raw in str(value) for value in vars(key).values())
    assert keys.recognise(raw) == key
    # The change page shows the prefix only.
    page = superuser_client.get(f"{KEYS}{key.pk}/change/").content.decode()
    assert key.prefix in page and raw not in page


def test_revoking_in_the_admin_refuses_the_key_at_the_next_request(superuser_client, client):
    key, raw = keys.issue(name="지도 앱", owner=UserFactory(), rate=100, by=None)
    api_client = client.__class__()
    assert api_client.get("/api/v1/regions", HTTP_X_API_KEY=raw).status_code == 200
    response = superuser_client.post(KEYS, {"action": "revoke", "_selected_action": [key.pk]})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by.email == "root@boms.example"
    refused = api_client.get("/api/v1/regions", HTTP_X_API_KEY=raw)
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    listed = superuser_client.get(KEYS)
    assert list(listed.context["cl"].result_list.values_list("name", flat=True)) == ["지도 앱"]
    assert "icon-no.svg" in listed.content.decode()  # shown as no longer in use


def test_the_key_list_says_which_keys_are_in_use_and_whose_they_are(superuser_client):
    keys.issue(name="지도 앱", owner=UserFactory(email="partner@map.example"), rate=100, by=None)
    page = superuser_client.get(KEYS).content.decode()
    assert "icon-yes.svg" in page and "partner@map.example" in page


def test_revoking_twice_changes_nothing(superuser_client):
    key, _raw = keys.issue(name="앱", owner=UserFactory(), rate=100, by=None)
    assert keys.revoke(ApiKey.objects.filter(pk=key.pk), by=None) == 1
    first = ApiKey.objects.get().revoked_at
    assert keys.revoke(ApiKey.objects.filter(pk=key.pk), by=None) == 0
    assert ApiKey.objects.get().revoked_at == first


def test_a_rate_outside_the_range_is_refused_in_the_form(superuser_client):
    response = superuser_client.post(
        f"{KEYS}add/", {"name": "앱", "owner": UserFactory().pk, "rate": 0}
    )
    assert response.status_code == 400 and not ApiKey.objects.exists()
    response = superuser_client.post(
        f"{KEYS}add/", {"name": "앱\x00", "owner": UserFactory().pk, "rate": 10}
    )
    assert response.status_code == 400 and not ApiKey.objects.exists()


@pytest.mark.parametrize("group", [FACILITY_MANAGERS, MINISTRY_OFFICIALS])
def test_staff_who_are_not_superusers_never_reach_the_keys(client, group):
    key, _raw = keys.issue(name="앱", owner=UserFactory(), rate=100, by=None)
    client.force_login(staff_in(group, email=f"{len(group)}@boms.example"))
    for url in (KEYS, f"{KEYS}add/", f"{KEYS}{key.pk}/change/"):
        assert client.get(url).status_code == 403
    client.post(KEYS, {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is None


def test_deleting_the_owners_account_takes_the_keys_with_it():
    owner = UserFactory()
    _key, raw = keys.issue(name="앱", owner=owner, rate=100, by=None)
    owner.delete()
    assert keys.recognise(raw) is None
