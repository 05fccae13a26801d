"""An instructor reviews the answers shared for an exercise's mistakes, for their course.

The model's answers (written ahead, or for a student) serve every course, so an instructor's
edit or approval never changes them: it becomes their course's own answer to that mistake,
served to their students first (tutor/assist/selectors/shared_answers.py). Withdrawing one of
the model's answers stops sharing any answer to that mistake in their course (their students
get the model's own); their course's answers they edit, withdraw and restore in place.
"""

from django.contrib.auth.models import User

from tutor.assist.models import SharedAnswer
from tutor.courses.access import is_course_instructor
from tutor.courses.models import Course
from tutor.live.services.group_hints import MAX_HINT_CHARS, GroupHintRefused

ACTIONS = ("save", "withdraw", "restore")


def review_answer(
    *, instructor: User, course: Course, answer: SharedAnswer, action: str, text: str = ""
) -> SharedAnswer:
    """Apply the instructor's action; the answer their course now has for that mistake."""
    if not is_course_instructor(instructor, course):
        raise GroupHintRefused("Only this course's instructors can review its answers.")
    if answer.course_id not in (None, course.pk):
        raise GroupHintRefused("That answer belongs to another course.")
    if action not in ACTIONS:
        raise GroupHintRefused(f"Unknown action {action!r}.")
    text = text.strip() or answer.text
    if len(text) > MAX_HINT_CHARS:
        raise GroupHintRefused(f"An answer is at most {MAX_HINT_CHARS} characters.")
    own = answer if answer.course_id == course.pk else _course_copy(course, answer)
    own.author = instructor
    if action == "save":
        own.text, own.withdrawn = text, False
    elif action == "withdraw":
        own.withdrawn = True
    else:
        own.withdrawn = False
    own.save()
    return own


def _course_copy(course: Course, answer: SharedAnswer) -> SharedAnswer:
    """The course's own answer to the same mistake (one per mistake), started from the model's."""
    own = SharedAnswer.objects.filter(
        exercise_id=answer.exercise_id,
        signature=answer.signature,
        kind=answer.kind,
        source=SharedAnswer.Source.TEACHER,
        course=course,
    ).first()
    if own is not None:
        return own
    return SharedAnswer(
        exercise_id=answer.exercise_id,
        signature=answer.signature,
        signature_parts=answer.signature_parts,
        kind=answer.kind,
        hint_level=None,
        source=SharedAnswer.Source.TEACHER,
        label=answer.label,
        text=answer.text,
        line=answer.line,
        course=course,
    )
