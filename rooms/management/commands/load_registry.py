from django.core.management.base import BaseCommand

from rooms.registry import load_registry


class Command(BaseCommand):
    help = "Load or refresh the national registry of regions, districts, sites and rooms."

    def handle(self, *args, **options):
        report = load_registry()
        self.stdout.write(
            f"Registry: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
