import json
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from exercises.models import Exercise, Submission

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client: Client, exercism_exercises: dict[str, Exercise]) -> None:
    for url in (reverse("exercises:list"), reverse("exercises:detail", args=["two-fer"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_list_groups_exercises_and_shows_progress(
    client: Client, student: User, exercism_exercises: dict[str, Exercise]
) -> None:
    Submission.objects.create(
        student=student,
        exercise=exercism_exercises["two-fer"],
        code="x",
        kind=Submission.Kind.SUBMIT,
        passed=True,
        status=Submission.Status.DONE,
    )
    client.force_login(student)
    html = client.get(reverse("exercises:list")).content.decode()
    assert "Exercism" in html and "Two Fer" in html
    assert "solved" in html and "not started" in html


def test_detail_renders_markdown_safely_and_starts_from_the_stub(
    client: Client, student: User, exercism_exercises: dict[str, Exercise]
) -> None:
    exercise = exercism_exercises["two-fer"]
    exercise.statement_md += "\n<script>alert(1)</script>\n"
    exercise.save()
    client.force_login(student)
    html = client.get(reverse("exercises:detail", args=["two-fer"])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "def two_fer(name):" in html


def test_submit_endpoint_saves_and_enqueues(
    client: Client,
    student: User,
    exercism_exercises: dict[str, Exercise],
    django_capture_on_commit_callbacks,
) -> None:
    client.force_login(student)
    with (
        mock.patch("exercises.tasks.grade_submission_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("exercises:submit", args=["two-fer"]),
            data=json.dumps({"code": "def two_fer(name='you'):\n    pass\n", "kind": "submit"}),
            content_type="application/json",
        )
    assert response.status_code == 202
    submission = Submission.objects.get(pk=response.json()["id"])
    assert submission.kind == "submit" and submission.student == student
    delay.assert_called_once_with(submission.pk)


@pytest.mark.parametrize(
    "body", ["not json", json.dumps({"kind": "run"}), json.dumps({"code": 5}), "[]"]
)
def test_submit_endpoint_rejects_bad_input_clearly(
    client: Client, student: User, exercism_exercises: dict[str, Exercise], body: str
) -> None:
    client.force_login(student)
    response = client.post(
        reverse("exercises:submit", args=["two-fer"]), data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Submission.objects.exists()


def test_students_cannot_read_each_others_submissions(
    client: Client,
    student: User,
    other_student: User,
    exercism_exercises: dict[str, Exercise],
) -> None:
    submission = Submission.objects.create(
        student=student, exercise=exercism_exercises["two-fer"], code="secret", kind="run"
    )
    client.force_login(other_student)
    response = client.get(reverse("exercises:submission", args=[submission.pk]))
    assert response.status_code == 404
    client.force_login(student)
    assert client.get(reverse("exercises:submission", args=[submission.pk])).json()["id"] == (
        submission.pk
    )
