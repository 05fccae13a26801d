"""Import exercises from a server folder or an uploaded archive, for the instructor's page.

Both go through the same loader and upsert as `manage.py import_exercises`: a malformed exercise
is reported with its file and problem and imports nothing of itself, while the others import.
What this module adds is the web side: the folder must be an allowed one, the archive is unpacked
safely into a temporary folder first, and the report names files the way the instructor knows
them (inside their archive, not inside /tmp).
"""

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from django.conf import settings

from exercises.loader import ExerciseFormatError, load_exercises
from exercises.models import Exercise
from exercises.services.importing import (
    ImportOutcome,
    ImportWarning,
    import_exercises_from,
    statement_warnings,
    upsert_exercise,
)
from tutor.content.archives import ArchiveLimits, extract_archive
from tutor.content.folders import allowed_folder
from tutor.courses.models import Course

NOTHING_FOUND = (
    "holds no exercise: no folder with exercise.toml (LabTutor's format) or .meta/config.json "
    "(Exercism's) was found"
)


@dataclass(frozen=True)
class ExerciseResult:
    slug: str
    outcome: ImportOutcome
    stored_as: str = ""  # a copy's own slug, when the exercise's was taken elsewhere


@dataclass(frozen=True)
class ReportError:
    file: str  # as the instructor knows it: inside their folder or archive
    problem: str


@dataclass
class ContentImportReport:
    source: str  # the folder or the archive's name
    results: list[ExerciseResult] = field(default_factory=list)
    errors: list[ReportError] = field(default_factory=list)
    warnings: list[ReportError] = field(default_factory=list)  # imported, with a problem

    def count(self, outcome: ImportOutcome) -> int:
        return sum(1 for result in self.results if result.outcome is outcome)

    @property
    def created(self) -> int:
        return self.count(ImportOutcome.CREATED)

    @property
    def updated(self) -> int:
        return self.count(ImportOutcome.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(ImportOutcome.UNCHANGED)

    @property
    def copied(self) -> int:
        return self.count(ImportOutcome.COPIED)

    @property
    def refused(self) -> int:
        return self.count(ImportOutcome.REFUSED)


def archive_limits() -> ArchiveLimits:
    return ArchiveLimits(
        max_archive_bytes=settings.CONTENT_ARCHIVE_MAX_BYTES,
        max_members=settings.CONTENT_ARCHIVE_MAX_FILES,
        max_unpacked_bytes=settings.CONTENT_ARCHIVE_MAX_UNPACKED_BYTES,
    )


def import_roots() -> list[Path]:
    return [Path(root) for root in settings.CONTENT_IMPORT_ROOTS]


def import_folder(path_text: str, *, course: Course | None) -> ContentImportReport:
    """Import from a folder on the server into `course` (None: the library); FolderRefused if
    it is outside the import roots."""
    folder = allowed_folder(path_text, import_roots())
    imported = import_exercises_from(folder, course=course)
    report = ContentImportReport(source=str(folder))
    report.results = [
        ExerciseResult(slug, outcome, imported.stored_as.get(slug, ""))
        for slug, outcome in sorted(imported.outcomes.items())
    ]
    report.errors = [_report_error(error, folder, str(folder)) for error in imported.errors]
    report.warnings = [_report_warning(item, folder, str(folder)) for item in imported.warnings]
    _note_if_empty(report)
    return report


def import_archive(data: IO[bytes], filename: str, *, course: Course | None) -> ContentImportReport:
    """Import from an uploaded .zip or .tar.gz into `course` (None: the library); ArchiveRefused
    if it is unsafe or unreadable.

    An archive that is refused imports nothing: every member is checked while unpacking, before
    the loader reads any exercise.
    """
    name = Path(filename).name or "archive"
    with tempfile.TemporaryDirectory(prefix="labtutor-import-") as scratch:
        root = Path(scratch).resolve()
        extract_archive(data, name, root, archive_limits())
        loaded = load_exercises(root)
        report = ContentImportReport(source=name)
        for spec in loaded.exercises:
            # The temporary folder is gone after this call: record where the exercise came from
            # in words that stay true, and that stay the same when the archive is sent again (the
            # content hash covers this field, so a re-upload reports "unchanged").
            where = Path(spec.source_path).relative_to(root).as_posix()
            source = _fit_source_path(f"{name}/{where}")
            imported = upsert_exercise(replace(spec, source_path=source), course=course)
            stored_as = imported.slug if imported.slug != spec.slug else ""
            report.results.append(ExerciseResult(spec.slug, imported.outcome, stored_as))
            report.warnings.extend(
                _report_warning(item, root, name) for item in statement_warnings(spec)
            )
        report.results.sort(key=lambda result: result.slug)
        report.errors = [_report_error(error, root, name) for error in loaded.errors]
    _note_if_empty(report)
    return report


def _fit_source_path(source: str) -> str:
    """Deep archives make long paths; keep the end, which names the exercise, within the column."""
    limit = Exercise._meta.get_field("source_path").max_length or len(source)
    return source if len(source) <= limit else "…" + source[-(limit - 1) :]


def _report_error(error: ExerciseFormatError, root: Path, label: str) -> ReportError:
    """The error with paths under `root` shown as `label/...`, in its file and its message."""
    return ReportError(
        file=_display_path(error.path, root, label),
        problem=error.problem.replace(str(root), label),
    )


def _report_warning(warning: ImportWarning, root: Path, label: str) -> ReportError:
    return ReportError(file=_display_path(warning.path, root, label), problem=warning.problem)


def _display_path(path: Path, root: Path, label: str) -> str:
    absolute = path if path.is_absolute() else path.absolute()
    if not absolute.is_relative_to(root):
        return str(path)
    relative = absolute.relative_to(root).as_posix()
    return label if relative == "." else f"{label}/{relative}"


def _note_if_empty(report: ContentImportReport) -> None:
    if not report.results and not report.errors:
        report.errors.append(ReportError(file=report.source, problem=NOTHING_FOUND))
