"""Row-level scope: a facility manager sees and acts on their own facilities only.

The owner manager manages Facility Alpha; the other manager Facility Bravo. Every URL here
points at Bravo's rows, and each role gets what it is entitled to.
"""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.roles import MINISTRY_OFFICIALS
from reservations.models import Status
from rooms.admin.scope import FacilityListFilter
from rooms.models import Closure
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db

# For each page about Bravo's rows: the status code per role.
#                       owner  other  official  sme  superuser
BRAVO_PAGES = {
    "facility_change": (404, 200, 200, 302, 200),
    "facility_history": (404, 200, 200, 302, 200),
    "room_change": (404, 200, 200, 302, 200),
    "room_history": (404, 200, 200, 302, 200),
    "closure_change": (404, 200, 200, 302, 200),
    "closure_delete": (404, 200, 403, 302, 200),
    "reservation_change": (404, 200, 200, 302, 200),
    "reservation_history": (404, 200, 200, 302, 200),
}
ROLES = ("owner_manager", "other_manager", "ministry_official", "sme_user", "superuser")


def bravo_url(page, scene):
    model, view = page.rsplit("_", 1)
    app = "reservations" if model == "reservation" else "rooms"
    obj = {
        "facility": scene["facility_b"],
        "room": scene["room_b"],
        "closure": scene["closure_b"],
        "reservation": scene["booking_b"],
    }[model]
    return reverse(f"admin:{app}_{model}_{view}", args=[obj.pk])


@pytest.mark.parametrize("page", BRAVO_PAGES)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_pages_of_another_facility_by_role(client, scene, user_in_role, page, role_index):
    client.force_login(user_in_role(ROLES[role_index]))

    response = client.get(bravo_url(page, scene))

    assert response.status_code == BRAVO_PAGES[page][role_index]
    if response.status_code == 302:
        assert response.url.startswith(reverse("admin:login"))


CHANGELISTS = {
    "rooms_facility": "Facility Bravo",
    "rooms_room": "Room Bravo",
    "rooms_closure": "Bravo maintenance",
    "reservations_reservation": "Bravo meeting",
}
SEES_BRAVO = {
    "owner_manager": False,
    "other_manager": True,
    "ministry_official": True,
    "superuser": True,
}


@pytest.mark.parametrize("changelist", CHANGELISTS)
@pytest.mark.parametrize("role", SEES_BRAVO)
def test_changelists_list_only_rows_in_scope(client, scene, user_in_role, changelist, role):
    client.force_login(user_in_role(role))

    response = client.get(reverse(f"admin:{changelist}_changelist"))

    assert response.status_code == 200
    assert (CHANGELISTS[changelist] in response.content.decode()) is SEES_BRAVO[role]


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_changelists_send_an_sme_user_to_the_login(client, scene, sme_user, changelist):
    client.force_login(sme_user)

    response = client.get(reverse(f"admin:{changelist}_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_search_does_not_reach_another_facility(client, scene, owner_manager, changelist):
    client.force_login(owner_manager)

    response = client.get(reverse(f"admin:{changelist}_changelist"), {"q": "Bravo"})

    assert response.status_code == 200
    assert CHANGELISTS[changelist] not in response.content.decode()


@pytest.mark.parametrize(
    "changelist, param",
    [
        ("rooms_room", "facility"),
        ("rooms_closure", "facility"),
        ("reservations_reservation", "facility"),
    ],
)
def test_filtering_by_another_facility_shows_nothing(
    client, scene, owner_manager, changelist, param
):
    client.force_login(owner_manager)

    response = client.get(
        reverse(f"admin:{changelist}_changelist"), {param: scene["facility_b"].pk}
    )

    assert response.status_code == 200
    assert CHANGELISTS[changelist] not in response.content.decode()


def test_facility_filter_lists_only_the_managers_own_facilities(client, scene, owner_manager):
    FacilityFactory(name="Facility Alpha Annex", managers=[owner_manager])
    client.force_login(owner_manager)

    response = client.get(reverse("admin:reservations_reservation_changelist"))

    filters = response.context["cl"].filter_specs
    facility_filter = next(spec for spec in filters if isinstance(spec, FacilityListFilter))
    names = [name for _pk, name in facility_filter.lookup_choices]
    assert names == ["Facility Alpha", "Facility Alpha Annex"]


def test_a_malformed_filter_value_is_not_an_error(client, scene, owner_manager):
    client.force_login(owner_manager)

    response = client.get(reverse("admin:rooms_room_changelist"), {"facility": "x"})

    assert response.status_code == 302
    assert "e=1" in response.url


AUTOCOMPLETES = [
    ("rooms", "closure", "facility", "facility"),
    ("rooms", "closure", "room", "room"),
    ("rooms", "room", "facility", "facility"),
    ("reservations", "reservation", "room", "room"),
]


@pytest.mark.parametrize("app_label, model_name, field_name, target", AUTOCOMPLETES)
@pytest.mark.parametrize(
    "role, sees",
    [
        ("owner_manager", {"a"}),
        ("other_manager", {"b"}),
        ("ministry_official", {"a", "b"}),
        ("superuser", {"a", "b"}),
    ],
)
def test_autocomplete_offers_only_rows_in_scope(
    client, scene, user_in_role, app_label, model_name, field_name, target, role, sees
):
    client.force_login(user_in_role(role))

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""},
    )

    assert response.status_code == 200
    ids = {result["id"] for result in response.json()["results"]}
    expected = {str(scene[f"{target}_{letter}"].pk) for letter in sees}
    assert ids == expected


