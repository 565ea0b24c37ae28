"""The one CSV writer of the project: files that Excel opens right and cannot be tricked by.

UTF-8 with a byte-order mark, so that Excel shows Korean; times in the portal's time zone; and a
text cell that starts like a formula (=, +, -, @, tab, carriage return) is written with a
leading apostrophe, so that a booking's purpose or a site's name never runs as one.
Numbers are numbers, never formulas, and are written as they are.
"""

import csv
import datetime
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer output."""

    def write(self, value):
        return value


def lines(header: Iterable, rows: Iterable[Iterable]):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([cell(title) for title in header])
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable], *, stream=True):
    """The rows as a downloaded file: streamed as they are read, or (a small table) at once."""
    content = lines(header, rows)
    response = (StreamingHttpResponse if stream else HttpResponse)(
        content if stream else "".join(content), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
