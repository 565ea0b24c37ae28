"""The benchmark's load: locust users on the plan that `benchmarks.run` prepared.

BENCH_PLAN names the plan (JSON), BENCH_PAGES the pages to request ("mix" for the weighted
mix), BENCH_WAIT whether users pause between requests, BENCH_RECORD where every request
goes as a JSON line: page, milliseconds, status, queries (from X-DB-Queries).
"""

import itertools
import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, between, constant, events, task

PLAN = json.loads(Path(os.environ["BENCH_PLAN"]).read_text(encoding="utf-8"))
PAGES = os.environ.get("BENCH_PAGES", "mix").split(",")
# Open for the whole run: every request appends a line.
RECORD = open(os.environ["BENCH_RECORD"], "a", encoding="utf-8")  # noqa: SIM115
HX = {"HX-Request": "true"}
SLOTS = [f"{hour:02d}:{minute:02d}" for hour in range(9, 17) for minute in (0, 30)]
BOOKERS = itertools.cycle(PLAN["bookers"])

# page name: weight in the mix
MIX = {
    "search partial": 5,
    "room page": 4,
    "booking POST": 2,
    "my reservations": 2,
    "dashboard nation": 1,
    "dashboard region": 1,
}


@events.request.add_listener
def record(name, response_time, response, exception, **kwargs):
    status = getattr(response, "status_code", 0) if exception is None else 0
    queries = response.headers.get("X-DB-Queries") if response is not None else None
    line = {"page": name, "ms": response_time, "status": status,
            "queries": int(queries) if queries else None}  # fmt: skip
    RECORD.write(json.dumps(line) + "\n")


@events.quitting.add_listener
def close_record(**kwargs):
    RECORD.flush()


def search_query():
    query = {"date": random.choice(PLAN["days"]), "start": random.choice(SLOTS), "duration": 60}
    if random.random() < 0.5:
        query["region"] = random.choice(PLAN["regions"])
    return query


class Visitor(FastHttpUser):
    wait_time = between(0.5, 1.5) if os.environ.get("BENCH_WAIT") == "1" else constant(0)

    def get(self, name, path, session=None, headers=None, **kwargs):
        headers = {**(headers or {}), **({"Cookie": f"sessionid={session}"} if session else {})}
        with self.client.get(path, name=name, headers=headers, catch_response=True, **kwargs) as r:
            if r.status_code < 500:
                r.success()

    @task
    def one(self):
        page = (
            random.choices(list(MIX), weights=list(MIX.values()))[0]
            if PAGES == ["mix"]
            else random.choice(PAGES)
        )
        getattr(self, PAGE_TASKS[page])()

    def healthz(self):
        self.get("healthz", "/healthz")

    def search_partial(self):
        self.get("search partial", "/", params=search_query(), headers=HX)

    def room_page(self):
        self.get("room page", f"/rooms/{random.choice(PLAN['rooms'])}/")

    def my_reservations(self):
        self.get("my reservations", "/my/", random.choice(PLAN["readers"]))

    def dashboard_nation(self):
        self.get("dashboard nation", "/dashboard/?period=last_12_months", PLAN["official"])

    def dashboard_region(self):
        region = random.choice(PLAN["regions"])
        self.get(
            "dashboard region", f"/dashboard/r/{region}/?period=last_12_months", PLAN["official"]
        )

    def booking_post(self):
        room = random.choice(PLAN["booking_rooms"])
        data = {
            "date": random.choice(PLAN["days"]),
            "start": random.choice(SLOTS),
            "duration": "60",
            "attendees": "3",
            "purpose": "벤치마크 회의",
            "csrfmiddlewaretoken": PLAN["csrf"],
        }
        cookie = f"sessionid={next(BOOKERS)}; csrftoken={PLAN['csrf']}"
        with self.client.post(f"/book/{room}/", data=data, headers={"Cookie": cookie},
                              name="booking POST", catch_response=True) as r:  # fmt: skip
            if r.status_code < 500:
                r.success()


PAGE_TASKS = {
    "healthz": "healthz",
    "search partial": "search_partial",
    "room page": "room_page",
    "booking POST": "booking_post",
    "my reservations": "my_reservations",
    "dashboard nation": "dashboard_nation",
    "dashboard region": "dashboard_region",
}
