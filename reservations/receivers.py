"""How bookings answer changes in the apps below them, connected in ReservationsConfig.ready()."""

from django.db import transaction

from reservations import history
from reservations.models import Reservation


def keep_bookings_without_the_booker(sender, instance, **kwargs):
    """An account is being deleted: its bookings stay for the figures, without personal details.

    booked_by becomes NULL through the foreign key's SET_NULL; the contact fields are blanked here.
    """
    Reservation.objects.filter(booked_by=instance).update(company_name="", contact_phone="")
    transaction.on_commit(history.changed)
