"""Read failures and the answers shared between them: whose run failed how, and what to serve.

The signature is read from the student's latest graded run of the code they ask about, as they
may see it (hidden tests redacted): the same evidence the model's prompt is grounded on.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q

from exercises.models import Exercise, Submission
from exercises.selectors.submissions import redact_result_for_student
from exercises.services.results import StoredResult
from tutor.assist.models import AiRequest, SharedAnswer
from tutor.grounding.signatures import FailureSignature, failure_signature

# Help that answers a failing run: one answer fits everyone whose run fails the same way.
SHAREABLE_KINDS = (AiRequest.Kind.HINT, AiRequest.Kind.EXPLAIN_ERROR)


@dataclass(frozen=True)
class Failure:
    """One failing run of one student: its signature and the key it is stored under."""

    exercise_id: int
    signature: FailureSignature
    key: str

    def to_context(self) -> dict[str, Any]:
        """Kept in the request's context, so the answer written for it can be shared later."""
        return {"signature": self.key, "line": self.signature.line, **self.signature.to_dict()}


def failure_of_submission(submission: Submission, exercise: Exercise) -> Failure | None:
    """The failure of a graded run, or None (passed, not graded, or only hidden tests fail)."""
    result = redact_result_for_student(submission.result)
    if not result:
        return None
    return failure_of_result(exercise, code=submission.code, result=result)


def failure_of_result(exercise: Exercise, *, code: str, result: StoredResult) -> Failure | None:
    """The failure of a result as a student may see it (hidden tests redacted or not run)."""
    signature = failure_signature(
        result, file=exercise.student_filename, source=code, language=exercise.language
    )
    if signature is None:
        return None
    return Failure(exercise.pk, signature, signature.key(exercise.pk))


def failure_of_code(student: User, exercise: Exercise, code: str) -> Failure | None:
    """The failure of the student's latest graded run, when it ran exactly this code: line
    numbers of other code would point at the wrong lines."""
    submission = (
        Submission.objects.filter(student=student, exercise=exercise)
        .exclude(result=None)
        .order_by("-created_at")
        .first()
    )
    if submission is None or submission.code != code:
        return None
    return failure_of_submission(submission, exercise)


def answer_for(
    *,
    exercise: Exercise,
    signature: str,
    kind: str,
    hint_level: int | None,
    course_ids: Collection[int],
) -> SharedAnswer | None:
    """The answer to serve: an instructor's of the student's courses first (any level), then
    the latest the model wrote for this kind and level. None when there is none, or when an
    instructor of the student's course withdrew their course's answer to this mistake."""
    answers = SharedAnswer.objects.filter(exercise=exercise, signature=signature, kind=kind)
    teachers = answers.filter(source=SharedAnswer.Source.TEACHER, course_id__in=course_ids)
    teacher = teachers.order_by("withdrawn", "-updated_at").first()
    if teacher is not None:
        return None if teacher.withdrawn else teacher
    return (
        answers.filter(course=None, hint_level=hint_level, withdrawn=False)
        .exclude(source=SharedAnswer.Source.TEACHER)
        .order_by("-updated_at")
        .first()
    )


def exercises_with_answers(course_id: int) -> list[tuple[Exercise, int]]:
    """Exercises with answers an instructor of the course may review, with how many."""
    counts: dict[int, int] = {}
    for exercise_id in SharedAnswer.objects.filter(
        Q(course=None) | Q(course_id=course_id)
    ).values_list("exercise_id", flat=True):
        counts[exercise_id] = counts.get(exercise_id, 0) + 1
    exercises = Exercise.objects.in_bulk(list(counts))
    return sorted(
        ((exercises[pk], count) for pk, count in counts.items()),
        key=lambda pair: (pair[0].order, pair[0].slug),
    )


def answers_of_exercise(exercise: Exercise, course_id: int) -> list[SharedAnswer]:
    """What an instructor of the course reviews: the model's answers to the exercise's mistakes
    (written ahead first) and the course's own."""
    answers = SharedAnswer.objects.filter(exercise=exercise).filter(
        Q(course=None) | Q(course_id=course_id)
    )
    return sorted(
        answers.select_related("author"),
        key=lambda answer: (
            answer.source != SharedAnswer.Source.AHEAD,
            answer.signature,
            answer.hint_level or 0,
        ),
    )
