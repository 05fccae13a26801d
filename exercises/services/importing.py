"""Write exercises read from disk into the database: create new ones, update changed ones."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

from django.db import transaction

from exercises.loader import ExerciseFormatError, ExerciseSpec, load_exercises
from exercises.models import Exercise
from exercises.rendering import remote_images


class ImportOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ImportWarning:
    """Imported, but something in it will not work as written."""

    path: Path
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass
class ImportReport:
    outcomes: dict[str, ImportOutcome] = field(default_factory=dict)
    errors: list[ExerciseFormatError] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)

    def count(self, outcome: ImportOutcome) -> int:
        return sum(1 for value in self.outcomes.values() if value is outcome)


def import_exercises_from(path: Path) -> ImportReport:
    """Import every well-formed exercise under path; malformed ones are reported, not imported."""
    loaded = load_exercises(path)
    report = ImportReport(errors=list(loaded.errors))
    for spec in loaded.exercises:
        report.outcomes[spec.slug] = upsert_exercise(spec)
        report.warnings.extend(statement_warnings(spec))
    return report


def statement_warnings(spec: ExerciseSpec) -> list[ImportWarning]:
    """Images of the statement that the site does not serve: they are shown as links instead."""
    return [
        ImportWarning(
            Path(spec.source_path),
            f"the statement's image {address} is not served by this site; students see a link "
            "instead (pages load nothing from outside the lab).",
        )
        for address in remote_images(spec.statement_md)
    ]


def upsert_exercise(spec: ExerciseSpec) -> ImportOutcome:
    fields = _fields_from_spec(spec)
    with transaction.atomic():
        existing = Exercise.objects.select_for_update().filter(slug=spec.slug).first()
        if existing is None:
            Exercise.objects.create(slug=spec.slug, **fields)
            return ImportOutcome.CREATED
        if existing.content_hash == fields["content_hash"]:
            return ImportOutcome.UNCHANGED
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        return ImportOutcome.UPDATED


def _fields_from_spec(spec: ExerciseSpec) -> dict[str, object]:
    fields: dict[str, object] = {
        "title": spec.title,
        "topic": spec.topic,
        "difficulty": spec.difficulty,
        "order": spec.order,
        "module": spec.module,
        "statement_md": spec.statement_md,
        "starter_code": spec.starter_code,
        "solution_code": spec.solution_code,
        "visible_tests": [asdict(test) for test in spec.visible_tests],
        "hidden_tests": [asdict(test) for test in spec.hidden_tests],
        "support_files": [asdict(file) for file in spec.support_files],
        "data_files": [asdict(file) for file in spec.data_files],
        "in_process": spec.in_process,
        "hidden_test_hints": spec.hidden_test_hints,
        "language": spec.language,
        "hints": list(spec.hints),
        "time_limit_seconds": spec.time_limit_seconds,
        "memory_limit_mb": spec.memory_limit_mb,
        "source_format": spec.source_format,
        "source_path": spec.source_path,
    }
    fields["content_hash"] = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()
    return fields
