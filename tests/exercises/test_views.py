import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from exercises.models import Draft, Exercise, Submission

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client: Client, exercism_exercises: dict[str, Exercise]) -> None:
    for url in (reverse("exercises:list"), reverse("exercises:detail", args=["two-fer"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_list_groups_exercises_shows_progress_and_what_comes_next(
    client: Client, student: User, exercism_exercises: dict[str, Exercise]
) -> None:
    Submission.objects.create(
        student=student,
        exercise=exercism_exercises["hello-world"],
        code="x",
        kind=Submission.Kind.SUBMIT,
        passed=True,
        status=Submission.Status.DONE,
    )
    Draft.objects.create(student=student, exercise=exercism_exercises["two-fer"], code="x")
    client.force_login(student)
    response = client.get(reverse("exercises:list"))
    html = response.content.decode()
    assert "Exercism" in html and "Two Fer" in html
    assert "solved" in html and "not started" in html
    assert response.context["suggested"] == exercism_exercises["two-fer"]


def test_the_draft_beacon_saves_the_code(
    client: Client, student: User, exercism_exercises: dict[str, Exercise]
) -> None:
    client.force_login(student)
    url = reverse("exercises:draft", args=["two-fer"])
    response = client.post(url, {"code": "def two_fer(name):\n    return name\n"})
    assert response.status_code == 200
    assert Draft.objects.get(student=student).code == "def two_fer(name):\n    return name\n"

    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"code": "x = 1\n" * 20000}).status_code == 400
    assert Draft.objects.get(student=student).code.startswith("def two_fer")


def test_the_draft_beacon_needs_a_login_and_a_csrf_token(
    student: User, exercism_exercises: dict[str, Exercise]
) -> None:
    url = reverse("exercises:draft", args=["two-fer"])
    assert Client().post(url, {"code": "x"}).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(student)
    assert strict.post(url, {"code": "x"}).status_code == 403
    assert not Draft.objects.exists()
