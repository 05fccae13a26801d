"""Migration courses 0002: accounts that exist already get the course whose roster made them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tutor.accounts.roles import make_instructor
from tutor.courses.models import AccountOrigin, Course, Enrollment

BEFORE = [("courses", "0001_initial")]
AFTER = [("courses", "0002_account_origin")]


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def migrate_to_latest() -> None:
    """Back to every app's latest migration: going back to BEFORE also unapplied the other
    apps' migrations that depend on the courses' later ones."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_roster_accounts_get_their_course_and_no_one_else_does() -> None:
    migrate(BEFORE)
    try:
        course = Course.objects.create(name="Python 1", slug="python-1", join_code="ABCDEFGH")
        other = Course.objects.create(name="Python 2", slug="python-2", join_code="HGFEDCBA")
        now = timezone.now()
        from_roster = User.objects.create(username="ann", date_joined=now)
        joined_later = User.objects.create(username="ben", date_joined=now - timedelta(days=3))
        colleague = User.objects.create(username="cat", date_joined=now)
        make_instructor(colleague)
        for user in (from_roster, joined_later, colleague):
            Enrollment.objects.create(course=course, student=user)
        Enrollment.objects.create(course=other, student=from_roster)  # joined later, elsewhere
        Enrollment.objects.filter(course=other).update(joined_at=now + timedelta(days=1))
        migrate(AFTER)
        origins = {o.account.username: o.course.slug for o in AccountOrigin.objects.all()}
        assert origins == {"ann": "python-1"}
    finally:
        migrate_to_latest()
