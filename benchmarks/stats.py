"""Figures of a benchmark run: percentiles, the targets, and the printed table."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

# page name: (p95 limit in ms, least share of the trivial view's throughput or None)
TARGETS = {
    "search partial": (60, 0.10),
    "room page": (60, None),
    "booking POST": (80, 0.06),
    "my reservations": (60, None),
    "dashboard nation": (300, None),
    "dashboard region": (300, None),
    "api availability": (50, None),
    "api free rooms": (50, None),
}
TRIVIAL = "healthz"
# What a working page answers. Anything else (the 404 of a page not built yet, the redirect
# of a lost session to the sign-in page) is fast and would flatter the figures: it is reported,
# and a page that never answered as expected has not been measured.
EXPECTED_STATUSES = {"booking POST": (302, 200)}  # booked, or the form with its refusal
DEFAULT_EXPECTED = (200,)


def is_error(status):
    """Server errors and requests without an answer (status 0); others are the app's answers."""
    return status == 0 or status >= 500


@dataclass
class PageFigures:
    name: str
    statuses: dict[int, int]  # status: responses
    rps: float
    p50: float
    p95: float
    p99: float
    queries: float | None = None
    capacity_rps: float | None = None  # requests/s when this page alone saturates the server
    # {part of the machine: CPU ms per request} in the capacity run (run.CpuSplit)
    cpu_per_request: dict[str, float] | None = None

    @property
    def requests(self):
        return sum(self.statuses.values())

    @property
    def errors(self):
        return sum(n for status, n in self.statuses.items() if is_error(status))

    @property
    def answered(self):
        """Responses the working page gives."""
        expected = EXPECTED_STATUSES.get(self.name, DEFAULT_EXPECTED)
        return sum(n for status, n in self.statuses.items() if status in expected)

    @property
    def unexpected(self):
        return self.requests - self.errors - self.answered

    def answers(self):
        """Responses by status, most frequent first: "302 ×61, 200 ×25"."""
        ranked = sorted(self.statuses.items(), key=lambda item: (-item[1], item[0]))
        return ", ".join(f"{status or 'no answer'} ×{n}" for status, n in ranked)


def figures(lines, seconds):
    """Each page's figures from the recorded requests (dicts of page, ms, status, queries)."""
    by_page = defaultdict(list)
    for line in lines:
        by_page[line["page"]].append(line)
    pages = []
    for name, rows in by_page.items():
        times = [row["ms"] for row in rows]
        queries = [row["queries"] for row in rows if row["queries"] is not None]
        pages.append(
            PageFigures(
                name=name,
                statuses=dict(Counter(row["status"] for row in rows)),
                rps=len(rows) / seconds,
                p50=percentile(times, 0.50),
                p95=percentile(times, 0.95),
                p99=percentile(times, 0.99),
                queries=sum(queries) / len(queries) if queries else None,
            )
        )
    return pages


def percentile(values, share):
    """The nearest-rank percentile of the values (share between 0 and 1)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def ratio(page, trivial):
    if page.capacity_rps is None or not trivial or not trivial.capacity_rps:
        return None
    return page.capacity_rps / trivial.capacity_rps


def verdicts(pages):
    """(page, target text, figure text, passed) for every target the issue sets."""
    by_name = {page.name: page for page in pages}
    trivial = by_name.get(TRIVIAL)
    results = []
    for name, (p95_limit, share) in TARGETS.items():
        page = by_name.get(name)
        if page is None or not page.answered:
            shown = "not measured" + (f" (answers: {page.answers()})" if page else "")
            results.append((name, f"p95 ≤ {p95_limit} ms", shown, False))
            continue
        results.append((name, f"p95 ≤ {p95_limit} ms", f"{page.p95:.0f} ms", page.p95 <= p95_limit))
        if share is not None:
            measured = ratio(page, trivial)
            shown = "not measured" if measured is None else f"{measured:.0%}"
            results.append(
                (
                    name,
                    f"≥ {share:.0%} of {TRIVIAL}",
                    shown,
                    measured is not None and measured >= share,
                )
            )
    errors = sum(page.errors for page in pages)
    results.append(("all pages", "0 server errors", str(errors), errors == 0))
    odd = [f"{page.name}: {page.answers()}" for page in pages if page.unexpected]
    results.append(("all pages", "answer as a working page does", "; ".join(odd) or "all", not odd))
    return results


def table(pages):
    trivial = next((page for page in pages if page.name == TRIVIAL), None)
    header = ("page", "req", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "queries",
              "alone req/s", "× healthz", "answers")  # fmt: skip
    rows = [header]
    for page in pages:
        share = ratio(page, trivial)
        rows.append(
            (
                page.name,
                str(page.requests),
                f"{page.rps:.1f}",
                f"{page.p50:.0f}",
                f"{page.p95:.0f}",
                f"{page.p99:.0f}",
                str(page.errors),
                "–" if page.queries is None else f"{page.queries:.1f}",
                "–" if page.capacity_rps is None else f"{page.capacity_rps:.0f}",
                "–" if share is None else f"{share:.2f}",
                page.answers(),
            )
        )
    return _markdown(rows, text_last=True)


def cpu_table(pages):
    """Where each page's CPU went per request while it ran alone, with the total."""
    measured = [page for page in pages if page.cpu_per_request]
    if not measured:
        return ""
    parts = list(measured[0].cpu_per_request)
    rows = [("CPU ms per request alone", *parts, "total")]
    for page in measured:
        split = page.cpu_per_request
        rows.append(
            (page.name, *(f"{split[part]:.1f}" for part in parts), f"{sum(split.values()):.1f}")
        )
    return _markdown(rows)


def _markdown(rows, *, text_last=False):
    """Rows as a Markdown table: the first column left, figures right, and a last column of
    text (`text_last`) left."""
    header = rows[0]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lefts = {0, len(header) - 1} if text_last else {0}
    lines = []
    for index, row in enumerate(rows):
        cells = [
            cell.ljust(width) if column in lefts else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)
