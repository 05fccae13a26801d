import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.models import Exercise
from exercises.services.grading import run_exercise_tests
from tutor.grounding.localise import localise
from tutor.sandbox import SandboxUnavailable


class Command(BaseCommand):
    help = (
        "Rank the lines of a Python file most likely to hold its bug, from what it did in the "
        "exercise's visible tests (run through the same sandbox as the site, evidence on)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="Print the ranking as JSON")
        parser.add_argument("--top", type=int, default=5, help="How many lines (default 5)")

    def handle(self, *args: Any, slug: str, file: Path, **options: Any) -> None:
        exercise = Exercise.objects.filter(slug=slug).first()
        if exercise is None:
            raise CommandError(f"No exercise with slug {slug!r}; import it first.")
        try:
            code = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: cannot read it as UTF-8 text ({error})") from error
        try:
            result = run_exercise_tests(exercise, code, include_hidden=False, evidence=True)
        except SandboxUnavailable as error:
            raise CommandError(str(error)) from error
        tests = result["tests"]
        ranking = localise(
            tests,
            exercise.student_filename,
            source=code,
            reference=exercise.solution_code,
            limit=max(1, options["top"]),
        ).lines
        failing = [test["name"] for test in tests if test["outcome"] in ("failed", "error")]
        if options["json"]:
            report = {
                "lines": [item.to_dict() for item in ranking],
                "file": exercise.student_filename,
                "failing_tests": failing,
                "tests": len(tests),
            }
            self.stdout.write(json.dumps(report, indent=2))
            return
        if not failing:
            self.stdout.write(f"All {len(tests)} visible tests pass: nothing to locate.")
            return
        self.stdout.write(
            f"{len(failing)} of {len(tests)} visible tests fail: {', '.join(failing)}"
        )
        source_lines = code.splitlines()
        for item in ranking:
            text = source_lines[item.line - 1].strip() if item.line <= len(source_lines) else ""
            self.stdout.write(f"  line {item.line:>4}  {item.score:5.2f}  {text}")
            self.stdout.write(f"              {item.why}")
