"""An instructor answers a group of their stuck students with the same mistake at once.

The hint is stored as the course's answer to the group's failure signature: every student of
the group gets it in their workspace now, and a later student of the course whose run fails the
same way gets it when they ask for a hint (tutor/assist/services/shared_answers.py).
The group is read again here, never taken from the browser: who gets the hint is whoever is in
the group now, and only students of this instructor's course.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from tutor.assist.models import AiRequest, SharedAnswer
from tutor.assist.services.shared_answers import Recipient, send_teacher_answer
from tutor.courses.access import is_course_instructor
from tutor.courses.models import Course
from tutor.live.mistake_groups import group_of

MAX_HINT_CHARS = 4000


class GroupHintRefused(ValueError):
    """The hint cannot be sent; the message is meant for the instructor."""


@dataclass(frozen=True)
class GroupHintSent:
    answer_id: int
    students: int


def send_group_hint(
    *, instructor: User, course: Course, signature: str, text: str
) -> GroupHintSent:
    if not is_course_instructor(instructor, course):
        raise GroupHintRefused("Only this course's instructors can answer its students.")
    text = text.strip()
    if not text:
        raise GroupHintRefused("Write the hint first.")
    if len(text) > MAX_HINT_CHARS:
        raise GroupHintRefused(f"A hint is at most {MAX_HINT_CHARS} characters.")
    group = group_of(course, signature)
    if group is None:
        raise GroupHintRefused("No student of the course is stuck on this mistake any more.")
    example = group.members[0].failure
    with transaction.atomic():
        answer, _ = SharedAnswer.objects.update_or_create(
            exercise=group.exercise,
            signature=signature,
            kind=AiRequest.Kind.HINT,
            source=SharedAnswer.Source.TEACHER,
            course=course,
            defaults={
                "text": text,
                # The instructor wrote it looking at the example's lines.
                "line": example.signature.line,
                "signature_parts": example.signature.to_dict(),
                "hint_level": None,
                "author": instructor,
                "withdrawn": False,
            },
        )
        sent = send_teacher_answer(
            answer=answer,
            exercise=group.exercise,
            recipients=[
                Recipient(member.student, member.submission.code, member.failure)
                for member in group.members
            ],
        )
    return GroupHintSent(answer_id=answer.pk, students=len(sent))
