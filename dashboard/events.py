"""Counted events per level: each column declared once as (model, kind) and counted alike.

An event model has `kind`, `at` (aware) and the foreign keys `region`, `district`, `facility`
and `room` (the last three may be empty: a search names no site). A new column is one line in
`EVENT_COLUMNS`, e.g. `EventColumn("waitlist_joins", _("Waitlist joins"), WaitlistEvent,
"joined")`, or with `turned_away=False` for demand met after all (offers taken); the page's
summary, the tables, the CSV and the shortage ranking follow it.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Value
from django.utils.translation import gettext_lazy as _

from demand.models import DemandEvent
from waitlist.models import EventKind, WaitlistEvent


@dataclass(frozen=True)
class EventColumn:
    name: str
    label: str
    model: type
    kind: str
    # Demand the rooms could not meet: counted in the shortage ranking of districts.
    turned_away: bool = True


EVENT_COLUMNS = (
    EventColumn(
        "searches_unmet",
        _("Searches without a free room"),
        DemandEvent,
        DemandEvent.Kind.NO_FREE_ROOM,
    ),
    EventColumn("just_taken", _("Just taken"), DemandEvent, DemandEvent.Kind.JUST_TAKEN),
    EventColumn("waitlist_joins", _("Waitlist joins"), WaitlistEvent, EventKind.JOINED),
    EventColumn(
        "offers_taken",
        _("Waitlist offers taken"),
        WaitlistEvent,
        EventKind.ACCEPTED,
        turned_away=False,
    ),
)
EVENT_NAMES = frozenset(column.name for column in EVENT_COLUMNS)

# A level's Room lookup path, and the same place on an event's own columns.
EVENT_FIELDS = {
    "facility__district__region": "region",
    "facility__district": "district",
    "facility": "facility",
    "pk": "room",
}


def event_lookups(room_lookups):
    """Room lookups of a level's scope ({"facility__district": d}) as event lookups. Any other
    lookup through the site ({"facility__managers": user}, the manager's own figures) is the
    same path on the event's site, so events that name no site fall outside it."""
    lookups = {}
    for path, value in room_lookups.items():
        path, _sep, suffix = path.partition("__in")
        suffix = "__in" if _sep else ""
        if path in EVENT_FIELDS:
            lookups[EVENT_FIELDS[path] + suffix] = value
        else:
            lookups[path + suffix] = value
    return lookups


def count(scope, part, start, end, columns=EVENT_COLUMNS):
    """{part key: {column name: count}} of the events in [start, end) within `scope`.

    `scope` and `part` are Room lookups as the levels use them; events that name no place of
    the part's kind (a search names no site) are under the key None. One query per model.
    """
    counts = defaultdict(dict)
    by_model = defaultdict(list)
    for column in columns:
        by_model[column.model].append(column)
    for model, model_columns in by_model.items():
        names = {str(column.kind): column.name for column in model_columns}
        key = F(EVENT_FIELDS[part]) if part else Value(None, output_field=IntegerField())
        rows = (
            model.objects.filter(
                at__gte=start, at__lt=end, kind__in=list(names), **event_lookups(scope)
            )
            .values("kind", part_key=key)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[row["part_key"]][names[row["kind"]]] = row["n"]
    return counts
