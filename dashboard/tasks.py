"""Dashboard work for the worker: the figures that cost most, read ahead when they go stale.

The people served (cached for the hour they are counted up to) and the weekday × hour chart's
past days (cached for the day) are counted over a year of bookings: a second or two for the
nation, about one for a region, and again whenever a booking already held changes (the
history version). Read here for the nation and every region, for the default period and the
last 12 months, in the first minute after either changes, so that no official's request pays.
"""

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from dashboard import levels
from dashboard.figures import Filters
from dashboard.periods import DEFAULT_PRESET, preset_period
from regions.models import Region
from reservations import history
from worker import sweep

READ_AHEAD_PRESETS = (DEFAULT_PRESET, "last_12_months")
EDITION_KEY = "dashboard:read-ahead-edition"


@sweep.step()
def read_figures_ahead(now):
    """Queue the reading ahead, apart from the sweep whose other steps are due each minute, when
    what it read is out of date: in a new hour, or after bookings already held changed."""
    edition = _edition(now)
    if cache.get(EDITION_KEY) == edition:
        return {"queued": False}
    cache.set(EDITION_KEY, edition, timeout=None)
    if cache.get(EDITION_KEY) != edition:
        return {"queued": False}  # a cache that keeps nothing keeps no figures to read ahead
    read_ahead.enqueue()
    return {"queued": True}


def _edition(now):
    """What the cached figures of the read-ahead depend on: the hour and the history version."""
    hour = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    return f"{hour:%Y-%m-%dT%H}:{history.version()}"


@task
def read_ahead():
    today = timezone.localdate()
    pages = [levels.nation(), *(levels.region(region) for region in Region.objects.all())]
    for preset in READ_AHEAD_PRESETS:
        filters = Filters(preset_period(preset, today))
        for level in pages:
            level.breakdown(filters)
            level.busy_hours(filters)
    return len(pages) * len(READ_AHEAD_PRESETS)
