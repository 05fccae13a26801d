"""What belongs to one course: its exercises and its students' work in it.

- A course's exercises are its own and the shared library's, less the library exercises the
  course hides (HiddenLibraryExercise). The library is read-only to a course.
- A student's work in a course is what they did, since they enrolled in it, on the course's
  exercises. Work in another course (its own exercises, or anything done before joining this
  one) stays with that course: joining a course hands nothing over.

Every instructor page that shows a course's exercises or a student's work reads through here, as
every instructor action checks tutor/courses/access.py. (A course's AI requests:
tutor/assist/selectors/requests.py, course_ai_requests, on the same rule.)
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from exercises.models import Exercise, Submission
from tutor.courses.models import Course, Enrollment, HiddenLibraryExercise


def owned_or_library(course: Course, prefix: str = "") -> Q:
    """Exercises (or rows whose exercise is at `prefix`) the course owns or the library holds."""
    return Q(**{f"{prefix}course": course}) | Q(**{f"{prefix}course__isnull": True})


def course_exercises(course: Course) -> QuerySet[Exercise]:
    """The exercises the course uses, hidden ones included (its own and the library's)."""
    hidden_here = HiddenLibraryExercise.objects.filter(course=course).values("exercise_id")
    return Exercise.objects.filter(owned_or_library(course)).exclude(
        Q(course__isnull=True) & Q(pk__in=hidden_here)
    )


def listed_course_exercises(course: Course) -> QuerySet[Exercise]:
    """What the course's students are offered: its exercises that are not hidden."""
    return course_exercises(course).filter(is_hidden=False)


def in_course(course: Course) -> Q:
    """Rows (submissions, AI requests) that are a student's work in this course: see the module."""
    enrolled_before = Enrollment.objects.filter(
        course=course, student_id=OuterRef("student_id"), joined_at__lte=OuterRef("created_at")
    )
    return Q(Exists(enrolled_before)) & owned_or_library(course, prefix="exercise__")


def course_submissions(course: Course) -> QuerySet[Submission]:
    return Submission.objects.filter(in_course(course))
