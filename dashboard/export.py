"""The dashboard's tables as CSV files: UTF-8 with a BOM, so that Excel shows the Korean."""

import csv

from django.http import HttpResponse
from django.utils.translation import gettext as _

from dashboard.columns import MONTH_COLUMNS, PART_COLUMNS


def parts_csv(level, filters, report, parts):
    """A row per part of the level, in the page's order; a room's page has its own row."""
    response, writer = _attachment(level, filters, "table")
    columns = PART_COLUMNS.in_csv
    writer.writerow([_("Code"), _("Name"), *(column.csv_header for column in columns)])
    rows = (
        [(p.code, p.name, p.figures) for p in parts]
        if level.part
        else [(level.slug, str(level.title), report.total)]
    )
    for code, name, figures in rows:
        writer.writerow([code, name, *(column.written(figures) for column in columns)])
    return response


def trend_csv(level, filters, report):
    """A row per month of the trend, oldest first."""
    response, writer = _attachment(level, filters, "trend")
    columns = MONTH_COLUMNS.in_csv
    writer.writerow([_("Month"), *(column.csv_header for column in columns)])
    for month in report.trend:
        writer.writerow([f"{month.month:%Y-%m}", *(column.written(month) for column in columns)])
    return response


def _attachment(level, filters, table):
    period = filters.period
    name = f"boms-{level.slug}-{table}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    return response, csv.writer(response)
