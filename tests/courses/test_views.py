"""POST /courses/<slug>/exam-mode/: the course's instructors only."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client

from exercises.models import Exercise
from tutor.accounts.roles import make_instructor
from tutor.assist.models import AiRequest
from tutor.courses.models import Course
from tutor.courses.services import create_course

pytestmark = pytest.mark.django_db

URL = "/courses/python-1/exam-mode/"


def logged_in(user: User, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client


def exam_mode(course: Course) -> bool:
    course.refresh_from_db()
    return course.exam_mode


def test_the_courses_instructor_turns_exam_mode_on_and_off(
    course: Course, instructor: User, student: User, add_two: Exercise
) -> None:
    queued = AiRequest.objects.create(student=student, exercise=add_two, kind="hint")
    client = logged_in(instructor)
    response = client.post(URL, {"on": "1"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {
        "course": "python-1",
        "exam_mode": True,
        "stopped_requests": [queued.pk],
    }
    assert exam_mode(course)
    assert AiRequest.objects.get(pk=queued.pk).status == "cancelled"

    response = client.post(URL, {"on": "0", "next": "/exercises/"})
    assert response.status_code == 302 and response["Location"] == "/exercises/"
    assert not exam_mode(course)

    # An outside `next` is not followed.
    response = client.post(URL, {"on": "1", "next": "http://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == f"/admin/courses/course/{course.pk}/change/"
    assert client.post(URL, {"on": "maybe"}).status_code == 400


def test_students_and_other_instructors_get_403(course: Course, student: User) -> None:
    assert logged_in(student).post(URL, {"on": "1"}).status_code == 403
    other = get_user_model().objects.create_user("other-teacher", password="pw-other-teacher")
    make_instructor(other)
    create_course("Other", "other", instructors=[other])
    assert logged_in(other).post(URL, {"on": "1"}).status_code == 403
    assert not exam_mode(course)


def test_anonymous_visitors_are_sent_to_log_in(course: Course) -> None:
    response = Client().post(URL, {"on": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not exam_mode(course)


def test_it_needs_post_and_a_csrf_token(course: Course, instructor: User) -> None:
    assert logged_in(instructor).get(URL).status_code == 405
    strict = logged_in(instructor, enforce_csrf_checks=True)
    assert strict.post(URL, {"on": "1"}).status_code == 403
    assert not exam_mode(course)


def test_an_unknown_course_is_404(instructor: User, db: None) -> None:
    assert logged_in(instructor).post("/courses/nope/exam-mode/", {"on": "1"}).status_code == 404


def test_the_admin_lists_courses_and_starts_an_exam(
    course: Course, student: User, add_two: Exercise
) -> None:
    queued = AiRequest.objects.create(student=student, exercise=add_two, kind="hint")
    admin = get_user_model().objects.create_superuser("root", password="pw-root-admin")
    client = logged_in(admin)
    for page in ("course", "enrollment", "exercisepolicy"):
        assert client.get(f"/admin/courses/{page}/").status_code == 200
    assert client.get(f"/admin/courses/course/{course.pk}/change/").status_code == 200
    response = client.post(
        "/admin/courses/course/",
        {"action": "start_exam", "_selected_action": [course.pk]},
    )
    assert response.status_code == 302
    assert exam_mode(course)
    assert AiRequest.objects.get(pk=queued.pk).status == "cancelled"
