"""The class's mistakes: the stuck students of a course grouped by their failure's signature.

A group is the stuck students (tutor/live/selectors.py) whose latest graded run on their current
exercise fails the same way (tutor/grounding/signatures.py): "3 students: loop bound off by
one, line 4", with one example and who. Each group carries the answer a student of it would be
served now (the course's instructor's, else the model's), for the instructor to approve, edit
or replace (tutor/live/services/group_hints.py).

Costs two queries for the runs beside live_rows' own, and one per group for its answer.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from django.contrib.auth.models import User

from exercises.models import Exercise, Submission
from tutor.assist.models import AiRequest, SharedAnswer
from tutor.assist.selectors.shared_answers import Failure, answer_for, failure_of_submission
from tutor.courses.models import Course
from tutor.grounding.signatures import FailureSignature, renumbered
from tutor.live.selectors import LiveRow, live_rows

EXAMPLE_LINES_AROUND = 2
# The hint level whose answer a group shows: the first a student asks for.
GROUP_HINT_LEVEL = 1


class GroupStudent(TypedDict):
    student_id: int
    username: str
    name: str
    line: int | None  # the localised line in this student's code


class GroupExample(TypedDict):
    username: str
    line: int | None
    first_line: int  # the number of the first line of `code`
    code: str  # a few lines around the localised one


class GroupAnswer(TypedDict):
    id: int
    source: str  # "model", "ahead" or "teacher"
    text: str  # with the example's line numbers


class MistakeGroupPayload(TypedDict):
    """One group of the live view's `groups` message (docs/websocket-protocol.md)."""

    signature: str
    exercise: dict[str, Any]
    label: str
    error_type: str
    failing_tests: list[str]
    line_source: str
    students: list[GroupStudent]
    example: GroupExample
    answer: GroupAnswer | None


@dataclass(frozen=True)
class Member:
    """A stuck student of a group, their failing run and its failure."""

    student: User
    submission: Submission
    failure: Failure


@dataclass(frozen=True)
class MistakeGroup:
    exercise: Exercise
    members: tuple[Member, ...]

    @property
    def signature(self) -> str:
        return self.members[0].failure.key


def mistake_groups(course: Course, *, rows: list[LiveRow] | None = None) -> list[MistakeGroup]:
    """The course's stuck students grouped by failure, largest group first."""
    rows = live_rows(course) if rows is None else rows
    current = {
        row["student_id"]: row["exercise"]["id"] for row in rows if row["stuck"] and row["exercise"]
    }
    if not current:
        return []
    exercises = Exercise.objects.in_bulk(set(current.values()))
    students = User.objects.in_bulk(list(current))
    grouped: dict[str, list[Member]] = {}
    for submission in _latest_graded_runs(current):
        exercise = exercises[submission.exercise_id]
        failure = failure_of_submission(submission, exercise)
        if failure is not None:
            member = Member(students[submission.student_id], submission, failure)
            grouped.setdefault(failure.key, []).append(member)
    groups = [
        MistakeGroup(exercises[members[0].submission.exercise_id], _by_username(members))
        for members in grouped.values()
    ]
    return sorted(
        groups, key=lambda group: (-len(group.members), group.members[0].student.username)
    )


def group_of(course: Course, signature: str) -> MistakeGroup | None:
    """The course's group with this signature now, or None (its students moved on)."""
    return next((group for group in mistake_groups(course) if group.signature == signature), None)


def group_payloads(course: Course, groups: Iterable[MistakeGroup]) -> list[MistakeGroupPayload]:
    return [_payload(course, group) for group in groups]


def _latest_graded_runs(current: dict[int, int]) -> list[Submission]:
    """Each student's latest graded run on their current exercise (one query for the ids, one
    for the runs)."""
    candidates = (
        Submission.objects.filter(
            student_id__in=list(current),
            exercise_id__in=set(current.values()),
            status=Submission.Status.DONE,
        )
        .exclude(result=None)
        .order_by("student_id", "-created_at")
        .values_list("pk", "student_id", "exercise_id")
    )
    latest: dict[int, int] = {}
    for pk, student_id, exercise_id in candidates:
        if current[student_id] == exercise_id:
            latest.setdefault(student_id, pk)
    return list(Submission.objects.filter(pk__in=latest.values()))


def _by_username(members: list[Member]) -> tuple[Member, ...]:
    return tuple(sorted(members, key=lambda member: member.student.username))


def _payload(course: Course, group: MistakeGroup) -> MistakeGroupPayload:
    example = group.members[0]
    signature = example.failure.signature
    answer = answer_for(
        exercise=group.exercise,
        signature=group.signature,
        kind=AiRequest.Kind.HINT,
        hint_level=GROUP_HINT_LEVEL,
        course_ids=[course.pk],
    )
    return MistakeGroupPayload(
        signature=group.signature,
        exercise={
            "id": group.exercise.pk,
            "slug": group.exercise.slug,
            "title": group.exercise.title,
        },
        label=_label(answer, signature),
        error_type=signature.error_type,
        failing_tests=list(signature.failing_tests),
        line_source=signature.line_source,
        students=[
            GroupStudent(
                student_id=member.student.pk,
                username=member.student.username,
                name=member.student.get_full_name(),
                line=member.failure.signature.line,
            )
            for member in group.members
        ],
        example=_example(example),
        answer=_answer(answer, example) if answer is not None else None,
    )


def _label(answer: SharedAnswer | None, signature: FailureSignature) -> str:
    """What the mistake is, when an answer written ahead knows it; else its line and error."""
    if answer is not None and answer.label and signature.line:
        return f"{answer.label}, line {signature.line}"
    return signature.describe()


def _example(member: Member) -> GroupExample:
    line = member.failure.signature.line
    lines = member.submission.code.splitlines()
    first = max((line or 1) - EXAMPLE_LINES_AROUND, 1)
    last = min((line or 1) + EXAMPLE_LINES_AROUND, len(lines))
    return GroupExample(
        username=member.student.username,
        line=line,
        first_line=first,
        code="\n".join(lines[first - 1 : last]),
    )


def _answer(answer: SharedAnswer, example: Member) -> GroupAnswer:
    text = renumbered(
        answer.text, written_for_line=answer.line, reader_line=example.failure.signature.line
    )
    return GroupAnswer(id=answer.pk, source=answer.source, text=text)
