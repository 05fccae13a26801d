"""Every table of the analytics pages as rows of plain cells, for the CSV downloads.

The columns follow the pages' tables; times to solve are in minutes, rates in percent.
"""

from tutor.analytics.csv_export import Cell, Table
from tutor.analytics.selectors.exercise import ExerciseReport
from tutor.analytics.selectors.gradebook import Gradebook
from tutor.analytics.selectors.overview import Overview
from tutor.analytics.selectors.progress import Progress
from tutor.analytics.selectors.timeline import StudentReport


def _rounded(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def overview_table(overview: Overview) -> Table:
    return Table(
        headers=[
            "exercise",
            "title",
            "students",
            "attempted",
            "solved",
            "graded runs",
            "pass rate (%)",
            "median time to solve (minutes)",
            "median attempts to solve",
            "hints",
            "students who used hints",
        ],
        rows=[
            [
                row.exercise.slug,
                row.exercise.title,
                overview.enrolled,
                row.attempted,
                row.solved,
                row.graded,
                _rounded(row.pass_rate),
                _rounded(row.median_minutes_to_solve),
                row.median_attempts_to_solve,
                row.hints,
                row.students_with_hints,
            ]
            for row in overview.exercises
        ],
    )


PROGRESS_HEADERS = [
    "status",
    "runs and submits",
    "graded runs",
    "passing graded runs",
    "best submit (% of tests)",
    "attempts to solve",
    "time to solve (minutes)",
    "hints",
    "AI requests",
    "first activity",
    "last activity",
]


def _progress_cells(progress: Progress) -> list[Cell]:
    return [
        progress.status,
        progress.submissions,
        progress.graded,
        progress.graded_passed,
        _rounded(progress.best_submit * 100) if progress.best_submit is not None else None,
        progress.attempts_to_solve,
        progress.time_to_solve,
        progress.hints,
        progress.ai_requests,
        progress.first_activity_at,
        progress.last_activity_at,
    ]


def exercise_students_table(report: ExerciseReport) -> Table:
    return Table(
        headers=["username", "name", *PROGRESS_HEADERS],
        rows=[
            [row.student.username, row.student.get_full_name(), *_progress_cells(row.progress)]
            for row in report.students
        ],
    )


def failing_tests_table(report: ExerciseReport) -> Table:
    return Table(
        headers=["test file", "test", "failing runs", "students"],
        rows=[[test.file, test.name, test.runs, test.students] for test in report.failing_tests],
    )


def error_types_table(report: ExerciseReport) -> Table:
    return Table(
        headers=["error type", "failing runs", "students"],
        rows=[[row.error_type, row.runs, row.students] for row in report.error_types],
    )


def hint_levels_table(report: ExerciseReport) -> Table:
    return Table(
        headers=["hint level", "hints", "students"],
        rows=[[row.level, row.hints, row.students] for row in report.hint_levels],
    )


def student_exercises_table(report: StudentReport) -> Table:
    return Table(
        headers=["exercise", "title", *PROGRESS_HEADERS],
        rows=[
            [row.exercise.slug, row.exercise.title, *_progress_cells(row.progress)]
            for row in report.exercises
        ],
    )


def timeline_table(report: StudentReport) -> Table:
    return Table(
        headers=[
            "time",
            "exercise",
            "what",
            "status",
            "passed",
            "tests passed",
            "tests",
            "hint level",
            "guard verdict",
            "message",
        ],
        rows=[
            [
                event.at,
                event.exercise.slug,
                event.kind,
                event.status,
                event.passed if event.is_submission else None,
                event.tests_passed if event.is_submission else None,
                event.tests_total if event.is_submission else None,
                event.hint_level,
                event.guard_verdict,
                event.message,
            ]
            for event in report.events
        ],
    )


def gradebook_table(book: Gradebook) -> Table:
    """One column per exercise, named "<assignment>: <slug>" inside an assignment, each
    assignment followed by the count of its late grades; then the total."""
    headers = ["username", "name"]
    for section in book.sections:
        prefix = f"{section.assignment.title}: " if section.assignment is not None else ""
        headers += [f"{prefix}{exercise.slug}" for exercise in section.exercises]
        if section.assignment is not None:
            headers.append(f"{section.assignment.title}: late")
    headers.append(f"total (of {book.max_total})")
    rows = []
    for row in book.rows:
        cells: list[Cell] = [row.student.username, row.student.get_full_name()]
        start = 0
        for section in book.sections:
            grades = row.grades[start : start + len(section.exercises)]
            start += len(section.exercises)
            cells += [grade.score for grade in grades]
            if section.assignment is not None:
                cells.append(sum(grade.late for grade in grades))
        cells.append(row.total)
        rows.append(cells)
    return Table(headers=headers, rows=rows)
