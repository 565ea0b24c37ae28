from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rooms.importer import ImportFileError, decode, import_facilities


class Command(BaseCommand):
    help = "Import or update sites from a CSV file (columns in README). All rows or none."

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path, help="UTF-8 CSV, with or without a BOM")
        parser.add_argument(
            "--retire-samples",
            action="store_true",
            help="Make the rooms of the remaining sample sites unbookable (the real list is complete).",
        )

    def handle(self, *args, csv_file, retire_samples, **options):
        try:
            text = decode(csv_file.read_bytes(), csv_file)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": csv_file, "error": error.strerror}
            ) from error
        result = import_facilities(text, retire_samples=retire_samples)
        if result.errors:
            raise CommandError(
                _("Nothing imported. Fix these rows and run the import again:")
                + "\n"
                + "\n".join(result.errors)
            )
        self.stdout.write(
            _("Imported: %(created)s created, %(changed)s changed, %(unchanged)s unchanged.")
            % {
                "created": len(result.created),
                "changed": len(result.changed),
                "unchanged": result.unchanged,
            }
        )
        if retire_samples:
            self.stdout.write(_("Rooms of sample sites made unbookable: %s") % result.retired_rooms)
        for code in result.created:
            self.stdout.write(_("  created %s") % code)
        for code in result.changed:
            self.stdout.write(_("  changed %s") % code)
        for address in result.invited:
            self.stdout.write(_("  invited manager %s") % address)
