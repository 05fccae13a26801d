"""The course AI policy page: course rules and per-exercise overrides, saved through services."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from exercises.models import Exercise
from tutor.courses.models import AiMode, Course, ExercisePolicy
from tutor.courses.policy import effective_ai_policy
from tutor.courses.services import set_exercise_policy

pytestmark = pytest.mark.django_db


def form(**fields: str) -> dict[str, str]:
    """A full form as the page sends it: the course's rules and one row per exercise."""
    data = {
        "ai_mode": "all",
        "hint_budget": "",
        "hint_penalty_percent": "0",
        "inline_completion": "1",
    }
    for exercise in Exercise.objects.all():
        data[f"mode-{exercise.slug}"] = ""
        data[f"budget-{exercise.slug}"] = ""
    data.update(fields)
    return data


def post(client: Client, data: dict[str, str]):
    return client.post(reverse("courses:policy", args=["python-1"]), data)


def test_the_page_shows_the_course_rules_and_the_overrides(
    client: Client, instructor: User, course: Course, add_two: Exercise, exercism_exercises
) -> None:
    set_exercise_policy(course, add_two, ai_mode=AiMode.HINTS, hint_budget=2)
    client.force_login(instructor)
    response = client.get(reverse("courses:policy", args=["python-1"]))
    assert response.status_code == 200
    rows = {row.exercise.slug: row for row in response.context["form"].rows}
    assert set(rows) == {"add-two", "hello-world", "matrix", "two-fer"}
    assert (rows["add-two"].mode, rows["add-two"].budget) == ("hints", "2")
    assert (rows["matrix"].mode, rows["matrix"].budget) == ("", "")
    page = response.content.decode()
    assert 'name="mode-add-two"' in page and 'name="budget-matrix"' in page


def test_saving_writes_the_course_rules_and_the_overrides(
    client: Client,
    instructor: User,
    student: User,
    course: Course,
    add_two: Exercise,
    exercism_exercises,
) -> None:
    matrix = exercism_exercises["matrix"]
    client.force_login(instructor)
    data = form()
    data.update(
        {
            "ai_mode": "explain",
            "hint_budget": "5",
            "hint_penalty_percent": "10",
            "inline_completion": "",
            "mode-add-two": "off",
            "budget-matrix": "1",
        }
    )
    response = post(client, data)
    assert response.status_code == 302
    assert response.url == reverse("courses:policy", args=["python-1"])

    course.refresh_from_db()
    assert (course.ai_mode, course.hint_budget) == ("explain", 5)
    assert (course.hint_penalty_percent, course.inline_completion) == (10, False)
    overrides = {
        policy.exercise.slug: (policy.ai_mode, policy.hint_budget)
        for policy in ExercisePolicy.objects.filter(course=course)
    }
    assert overrides == {"add-two": ("off", None), "matrix": ("", 1)}
    # What students get changes with it.
    assert effective_ai_policy(student, add_two).kinds == frozenset()
    matrix_policy = effective_ai_policy(student, matrix)
    assert matrix_policy.hints_left == 1 and "review" not in matrix_policy.kinds
    assert effective_ai_policy(student, exercism_exercises["two-fer"]).hints_left == 5


def test_emptying_both_fields_removes_the_override(
    client: Client, instructor: User, student: User, course: Course, add_two: Exercise
) -> None:
    set_exercise_policy(course, add_two, ai_mode=AiMode.OFF, hint_budget=1)
    assert not effective_ai_policy(student, add_two).enabled
    client.force_login(instructor)
    assert post(client, form()).status_code == 302
    assert not ExercisePolicy.objects.filter(course=course).exists()
    policy = effective_ai_policy(student, add_two)
    assert policy.enabled and policy.hints_left is None and "review" in policy.kinds


def test_emptying_the_course_budget_makes_hints_unlimited(
    client: Client, instructor: User, student: User, course: Course, add_two: Exercise
) -> None:
    client.force_login(instructor)
    post(client, form(hint_budget="3"))
    assert effective_ai_policy(student, add_two).hints_left == 3
    post(client, form(hint_budget=""))
    course.refresh_from_db()
    assert course.hint_budget is None
    assert effective_ai_policy(student, add_two).hints_left is None


def test_bad_input_saves_nothing_and_keeps_what_was_typed(
    client: Client, instructor: User, course: Course, add_two: Exercise, exercism_exercises
) -> None:
    client.force_login(instructor)
    data = form()
    data.update(
        {
            "ai_mode": "hints",
            "hint_penalty_percent": "150",
            "mode-matrix": "off",
            "budget-add-two": "two",
            "mode-two-fer": "everything-please",
        }
    )
    response = post(client, data)
    assert response.status_code == 400
    page_form = response.context["form"]
    assert set(page_form.errors) == {"hint_penalty_percent", "budget-add-two", "mode-two-fer"}
    rows = {row.exercise.slug: row for row in page_form.rows}
    assert rows["add-two"].budget == "two" and "whole number" in rows["add-two"].error
    assert rows["matrix"].mode == "off" and rows["matrix"].error == ""
    assert page_form.ai_mode == "hints"
    page = response.content.decode()
    assert "Nothing was saved" in page and 'value="two"' in page and "At most 100." in page
    course.refresh_from_db()
    assert course.ai_mode == "all" and course.hint_penalty_percent == 0
    assert not ExercisePolicy.objects.exists()


def test_exercises_left_out_of_the_form_keep_their_override(
    client: Client, instructor: User, course: Course, add_two: Exercise, exercism_exercises
) -> None:
    # An exercise imported after the page was loaded has no fields in the form.
    set_exercise_policy(course, add_two, hint_budget=4)
    client.force_login(instructor)
    data = {key: value for key, value in form().items() if not key.endswith("add-two")}
    assert post(client, data).status_code == 302
    assert ExercisePolicy.objects.get(course=course, exercise=add_two).hint_budget == 4


def test_exam_mode_stays_on_the_course_page(
    client: Client, instructor: User, course: Course
) -> None:
    course.exam_mode = True
    course.save()
    client.force_login(instructor)
    page = client.get(reverse("courses:policy", args=["python-1"])).content.decode()
    assert "Exam mode is on" in page
    post(client, form(ai_mode="all"))
    course.refresh_from_db()
    assert course.exam_mode, "saving the policy leaves exam mode alone"
