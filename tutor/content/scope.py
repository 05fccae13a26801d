"""Where an instructor manages exercises: one of the courses they teach, or the shared library.

Every content page works inside one scope, chosen with ?in=<course slug> or ?in=library, and
never reaches an exercise outside it (tutor/courses/access.py decides which scopes a user has).
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from tutor.courses.access import Someone, is_administrator, may_change_library
from tutor.courses.models import Course

LIBRARY_KEY = "library"


@dataclass(frozen=True)
class ContentScope:
    course: Course | None  # None: the shared library

    @property
    def key(self) -> str:
        return self.course.slug if self.course is not None else LIBRARY_KEY

    @property
    def label(self) -> str:
        return self.course.name if self.course is not None else "Shared library"


def content_scopes(user: Someone) -> list[ContentScope]:
    """The courses `user` teaches (every course for administrators), then the library if they
    may change it."""
    courses = Course.objects.order_by("name")
    if not is_administrator(user):
        if isinstance(user, User) and user.is_active:
            courses = courses.filter(instructors=user)
        else:
            courses = courses.none()
    scopes = [ContentScope(course) for course in courses]
    if may_change_library(user):
        scopes.append(ContentScope(None))
    return scopes


def content_scope(user: Someone, key: str) -> ContentScope:
    """The scope `key` names (the first one when empty); PermissionDenied if it is not `user`'s."""
    scopes = content_scopes(user)
    if not scopes:
        raise PermissionDenied("You teach no course and may not change the library.")
    if not key:
        return scopes[0]
    for scope in scopes:
        if scope.key == key:
            return scope
    raise PermissionDenied("You can manage the exercises of your own courses only.")
