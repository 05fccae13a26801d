from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.services.importing import ImportOutcome, import_exercises_from
from tutor.courses.models import Course


class Command(BaseCommand):
    help = (
        "Import exercises from a folder (LabTutor's format or an Exercism track). "
        "Re-importing updates exercises in place; malformed exercises are reported and skipped. "
        "Without --course they go into the shared library; a slug a course owns is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="A folder of exercises, searched recursively")
        parser.add_argument(
            "--course",
            default="",
            help="The slug of the course that owns them (default: the shared library)",
        )

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_dir():
            raise CommandError(f"{path}: not a folder of exercises")
        course = None
        if options["course"]:
            course = Course.objects.filter(slug=options["course"]).first()
            if course is None:
                raise CommandError(f"{options['course']}: no course has this slug")
        report = import_exercises_from(path, course=course)
        for slug, outcome in sorted(report.outcomes.items()):
            if options["verbosity"] > 1 or (
                options["verbosity"] == 1 and outcome is not ImportOutcome.UNCHANGED
            ):
                stored = report.stored_as.get(slug)
                self.stdout.write(
                    f"  {outcome.value:<9} {slug}" + (f" as {stored}" if stored else "")
                )
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"  warning   {warning}"))
        for error in report.errors:
            self.stderr.write(self.style.ERROR(f"  error     {error}"))
        self.stdout.write(
            f"{report.count(ImportOutcome.CREATED)} created, "
            f"{report.count(ImportOutcome.UPDATED)} updated, "
            f"{report.count(ImportOutcome.UNCHANGED)} unchanged, "
            f"{report.count(ImportOutcome.COPIED)} copied, "
            f"{report.count(ImportOutcome.REFUSED)} refused, "
            f"{len(report.errors)} with errors"
        )
        if report.errors:
            raise CommandError(f"{len(report.errors)} exercise(s) could not be imported")
