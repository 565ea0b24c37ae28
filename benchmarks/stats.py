"""Figures of a benchmark run: percentiles, the targets, and the printed table."""

import math
from dataclasses import dataclass

# page name: (p95 limit in ms, least share of the trivial view's throughput or None)
TARGETS = {
    "search partial": (60, 0.10),
    "room page": (60, None),
    "booking POST": (120, None),
    "my reservations": (60, None),
    "dashboard nation": (300, None),
    "dashboard region": (300, None),
}
TRIVIAL = "healthz"


@dataclass
class PageFigures:
    name: str
    requests: int
    errors: int
    rps: float
    p50: float
    p95: float
    p99: float
    queries: float | None = None
    capacity_rps: float | None = None  # requests/s when this page alone saturates the server


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
        if page is None:
            results.append((name, f"p95 ≤ {p95_limit} ms", "not measured", False))
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
    return results


def table(pages):
    trivial = next((page for page in pages if page.name == TRIVIAL), None)
    header = ("page", "req", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "queries",
              "alone req/s", "× healthz")  # fmt: skip
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
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
