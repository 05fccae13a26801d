"""A student who joins a second course brings none of the first course's work to it: the new
course's instructors see what the student does there, and its own review comments only."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from exercises.models import Exercise, Submission
from tests.conftest import enrol_since_term_start, signed_in
from tutor.accounts.roles import make_instructor
from tutor.assist.models import AiRequest
from tutor.courses.models import Course
from tutor.courses.services import create_course, join_by_code
from tutor.review.models import LineComment

pytestmark = pytest.mark.django_db

B_CODE = "def add(a, b):\n    return 'written for course B'\n"
B_QUESTION = "asked in course B"
B_COMMENT = "private remark of course B"


def work(student: User, exercise: Exercise, code: str) -> Submission:
    return Submission.objects.create(
        student=student, exercise=exercise, kind="submit", status="done", code=code
    )


@pytest.fixture
def two_courses(
    instructor: User, course: Course, add_two: Exercise, django_user_model
) -> tuple[User, Course, User, Submission]:
    """`instructor` teaches `course` (A); ben teaches B, where bob did work, asked the AI and got
    ben's comment; then bob joined A with its code. Returns ben, B, bob and bob's B work."""
    ben = django_user_model.objects.create_user("ben", password="ben-password-1")
    make_instructor(ben)
    course_b = create_course("Course B", "course-b", instructors=[ben])
    bob = django_user_model.objects.create_user("bob", password="bob-password-1")
    enrol_since_term_start(course_b, bob)
    in_b = work(bob, add_two, B_CODE)
    AiRequest.objects.create(
        student=bob, exercise=add_two, kind="hint", status="done", context={"question": B_QUESTION}
    )
    LineComment.objects.create(submission=in_b, course=course_b, line=1, body=B_COMMENT, author=ben)
    join_by_code(bob, course.join_code)
    return ben, course_b, bob, in_b


def test_a_joined_students_other_course_work_is_not_visible(
    two_courses: tuple[User, Course, User, Submission], instructor: User, course: Course
) -> None:
    _ben, _course_b, bob, in_b = two_courses
    teacher = signed_in(instructor)
    pages = [
        f"/courses/{course.slug}/analytics/students/{bob.pk}/",
        f"/courses/{course.slug}/analytics/students/{bob.pk}/?format=csv",
        f"/courses/{course.slug}/analytics/",
        f"/courses/{course.slug}/gradebook/?format=csv",
        f"/courses/{course.slug}/review/",
        reverse("assist:log"),
    ]
    for url in pages:
        body = teacher.get(url).content.decode()
        assert "written for course B" not in body and B_QUESTION not in body, url
        assert B_COMMENT not in body, url
    assert teacher.get(f"/courses/{course.slug}/review/{in_b.pk}/").status_code == 404
    # B's instructor still sees all of it.
    ben = signed_in(two_courses[0])
    assert (
        "written for course B" in ben.get(f"/courses/course-b/review/{in_b.pk}/").content.decode()
    )


def test_work_after_joining_is_the_new_courses_with_its_own_comments(
    two_courses: tuple[User, Course, User, Submission], instructor: User, course: Course
) -> None:
    ben, course_b, bob, _in_b = two_courses
    # The same (library) exercise, done after joining A: work of both courses.
    shared = work(bob, Exercise.objects.get(slug="add-two"), "def add(a, b):\n    return a+b\n")
    LineComment.objects.create(
        submission=shared, course=course_b, line=1, body=B_COMMENT, author=ben
    )
    teacher = signed_in(instructor)

    page = teacher.get(f"/courses/{course.slug}/review/{shared.pk}/")

    assert page.status_code == 200
    assert "return a+b" in page.content.decode()
    assert B_COMMENT not in page.content.decode()
    added = teacher.post(
        f"/courses/{course.slug}/review/{shared.pk}/comments/", {"line": "1", "body": "A says hi"}
    )
    assert added.status_code == 302
    assert LineComment.objects.get(body="A says hi").course == course
    assert (
        "A says hi"
        not in signed_in(ben).get(f"/courses/course-b/review/{shared.pk}/").content.decode()
    )
