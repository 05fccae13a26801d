"""The analytics pages: who may see them, what they show, and what they cost in SQL queries."""

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from exercises.models import Exercise
from tests.analytics.conftest import ai_request, make_exercise, result_of, submission
from tests.conftest import enrol_since_term_start
from tutor.accounts.roles import make_instructor
from tutor.analytics.charts import LABEL_WIDTH, VALUE_WIDTH, WIDTH, bar_chart
from tutor.courses.models import Course
from tutor.courses.services import create_course


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pages(classroom: dict[str, Any]) -> list[str]:
    student_id = classroom["alice"].pk
    return [
        "/courses/python-1/analytics/",
        "/courses/python-1/analytics/?format=csv",
        "/courses/python-1/analytics/exercises/add-two/",
        f"/courses/python-1/analytics/students/{student_id}/",
        f"/courses/python-1/analytics/students/{student_id}/?format=csv",
        "/courses/python-1/gradebook/",
        "/courses/python-1/gradebook/?format=csv",
    ]


def test_anonymous_visitors_are_sent_to_log_in(classroom: Any) -> None:
    for url in pages(classroom):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_students_and_other_courses_instructors_are_refused(classroom: Any) -> None:
    stranger = get_user_model().objects.create_user("stranger-teacher")
    make_instructor(stranger)
    create_course("Elsewhere", "elsewhere", instructors=[stranger])
    for user in (classroom["alice"], stranger):
        client = signed_in(user)
        for url in pages(classroom):
            assert client.get(url).status_code == 403, (user.username, url)
    # Their own course's pages do not open another course's students.
    url = f"/courses/elsewhere/analytics/students/{classroom['alice'].pk}/"
    assert signed_in(stranger).get(url).status_code == 404


def test_unknown_courses_students_and_exercises_are_404(classroom: Any, instructor: User) -> None:
    client = signed_in(instructor)
    assert client.get("/courses/nope/analytics/").status_code == 404
    assert client.get("/courses/nope/gradebook/").status_code == 404
    assert client.get("/courses/python-1/analytics/exercises/nope/").status_code == 404
    dave = classroom["dave"].pk  # not in the course
    assert client.get(f"/courses/python-1/analytics/students/{dave}/").status_code == 404
    url = f"/courses/python-1/analytics/students/{classroom['alice'].pk}/?exercise=nope"
    assert client.get(url).status_code == 404
    assert client.post("/courses/python-1/gradebook/").status_code == 405


def test_the_overview_page(classroom: Any, instructor: User) -> None:
    page = signed_in(instructor).get("/courses/python-1/analytics/").content.decode()
    assert "/courses/python-1/analytics/exercises/add-two/" in page
    assert "43%" in page and "20.0 min" in page and "3.5" in page
    assert "Bonus" in page and "(hidden)" in page and "Secret" not in page
    # The chart is drawn on the server, from local CSS: no script, nothing from elsewhere.
    assert "<svg" in page and 'class="chart-series-1"' in page
    assert "css/analytics.css" in page and not re.search(r'(src|href)="(https?:)?//', page)
    assert '?format=csv" download' in page


def test_the_exercise_page(classroom: Any, instructor: User) -> None:
    page = signed_in(instructor).get("/courses/python-1/analytics/exercises/add-two/")
    text = page.content.decode()
    assert "test_neg" in text and "TypeError" in text and "Timeout" in text
    assert f"/courses/python-1/analytics/students/{classroom['bob'].pk}/?exercise=add-two" in text
    for table in ("tests", "errors", "hints", "students"):
        assert f"?format=csv&amp;table={table}" in text


def test_the_student_page(classroom: Any, instructor: User) -> None:
    alice = classroom["alice"]
    page = signed_in(instructor).get(f"/courses/python-1/analytics/students/{alice.pk}/")
    text = page.content.decode()
    assert "passed 2/2" in text and "not graded" in text and "guard: redact" in text
    hint = alice.ai_requests.filter(hint_level=2, status="done").get()
    assert f"/instructor/ai-log/{hint.pk}/" in text


