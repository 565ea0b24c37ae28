"""Changes to accounts that span more than the user row."""

from django.db import transaction


@transaction.atomic
def delete_account(user):
    """Delete the account, all or nothing.

    Apps that keep records of the user react to the user model's pre_delete signal (the
    bookings stay for the statistics, without personal details: `reservations.receivers`).
    """
    user.delete()
