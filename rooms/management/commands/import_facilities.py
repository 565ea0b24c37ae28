from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rooms.importer import import_facilities


class Command(BaseCommand):
    help = "Import or update sites from a CSV file (columns in README). All rows or none."

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, csv_file, **options):
        try:
            text = csv_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {csv_file}: {error}") from error
        result = import_facilities(text)
        if result.errors:
            raise CommandError("Nothing imported. Fix these rows:\n" + "\n".join(result.errors))
        self.stdout.write(
            f"Imported: {len(result.created)} created, {len(result.changed)} changed, "
            f"{result.unchanged} unchanged."
        )
        for code in result.created:
            self.stdout.write(f"  created {code}")
        for code in result.changed:
            self.stdout.write(f"  changed {code}")
