"""The benchmark harness's own logic: percentiles, targets, the table, the calendar, verdicts."""

import datetime
import random
import time

from benchmarks.contention import Outcome, classify
from benchmarks.mix import (
    MEETING_MINUTES,
    MIX,
    availability_query,
    booking_request,
    pick_page,
    search_query,
)
from benchmarks.prepare import booking_days, working_days
from benchmarks.stats import PageFigures, cpu_table, figures, percentile, table, verdicts


def page(name, p95, *, statuses=None, capacity=None):
    statuses = statuses or {302 if name == "booking POST" else 200: 100}
    return PageFigures(name, statuses, 10.0, p95 / 2, p95, p95 * 1.5, 5.0, capacity)


def every_page(**changed):
    pages = {
        "healthz": page("healthz", 5, capacity=1000),
        "search partial": page("search partial", 30, capacity=200),
        "room page": page("room page", 30),
        "booking POST": page("booking POST", 60, capacity=100),
        "my reservations": page("my reservations", 30),
        "dashboard nation": page("dashboard nation", 100),
        "dashboard region": page("dashboard region", 100),
        "api availability": page("api availability", 20, capacity=400),
        "api free rooms": page("api free rooms", 30, capacity=200),
    }
    return list({**pages, **changed}.values())


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.95) == 95
    assert percentile(values, 0.99) == 99
    assert percentile([7], 0.99) == 7
    assert percentile([], 0.5) is None


def test_figures_count_server_and_connection_errors_and_average_the_queries():
    lines = [
        {"page": "room page", "ms": 10, "status": 200, "queries": 5},
        {"page": "room page", "ms": 30, "status": 200, "queries": 7},
        {"page": "room page", "ms": 900, "status": 502, "queries": None},
        {"page": "room page", "ms": 2000, "status": 0, "queries": None},
        {"page": "healthz", "ms": 1, "status": 200, "queries": 0},
    ]
    room, healthz = figures(lines, seconds=2)
    assert (room.name, room.requests, room.errors, room.rps) == ("room page", 4, 2, 2.0)
    assert room.queries == 6
    assert room.statuses == {200: 2, 502: 1, 0: 1}
    assert (room.p50, room.p99) == (30, 2000)
    assert healthz.queries == 0


def test_a_run_within_every_limit_passes():
    assert all(ok for *_, ok in verdicts(every_page()))


def test_targets_pass_and_fail_on_their_limits():
    pages = every_page(
        **{
            "search partial": page("search partial", 60, capacity=100),
            "room page": page("room page", 61),
            "booking POST": page("booking POST", 80, capacity=59),
            "dashboard region": page("dashboard region", 301, statuses={200: 98, 500: 2}),
        }
    )
    results = {(name, target): ok for name, target, _shown, ok in verdicts(pages)}

    assert results[("search partial", "p95 ≤ 60 ms")]
    assert results[("search partial", "≥ 10% of healthz")]
    assert not results[("room page", "p95 ≤ 60 ms")]
    assert results[("booking POST", "p95 ≤ 80 ms")]
    assert not results[("booking POST", "≥ 6% of healthz")]
    assert not results[("dashboard region", "p95 ≤ 300 ms")]
    assert not results[("all pages", "0 server errors")]


def test_search_below_a_tenth_of_the_trivial_view_fails():
    pages = every_page(**{"search partial": page("search partial", 30, capacity=99)})
    results = {(name, target): (shown, ok) for name, target, shown, ok in verdicts(pages)}
    assert results[("search partial", "≥ 10% of healthz")] == ("10%", False)


def test_a_page_missing_from_the_run_fails_its_target():
    results = verdicts([page("healthz", 5, capacity=1000)])
    assert ("search partial", "p95 ≤ 60 ms", "not measured", False) in results


def test_a_page_not_built_yet_is_reported_not_measured():
    pages = every_page(**{"dashboard nation": page("dashboard nation", 3, statuses={404: 29})})
    results = {(name, target): (shown, ok) for name, target, shown, ok in verdicts(pages)}
    assert results[("dashboard nation", "p95 ≤ 300 ms")] == (
        "not measured (answers: 404 ×29)",
        False,
    )
    assert results[("all pages", "answer as a working page does")] == (
        "dashboard nation: 404 ×29",
        False,
    )
    assert results[("all pages", "0 server errors")] == ("0", True)


def test_a_lost_session_redirected_to_sign_in_is_not_a_page_served():
    pages = every_page(**{"my reservations": page("my reservations", 3, statuses={302: 50})})
    results = {(name, target): ok for name, target, _shown, ok in verdicts(pages)}
    assert not results[("my reservations", "p95 ≤ 60 ms")]
    assert not results[("all pages", "answer as a working page does")]


def test_a_refused_booking_is_an_answer_and_a_booking_is_a_redirect():
    booking = page("booking POST", 50, statuses={302: 61, 200: 25})
    assert (booking.answered, booking.unexpected, booking.errors) == (86, 0, 0)
    assert booking.answers() == "302 ×61, 200 ×25"


