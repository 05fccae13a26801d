"""Write exercises read from disk into the database: create new ones, update changed ones.

An import goes into one owner: a course, or the shared library (course None). It changes only
that owner's exercises. A slug that belongs to someone else never replaces their exercise:
into a course it becomes the course's own copy under the slug `<slug>-<course slug>`; into the
library it is refused. The report says which (ImportOutcome.COPIED, REFUSED).
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction

from exercises.loader import ExerciseFormatError, ExerciseSpec, load_exercises
from exercises.models import VERDICT_FIELDS, Exercise
from exercises.rendering import remote_images

if TYPE_CHECKING:
    from tutor.courses.models import Course


class ImportOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    # The slug was another course's or the library's: created as this course's own copy.
    COPIED = "copied"
    # The slug is a course's own exercise: the library import leaves it alone.
    REFUSED = "refused"


@dataclass(frozen=True)
class Imported:
    slug: str  # as stored: a copy's slug differs from the exercise's own
    outcome: ImportOutcome


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
    # An exercise's slug -> the slug it is stored under, where they differ (copies).
    stored_as: dict[str, str] = field(default_factory=dict)
    errors: list[ExerciseFormatError] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)

    def count(self, outcome: ImportOutcome) -> int:
        return sum(1 for value in self.outcomes.values() if value is outcome)


def import_exercises_from(path: Path, *, course: "Course | None" = None) -> ImportReport:
    """Import every well-formed exercise under path into `course` (None: the library);
    malformed ones are reported, not imported."""
    loaded = load_exercises(path)
    report = ImportReport(errors=list(loaded.errors))
    for spec in loaded.exercises:
        imported = upsert_exercise(spec, course=course)
        report.outcomes[spec.slug] = imported.outcome
        if imported.slug != spec.slug:
            report.stored_as[spec.slug] = imported.slug
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


def copy_slug(slug: str, course: "Course") -> str:
    """The slug of a course's own copy of an exercise whose slug is taken elsewhere."""
    limit = Exercise._meta.get_field("slug").max_length or 100
    suffix = f"-{course.slug}"
    return slug[: limit - len(suffix)] + suffix


def upsert_exercise(spec: ExerciseSpec, *, course: "Course | None" = None) -> Imported:
    """Create or update the exercise in `course` (None: the library); see the module's rule."""
    fields = _fields_from_spec(spec)
    owner_id = course.pk if course is not None else None
    with transaction.atomic():
        slug = spec.slug
        existing = Exercise.objects.select_for_update().filter(slug=slug).first()
        copied = False
        if existing is not None and existing.course_id != owner_id:
            if course is None:
                return Imported(slug, ImportOutcome.REFUSED)
            slug, copied = copy_slug(spec.slug, course), True
            existing = Exercise.objects.select_for_update().filter(slug=slug).first()
            if existing is not None and existing.course_id != owner_id:
                return Imported(slug, ImportOutcome.REFUSED)
        if existing is None:
            Exercise.objects.create(slug=slug, course=course, **fields)
            return Imported(slug, ImportOutcome.COPIED if copied else ImportOutcome.CREATED)
        if existing.content_hash == fields["content_hash"]:
            return Imported(slug, ImportOutcome.UNCHANGED)
        if any(getattr(existing, name) != fields[name] for name in VERDICT_FIELDS):
            existing.version += 1
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        return Imported(slug, ImportOutcome.UPDATED)


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
