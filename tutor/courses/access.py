"""Who may act on a course and on a student account: the one access rule, written once.

Every instructor view and socket that acts on a course or on a student asks here.

- A course is managed by the instructors named on it and by administrators (active
  superusers); being in the Instructors group is not enough.
- A student's work in a course is seen by whoever manages the course, for students enrolled in
  it (they joined with its code, or its roster added them).
- A student *account* (its password, its name, enrolling it elsewhere) is managed by
  administrators, and by the instructors of the course whose roster created it
  (AccountOrigin): never by an instructor whose course the student merely joined, so that
  enrolling someone cannot hand their account to another course. Staff, superuser and
  instructor accounts are managed by administrators only.
- An exercise is changed (edited, hidden for everyone, imported over) by whoever manages its
  course; a library exercise (no course) by administrators and by instructors given the
  library permission (exercises.change_library). A course hides a library exercise for itself
  only (tutor/courses/records.py).

Imports only models and roles: live, review, analytics, content and assist import this module,
never the other way round.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from exercises.models import LIBRARY_PERMISSION, Exercise
from tutor.accounts.roles import INSTRUCTORS_GROUP
from tutor.courses.models import Course

Someone = User | AnonymousUser | None


def is_administrator(user: Someone) -> bool:
    return isinstance(user, User) and user.is_active and user.is_superuser


# ---- Courses ---------------------------------------------------------------------------------


def is_course_instructor(user: Someone, course: Course) -> bool:
    """Instructors named on the course and administrators: the Instructors group is not enough."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_superuser or course.instructors.filter(pk=user.pk).exists()


def managed_course(user: Someone, slug: str) -> Course | None:
    """The course with this slug if `user` manages it; None if unknown or not theirs."""
    course = Course.objects.filter(slug=slug).first()
    if course is None or not is_course_instructor(user, course):
        return None
    return course


def taught_course(user: Someone, slug: str) -> Course:
    """For views: the course if `user` manages it; Http404 if unknown, PermissionDenied if not."""
    course = Course.objects.filter(slug=slug).first()
    if course is None:
        raise Http404("No such course.")
    if not is_course_instructor(user, course):
        raise PermissionDenied("Only this course's instructors can do this.")
    return course


def enrolled_student(course: Course, student_id: int) -> User | None:
    """A student of the course, by id; None for anyone else (so: 404, whoever they are)."""
    return User.objects.filter(pk=student_id, enrollments__course=course).first()


# ---- Exercises -------------------------------------------------------------------------------


def may_change_library(user: Someone) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(LIBRARY_PERMISSION)


def may_change_exercise(user: Someone, exercise: Exercise) -> bool:
    if exercise.course is None:
        return may_change_library(user)
    return is_course_instructor(user, exercise.course)


def readable_exercises(user: Someone) -> QuerySet[Exercise]:
    """The exercises an instructor's pages show `user`: the library and their courses' own."""
    if is_administrator(user):
        return Exercise.objects.all()
    if not isinstance(user, User) or not user.is_active:
        return Exercise.objects.none()
    return Exercise.objects.filter(Q(course__isnull=True) | Q(course__instructors=user)).distinct()


# ---- Accounts --------------------------------------------------------------------------------


def protected_accounts(users: QuerySet[User]) -> QuerySet[User]:
    """Of these, the accounts only an administrator manages: staff, superusers, instructors."""
    return users.filter(
        Q(is_staff=True)
        | Q(is_superuser=True)
        | Q(groups__name=INSTRUCTORS_GROUP)
        | Q(taught_courses__isnull=False)
    ).distinct()


def manageable_accounts(user: Someone, accounts: QuerySet[User]) -> QuerySet[User]:
    """Of `accounts`, those `user` may manage (rename, reset, enrol): see the module's rule."""
    if is_administrator(user):
        return accounts
    if not isinstance(user, User) or not user.is_active:
        return accounts.none()
    created_here = accounts.filter(account_origin__course__instructors=user)
    return created_here.exclude(pk__in=protected_accounts(accounts).values("pk"))


def may_manage_account(user: Someone, account: User) -> bool:
    return manageable_accounts(user, User.objects.filter(pk=account.pk)).exists()


def managed_student(user: Someone, course: Course, student_id: int) -> User | None:
    """A student of the course whose account `user` may manage; None otherwise."""
    student = enrolled_student(course, student_id)
    if student is None or not may_manage_account(user, student):
        return None
    return student
