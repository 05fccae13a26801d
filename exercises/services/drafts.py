"""Autosave: keep the latest code of each student's editor."""

from django.contrib.auth.models import User

from exercises.models import Draft, Exercise
from exercises.services.grading import MAX_CODE_BYTES, CodeRejected


def save_draft(student: User, exercise: Exercise, code: str) -> Draft:
    # A form-encoded beacon may turn newlines into CRLF; the editor and the grader use LF.
    code = code.replace("\r\n", "\n")
    if len(code.encode()) > MAX_CODE_BYTES:
        raise CodeRejected(f"Your code is over {MAX_CODE_BYTES // 1024} KiB; make it shorter.")
    draft, _ = Draft.objects.update_or_create(
        student=student, exercise=exercise, defaults={"code": code}
    )
    return draft
