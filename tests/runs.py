"""A student's Run graded as the site grades it (in the sandbox), for tests that need its result."""

from django.contrib.auth.models import User

from exercises.models import Exercise, Submission
from exercises.services.grading import grade_submission


def graded_run(student: User, exercise: Exercise, code: str) -> Submission:
    submission = Submission.objects.create(
        student=student, exercise=exercise, code=code, kind=Submission.Kind.RUN
    )
    grade_submission(submission.pk)
    submission.refresh_from_db()
    return submission
