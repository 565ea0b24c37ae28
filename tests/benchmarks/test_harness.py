"""The benchmark harness's own logic: percentiles, targets, the table, the calendar, verdicts."""

import datetime

from benchmarks.contention import Outcome, classify
from benchmarks.prepare import working_days
from benchmarks.stats import PageFigures, percentile, table, verdicts


def page(name, p95, *, errors=0, capacity=None):
    return PageFigures(name, 100, errors, 10.0, p95 / 2, p95, p95 * 1.5, 5.0, capacity)


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.95) == 95
    assert percentile(values, 0.99) == 99
    assert percentile([7], 0.99) == 7
    assert percentile([], 0.5) is None


def test_targets_pass_and_fail_on_their_limits():
    pages = [
        page("healthz", 5, capacity=1000),
        page("search partial", 60, capacity=100),
        page("room page", 61),
        page("booking POST", 120),
        page("my reservations", 10),
        page("dashboard nation", 300),
        page("dashboard region", 301, errors=2),
    ]
    results = {(name, target): ok for name, target, _shown, ok in verdicts(pages)}

    assert results[("search partial", "p95 ≤ 60 ms")]
    assert results[("search partial", "≥ 10% of healthz")]
    assert not results[("room page", "p95 ≤ 60 ms")]
    assert results[("booking POST", "p95 ≤ 120 ms")]
    assert not results[("dashboard region", "p95 ≤ 300 ms")]
    assert not results[("all pages", "0 server errors")]


def test_a_page_missing_from_the_run_fails_its_target():
    results = verdicts([page("healthz", 5, capacity=1000)])
    assert ("search partial", "p95 ≤ 60 ms", "not measured", False) in results


def test_the_table_shows_each_page_against_the_trivial_view():
    text = table([page("healthz", 4, capacity=2000), page("search partial", 30, capacity=300)])
    lines = text.splitlines()
    assert lines[0].startswith("| page")
    assert "0.15" in lines[3]  # 300 of 2,000 requests/s


def test_bookings_go_to_working_days_only():
    days = working_days(datetime.date(2026, 12, 24), 3)
    # 25 December is Christmas; 26 and 27 are a weekend.
    assert days == [datetime.date(2026, 12, 24), datetime.date(2026, 12, 28),
                    datetime.date(2026, 12, 29)]  # fmt: skip


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
