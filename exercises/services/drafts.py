"""Autosave: keep the latest code of each student's editor."""

from django.contrib.auth.models import User

from exercises.models import Draft, Exercise
from exercises.services.grading import check_code


def save_draft(student: User, exercise: Exercise, code: str) -> Draft:
    # A form-encoded beacon may turn newlines into CRLF; the editor and the grader use LF.
    code = code.replace("\r\n", "\n")
    check_code(code)
    draft, _ = Draft.objects.update_or_create(
        student=student, exercise=exercise, defaults={"code": code}
    )
    return draft
