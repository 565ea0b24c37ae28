"""Which database each view's queries go to, per user action, with two database aliases: the
primary (`default`) and a `replica` that the tests never write to, so it lags behind every
write (web/replica.py). Runs on SQLite and PostgreSQL in the ordinary suite."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from accounts.roles import MINISTRY_OFFICIALS
from api import keys
from api.models import ApiKey
from reservations.availability import day_stamps
from reservations.models import Reservation, ScheduleVersion
from rooms.models import Room
from tests.factories import ReservationFactory, RoomFactory, UserFactory, next_weekday_at
from web import checks, replica
from web.replica import PIN_COOKIE, Reads, ReplicaRouter

pytestmark = [
    pytest.mark.django_db(databases=["default", "replica"]),
    # The alias exists for every test here; only READ_REPLICA (the read_replica fixture)
    # makes the router use it.
    pytest.mark.usefixtures("replica_database"),
]


@pytest.fixture
def booker():
    return UserFactory(company="주식회사 가나다", phone="010-2222-3333")


@pytest.fixture
def booker_client(booker):
    client = Client()
    client.force_login(booker)
    return client


@pytest.fixture
def official_client():
    official = UserFactory()
    official.groups.add(Group.objects.get_or_create(name=MINISTRY_OFFICIALS)[0])
    client = Client()
    client.force_login(official)
    return client


@pytest.fixture
def room(replicate):
    """A room on both databases: registered long enough ago to have been replicated."""
    room = RoomFactory()
    facility = room.facility
    replicate(
        facility.district.region,
        facility.district,
        facility,
        *facility.opening_hours.all(),
        room,
    )
    return room


def booking_form(when):
    return {
        "date": f"{when:%Y-%m-%d}",
        "start": f"{when:%H:%M}",
        "duration": "60",
        "attendees": "4",
        "purpose": "투자사 화상 미팅",
        "company_name": "주식회사 가나다",
        "contact_phone": "010-2222-3333",
    }


# --- the rule, per view and visitor ---


def test_an_anonymous_search_reads_the_registry_from_the_replica(
    read_replica, room, replicate, queries_on
):
    day = next_weekday_at(10).date()
    stamps = ScheduleVersion.objects.filter(key__in=day_stamps(day))
    replicate(*stamps)
    with queries_on("default", "replica") as ran:
        response = Client().get(reverse("home"), {"date": f"{day:%Y-%m-%d}"})
    assert response.status_code == 200
    assert ran["replica"]
    assert not ran["default"]
    assert PIN_COOKIE not in response.cookies


def test_a_search_of_a_day_never_stamped_stamps_it_on_the_primary_and_reads_on_there(
    read_replica, room, queries_on
):
    day = next_weekday_at(10).date()
    with queries_on("default", "replica") as ran:
        response = Client().get(reverse("home"), {"date": f"{day:%Y-%m-%d}"})
    assert response.status_code == 200
    stamp_written = next(
        i for i, sql in enumerate(ran["default"]) if "reservations_scheduleversion" in sql
    )
    assert "INSERT" in ran["default"][stamp_written]
    # Before the write the stamps were looked for on the replica; after it, all on the primary.
    assert any("reservations_scheduleversion" in sql for sql in ran["replica"])
    assert any("reservations_reservation" in sql for sql in ran["default"][stamp_written:])
    assert PIN_COOKIE in response.cookies


def test_an_anonymous_room_page_reads_the_replica_so_a_room_not_yet_replicated_is_not_found(
    read_replica, queries_on
):
    fresh = RoomFactory()
    with queries_on("default", "replica") as ran:
        response = Client().get(reverse("room", args=[fresh.pk]))
    assert response.status_code == 404
    assert ran["replica"] and not ran["default"]


def test_a_signed_in_user_reads_the_search_and_the_room_page_from_the_primary(
    read_replica, booker_client, queries_on
):
    fresh = RoomFactory()
    with queries_on("default", "replica") as ran:
        assert booker_client.get(reverse("room", args=[fresh.pk])).status_code == 200
        assert booker_client.get(reverse("home")).status_code == 200
    assert ran["default"]
    assert not ran["replica"]


def test_the_dashboard_reads_its_figures_from_the_replica_and_the_official_from_the_primary(
    read_replica, official_client, queries_on
):
    with queries_on("default", "replica") as ran:
        response = official_client.get(reverse("dashboard:nation"))
    assert response.status_code == 200
    assert any("reservations_reservation" in sql or "dashboard_" in sql for sql in ran["replica"])
    # The session and the user (and their groups) are read where sign-outs are written.
    assert any("django_session" in sql for sql in ran["default"])
    assert any("accounts_user" in sql for sql in ran["default"])
    assert not any("django_session" in sql or "accounts_user" in sql for sql in ran["replica"])


@pytest.mark.parametrize(
    "page",
    [
        lambda room: reverse("booking:book", args=[room.pk]),
        lambda room: reverse("mine:list"),
        lambda room: reverse("admin:index"),
        lambda room: reverse("accounts:profile"),
    ],
    ids=["booking form", "my reservations", "admin", "profile"],
)
def test_the_booking_form_signed_in_pages_and_the_admin_read_only_the_primary(
    read_replica, room, queries_on, page
):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    with queries_on("default", "replica") as ran:
        response = client.get(page(room))
    assert response.status_code == 200
    assert ran["default"]
    assert not ran["replica"]


def test_a_booking_post_reads_and_writes_only_the_primary_and_pins_the_browser(
    read_replica, room, booker_client, queries_on, settings
):
    settings.REPLICA_PIN_SECONDS = 45
    with queries_on("default", "replica") as ran:
        response = booker_client.post(
            reverse("booking:book", args=[room.pk]), booking_form(next_weekday_at(10))
        )
    assert response.status_code == 302
    assert Reservation.objects.using("default").count() == 1
    assert not ran["replica"]
    pin = response.cookies[PIN_COOKIE]
    assert pin["max-age"] == 45
    assert pin["httponly"]


def test_a_pinned_browser_reads_declared_views_from_the_primary_until_the_pin_expires(
    read_replica, official_client, queries_on
):
    official_client.cookies[PIN_COOKIE] = "1"
    with queries_on("default", "replica") as ran:
        assert official_client.get(reverse("dashboard:nation")).status_code == 200
    assert not ran["replica"]
    # The browser drops the cookie after REPLICA_PIN_SECONDS; another question than the
    # pinned one, whose figures the dashboard keeps for a minute.
    del official_client.cookies[PIN_COOKIE]
    with queries_on("default", "replica") as ran:
        response = official_client.get(reverse("dashboard:nation"), {"period": "last_90_days"})
        assert response.status_code == 200
    assert ran["replica"]


def test_any_form_post_pins_even_one_that_is_refused(read_replica, room, booker_client):
    response = booker_client.post(reverse("booking:book", args=[room.pk]), {"date": "garbage"})
    assert response.status_code in (200, 400)
    assert PIN_COOKIE in response.cookies


def test_a_get_that_writes_pins_and_reads_the_primary_from_that_write_on(read_replica):
    router = ReplicaRouter()
    reads = Reads(replica="replica")
    token = replica._current.set(reads)
    try:
        assert router.db_for_read(Room) == "replica"
        assert router.db_for_write(Reservation) == "default"
        assert router.db_for_read(Room) == "default"
    finally:
        replica._current.reset(token)
    assert reads.wrote


def test_writing_rows_only_ever_read_from_the_primary_does_not_pin(read_replica):
    from django_tasks_db.models import DBTaskResult

    router = ReplicaRouter()
    reads = Reads(replica="replica")
    token = replica._current.set(reads)
    try:
        for model in (Session, DBTaskResult):
            assert router.db_for_write(model) == "default"
        assert not reads.wrote
        assert router.db_for_read(Room) == "replica"
    finally:
        replica._current.reset(token)


def test_a_get_that_only_reads_sets_no_pin(read_replica, room):
    response = Client().get(reverse("room", args=[room.pk]))
    assert response.status_code == 200
    assert PIN_COOKIE not in response.cookies


@pytest.mark.parametrize("model", [Session, Group], ids=["sessions", "groups"])
def test_sessions_users_and_their_groups_always_read_the_primary(read_replica, model):
    from accounts.models import User

    router = ReplicaRouter()
    token = replica._current.set(Reads(replica="replica"))
    try:
        assert router.db_for_read(model) == "default"
        assert router.db_for_read(User) == "default"
    finally:
        replica._current.reset(token)


def test_signing_out_is_honoured_on_a_view_that_reads_the_replica(read_replica, official_client):
    assert official_client.get(reverse("dashboard:nation")).status_code == 200
    session = official_client.cookies["sessionid"].value
    official_client.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies["sessionid"] = session
    response = replay.get(reverse("dashboard:nation"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- read your writes: the replica lags behind every write of these tests ---


def test_a_booker_sees_the_booking_just_made_although_the_replica_has_not_got_it(
    read_replica, room, booker_client
):
    response = booker_client.post(
        reverse("booking:book", args=[room.pk]), booking_form(next_weekday_at(10))
    )
    assert response.status_code == 302
    booking = Reservation.objects.using("default").get()
    assert not Reservation.objects.using("replica").exists()
    assert booker_client.get(response.url).context["reservation"] == booking
    assert booking.code in booker_client.get(reverse("mine:list")).content.decode()


def test_an_anonymous_visitor_who_just_wrote_reads_the_primary(read_replica, queries_on):
    fresh = RoomFactory()
    visitor = Client()
    visitor.post(reverse("accounts:login"), {"username": "nobody@example.kr", "password": "x"})
    with queries_on("default", "replica") as ran:
        assert visitor.get(reverse("room", args=[fresh.pk])).status_code == 200
    assert not ran["replica"]


def test_the_dashboard_counts_a_booking_once_replicated_and_at_once_for_a_pinned_official(
    read_replica, room, official_client, replicate
):
    last_week = next_weekday_at(10, days_ahead=-7)
    booking = ReservationFactory(room=room, start=last_week)
    period = {"period": "custom", "start": f"{last_week:%Y-%m-%d}", "end": f"{last_week:%Y-%m-%d}"}

    def approved():
        response = official_client.get(reverse("dashboard:nation"), period)
        assert response.status_code == 200
        return response.context["report"].total.approved

    assert approved() == 0
    official_client.cookies[PIN_COOKIE] = "1"
    assert approved() == 1
    del official_client.cookies[PIN_COOKIE]
    replicate(booking.booked_by, booking)
    cache.clear()  # the figures the dashboard keeps for a minute: read the replica again
    assert approved() == 1


# --- declared views ---


def test_a_namespace_declares_every_view_in_it_and_a_new_one_is_one_line():
    assert replica.declared_for("dashboard:region") == "anyone"
    assert replica.declared_for("api:rooms") == "anyone"
    assert replica.declared_for("api:v1:rooms") == "anyone"
    assert replica.declared_for("apiary") is None
    with override_settings(REPLICA_READS={"dashboard": "anyone"}):
        assert replica.declared_for("api:rooms") is None


def test_the_open_api_reads_the_registry_from_the_replica(read_replica, room, queries_on):
    RoomFactory()  # registered a moment ago: not on the replica yet
    with queries_on("default", "replica") as ran:
        response = Client().get("/api/v1/rooms")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert ran["replica"]
    assert not any("rooms_room" in sql for sql in ran["default"])


def test_a_partner_key_is_read_from_the_primary_so_a_revoked_key_is_refused_at_once(
    read_replica, room, queries_on
):
    key, raw = keys.issue(name="지도 앱", owner=UserFactory(), rate=600, by=UserFactory())
    keys.revoke(ApiKey.objects.filter(pk=key.pk), by=UserFactory())
    with queries_on("default", "replica") as ran:
        response = Client().get("/api/v1/regions", HTTP_X_API_KEY=raw)
    assert response.status_code == 401
    assert any("api_apikey" in sql for sql in ran["default"])
    assert not any("api_apikey" in sql for sql in ran["replica"])


def test_without_a_replica_every_read_is_the_primarys_and_no_pin_is_set(room, booker_client):
    response = booker_client.post(
        reverse("booking:book", args=[room.pk]), booking_form(next_weekday_at(11))
    )
    assert response.status_code == 302
    assert PIN_COOKIE not in response.cookies
    assert ReplicaRouter().db_for_read(Room) == "default"


def test_the_request_logs_query_count_includes_the_replicas_statements(
    read_replica, room, queries_on, settings
):
    settings.QUERY_COUNT_HEADER = True
    with queries_on("default", "replica") as ran:
        response = Client().get(reverse("room", args=[room.pk]))
    assert ran["replica"]
    assert int(response["X-DB-Queries"]) == len(ran["default"]) + len(ran["replica"])


def test_the_declared_views_all_exist():
    assert checks.replica_reads_name_views(None) == []


@pytest.mark.parametrize(
    ("declared", "error"),
    [
        ({"dashbaord": "anyone"}, "web.E002"),
        ({"dashboard:nowhere": "anyone"}, "web.E002"),
        ({"dashboard": "everyone"}, "web.E003"),
    ],
)
def test_a_misspelt_declaration_fails_the_system_checks(settings, declared, error):
    settings.REPLICA_READS = declared
    assert [e.id for e in checks.replica_reads_name_views(None)] == [error]


def test_every_app_read_only_from_the_primary_is_installed():
    from django.apps import apps

    labels = {config.label for config in apps.get_app_configs()}
    # The database cache's entries are a model of their own app label (django_cache).
    assert replica.PRIMARY_ONLY - {"django_cache"} <= labels
