import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.models import Exercise
from exercises.selectors.submissions import redact_result_for_student
from exercises.services.grading import run_exercise_tests
from exercises.services.results import StoredResult, storable_result
from tutor.sandbox import SandboxUnavailable


class Command(BaseCommand):
    help = "Grade a Python file against an exercise's tests, through the same sandbox as the site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("file", type=Path)
        parser.add_argument("--hidden", action="store_true", help="Also run the hidden tests")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON")
        parser.add_argument(
            "--as-student",
            action="store_true",
            help="Print only what the student would see: hidden tests redacted as in the workspace",
        )

    def handle(self, *args: Any, slug: str, file: Path, **options: Any) -> None:
        exercise = Exercise.objects.filter(slug=slug).first()
        if exercise is None:
            raise CommandError(f"No exercise with slug {slug!r}; import it first.")
        try:
            code = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: cannot read it as UTF-8 text ({error})") from error
        try:
            result = run_exercise_tests(exercise, code, include_hidden=options["hidden"])
        except SandboxUnavailable as error:
            raise CommandError(str(error)) from error
        if options["as_student"]:
            # The same cleaning, cap and redaction as a stored result shown in the workspace.
            result = redact_result_for_student(storable_result(result)) or {}
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
        else:
            self._print_summary(result)
        if not result["passed"]:
            raise SystemExit(1)

    def _print_summary(self, result: StoredResult) -> None:
        for test in result["tests"]:
            mark = "PASS" if test["outcome"] == "passed" else test["outcome"].upper()
            hidden = " (hidden test)" if test.get("hidden") else ""
            self.stdout.write(f"  {mark:<6} {test['name']}{hidden}")
            if test["outcome"] != "passed" and test.get("message"):
                self.stdout.write(f"         {test['message'].splitlines()[0]}")
        passed = sum(1 for test in result["tests"] if test["outcome"] == "passed")
        verdict = "PASSED" if result["passed"] else "FAILED"
        self.stdout.write(f"{verdict}: {passed}/{len(result['tests'])} tests passed")
        if result.get("message"):
            self.stdout.write(result["message"])