def test_the_table_shows_each_page_against_the_trivial_view_and_its_answers():
    text = table([page("healthz", 4, capacity=2000), page("search partial", 30, capacity=300)])
    lines = text.splitlines()
    assert lines[0].startswith("| page")
    assert "× healthz" in lines[0]
    assert "0.15" in lines[3]  # 300 of 2,000 requests/s
    assert lines[3].endswith("| 200 ×100 |")
    assert len({len(line) for line in lines}) == 1


def test_the_cpu_table_splits_each_measured_page_and_adds_it_up():
    booking = page("booking POST", 60, capacity=40)
    booking.cpu_per_request = {"server": 20.0, "database": 6.5, "task workers": 4.0, "load": 1.5}
    text = cpu_table([page("healthz", 4, capacity=2000), booking])
    header, rule, row = text.splitlines()
    assert header.split("|")[2].strip() == "server" and "total" in header
    assert [cell.strip() for cell in row.split("|")[1:-1]] == [
        "booking POST", "20.0", "6.5", "4.0", "1.5", "32.0"
    ]  # fmt: skip
    assert len({len(line) for line in (header, rule, row)}) == 1
    assert cpu_table([page("healthz", 4)]) == ""


def test_bookings_go_to_working_days_only():
    # 25 December is Christmas; 26 and 27 are a weekend.
    assert working_days(datetime.date(2026, 12, 24), datetime.date(2026, 12, 29)) == [
        datetime.date(2026, 12, 24),
        datetime.date(2026, 12, 28),
        datetime.date(2026, 12, 29),
    ]


def test_booking_days_stay_within_the_thirty_day_window_across_chuseok():
    today = datetime.date(2026, 9, 20)
    days = booking_days(today)
    assert days[0] == datetime.date(2026, 9, 21)
    assert days[-1] <= today + datetime.timedelta(days=30)
    chuseok = {datetime.date(2026, 9, 24), datetime.date(2026, 9, 25)}
    alternative_holiday = datetime.date(2026, 10, 5)
    assert not chuseok & set(days)
    assert alternative_holiday not in days
    assert all(day.weekday() < 5 for day in days)


def test_booking_requests_ask_for_an_hour_within_opening_hours_on_a_planned_day():
    plan = {"days": ["2026-12-28", "2026-12-29"], "booking_rooms": [7, 9], "csrf": "x" * 32}
    rng = random.Random(1)
    for _ in range(200):
        path, form = booking_request(plan, rng)
        assert path in ("/book/7/", "/book/9/")
        assert form["date"] in plan["days"]
        hour, minute = map(int, form["start"].split(":"))
        start = hour * 60 + minute
        assert minute in (0, 30)
        assert start >= 9 * 60
        assert start + MEETING_MINUTES <= 18 * 60
        assert form["duration"] == str(MEETING_MINUTES)
        assert form["csrfmiddlewaretoken"] == plan["csrf"]


def test_searches_are_half_national_half_per_region():
    plan = {"days": ["2026-12-28"], "regions": ["seoul", "busan"]}
    rng = random.Random(2)
    queries = [search_query(plan, rng) for _ in range(400)]
    regional = [query for query in queries if "region" in query]
    assert 150 < len(regional) < 250
    assert {query["region"] for query in regional} == {"seoul", "busan"}
    assert all(query["date"] == "2026-12-28" and query["start"] for query in queries)


def test_the_mix_draws_every_page_by_its_weight():
    rng = random.Random(3)
    drawn = [pick_page(rng) for _ in range(3000)]
    assert set(drawn) == set(MIX)
    assert drawn.count("search partial") > 4 * drawn.count("dashboard nation")


def test_contention_responses_are_sorted_by_what_the_user_saw():
    assert classify(302, "") == "won"
    assert classify(200, '<div data-refusal="slot_taken">') == "just taken"
    assert classify(200, '<div data-refusal="too_many">') == "other refusal"
    assert classify(502, "") == "server error"


def test_the_race_passes_only_with_one_winner_and_no_errors():
    assert Outcome(200, 1, 199, 0, 0, 0, 1).passed
    assert not Outcome(200, 2, 198, 0, 0, 0, 2).passed
    assert not Outcome(200, 1, 198, 0, 1, 0, 1).passed
    assert not Outcome(200, 1, 199, 0, 0, 0, 2).passed


def test_the_apis_day_asks_for_a_planned_room_on_a_planned_day():
    plan = {"rooms": [7, 8], "days": ["2027-03-02"]}
    path, query = availability_query(plan, random.Random(1))
    assert path in ("/api/v1/rooms/7/availability", "/api/v1/rooms/8/availability")
    assert query == {"date": "2027-03-02"}


def test_the_cpu_split_counts_the_servers_process_tree_per_request():
    import os

    from benchmarks.run import CpuSplit

    meter = CpuSplit(os.getpid(), workers=[])
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass
    split = meter.per_request(10)
    assert set(split) == set(CpuSplit.PARTS)
    assert split["server"] >= 15  # 200 ms over 10 requests, less the clock's grain
    assert split["task workers"] == 0