def test_the_gradebook_page(classroom: Any, instructor: User) -> None:
    text = signed_in(instructor).get("/courses/python-1/gradebook/").content.decode()
    assert "10 points per AI hint" in text
    assert "\u221220" in text  # minus 20: alice's two hints on add-two
    assert "130" in text and "out of 300" in text


def test_the_course_page_links_to_analytics(course: Course, instructor: User) -> None:
    text = signed_in(instructor).get("/courses/python-1/").content.decode()
    assert "/courses/python-1/analytics/" in text and "/courses/python-1/gradebook/" in text


def test_superusers_see_every_course(classroom: Any) -> None:
    admin = get_user_model().objects.create_superuser("root", password="root-password-1")
    assert signed_in(admin).get("/courses/python-1/gradebook/").status_code == 200


# ---- Queries --------------------------------------------------------------------------------


def class_of(size: int, exercises: list[Exercise], instructor: User) -> Course:
    course = create_course(f"Class {size}", f"class-{size}", instructors=[instructor])
    for number in range(size):
        pupil = get_user_model().objects.create_user(f"pupil-{size}-{number}")
        enrol_since_term_start(course, pupil)
        for exercise in exercises:
            failing = result_of("test_a", "failed", "AssertionError: 1 != 2")
            submission(pupil, exercise, "run", number, [failing, result_of("test_b")])
            submission(pupil, exercise, "submit", number + 1, [result_of("test_a")])
            ai_request(pupil, exercise, number + 0.5)
    return course


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def urls_of(course: Course, exercise: Exercise) -> list[str]:
    student_id = course.enrollments.first().student_id  # type: ignore[union-attr]
    base = f"/courses/{course.slug}"
    return [
        f"{base}/analytics/",
        f"{base}/analytics/?format=csv",
        f"{base}/analytics/exercises/{exercise.slug}/",
        f"{base}/analytics/exercises/{exercise.slug}/?format=csv&table=tests",
        f"{base}/analytics/students/{student_id}/",
        f"{base}/analytics/students/{student_id}/?format=csv",
        f"{base}/gradebook/",
        f"{base}/gradebook/?format=csv",
    ]


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_class(instructor: User) -> None:
    exercises = [make_exercise(f"ex-{n}", n) for n in range(3)]
    small = class_of(2, exercises[:2], instructor)
    large = class_of(6, exercises, instructor)
    client = signed_in(instructor)
    client.get("/courses/class-2/analytics/")  # the session's first read
    for small_url, large_url in zip(
        urls_of(small, exercises[0]), urls_of(large, exercises[0]), strict=True
    ):
        counted = queries_for(client, small_url)
        assert counted == queries_for(client, large_url), large_url
        assert counted <= 12, small_url


# ---- Charts ---------------------------------------------------------------------------------


def test_bar_widths_follow_the_values() -> None:
    chart = bar_chart("t", ["attempted", "solved"], [("A", (4, 2)), ("B", (0, 0))], max_value=4)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    first, second = chart.rows
    assert [bar.width for bar in first.bars] == [plot, plot / 2]
    assert [bar.width for bar in second.bars] == [0, 0]
    assert first.values == "4 / 2" and second.y > first.y
    assert [tick.label for tick in chart.ticks] == ["0", "1", "2", "3", "4"]
    assert chart.height > chart.axis_y


def test_long_labels_are_cut_and_an_empty_chart_has_a_scale() -> None:
    chart = bar_chart("t", ["runs"], [("x" * 80, (2.5,))])
    assert len(chart.rows[0].label) <= 34 and chart.rows[0].label.endswith("…")
    assert chart.rows[0].values == "2.5"
    assert bar_chart("t", ["runs"], []).max_value == 1


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [
        (95, ["0", "25", "50", "75", "100"]),
        (3, ["0", "1", "2", "3", "4"]),
        (12, ["0", "3", "6", "9", "12"]),
        (101, ["0", "30", "60", "90", "120"]),
    ],
)
def test_the_scale_has_round_ticks(largest: int, ticks: list[str]) -> None:
    chart = bar_chart("t", ["runs"], [("a", (largest,)), ("b", (1,))])
    assert [tick.label for tick in chart.ticks] == ticks
    assert chart.rows[0].bars[0].width <= WIDTH - LABEL_WIDTH - VALUE_WIDTH
