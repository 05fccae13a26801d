"""Every content page is for instructors: students get 403, anonymous visitors the login page."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from exercises.models import Exercise
from tutor.accounts.roles import make_instructor
from tutor.courses.models import Course

pytestmark = pytest.mark.django_db

PAGES = [
    ("get", "content:exercises", []),
    ("post", "content:visibility", ["add-two"]),
    ("get", "content:import", []),
    ("post", "content:import", []),
    ("get", "courses:policy", ["python-1"]),
    ("post", "courses:policy", ["python-1"]),
    ("get", "model:status", []),
]


@pytest.mark.parametrize(("method", "name", "args"), PAGES)
def test_students_are_refused(
    client: Client, student: User, course: Course, method: str, name: str, args: list[str]
) -> None:
    client.force_login(student)
    data = {"hidden": "1", "ai_mode": "off"} if method == "post" else {}
    response = getattr(client, method)(reverse(name, args=args), data)
    assert response.status_code == 403
    assert not Exercise.objects.filter(is_hidden=True).exists()
    assert Course.objects.get(slug="python-1").ai_mode == "all"


@pytest.mark.parametrize(("method", "name", "args"), PAGES)
def test_anonymous_visitors_are_sent_to_log_in(
    client: Client, course: Course, method: str, name: str, args: list[str]
) -> None:
    url = reverse(name, args=args)
    response = getattr(client, method)(url, {"hidden": "1"} if method == "post" else {})
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_the_policy_page_is_for_the_courses_own_instructors(
    client: Client, course: Course, django_user_model
) -> None:
    other = django_user_model.objects.create_user("other-teacher", password="pw-other-teacher")
    make_instructor(other)
    client.force_login(other)
    assert client.get(reverse("courses:policy", args=["python-1"])).status_code == 403
    assert client.post(reverse("courses:policy", args=["python-1"]), {}).status_code == 403


def test_instructors_get_the_links(client: Client, instructor: User, course: Course) -> None:
    client.force_login(instructor)
    page = client.get(reverse("courses:detail", args=["python-1"])).content.decode()
    assert f'href="{reverse("content:exercises")}"' in page
    assert f'href="{reverse("model:status")}"' in page
    assert f'href="{reverse("courses:policy", args=["python-1"])}"' in page


def test_students_do_not_get_the_links(client: Client, student: User, course: Course) -> None:
    client.force_login(student)
    page = client.get(reverse("exercises:list")).content.decode()
    assert reverse("content:exercises") not in page and reverse("model:status") not in page
