"""One submission as its reviewer sees it: numbered code with comments, tests, and a diff."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from exercises.models import Submission
from tutor.courses.models import Course
from tutor.courses.records import course_submissions
from tutor.review.diff import AttemptDiff, diff_code
from tutor.review.models import LineComment, ReviewMark, code_lines


@dataclass(frozen=True)
class Attempt:
    number: int  # 1 for the student's first attempt at the exercise
    submission: Submission


@dataclass(frozen=True)
class CodeLine:
    number: int
    text: str
    comments: list[LineComment] = field(default_factory=list)
    failing_tests: list[str] = field(default_factory=list)  # tests whose traceback ends here


@dataclass(frozen=True)
class TestRow:
    name: str
    file: str
    outcome: str
    hidden: bool
    details: dict[str, Any]  # message, expected, actual, stdout, stderr, traceback, line


@dataclass(frozen=True)
class SubmissionReview:
    submission: Submission
    attempts: list[Attempt]
    attempt: Attempt
    previous: Attempt | None
    next: Attempt | None
    against: Attempt | None  # the attempt the diff starts from
    diff: AttemptDiff | None
    lines: list[CodeLine]
    tests: list[TestRow]
    mark: ReviewMark | None
    comment_count: int


def attempts_of(course: Course, submission: Submission) -> list[Attempt]:
    """Every run and submit of this student on this exercise in the course, oldest first."""
    same_exercise: QuerySet[Submission] = (
        course_submissions(course)
        .filter(student_id=submission.student_id, exercise_id=submission.exercise_id)
        .order_by("created_at", "pk")
    )
    return [Attempt(number, row) for number, row in enumerate(same_exercise, start=1)]


def submission_review(
    course: Course, submission: Submission, against_id: int | None = None
) -> SubmissionReview:
    """Everything the review page shows of a submission in `course` (the caller checks that it
    is the course's work), with that course's comments only; the diff starts from `against_id`
    if it is one of the student's attempts at the exercise, else from the attempt before."""
    attempts = attempts_of(course, submission)
    index = next(i for i, attempt in enumerate(attempts) if attempt.submission.pk == submission.pk)
    previous = attempts[index - 1] if index > 0 else None
    following = attempts[index + 1] if index + 1 < len(attempts) else None
    chosen = [
        attempt
        for attempt in attempts
        if attempt.submission.pk == against_id and attempt.submission.pk != submission.pk
    ]
    against = chosen[0] if chosen else previous
    diff = diff_code(against.submission.code, submission.code) if against else None
    comments = list(
        LineComment.objects.filter(submission=submission, course=course).select_related(
            "author", "submission"
        )
    )
    tests = test_rows(submission.result)
    return SubmissionReview(
        submission=submission,
        attempts=attempts,
        attempt=attempts[index],
        previous=previous,
        next=following,
        against=against,
        diff=diff,
        lines=numbered_lines(submission.code, comments, tests),
        tests=tests,
        mark=ReviewMark.objects.select_related("reviewed_by").filter(submission=submission).first(),
        comment_count=len(comments),
    )


def numbered_lines(code: str, comments: list[LineComment], tests: list[TestRow]) -> list[CodeLine]:
    by_line: dict[int, list[LineComment]] = defaultdict(list)
    for comment in comments:
        by_line[comment.line].append(comment)
    failing: dict[int, list[str]] = defaultdict(list)
    for test in tests:
        line = test.details.get("line")
        if test.outcome in {"failed", "error"} and isinstance(line, int):
            failing[line].append(test.name)
    return [
        CodeLine(number, text, by_line.get(number, []), failing.get(number, []))
        for number, text in enumerate(code_lines(code), start=1)
    ]


def test_rows(result: dict[str, Any] | None) -> list[TestRow]:
    """The whole result, hidden tests included: only instructors reach this page."""
    if not result:
        return []
    hidden_files = set(result.get("hidden_files", []))
    return [
        TestRow(
            name=str(test.get("name", "")),
            file=str(test.get("file", "")),
            outcome=str(test.get("outcome", "")),
            hidden=test.get("file") in hidden_files,
            details=test,
        )
        for test in result.get("tests", [])
    ]
