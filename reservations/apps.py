from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class ReservationsConfig(AppConfig):
    name = "reservations"
    verbose_name = _("Reservations")

    def ready(self):
        from reservations import receivers

        pre_delete.connect(
            receivers.forget_the_booker,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="reservations.forget_the_booker",
        )
