"""What the portal adds to the pages of the apps below it, connected in PortalConfig.ready()."""

from django.template.loader import render_to_string
from django.utils import timezone

from reservations import rules


def standing_on_profile(sender, user, request, **kwargs):
    """The profile's section on the booker's standing: no-shows counted and any suspension."""
    return render_to_string(
        "portal/profile/standing.html",
        {"standing": rules.standing(user, timezone.now()), "penalties": rules.PENALTIES},
        request=request,
    )
