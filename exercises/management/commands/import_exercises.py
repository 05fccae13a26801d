from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.services.importing import ImportOutcome, import_exercises_from


class Command(BaseCommand):
    help = (
        "Import exercises from a folder (LabTutor's format or an Exercism track). "
        "Re-importing updates exercises in place; malformed exercises are reported and skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="A folder of exercises, searched recursively")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_dir():
            raise CommandError(f"{path}: not a folder of exercises")
        report = import_exercises_from(path)
        for slug, outcome in sorted(report.outcomes.items()):
            if options["verbosity"] > 1 or (
                options["verbosity"] == 1 and outcome is not ImportOutcome.UNCHANGED
            ):
                self.stdout.write(f"  {outcome.value:<9} {slug}")
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"  warning   {warning}"))
        for error in report.errors:
            self.stderr.write(self.style.ERROR(f"  error     {error}"))
        self.stdout.write(
            f"{report.count(ImportOutcome.CREATED)} created, "
            f"{report.count(ImportOutcome.UPDATED)} updated, "
            f"{report.count(ImportOutcome.UNCHANGED)} unchanged, "
            f"{len(report.errors)} with errors"
        )
        if report.errors:
            raise CommandError(f"{len(report.errors)} exercise(s) could not be imported")
