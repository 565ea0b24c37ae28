"""The dashboard's tables as CSV files (web.csv: UTF-8 with a BOM, formulas defused)."""

from django.utils.translation import gettext as _

from dashboard.columns import MONTH_COLUMNS, PART_COLUMNS
from dashboard.events import EVENT_NAMES as EVENTS
from web.csv import csv_response


def parts_csv(level, filters, report, parts):
    """A row per part of the level, in the page's order; a room's page has its own row."""
    columns = PART_COLUMNS.in_csv
    header = [_("Code"), _("Name"), *(column.csv_header for column in columns)]
    named = (
        [(p.code, p.name, p.figures) for p in parts]
        if level.part
        else [(level.slug, str(level.title), report.total)]
    )
    rows = [
        [code, name, *(column.written(figures) for column in columns)]
        for code, name, figures in named
    ]
    if level.part and report.unattributed:
        # Events that name no single part (a search names no site): with the rows above, they
        # add up to the level's own count.
        rest = _("Not tied to one %(part)s") % {"part": level.part_label}
        rows.append(
            [
                "",
                rest,
                *(report.unattributed.get(c.name, 0) if c.name in EVENTS else "" for c in columns),
            ]
        )
    return csv_response(_filename(level, filters, "table"), header, rows, stream=False)


def trend_csv(level, filters, report):
    """A row per month of the trend, oldest first."""
    columns = MONTH_COLUMNS.in_csv
    header = [_("Month"), *(column.csv_header for column in columns)]
    rows = [
        [f"{month.month:%Y-%m}", *(column.written(month) for column in columns)]
        for month in report.trend
    ]
    return csv_response(_filename(level, filters, "trend"), header, rows, stream=False)


def _filename(level, filters, table):
    period = filters.period
    return f"boms-{level.slug}-{table}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
