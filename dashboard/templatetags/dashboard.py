"""Numbers as Korean readers expect them: grouped digits, percentages, hours, waiting times."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()
DASH = "–"


@register.filter
def percent(value, digits=1):
    if value is None:
        return DASH
    digits = int(digits)
    # number_format cuts extra digits off; round first.
    return f"{number_format(round(value * 100, digits), digits, force_grouping=True)}%"


@register.filter
def hours(value):
    if value is None:
        return DASH
    return _("%(hours)s h") % {
        "hours": number_format(value, 0 if value >= 100 else 1, force_grouping=True)
    }


@register.filter
def wait(value):
    """A timedelta as "2일 3시간" / "45분"."""
    if value is None:
        return DASH
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours_, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%d day", "%d days", days) % days)
    if hours_:
        parts.append(ngettext("%d hour", "%d hours", hours_) % hours_)
    if minutes and not days:
        parts.append(ngettext("%d minute", "%d minutes", minutes) % minutes)
    return " ".join(parts) or _("under a minute")


@register.filter
def grouped(value):
    return DASH if value is None else intcomma(value)


@register.simple_tag
def cell(column, row):
    """`row`'s figure in `column` (dashboard.columns), formatted for the page."""
    return column.shown(row)


@register.simple_tag
def event_count(row, column):
    """A counted event of a row whose events are a dict (a shortage row), formatted."""
    return grouped(row.events.get(column.name, 0))


@register.simple_tag
def unattributed(report, column):
    """The level's events of `column` that name none of its parts."""
    return grouped(report.unattributed.get(column.name, 0))
