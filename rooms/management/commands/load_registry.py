from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from rooms.sample_registry import load_registry


class Command(BaseCommand):
    help = (
        "Load or refresh the national registry: 17 regions, their districts, 1,562 sample "
        "standard sites (50 with a booth) and the 5 extended halls. Safe to run again."
    )

    def handle(self, *args, **options):
        report = load_registry()
        self.stdout.write(
            _("Registry: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
        )
