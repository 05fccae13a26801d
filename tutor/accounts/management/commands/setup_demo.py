from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

from tutor.accounts.services import DemoLogin, ensure_admin_account, ensure_demo_accounts
from tutor.courses.services import ensure_demo_course


class Command(BaseCommand):
    help = (
        "Create the demo instructor and student, a demo course that one teaches and the other "
        "takes, and an administrator (once each); print their logins."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        credentials_file = settings.VAR_DIR / "demo-logins.json"
        instructor, student = ensure_demo_accounts(credentials_file)
        admin = ensure_admin_account(credentials_file)
        course = ensure_demo_course(
            instructor=_user(instructor.username), student=_user(student.username)
        )
        for login in (instructor, student, admin):
            self.stdout.write(f"  {login.role:<13} {_described(login)}")
        self.stdout.write(
            f"  The logins are kept in {credentials_file} (readable by this user only)."
        )
        self.stdout.write(
            f"  Demo course: {course.name} (/courses/{course.slug}/), taught by "
            f"{instructor.username}, {student.username} enrolled, join code {course.join_code}."
        )


def _described(login: DemoLogin) -> str:
    if login.password is None:
        return (
            f"username: {login.username:<8} password: set outside setup, not shown "
            f"(manage.py changepassword {login.username} sets a new one)"
        )
    return f"username: {login.username:<8} password: {login.password}"


def _user(username: str) -> User:
    return get_user_model().objects.get(username=username)
