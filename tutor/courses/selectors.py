"""Read courses: who teaches and who takes them, and the policy in force on an exercise."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from tutor.courses.access import is_course_instructor
from tutor.courses.models import Course
from tutor.courses.policy import AiPolicy, effective_ai_policy

__all__ = [
    "AiPolicy",
    "course_by_slug",
    "courses_of_student",
    "courses_taught_by",
    "effective_ai_policy",
    "is_course_instructor",
]


def course_by_slug(slug: str) -> Course | None:
    return Course.objects.filter(slug=slug).first()


def courses_of_student(student: User) -> QuerySet[Course]:
    return Course.objects.filter(enrollments__student=student)


def courses_taught_by(user: User) -> QuerySet[Course]:
    return Course.objects.filter(instructors=user)
