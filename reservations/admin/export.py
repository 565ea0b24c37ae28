"""Bookings as a CSV file for a facility's managers: UTF-8 with a BOM, formulas defused."""

import csv
import datetime

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EXPORT_COLUMNS = [
    (_("ID"), lambda r: r.pk),
    (_("facility"), lambda r: r.room.facility.name),
    (_("room"), lambda r: r.room.name),
    (_("start"), lambda r: r.start),
    (_("end"), lambda r: r.end),
    (_("status"), lambda r: r.get_status_display()),
    (_("attendees"), lambda r: r.attendees),
    (_("purpose"), lambda r: r.purpose),
    (_("company"), lambda r: r.company_name),
    (_("booker name"), lambda r: r.booked_by.name if r.booked_by else ""),
    (_("booker e-mail"), lambda r: r.booked_by.email if r.booked_by else ""),
    (_("contact phone"), lambda r: r.contact_phone),
    (_("requested at"), lambda r: r.created_at),
    (_("decided at"), lambda r: r.decided_at),
    (_("decided by"), lambda r: str(r.decided_by) if r.decided_by else ""),
    (_("decision note"), lambda r: r.decision_note),
]

# A cell starting with one of these is a formula to Excel; bookers write some of these texts.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer output."""

    def write(self, value):
        return value


def reservations_csv(reservations):
    """The rows as CSV, UTF-8 with a byte-order mark so that Excel reads Korean correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(title) for title, _value in EXPORT_COLUMNS])
    rows = reservations.select_related("room__facility", "booked_by", "decided_by")
    for reservation in rows.iterator(chunk_size=2000):
        yield writer.writerow([csv_cell(value(reservation)) for _title, value in EXPORT_COLUMNS])


def csv_response(reservations):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        reservations_csv(reservations), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="bookings-{stamp}.csv"'
    return response
