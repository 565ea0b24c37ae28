"""What happens to a user's bookings when their account is deleted."""

from django.db import transaction

from . import history
from .models import Reservation


@transaction.atomic
def delete_account(user):
    """Delete the user; their bookings stay for the statistics, without personal details.

    booked_by becomes NULL through the foreign key's SET_NULL; the contact fields are blanked here.
    """
    Reservation.objects.filter(booked_by=user).update(company_name="", contact_phone="")
    user.delete()
    transaction.on_commit(history.changed)
