"""Who is who: instructors are members of one group, so an admin can grant the role in the admin."""

from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

INSTRUCTORS_GROUP = "Instructors"


def is_instructor(user: User | AnonymousUser) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=INSTRUCTORS_GROUP).exists()


def make_instructor(user: User) -> None:
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    user.groups.add(group)


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views behind login_required."""
    if not isinstance(request.user, User):
        raise PermissionDenied("Log in first.")
    return request.user
