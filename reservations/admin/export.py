"""Bookings as a CSV file for a facility's managers (web.csv: UTF-8 with a BOM, formulas defused)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from web import csv as web_csv

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


def csv_response(reservations):
    """The bookings as a file, read in chunks: a year of a busy site is many rows."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    rows = reservations.select_related("room__facility", "booked_by", "decided_by")
    return web_csv.csv_response(
        f"bookings-{stamp}.csv",
        [title for title, _value in EXPORT_COLUMNS],
        (
            [value(reservation) for _title, value in EXPORT_COLUMNS]
            for reservation in rows.iterator(chunk_size=2000)
        ),
    )
