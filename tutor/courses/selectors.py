"""Read courses: who teaches and who takes them, and the policy in force on an exercise."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

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


def is_course_instructor(user: User | AnonymousUser, course: Course) -> bool:
    """Instructors named on the course and superusers: the Instructors group is not enough."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_superuser or course.instructors.filter(pk=user.pk).exists()
