"""Template tags of the back office: what waits for a manager on the admin's first page."""

from django import template
from django.db.models import Count, Min

from reservations.models import Reservation, Status

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_decisions(context):
    """How many bookings wait for this user's decision and since when, or None if they decide none.

    A facility manager decides for their own facilities, a superuser for all.
    """
    user = context["request"].user
    if not user.has_perm("reservations.change_reservation"):
        return None
    pending = Reservation.objects.managed_by(user).filter(status=Status.PENDING)
    return pending.aggregate(count=Count("pk"), oldest=Min("created_at"))
