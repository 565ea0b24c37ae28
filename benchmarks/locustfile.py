"""The benchmark's load: locust users on the plan that `benchmarks.run` prepared.

BENCH_PLAN names the plan (JSON), BENCH_PAGES the pages to request ("mix" for the weighted
mix), BENCH_WAIT whether users pause between requests, BENCH_RECORD where every request
goes as a JSON line: page, milliseconds, status, queries (from X-DB-Queries).
Redirects are not followed: a booking answers 302, and a lost session would show as a
redirect to the sign-in page instead of passing for the page itself.
"""

import itertools
import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, between, constant, events, task

from benchmarks.mix import availability_query, booking_request, pick_page, search_query

PLAN = json.loads(Path(os.environ["BENCH_PLAN"]).read_text(encoding="utf-8"))
PAGES = os.environ.get("BENCH_PAGES", "mix").split(",")
# Open for the whole run: every request appends a line.
RECORD = open(os.environ["BENCH_RECORD"], "a", encoding="utf-8")  # noqa: SIM115
HX = {"HX-Request": "true"}
# A partner's key with a rate above the run's: twenty connections share one address.
API = {"X-API-Key": PLAN["api_key"]}
BOOKERS = itertools.cycle(PLAN["bookers"])


@events.request.add_listener
def record(name, response_time, response, **kwargs):
    status = getattr(response, "status_code", 0) or 0  # 0: no answer (a connection error)
    queries = (getattr(response, "headers", None) or {}).get("X-DB-Queries")
    line = {"page": name, "ms": response_time, "status": status,
            "queries": int(queries) if queries else None}  # fmt: skip
    if status in (301, 302, 303):
        # Where a booking was confirmed (/book/done/<pk>/): the cluster run checks it is kept.
        line["location"] = response.headers.get("Location")
    RECORD.write(json.dumps(line) + "\n")


@events.quitting.add_listener
def close_record(**kwargs):
    RECORD.flush()


class Visitor(FastHttpUser):
    wait_time = between(0.5, 1.5) if os.environ.get("BENCH_WAIT") == "1" else constant(0)

    def on_start(self):
        # Visitors arrive spread over one pause, not all at once: twenty first requests in
        # the same instant queue behind the server's twelve threads and pass for tail latency.
        self.wait()

    def send(self, method, name, path, cookie=None, **kwargs):
        headers = {**kwargs.pop("headers", {}), **({"Cookie": cookie} if cookie else {})}
        with self.client.request(method, path, name=name, headers=headers, catch_response=True,
                                 allow_redirects=False, **kwargs) as response:  # fmt: skip
            # Only server and connection errors are errors; the figures sort the rest by status.
            if 0 < response.status_code < 500:
                response.success()

    def get(self, name, path, session=None, **kwargs):
        self.send("GET", name, path, f"sessionid={session}" if session else None, **kwargs)

    @task
    def one(self):
        page = pick_page() if PAGES == ["mix"] else random.choice(PAGES)
        getattr(self, PAGE_TASKS[page])()

    def healthz(self):
        self.get("healthz", "/healthz")

    def search_partial(self):
        self.get("search partial", "/", params=search_query(PLAN), headers=HX)

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

    def api_availability(self):
        path, query = availability_query(PLAN)
        self.get("api availability", path, params=query, headers=API)

    def api_free_rooms(self):
        # The same questions as the portal's search: the same engine answers them.
        self.get("api free rooms", "/api/v1/free-rooms", params=search_query(PLAN), headers=API)

    def booking_post(self):
        path, form = booking_request(PLAN)
        cookie = f"sessionid={next(BOOKERS)}; csrftoken={PLAN['csrf']}"
        self.send("POST", "booking POST", path, cookie, data=form)


PAGE_TASKS = {
    "healthz": "healthz",
    "search partial": "search_partial",
    "room page": "room_page",
    "booking POST": "booking_post",
    "my reservations": "my_reservations",
    "dashboard nation": "dashboard_nation",
    "dashboard region": "dashboard_region",
    "api availability": "api_availability",
    "api free rooms": "api_free_rooms",
}
