"""Dashboard work for the worker: the figures that cost most, read ahead each hour.

The people served (cached for the hour they are counted up to) and the weekday × hour chart's
past days (cached for the day) are counted over a year of bookings: a second or two for the
nation, about one for a region. Read here for the nation and every region, for the default
period and the last 12 months, so that no official's request pays for them.
"""

import datetime

from django.utils import timezone
from django_tasks import task

from dashboard import levels
from dashboard.figures import Filters
from dashboard.periods import DEFAULT_PRESET, preset_period
from regions.models import Region
from worker import sweep

READ_AHEAD_PRESETS = (DEFAULT_PRESET, "last_12_months")


@sweep.step(every=datetime.timedelta(hours=1))
def read_figures_ahead(now):
    """Queue the hour's reading ahead apart from the sweep, whose other steps are due each minute."""
    read_ahead.enqueue()
    return {"queued": True}


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
