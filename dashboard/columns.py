"""The dashboard's figures as table and CSV columns, each declared once.

The page's tables (headers, cells, sort links), the sort options and the CSV files all read
these declarations: a new figure is an attribute of `Figures` (and its query) and one line here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from dashboard.events import EVENT_COLUMNS
from dashboard.templatetags.dashboard import grouped, hours, percent, wait

PART_NAME = "name"  # sorts the parts by their own name; the table heads it with the level's part


def _as_is(value):
    return value


def _one_decimal(value):
    return f"{value:.1f}"


def _percentage(share):
    return f"{share * 100:.1f}"


def _hours_of_minutes(minutes):
    return f"{minutes / 60:.1f}"


def _hours_of_duration(duration):
    return f"{duration.total_seconds() / 3600:.1f}"


@dataclass(frozen=True)
class Column:
    """A figure: the attribute `name`, headed `label` on the page and `csv_label` in the CSV.

    `show` is the template filter that formats it on the page and `write` formats it for the
    CSV (an empty cell where the figure is None); either is None where the column stays out.
    """

    name: str
    label: str
    show: Callable | None = grouped
    write: Callable | None = _as_is
    csv_label: str | None = None

    def shown(self, row):
        return self.show(getattr(row, self.name))

    def written(self, row):
        value = getattr(row, self.name)
        return "" if value is None else self.write(value)

    @property
    def csv_header(self):
        return str(self.csv_label or self.label)


class Columns(tuple):
    """The columns of one table in order; the page shows some, the CSV writes some, most both."""

    def __new__(cls, *columns):
        return super().__new__(cls, columns)

    @property
    def on_page(self):
        return [column for column in self if column.show]

    @property
    def in_csv(self):
        return [column for column in self if column.write]


# One row per part of a level (region, district, site, room), or the level itself.
PART_COLUMNS = Columns(
    Column("sites", _("Sites")),
    Column("rooms", _("Rooms"), write=None),
    Column("standard", _("Standard rooms"), show=None),
    Column("booths", _("Smart-work booths"), show=None),
    Column("halls", _("Extended halls"), show=None),
    Column("requests", _("Bookings")),
    Column("approved", _("Approved")),
    Column("pending", _("Pending")),
    Column("rejected", _("Rejected")),
    Column("cancelled", _("Cancelled")),
    Column("expired", _("Expired"), show=None),
    Column("no_show", _("No-shows"), show=None),
    Column("checked_in", _("Checked in"), show=None),
    Column("booked_hours", _("Booked hours"), show=hours, write=_one_decimal),
    Column("used_hours", _("Used hours"), show=None, write=_one_decimal),
    Column("released_hours", _("Released hours"), show=None, write=_one_decimal),
    Column("open_hours", _("Open hours"), show=None, write=_one_decimal),
    Column(
        "utilisation",
        _("Utilisation"),
        show=percent,
        write=_percentage,
        csv_label=_("Utilisation (%)"),
    ),
    Column(
        "median_decision",
        _("Median decision time"),
        show=wait,
        write=_hours_of_duration,
        csv_label=_("Median decision time (hours)"),
    ),
    Column(
        "cancellation_rate",
        _("Cancellation rate"),
        show=percent,
        write=_percentage,
        csv_label=_("Cancellation rate (%)"),
    ),
    Column(
        "check_in_rate",
        _("Check-in rate"),
        show=percent,
        write=_percentage,
        csv_label=_("Check-in rate (%)"),
    ),
    Column(
        "no_show_rate",
        _("No-show rate"),
        show=percent,
        write=_percentage,
        csv_label=_("No-show rate (%)"),
    ),
    Column("companies", _("Companies served")),
    Column("individuals", _("Individuals served")),
    *(Column(event.name, event.label) for event in EVENT_COLUMNS),
)
# Unmet demand, one column per counted event (dashboard/events.py).
EVENT_PART_COLUMNS = [
    column for column in PART_COLUMNS if column.name in {e.name for e in EVENT_COLUMNS}
]

# One row per month of the trend.
MONTH_COLUMNS = Columns(
    Column("requests", _("Bookings")),
    Column("approved", _("Approved")),
    Column("booked_minutes", _("Booked hours"), show=None, write=_hours_of_minutes),
    Column("open_minutes", _("Open hours"), show=None, write=_hours_of_minutes),
    Column(
        "utilisation",
        _("Utilisation"),
        show=percent,
        write=_percentage,
        csv_label=_("Utilisation (%)"),
    ),
)

# The table's column headers are its sort links.
SORT_KEYS = (PART_NAME, *(column.name for column in PART_COLUMNS.on_page))


def sort_headers(part_label):
    """(sort key, header) of the parts table's columns, the part's own name first."""
    return [(PART_NAME, part_label), *((c.name, c.label) for c in PART_COLUMNS.on_page)]