def test_autocomplete_search_for_another_facility_finds_nothing(client, scene, owner_manager):
    client.force_login(owner_manager)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "rooms", "model_name": "closure", "field_name": "room", "term": "Bravo"},
    )

    assert response.json()["results"] == []


def test_autocomplete_sends_an_sme_user_to_the_login(client, scene, sme_user):
    client.force_login(sme_user)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "rooms", "model_name": "closure", "field_name": "facility", "term": ""},
    )

    assert response.status_code == 302


def post_action(client, action, *objects, **extra):
    data = {"action": action, "index": 0, "_selected_action": [obj.pk for obj in objects]}
    data.update(extra)
    return client.post(reverse("admin:reservations_reservation_changelist"), data)


@pytest.mark.parametrize(
    "action, extra",
    [
        ("approve_selected", {}),
        ("reject_selected", {"_confirm": "yes", "reason": "Forged"}),
        ("cancel_selected", {"_confirm": "yes", "reason": "Forged"}),
    ],
)
def test_actions_ignore_forged_ids_of_another_facility(
    client, scene, owner_manager, mailoutbox, action, extra, django_capture_on_commit_callbacks
):
    booking_b = scene["booking_b"]
    client.force_login(owner_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(client, action, booking_b, **extra)

    assert response.status_code == 302
    booking_b.refresh_from_db()
    assert booking_b.status == Status.PENDING
    assert not booking_b.events.exists()
    assert mailoutbox == []
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "None of the selected bookings can be changed."
    ]


def test_export_action_ignores_forged_ids(client, scene, owner_manager):
    client.force_login(owner_manager)

    response = post_action(client, "export_selected", scene["booking_a"], scene["booking_b"])

    content = response.getvalue().decode("utf-8-sig")
    assert "Alpha meeting" in content
    assert "Bravo meeting" not in content


def test_deleting_another_facilitys_closure_through_the_action_does_nothing(
    client, scene, owner_manager
):
    client.force_login(owner_manager)

    client.post(
        reverse("admin:rooms_closure_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [scene["closure_b"].pk],
            "post": "yes",
        },
    )

    assert Closure.objects.filter(pk=scene["closure_b"].pk).exists()


def test_changing_another_facility_by_post_is_a_404(client, scene, owner_manager):
    facility_b = scene["facility_b"]
    client.force_login(owner_manager)

    response = client.post(
        reverse("admin:rooms_facility_change", args=[facility_b.pk]),
        {"phone": "02-999-9999", "requires_approval": "on"},
    )

    assert response.status_code == 404
    facility_b.refresh_from_db()
    assert facility_b.phone != "02-999-9999"


def test_closure_form_offers_only_the_managers_facilities_and_rooms(client, scene, owner_manager):
    client.force_login(owner_manager)

    response = client.get(reverse("admin:rooms_closure_add"))

    form = response.context["adminform"].form
    assert list(form.fields["facility"].queryset) == [scene["facility_a"]]
    assert list(form.fields["room"].queryset) == [scene["room_a"]]
    assert form.initial["facility"] == scene["facility_a"].pk


def test_a_closure_for_another_facility_is_refused(client, scene, owner_manager):
    client.force_login(owner_manager)
    start = scene["closure_b"].start

    response = client.post(
        reverse("admin:rooms_closure_add"),
        {
            "facility": scene["facility_b"].pk,
            "start_0": start.strftime("%Y-%m-%d"),
            "start_1": "09:00",
            "end_0": start.strftime("%Y-%m-%d"),
            "end_1": "18:00",
            "reason": "Sneaky",
        },
    )

    assert response.status_code == 400
    assert "facility" in response.context["adminform"].form.errors
    assert not Closure.objects.filter(reason="Sneaky").exists()


def test_a_room_of_another_facility_is_refused_in_a_closure(client, scene, owner_manager):
    client.force_login(owner_manager)
    start = scene["closure_a"].start

    response = client.post(
        reverse("admin:rooms_closure_add"),
        {
            "facility": scene["facility_a"].pk,
            "room": scene["room_b"].pk,
            "start_0": start.strftime("%Y-%m-%d"),
            "start_1": "09:00",
            "end_0": start.strftime("%Y-%m-%d"),
            "end_1": "18:00",
            "reason": "Sneaky",
        },
    )

    assert response.status_code == 400
    assert "room" in response.context["adminform"].form.errors
    assert not Closure.objects.filter(reason="Sneaky").exists()


def test_a_manager_who_is_also_an_official_works_on_their_own_facilities_only(
    client, scene, owner_manager
):
    owner_manager.groups.add(Group.objects.get(name=MINISTRY_OFFICIALS))
    client.force_login(owner_manager)

    listing = client.get(reverse("admin:reservations_reservation_changelist"))
    bravo = client.get(
        reverse("admin:reservations_reservation_change", args=[scene["booking_b"].pk])
    )

    assert "Alpha meeting" in listing.content.decode()
    assert "Bravo meeting" not in listing.content.decode()
    assert bravo.status_code == 404


def test_a_ministry_official_cannot_change_or_add_closures(client, scene, ministry_official):
    closure_b = scene["closure_b"]
    client.force_login(ministry_official)

    changed = client.post(
        reverse("admin:rooms_closure_change", args=[closure_b.pk]), {"reason": "Changed"}
    )
    added = client.get(reverse("admin:rooms_closure_add"))

    assert (changed.status_code, added.status_code) == (403, 403)
    closure_b.refresh_from_db()
    assert closure_b.reason == "Bravo maintenance"
