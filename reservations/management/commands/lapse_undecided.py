from django.core.management.base import BaseCommand

from reservations.services import lapse_undecided


class Command(BaseCommand):
    help = (
        "Expire pending bookings nobody decided before their start. The worker's minute sweep "
        "does this on its own; this runs it once by hand."
    )

    def handle(self, *args, **options):
        count = lapse_undecided()
        self.stdout.write(f"{count} pending booking(s) expired.")
