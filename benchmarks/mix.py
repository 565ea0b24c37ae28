"""What the locust users ask for: the weighted mix of pages and each request's parameters.

Plain functions of the plan that `benchmarks.prepare` writes, so that tests can check them
without importing locust (which patches the standard library with gevent on import).
"""

import random

# page name: weight in the mix
MIX = {
    "search partial": 5,
    "room page": 4,
    "booking POST": 2,
    "my reservations": 2,
    "dashboard nation": 1,
    "dashboard region": 1,
    "api availability": 2,
    "api free rooms": 2,
}
MEETING_MINUTES = 60
OPENS, CLOSES = 9 * 60, 18 * 60  # the registry's sites: Mon–Fri 09:00–18:00
STARTS = [f"{m // 60:02d}:{m % 60:02d}" for m in range(OPENS, CLOSES - MEETING_MINUTES + 1, 30)]


def pick_page(rng=random):
    return rng.choices(list(MIX), weights=list(MIX.values()))[0]


def search_query(plan, rng=random):
    """Half national, half one region's: rooms free for an hour on a working day."""
    query = {"date": rng.choice(plan["days"]), "start": rng.choice(STARTS),
             "duration": MEETING_MINUTES}  # fmt: skip
    if rng.random() < 0.5:
        query["region"] = rng.choice(plan["regions"])
    return query


def availability_query(plan, rng=random):
    """The path and query of a room's day through the API, on a working day."""
    return f"/api/v1/rooms/{rng.choice(plan['rooms'])}/availability", {
        "date": rng.choice(plan["days"])
    }


def booking_request(plan, rng=random):
    """The path and form of a one-hour booking of a random room on a working day."""
    form = {
        "date": rng.choice(plan["days"]),
        "start": rng.choice(STARTS),
        "duration": str(MEETING_MINUTES),
        "attendees": "3",
        "purpose": "벤치마크 회의",
        "csrfmiddlewaretoken": plan["csrf"],
    }
    return f"/book/{rng.choice(plan['booking_rooms'])}/", form
