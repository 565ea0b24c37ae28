"""Unmet demand on the dashboard: counted per level on a hand-built scene, parts adding up to
their parent, and the shortage ranking of districts."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dashboard.events import EVENT_COLUMNS
from dashboard.figures import Breakdown, Filters, shortage
from dashboard.periods import Period
from demand.models import DemandEvent
from tests.dashboard.conftest import MAY, TODAY, at
from tests.factories import DistrictFactory, RoomFactory
from waitlist.models import EventKind, WaitlistEvent

pytestmark = pytest.mark.django_db
PERIOD = Filters(Period(datetime.date(2026, 5, 1), datetime.date(2026, 5, 31)))


def event(kind, when, region, district=None, room=None):
    return DemandEvent.objects.create(
        kind=kind,
        at=when,
        region=region,
        district=district,
        facility=room.facility if room else None,
        room=room,
    )


@pytest.fixture
def demand(scene):
    """In May: three searches in district 1, one in district 2 and two naming only the region;
    two refusals in room A (site A, district 1) and one in booth B (site B, district 2).
    Outside May: a search on 1 June and a refusal on 30 April."""
    region, (first, second) = scene["region"], scene["districts"]
    room_a, booth_b = scene["rooms"]
    searched, taken = DemandEvent.Kind.NO_FREE_ROOM, DemandEvent.Kind.JUST_TAKEN
    for day in (4, 5, 6):
        event(searched, at(5, day, 9), region, first)
    event(searched, at(5, 7, 9), region, second)
    event(searched, at(5, 8, 9), region)
    event(searched, at(5, 31, 23, 59), region)
    event(taken, at(5, 11, 10), region, first, room_a)
    event(taken, at(5, 12, 10), region, first, room_a)
    event(taken, at(5, 13, 10), region, second, booth_b)
    event(searched, at(6, 1, 0), region, first)
    event(taken, timezone.make_aware(datetime.datetime(2026, 4, 30, 23, 59)), region, first, room_a)
    return scene


def report(scope, part):
    return Breakdown(scope, part, PERIOD, today=TODAY).report()


def counts(figures):
    return (figures.searches_unmet, figures.just_taken)


def test_each_level_counts_its_own_unmet_demand_in_the_period(demand):
    region, (first, second) = demand["region"], demand["districts"]
    (site_a, _site_b), (room_a, booth_b) = demand["sites"], demand["rooms"]
    assert counts(report({}, "facility__district__region").total) == (6, 3)
    assert counts(report({"facility__district__region": region}, "facility__district").total) == (
        6,
        3,
    )
    assert counts(report({"facility__district": first}, "facility").total) == (3, 2)
    assert counts(report({"facility__district": second}, "facility").total) == (1, 1)
    assert counts(report({"facility": site_a}, "pk").total) == (0, 2)
    assert counts(report({"pk": room_a.pk}, None).total) == (0, 2)
    assert counts(report({"pk": booth_b.pk}, None).total) == (0, 1)


@pytest.mark.parametrize(
    "level",
    ["nation", "region", "district 1", "district 2", "site A"],
)
def test_parts_and_what_names_no_part_add_up_to_their_parent(demand, level):
    region, (first, second) = demand["region"], demand["districts"]
    site_a = demand["sites"][0]
    scope, part = {
        "nation": ({}, "facility__district__region"),
        "region": ({"facility__district__region": region}, "facility__district"),
        "district 1": ({"facility__district": first}, "facility"),
        "district 2": ({"facility__district": second}, "facility"),
        "site A": ({"facility": site_a}, "pk"),
    }[level]
    result = report(scope, part)
    for column in EVENT_COLUMNS:
        parts = sum(getattr(figures, column.name) for figures in result.parts.values())
        rest = result.unattributed.get(column.name, 0)
        assert parts + rest == getattr(result.total, column.name), column.name


def test_the_region_page_shows_each_districts_demand_and_what_names_none(demand, official_client):
    response = official_client.get(reverse("dashboard:region", args=[demand["region"].slug]), MAY)
    report_ = response.context["report"]
    first, second = demand["districts"]
    assert counts(report_.parts[first.pk]) == (3, 2)
    assert counts(report_.parts[second.pk]) == (1, 1)
    assert report_.unattributed == {"searches_unmet": 2}
    page = response.content.decode()
    assert "Searches without a free room" in page and "Not tied to one District" in page


def test_the_shortage_ranking_puts_the_districts_with_most_demand_turned_away_first(demand):
    region, (first, second) = demand["region"], demand["districts"]
    quiet = DistrictFactory(region=region)
    RoomFactory(facility__district=quiet)
    rows = shortage({}, PERIOD, today=TODAY)
    assert [(row.district, row.turned_away) for row in rows] == [(first, 5), (second, 2)]
    # District 1's utilisation: site A's 5.5 booked hours of 157 open.
    assert rows[0].utilisation == pytest.approx(5.5 / 157)
    assert rows[0].events == {"searches_unmet": 3, "just_taken": 2}


def test_the_shortage_ranking_is_empty_when_no_demand_was_turned_away(scene):
    assert shortage({}, PERIOD, today=TODAY) == []


@time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC))
def test_the_nation_page_ranks_the_districts_where_rooms_are_short(demand, official_client):
    response = official_client.get(reverse("dashboard:nation"), MAY)
    page = response.content.decode()
    assert "Where rooms are short" in page
    first = demand["districts"][0]
    assert page.index(first.full_name) < page.index(demand["districts"][1].full_name)


def test_the_csv_has_a_column_per_event_and_a_row_for_what_names_no_part(demand, official_client):
    import csv
    import io

    url = reverse("dashboard:region", args=[demand["region"].slug])
    response = official_client.get(url, {**MAY, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_name = {row["Name"]: row for row in rows}
    first, second = demand["districts"]
    assert by_name[first.name]["Searches without a free room"] == "3"
    assert by_name[second.name]["Just taken"] == "1"
    rest = by_name["Not tied to one District"]
    assert (rest["Searches without a free room"], rest["Just taken"]) == ("2", "0")
    assert rest["Sites"] == ""
    total = sum(int(row["Searches without a free room"] or 0) for row in rows)
    assert total == 6


def waited(kind, when, region, district=None, room=None):
    return WaitlistEvent.objects.create(
        kind=kind,
        at=when,
        region=region,
        district=district,
        facility=room.facility if room else None,
        room=room,
    )


@pytest.fixture
def waitlists(demand):
    """In May, besides `demand`: two joins for room A, one "any room" join in district 2 and one
    naming only the region; one offer taken in room A; one offer declined (not a column).
    On 1 June, a join outside the period."""
    region, (first, second) = demand["region"], demand["districts"]
    room_a = demand["rooms"][0]
    waited(EventKind.JOINED, at(5, 14, 9), region, first, room_a)
    waited(EventKind.JOINED, at(5, 15, 9), region, first, room_a)
    waited(EventKind.JOINED, at(5, 16, 9), region, second)
    waited(EventKind.JOINED, at(5, 17, 9), region)
    waited(EventKind.ACCEPTED, at(5, 18, 9), region, first, room_a)
    waited(EventKind.DECLINED, at(5, 19, 9), region, first, room_a)
    waited(EventKind.JOINED, at(6, 1, 9), region, first, room_a)
    return demand


def waitlist_counts(figures):
    return (figures.waitlist_joins, figures.offers_taken)


def test_each_level_counts_waitlist_joins_and_offers_taken(waitlists):
    region, (first, second) = waitlists["region"], waitlists["districts"]
    site_a, room_a = waitlists["sites"][0], waitlists["rooms"][0]
    assert waitlist_counts(report({}, "facility__district__region").total) == (4, 1)
    by_district = report({"facility__district__region": region}, "facility__district")
    assert waitlist_counts(by_district.parts[first.pk]) == (2, 1)
    assert waitlist_counts(by_district.parts[second.pk]) == (1, 0)
    assert by_district.unattributed["waitlist_joins"] == 1
    assert waitlist_counts(report({"facility": site_a}, "pk").parts[room_a.pk]) == (2, 1)
    # The searches and refusals are counted as before, beside them.
    assert counts(report({}, "facility__district__region").total) == (6, 3)


@pytest.mark.parametrize("level", ["nation", "region", "district 2"])
def test_waitlist_parts_add_up_to_their_parent(waitlists, level):
    region, (_first, second) = waitlists["region"], waitlists["districts"]
    scope, part = {
        "nation": ({}, "facility__district__region"),
        "region": ({"facility__district__region": region}, "facility__district"),
        "district 2": ({"facility__district": second}, "facility"),
    }[level]
    result = report(scope, part)
    for name in ("waitlist_joins", "offers_taken"):
        parts = sum(getattr(figures, name) for figures in result.parts.values())
        assert parts + result.unattributed.get(name, 0) == getattr(result.total, name), name


def test_waitlist_joins_are_demand_turned_away_and_offers_taken_are_not(waitlists):
    first, second = waitlists["districts"]
    rows = shortage({}, PERIOD, today=TODAY)
    assert [(row.district, row.turned_away) for row in rows] == [(first, 7), (second, 3)]
    assert rows[0].events == {"searches_unmet": 3, "just_taken": 2, "waitlist_joins": 2}
