"""Signals through which the apps above accounts add to its pages without accounts importing them."""

from django.dispatch import Signal

# Sent as the profile page is rendered, with `user` and `request`. A receiver returns an HTML
# section for the page (e.g. the booker's standing, from the portal), or None.
profile_shown = Signal()
