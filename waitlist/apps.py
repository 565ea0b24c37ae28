from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class WaitlistConfig(AppConfig):
    name = "waitlist"
    verbose_name = _("Waitlists")

    def ready(self):
        from reservations.signals import time_freed
        from waitlist import receivers

        time_freed.connect(receivers.offer_freed_time, dispatch_uid="waitlist.offer_freed_time")
        pre_delete.connect(
            receivers.pass_on_the_users_offers,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="waitlist.pass_on_the_users_offers",
        )
