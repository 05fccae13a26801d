"""An LMS member's LabTutor account and place in the course, from a launch or the roster.

Accounts: an LMS user (django-lti's LtiUser: registration + `sub`) gets a LabTutor account on
first sight, or is linked to an existing student account with the same e-mail address when
exactly one such account exists and it is a plain student account: never to a staff,
administrator or instructor account (an LMS where users edit their own e-mail would otherwise
hand a teacher's account to a student). Later launches use the linked account.
Roles: Instructor, Administrator and ContentDeveloper of the LMS course teach the LabTutor
course (made instructors, named on it); every other role (Learner, Mentor...) is enrolled.
"""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.text import slugify
from lti_tool.models import LtiContext, LtiMembership, LtiUser

from tutor.accounts.roles import make_instructor
from tutor.courses.access import protected_accounts
from tutor.courses.models import Course
from tutor.courses.services import RESERVED_SLUGS, create_course, enrol
from tutor.lti.models import LinkedCourse

USERNAME_LENGTH = 150


@dataclass(frozen=True)
class Place:
    user: User
    course: Course
    teaches: bool


def account_for(lti_user: LtiUser) -> User:
    """The LabTutor account of an LMS user: linked before, linked now, or made now."""
    if lti_user.auth_user_id is not None and lti_user.auth_user is not None:
        _refresh_names(lti_user.auth_user, lti_user)
        return lti_user.auth_user
    with transaction.atomic():
        locked = LtiUser.objects.select_for_update().get(pk=lti_user.pk)
        if locked.auth_user_id is not None:
            return User.objects.get(pk=locked.auth_user_id)
        user = _linkable_account(locked) or _new_account(locked)
        locked.auth_user = user
        locked.save(update_fields=["auth_user", "datetime_modified"])
    lti_user.auth_user = user
    _refresh_names(user, lti_user)
    return user


def _linkable_account(lti_user: LtiUser) -> User | None:
    if not lti_user.email:
        return None
    same_email = get_user_model().objects.filter(email__iexact=lti_user.email, is_active=True)
    candidates = same_email.exclude(pk__in=protected_accounts(same_email).values("pk")).exclude(
        lti_users__isnull=False
    )
    found = list(candidates[:2])
    return found[0] if len(found) == 1 else None


def _new_account(lti_user: LtiUser) -> User:
    base = slugify(lti_user.email.partition("@")[0] or lti_user.name or "lms-user") or "lms-user"
    base = re.sub(r"[^\w.@+-]", "", base)[:40]
    username = f"{base}-lms{lti_user.registration_id}"
    taken = (
        get_user_model()
        .objects.filter(username__startswith=username)
        .values_list("username", flat=True)
    )
    if username in set(taken):
        suffix = 2
        while f"{username}-{suffix}" in set(taken):
            suffix += 1
        username = f"{username}-{suffix}"
    user = get_user_model().objects.create_user(username[:USERNAME_LENGTH], email=lti_user.email)
    user.set_unusable_password()  # they sign in through the LMS
    user.save(update_fields=["password"])
    return user


def _refresh_names(user: User, lti_user: LtiUser) -> None:
    first = (lti_user.given_name or "")[:150]
    last = (lti_user.family_name or "")[:150]
    if (first or last) and (user.first_name, user.last_name) != (first, last):
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])


def course_for(context: LtiContext) -> Course:
    """The LabTutor course of an LMS course: made on its first launch."""
    link = LinkedCourse.objects.select_related("course").filter(context=context).first()
    if link is not None:
        return link.course
    with transaction.atomic():
        link = LinkedCourse.objects.select_for_update().filter(context=context).first()
        if link is not None:
            return link.course
        course = create_course(
            (context.title or context.label or "LMS course")[:200], _free_course_slug(context)
        )
        LinkedCourse.objects.create(context=context, course=course)
    return course


def _free_course_slug(context: LtiContext) -> str:
    base = slugify(context.label or context.title or "lms-course")[:80] or "lms-course"
    slug, number = base, 2
    while slug in RESERVED_SLUGS or Course.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def teaches(membership: LtiMembership) -> bool:
    return (
        membership.is_instructor or membership.is_administrator or membership.is_content_developer
    )


def place(user: User, course: Course, membership: LtiMembership) -> Place:
    """Puts the account where its LMS roles say: teaching the course, or enrolled in it."""
    if teaches(membership):
        make_instructor(user)
        course.instructors.add(user)
        return Place(user=user, course=course, teaches=True)
    enrol(course, user)
    return Place(user=user, course=course, teaches=False)
