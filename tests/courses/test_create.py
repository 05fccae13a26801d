"""Instructors create their own courses from the Courses page."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client

from tutor.accounts.roles import make_instructor
from tutor.courses.models import Course
from tutor.courses.selectors import is_course_instructor
from tutor.courses.services import create_course

pytestmark = pytest.mark.django_db

NEW = "/courses/new/"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_first_visit_explains_the_next_step_with_a_button(instructor: User) -> None:
    page = logged_in(instructor).get("/courses/").content.decode()
    assert "You teach no course yet" in page
    assert f'action="{NEW}"' in page and "Create the course</button>" in page
    assert "in the admin" not in page


def test_an_instructor_creates_a_course_they_teach(instructor: User) -> None:
    client = logged_in(instructor)
    response = client.post(NEW, {"name": "Python 1, Tuesday group", "slug": ""})

    course = Course.objects.get()
    assert course.slug == "python-1-tuesday-group"
    assert response.status_code == 302 and response["Location"] == f"/courses/{course.slug}/"
    assert is_course_instructor(instructor, course)
    page = client.get(response["Location"]).content.decode()
    assert "is created" in page and course.join_code in page
    listing = client.get("/courses/").content.decode()
    assert "Python 1, Tuesday group" in listing and f'href="{NEW}"' in listing


def test_the_instructor_may_choose_the_web_address(instructor: User) -> None:
    logged_in(instructor).post(NEW, {"name": "Intro", "slug": "CS 101"})
    assert Course.objects.get().slug == "cs-101"


@pytest.mark.parametrize(
    ("name", "slug", "message"),
    [
        ("", "", "Give the course a name."),
        ("   ", "intro", "Give the course a name."),
        ("Статистика", "", "Choose a web address"),
        ("Joining", "join", "taken by a page of the site"),
        ("New things", "new", "taken by a page of the site"),
        ("Taken", "taken", "exists already"),
    ],
)
def test_a_bad_course_is_refused_with_a_message_and_the_form_kept(
    instructor: User, name: str, slug: str, message: str
) -> None:
    create_course("Taken", "taken")
    response = logged_in(instructor).post(NEW, {"name": name, "slug": slug})
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert f'value="{slug}"' in page
    assert Course.objects.count() == 1


def test_students_cannot_create_courses(student: User) -> None:
    client = logged_in(student)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"name": "Mine"}).status_code == 403
    assert not Course.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(db: None) -> None:
    response = Client().post(NEW, {"name": "Mine"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not Course.objects.exists()


def test_a_new_course_belongs_to_its_creator_only(instructor: User) -> None:
    other = get_user_model().objects.create_user("other-teacher", password="pw-other-teacher")
    make_instructor(other)
    logged_in(instructor).post(NEW, {"name": "Mine"})
    course = Course.objects.get()
    assert not is_course_instructor(other, course)
    assert logged_in(other).get(f"/courses/{course.slug}/").status_code == 403
