import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.models import Exercise
from tutor.assist.guarding import judge_reply


class Command(BaseCommand):
    help = (
        "Judge a reply text against an exercise with the solution-leak guard, as the tutor "
        "would before a student sees it: prints the verdict (allow, redact, block) and why."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("file", type=Path, help="The reply text (Markdown) to judge")
        parser.add_argument(
            "--student-code", type=Path, help="The student's code the reply answers (optional)"
        )
        parser.add_argument("--json", action="store_true", help="Print the verdict as JSON")

    def handle(self, *args: Any, slug: str, file: Path, **options: Any) -> None:
        exercise = Exercise.objects.filter(slug=slug).first()
        if exercise is None:
            raise CommandError(f"No exercise with slug {slug!r}; import it first.")
        reply = _read(file)
        student_code = _read(options["student_code"]) if options["student_code"] else ""
        verdict = judge_reply(exercise, reply, student_code)
        if options["json"]:
            self.stdout.write(json.dumps(verdict.to_dict(), indent=2))
            return
        self.stdout.write(f"{verdict.verdict.upper()}: {verdict.reason}")
        for finding in verdict.findings:
            self.stdout.write(f"  - {finding.message}")
        if verdict.verdict != "allow":
            self.stdout.write("\nWhat the student would see:\n" + verdict.redacted_text)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot read it as UTF-8 text ({error})") from error
