"""Assignments: the teacher's form refuses what cannot be, students see what is open and due,
and the gradebook and its CSV follow the assignments, marking late grades."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from exercises.models import Exercise, Submission
from tests.conftest import signed_in
from tutor.accounts.roles import make_instructor
from tutor.courses.assignments import assignments_for_student, create_assignment
from tutor.courses.models import Assignment, Course
from tutor.courses.services import create_course

pytestmark = pytest.mark.django_db

FORMAT = "%Y-%m-%dT%H:%M"


def form(title: str, opens: timedelta, due: timedelta, *slugs: str) -> dict[str, object]:
    now = timezone.localtime()
    return {
        "title": title,
        "opens_at": (now + opens).strftime(FORMAT),
        "due_at": (now + due).strftime(FORMAT),
        "exercises": list(slugs),
    }


def graded_submit(student: User, exercise: Exercise, passed: bool, at: timedelta) -> None:
    submission = Submission.objects.create(
        student=student,
        exercise=exercise,
        kind="submit",
        status="done",
        code="x",
        passed=passed,
        tests_passed=3 if passed else 1,
        tests_total=3,
    )
    Submission.objects.filter(pk=submission.pk).update(created_at=timezone.now() + at)


def test_the_form_creates_an_assignment_and_refuses_what_cannot_be(
    instructor: User, course: Course, add_two: Exercise
) -> None:
    teacher = signed_in(instructor)
    url = f"/courses/{course.slug}/assignments/"
    backwards = teacher.post(url, form("Week 0", timedelta(days=2), timedelta(days=1), "add-two"))
    assert backwards.status_code == 400
    assert "must come after the opening" in backwards.content.decode()
    nothing = teacher.post(url, form("Week 0", timedelta(0), timedelta(days=1)))
    assert nothing.status_code == 400 and not Assignment.objects.exists()

    made = teacher.post(url, form("Week 1", timedelta(0), timedelta(days=7), "add-two"))
    assert made.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.course == course and list(assignment.exercises.all()) == [add_two]
    twice = teacher.post(url, form("Week 2", timedelta(0), timedelta(days=9), "add-two"))
    assert twice.status_code == 400 and "already in the assignment Week 1" in twice.content.decode()


def test_another_courses_exercises_and_instructors_are_refused(
    instructor: User, course: Course, add_two: Exercise, django_user_model
) -> None:
    other = django_user_model.objects.create_user("ben", password="ben-password-1")
    make_instructor(other)
    other_course = create_course("Other", "other", instructors=[other])
    theirs = Exercise.objects.create(
        slug="theirs", title="Theirs", topic="t", difficulty="easy", order=1, module="m",
        statement_md="", starter_code="", solution_code="", source_format="labtutor",
        content_hash="x", course=other_course,
    )  # fmt: skip
    url = f"/courses/{course.slug}/assignments/"
    own_teacher = signed_in(instructor).post(
        url, form("W", timedelta(0), timedelta(days=1), theirs.slug)
    )
    assert own_teacher.status_code == 400 and not Assignment.objects.exists()
    intruder = signed_in(other).post(url, form("W", timedelta(0), timedelta(days=1), "add-two"))
    assert intruder.status_code == 403 and not Assignment.objects.exists()


def test_students_see_open_assignments_of_their_courses_with_late_work_marked(
    student: User, course: Course, add_two: Exercise, django_user_model
) -> None:
    now = timezone.now()
    create_assignment(
        course=course, title="Past", opens_at=now - timedelta(days=3),
        due_at=now - timedelta(days=1), exercises=[add_two],
    )  # fmt: skip
    create_assignment(
        course=course, title="Not yet open", opens_at=now + timedelta(days=1),
        due_at=now + timedelta(days=2), exercises=[],
    )  # fmt: skip
    graded_submit(student, add_two, passed=True, at=timedelta(hours=-1))

    [due] = assignments_for_student(student)
    assert due.assignment.title == "Past" and due.past_due
    assert [(row.exercise.slug, row.status) for row in due.exercises] == [
        ("add-two", "solved late")
    ]
    outsider = django_user_model.objects.create_user("outsider", password="pw-out-1234")
    assert assignments_for_student(outsider) == []
    page = signed_in(student).get("/exercises/").content.decode()
    assert "Past" in page and "solved late" in page and "Not yet open" not in page


def test_the_gradebook_and_its_csv_follow_assignments_and_mark_late_grades(
    instructor: User, student: User, course: Course, add_two: Exercise, exercism_exercises
) -> None:
    now = timezone.now()
    two_fer = exercism_exercises["two-fer"]
    create_assignment(
        course=course, title="Week 1", opens_at=now - timedelta(days=8),
        due_at=now - timedelta(days=1), exercises=[two_fer],
    )  # fmt: skip
    graded_submit(student, two_fer, passed=False, at=timedelta(days=-2))  # on time: 1/3
    graded_submit(student, two_fer, passed=True, at=timedelta(hours=-2))  # late: 3/3
    graded_submit(student, add_two, passed=True, at=timedelta(days=-3))

    response = signed_in(instructor).get(f"/courses/{course.slug}/gradebook/?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    headers, alice = rows[0], rows[1]
    assert headers[2:4] == ["Week 1: two-fer", "Week 1: late"]
    assert alice[2:4] == ["100.0", "1"]
    page = signed_in(instructor).get(f"/courses/{course.slug}/gradebook/").content.decode()
    assert 'class="late small-text"' in page and "Week 1" in page

    # A better Submit on time would not be late, even with a late one beside it.
    graded_submit(student, two_fer, passed=True, at=timedelta(days=-2))
    again = signed_in(instructor).get(f"/courses/{course.slug}/gradebook/?format=csv")
    assert list(csv.reader(io.StringIO(again.content.decode("utf-8-sig"))))[1][3] == "0"
