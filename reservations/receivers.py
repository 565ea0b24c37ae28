"""How bookings answer changes in the apps below them, connected in ReservationsConfig.ready()."""

from django.db import transaction

from reservations import history, services
from reservations.models import Reservation


def forget_the_booker(sender, instance, **kwargs):
    """An account is being deleted: its bookings ahead are cancelled and their time freed (the
    facilities' managers are told); every booking of the account stays for the figures, without
    personal details.

    booked_by becomes NULL through the foreign key's SET_NULL; the free-text fields are blanked here.
    """
    services.withdraw_upcoming(instance)
    Reservation.objects.filter(booked_by=instance).update(
        purpose="", company_name="", contact_phone=""
    )
    transaction.on_commit(history.changed)
