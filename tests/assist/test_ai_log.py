"""The instructor's AI log: search, detail, flags, and who may see what."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from exercises.models import Exercise
from tests.conftest import enrol_since_term_start
from tutor.accounts.roles import make_instructor
from tutor.assist.models import AiRequest
from tutor.courses.services import create_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(instructor: User, student: User, other_student: User, add_two: Exercise) -> dict:
    course = create_course("Python 1", "python-1", instructors=[instructor])
    enrol_since_term_start(course, student)
    mine = AiRequest.objects.create(
        student=student,
        exercise=add_two,
        kind="ask",
        status="done",
        context={"question": "why does my loop never stop?", "code": "while True: pass"},
        reply="Look at the loop condition.",
        guard_verdict="allow",
        rating=1,
    )
    blocked = AiRequest.objects.create(
        student=student,
        exercise=add_two,
        kind="hint",
        status="done",
        reply="hint instead",
        guard_verdict="block",
        guard_reason="code block 1 passes every test",
    )
    outsider = AiRequest.objects.create(
        student=other_student,
        exercise=add_two,
        kind="hint",
        status="done",
        reply="not in your course",
    )
    return {"mine": mine, "blocked": blocked, "outsider": outsider}


def rows(client: Client, **query: str) -> list[int]:
    response = client.get(reverse("assist:log"), query)
    assert response.status_code == 200
    return [item.pk for item in response.context["page"]]


def test_instructors_see_and_search_their_students_requests_only(
    client: Client, instructor: User, logged: dict
) -> None:
    client.force_login(instructor)
    mine, blocked = logged["mine"].pk, logged["blocked"].pk
    assert set(rows(client)) == {mine, blocked}
    assert rows(client, q="loop never stop") == [mine]
    assert rows(client, kind="hint") == [blocked]
    assert rows(client, verdict="block") == [blocked]
    assert rows(client, review="1") == [blocked]
    assert rows(client, student="alice", exercise="add-two", q="while True") == [mine]


def test_the_detail_shows_what_the_ai_saw_and_said_and_a_flag_sticks(
    client: Client, instructor: User, logged: dict
) -> None:
    client.force_login(instructor)
    item = logged["mine"]
    html = client.get(reverse("assist:detail", args=[item.pk])).content.decode()
    assert "why does my loop never stop?" in html and "while True: pass" in html
    assert "Look at the loop condition." in html and "helpful" in html

    response = client.post(
        reverse("assist:flag", args=[item.pk]), {"flagged": "1", "note": "too vague"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.flagged and item.flag_note == "too vague"
    assert item.pk in rows(client, flagged="1")


def test_students_anonymous_and_other_instructors_are_refused(
    client: Client, student: User, logged: dict
) -> None:
    item = logged["mine"]
    urls = [reverse("assist:log"), reverse("assist:detail", args=[item.pk])]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(student)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("assist:flag", args=[item.pk]), {"flagged": "1"}).status_code == 403

    stranger = User.objects.create_user("stranger", password="stranger-password")
    make_instructor(stranger)
    client.force_login(stranger)
    assert rows(client) == []
    assert client.get(reverse("assist:detail", args=[item.pk])).status_code == 404
    assert client.post(reverse("assist:flag", args=[item.pk]), {"flagged": "1"}).status_code == 404
    item.refresh_from_db()
    assert not item.flagged


def test_only_instructors_get_the_ai_log_link(
    client: Client, instructor: User, student: User, add_two: Exercise
) -> None:
    client.force_login(student)
    assert reverse("assist:log") not in client.get(reverse("exercises:list")).content.decode()
    client.force_login(instructor)
    assert reverse("assist:log") in client.get(reverse("exercises:list")).content.decode()


def test_the_log_shows_what_was_asked_and_why_a_request_ended_early(
    client: Client, instructor: User, student: User, add_two: Exercise, logged: dict
) -> None:
    AiRequest.objects.filter(pk=logged["blocked"].pk).update(hint_level=2, finish_reason="guard")
    failed = AiRequest.objects.create(
        student=student,
        exercise=add_two,
        kind="explain_code",
        status="failed",
        finish_reason="timeout",
        error_message="The answer took too long and was stopped.",
        context={"selection": "for i in range(10):\n    total += i"},
    )
    client.force_login(instructor)
    response = client.get(reverse("assist:log"))
    by_id = {row.item.pk: row for row in response.context["rows"]}

    assert by_id[logged["mine"].pk].asked == "why does my loop never stop?"
    assert by_id[logged["mine"].pk].why == ""
    assert by_id[logged["blocked"].pk].asked == "Hint, level 2"
    assert by_id[logged["blocked"].pk].why == (
        "blocked by the guard: code block 1 passes every test"
    )
    assert by_id[failed.pk].asked == "Explain: for i in range(10): total += i"
    assert by_id[failed.pk].why == "The answer took too long and was stopped."
    AiRequest.objects.filter(pk=failed.pk).update(status="cancelled", error_message="")
    response = client.get(reverse("assist:log"))
    assert {row.item.pk: row.why for row in response.context["rows"]}[
        failed.pk
    ] == "took too long and was stopped"
    page = response.content.decode()
    assert "why does my loop never stop?" in page and "Hint, level 2" in page


def test_the_log_sorts_on_the_server_by_any_sortable_column(
    client: Client, instructor: User, student: User, other_student: User, logged: dict
) -> None:
    course = create_course("Python 2", "python-2", instructors=[instructor])
    enrol_since_term_start(course, other_student)
    mine, blocked, outsider = logged["mine"].pk, logged["blocked"].pk, logged["outsider"].pk
    client.force_login(instructor)
    assert rows(client) == [outsider, blocked, mine]  # newest first by default
    assert rows(client, sort="when") == [mine, blocked, outsider]
    assert rows(client, sort="student") == [mine, blocked, outsider]  # alice, alice, bob
    assert rows(client, sort="-student") == [outsider, blocked, mine]
    assert rows(client, sort="kind") == [mine, blocked, outsider]  # ask before hint
    # An unknown column is the default order, not an error; filters still apply.
    assert rows(client, sort="password") == [outsider, blocked, mine]
    assert rows(client, sort="student", kind="hint") == [blocked, outsider]

    page = client.get(reverse("assist:log"), {"sort": "student", "kind": "hint"}).content.decode()
    # The header links flip the direction, keep the filters and start at page 1.
    assert 'aria-sort="ascending"><a class="sort-link" href="?sort=-student&amp;kind=hint"' in page
    assert 'href="?sort=exercise&amp;kind=hint"' in page
