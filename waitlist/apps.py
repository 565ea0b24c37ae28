from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaitlistConfig(AppConfig):
    name = "waitlist"
    verbose_name = _("Waitlists")

    def ready(self):
        from reservations.signals import time_freed
        from waitlist import receivers

        time_freed.connect(receivers.offer_freed_time, dispatch_uid="waitlist.offer_freed_time")
