"""Exercise versions: changing the tests makes a new version, graded submissions keep theirs,
the gradebook says which grades came from older tests, and a queued regrade shows its progress."""

import re
import shutil
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client

from exercises.models import Exercise, Submission
from exercises.services.grading import grade_submission
from exercises.services.importing import ImportOutcome, import_exercises_from
from tests.conftest import FIXTURES, enrol_since_term_start
from tutor.accounts.roles import make_instructor
from tutor.analytics.selectors.gradebook import gradebook
from tutor.courses.models import Course
from tutor.courses.services import create_course

pytestmark = pytest.mark.django_db

STUDENTS = 20
SUBMITS_EACH = 2  # 40 graded Submits in all
RIGHT = "def add(a, b):\n    return a + b\n"
# Passes version 1's tests (4141 + 1) and fails version 2's (a negative number).
ONLY_POSITIVE = "def add(a, b):\n    return abs(a) + abs(b)\n"
VERSION_2_HIDDEN = (
    "from adder import add\n\n\ndef test_adds_negatives():\n    assert add(-2, 1) == -1\n"
)
OLDER_MARK = 'class="older-tests'  # a grade's "(older tests)" mark


def new_version_of_add_two(tmp_path: Path) -> Exercise:
    """add-two imported again with one more hidden test: version 2."""
    folder = tmp_path / "v2"
    shutil.copytree(FIXTURES / "native" / "add-two", folder / "add-two")
    (folder / "add-two" / "test_hidden.py").write_text(VERSION_2_HIDDEN)
    report = import_exercises_from(folder)
    assert report.outcomes == {"add-two": ImportOutcome.UPDATED}
    return Exercise.objects.get(slug="add-two")


@pytest.fixture
def graded_class(course: Course, add_two: Exercise, django_user_model) -> list[Submission]:
    """40 Submits of 20 students, graded for real on version 1."""
    made = []
    for number in range(STUDENTS):
        pupil = django_user_model.objects.create_user(f"pupil{number:02d}", password="pw-x-1234")
        enrol_since_term_start(course, pupil)
        for code in (RIGHT, ONLY_POSITIVE)[:SUBMITS_EACH]:
            made.append(
                Submission.objects.create(student=pupil, exercise=add_two, code=code, kind="submit")
            )
    for submission in made:
        grade_submission(submission.pk)
    return made


def progress_line(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    found = re.search(r'class="regrade-count">([^<]+)<', page)
    assert found, page
    return found.group(1)


def test_changing_the_tests_makes_a_version_and_old_submissions_keep_theirs(
    add_two: Exercise, tmp_path: Path, student: User
) -> None:
    old = Submission.objects.create(student=student, exercise=add_two, code=RIGHT, kind="submit")
    grade_submission(old.pk)
    assert Submission.objects.get(pk=old.pk).exercise_version == 1 == add_two.version

    assert new_version_of_add_two(tmp_path).version == 2
    assert Submission.objects.get(pk=old.pk).exercise_version == 1
    new = Submission.objects.create(student=student, exercise=add_two, code=RIGHT, kind="submit")
    grade_submission(new.pk)
    assert Submission.objects.get(pk=new.pk).exercise_version == 2
    # A statement-only change is not a new version.
    again = tmp_path / "v2b"
    shutil.copytree(tmp_path / "v2", again)
    (again / "add-two" / "statement.md").write_text("# Add two numbers\n\nReworded.\n")
    import_exercises_from(again)
    assert Exercise.objects.get(slug="add-two").version == 2


def test_a_regrade_of_40_submissions_completes_with_progress_shown(
    graded_class: list[Submission],
    course: Course,
    instructor: User,
    add_two: Exercise,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert all(row.exercise_version == 1 for row in Submission.objects.filter(kind="submit"))
    new_version_of_add_two(tmp_path)
    book = gradebook(course)
    column = book.exercises.index(add_two)
    older = [row.grades[column].older_tests for row in book.rows]
    assert sum(older) == STUDENTS  # every pupil (alice has no Submit: no grade, no mark)
    client = Client()
    client.force_login(instructor)
    assert OLDER_MARK in client.get(f"/courses/{course.slug}/gradebook/").content.decode()

    with (
        mock.patch("exercises.tasks.grade_submission_task.delay") as enqueued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(f"/courses/{course.slug}/analytics/exercises/add-two/regrade/")
    assert response.status_code == 302
    queued = [call.args[0] for call in enqueued.call_args_list]
    assert sorted(queued) == sorted(row.pk for row in graded_class)
    url = response["Location"]
    assert progress_line(client, url) == "0 of 40"
    assert '<meta http-equiv="refresh"' in client.get(url).content.decode()

    # The runners take the queue: progress as they go.
    for submission_id in queued[:25]:
        grade_submission(submission_id)
    assert progress_line(client, url) == "25 of 40"
    for submission_id in queued[25:]:
        grade_submission(submission_id)
    final = client.get(url).content.decode()
    assert progress_line(client, url) == "40 of 40" and "Done" in final
    assert '<meta http-equiv="refresh"' not in final
    regraded = Submission.objects.filter(pk__in=queued)
    assert {row.exercise_version for row in regraded} == {2}
    # Version 2's new test fails the abs() solution: the verdicts follow the new tests.
    assert not any(row.passed for row in regraded.filter(code=ONLY_POSITIVE))
    assert all(row.passed for row in regraded.filter(code=RIGHT))
    assert OLDER_MARK not in client.get(f"/courses/{course.slug}/gradebook/").content.decode()
    print(f"\nregrade: {len(queued)} submissions, progress 0 -> 25 -> 40 of 40")


def test_another_courses_instructor_cannot_regrade(
    course: Course, add_two: Exercise, django_user_model
) -> None:
    other = django_user_model.objects.create_user("other-teacher", password="pw-other-1")
    make_instructor(other)
    create_course("Other", "other", instructors=[other])
    client = Client()
    client.force_login(other)
    response = client.post(f"/courses/{course.slug}/analytics/exercises/add-two/regrade/")
    assert response.status_code == 403
