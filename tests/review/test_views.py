"""The review pages under /courses/<slug>/review/: who may see them, and what they show."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from exercises.models import Exercise, Submission
from exercises.services.grading import grade_submission
from tests.conftest import enrol_since_term_start
from tests.review.conftest import THIRD, comment_on, logged_in, make_submission
from tutor.courses.models import Course
from tutor.review.models import LineComment, ReviewMark

pytestmark = pytest.mark.django_db

LIST = "/courses/python-1/review/"


def page_of(submission: Submission, course: str = "python-1") -> str:
    return f"/courses/{course}/review/{submission.pk}/"


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def writes(submission: Submission, comment: LineComment) -> list[tuple[str, dict[str, str]]]:
    url = page_of(submission)
    return [
        (f"{url}comments/", {"line": "1", "body": "Nice."}),
        (f"{url}comments/{comment.pk}/delete/", {}),
        (f"{url}reviewed/", {"reviewed": "1"}),
    ]


# ---- Permissions ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(attempts: list[Submission]) -> None:
    for url in (LIST, page_of(attempts[0])):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    response = Client().post(f"{page_of(attempts[0])}comments/", {"line": "1", "body": "x"})
    assert response.status_code == 302
    assert not LineComment.objects.exists()


@pytest.mark.parametrize("who", ["student", "other_student", "other_instructor"])
def test_students_and_other_courses_instructors_get_403_and_change_nothing(
    attempts: list[Submission], instructor: User, who: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    comment = comment_on(instructor, attempts[1], 2, "Why minus?")
    client = logged_in(user)
    assert client.get(LIST).status_code == 403
    assert client.get(page_of(attempts[1])).status_code == 403
    for url, data in writes(attempts[1], comment):
        assert client.post(url, data).status_code == 403, url
    assert list(LineComment.objects.values_list("pk", flat=True)) == [comment.pk]
    assert not ReviewMark.objects.exists()


def test_unknown_courses_and_submissions_outside_the_course_are_404(
    attempts: list[Submission], instructor: User, other_student: User, add_two: Exercise
) -> None:
    # other_student is not enrolled in python-1: their work is not this course's to review.
    outsider = make_submission(other_student, add_two, THIRD, 5)
    client = logged_in(instructor)
    assert client.get("/courses/no-such-course/review/").status_code == 404
    assert client.get(page_of(attempts[0], "no-such-course")).status_code == 404
    assert client.get(page_of(outsider)).status_code == 404
    assert client.get(f"{LIST}999999/").status_code == 404
    response = client.post(f"{page_of(outsider)}comments/", {"line": "1", "body": "Hi"})
    assert response.status_code == 404
    assert client.post(f"{page_of(outsider)}reviewed/", {"reviewed": "1"}).status_code == 404
    assert not LineComment.objects.exists() and not ReviewMark.objects.exists()


def test_only_a_comments_author_may_delete_it(
    attempts: list[Submission], course: Course, instructor: User, other_instructor: User
) -> None:
    course.instructors.add(other_instructor)
    comment = comment_on(instructor, attempts[1], 2, "Why minus?")
    url = f"{page_of(attempts[1])}comments/{comment.pk}/delete/"
    assert logged_in(other_instructor).post(url).status_code == 403
    page = text(logged_in(other_instructor).get(page_of(attempts[1])))
    assert "Why minus?" in page and f"/comments/{comment.pk}/delete/" not in page

    response = logged_in(instructor).post(url)
    assert response.status_code == 302 and response["Location"].endswith("#L2")
    assert not LineComment.objects.exists()
    assert logged_in(instructor).post(url).status_code == 404


def test_the_pages_only_answer_their_http_methods(
    attempts: list[Submission], instructor: User
) -> None:
    client = logged_in(instructor)
    assert client.post(LIST).status_code == 405
    assert client.get(f"{page_of(attempts[0])}comments/").status_code == 405
    assert client.get(f"{page_of(attempts[0])}reviewed/").status_code == 405


# ---- The list ------------------------------------------------------------------------------


def listed_ids(response: object) -> list[int]:
    return [int(pk) for pk in re.findall(r"/courses/python-1/review/(\d+)/", text(response))]


def test_the_list_is_newest_first_and_only_the_courses_students(
    attempts: list[Submission], instructor: User, other_student: User, add_two: Exercise
) -> None:
    make_submission(other_student, add_two, THIRD, 1)  # not enrolled
    response = logged_in(instructor).get(LIST)
    assert response.status_code == 200
    assert listed_ids(response) == [attempts[2].pk, attempts[1].pk, attempts[0].pk]
    assert "3 submissions not yet reviewed" in text(response)


def test_the_list_filters_by_review_state_student_exercise_and_kind(
    attempts: list[Submission],
    course: Course,
    instructor: User,
    other_student: User,
    exercism_exercises: dict[str, Exercise],
) -> None:
    enrol_since_term_start(course, other_student)
    bobs = make_submission(other_student, exercism_exercises["two-fer"], "x = 1\n", 2)
    client = logged_in(instructor)
    client.post(f"{page_of(attempts[1])}reviewed/", {"reviewed": "1"})

    assert listed_ids(client.get(LIST, {"state": "unreviewed"})) == [
        bobs.pk,
        attempts[2].pk,
        attempts[0].pk,
    ]
    assert listed_ids(client.get(LIST, {"state": "reviewed"})) == [attempts[1].pk]
    assert listed_ids(client.get(LIST, {"student": other_student.pk})) == [bobs.pk]
    assert listed_ids(client.get(LIST, {"exercise": "add-two", "kind": "submit"})) == [
        attempts[2].pk
    ]
    # Nonsense filters are no filters, not errors.
    assert len(listed_ids(client.get(LIST, {"state": "maybe", "student": "bob"}))) == 4


def test_the_list_is_paginated(
    course: Course, instructor: User, student: User, add_two: Exercise
) -> None:
    made = [make_submission(student, add_two, f"x = {n}\n", n) for n in range(30)]
    client = logged_in(instructor)
    first = client.get(LIST)
    assert listed_ids(first) == [submission.pk for submission in made[:25]]
    assert "Page 1 of 2" in text(first)
    second = client.get(LIST, {"page": "2", "kind": "run"})
    assert listed_ids(second) == [submission.pk for submission in made[25:]]
    assert "?page=1&amp;kind=run" in text(second) or "?kind=run&amp;page=1" in text(second)


# ---- One submission ------------------------------------------------------------------------


def test_the_page_shows_numbered_code_all_test_details_and_attempt_links(
    attempts: list[Submission], instructor: User
) -> None:
    grade_submission(attempts[2].pk)  # the real sandbox: visible tests pass, the hidden one fails
    response = logged_in(instructor).get(page_of(attempts[2]))
    page = text(response)
    assert response.status_code == 200
    assert "Attempt 3 of 3" in page
    assert '<tr id="L3"' in page and "        return 0" in page
    # The instructor sees the hidden test, its output and its values; a student never does.
    assert "test_adds_secret_numbers" in page and "4141" in page
    assert "<strong>hidden</strong>" in page
    assert f'href="/courses/python-1/review/{attempts[1].pk}/" rel="prev"' in page
    assert 'rel="next"' not in page


def diff_rows(page: str) -> list[tuple[str, str]]:
    """(op, code) of each diff row on the page."""
    rows = re.findall(
        r'<tr class="diff-row diff-(\w+)">.*?<span class="diff-sign"[^>]*>.</span> (.*?)</pre>',
        page,
        flags=re.S,
    )
    return [(op, code) for op, code in rows]


def test_the_diff_is_against_the_previous_attempt_or_the_chosen_one(
    attempts: list[Submission], instructor: User
) -> None:
    client = logged_in(instructor)
    page = text(client.get(page_of(attempts[2])))
    assert "From attempt 2 to this attempt (3)" in page
    assert diff_rows(page) == [
        ("same", "def add(a, b):"),
        ("removed", "    return a - b"),
        ("added", "    if a &gt; 1000:"),
        ("added", "        return 0"),
        ("added", "    return a + b"),
    ]

    page = text(client.get(page_of(attempts[2]), {"against": attempts[0].pk}))
    assert "From attempt 1 to this attempt (3)" in page
    assert ("removed", "    pass") in diff_rows(page)
    assert f'<option value="{attempts[0].pk}" selected>' in page

    # Another student's submission is not one of this student's attempts: the previous is used.
    page = text(client.get(page_of(attempts[2]), {"against": 999999}))
    assert "From attempt 2 to this attempt (3)" in page

    first = text(client.get(page_of(attempts[0])))
    assert "first attempt at this exercise" in first and "diff-row" not in first


def test_comments_are_shown_under_their_line(attempts: list[Submission], instructor: User) -> None:
    comment_on(instructor, attempts[1], 2, "Subtracting?\nRead the task again.")
    page = text(logged_in(instructor).get(page_of(attempts[1])))
    line_two = page.index('<tr id="L2"')
    comment = page.index("Subtracting?<br>")
    assert line_two < comment < page.index("Read the task again.")
    assert "line 2" in page[comment - 400 : comment]


def test_comments_render_markdown_and_nothing_that_runs(
    attempts: list[Submission], instructor: User
) -> None:
    body = "Use `a + b`, not `a - b`.\n\n- **read** the task\n<script>alert(1)</script>"
    comment_on(instructor, attempts[1], 2, body)
    page = text(logged_in(instructor).get(page_of(attempts[1])))
    assert "<code>a + b</code>" in page and "<strong>read</strong>" in page
    assert "<script>alert(1)" not in page and "`a + b`" not in page


def test_adding_a_comment_redirects_to_it(attempts: list[Submission], instructor: User) -> None:
    response = logged_in(instructor).post(
        f"{page_of(attempts[1])}comments/", {"line": "2", "body": "Subtracting?"}
    )
    comment = LineComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{page_of(attempts[1])}#comment-{comment.pk}"
    assert (comment.line, comment.body, comment.author_id) == (2, "Subtracting?", instructor.pk)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"line": "9", "body": "Look."}, "Line 9 is not in the code: it has lines 1 to 2."),
        ({"line": "0", "body": "Look."}, "Lines are numbered from 1."),
        ({"line": "two", "body": "Look."}, "The line must be a number."),
        ({"line": "", "body": "Look."}, "Say which line the comment is on."),
        ({"line": "1", "body": "   "}, "Write a comment first: it is empty."),
    ],
)
def test_a_wrong_comment_gets_the_page_back_with_a_clear_error(
    attempts: list[Submission], instructor: User, data: dict[str, str], message: str
) -> None:
    response = logged_in(instructor).post(f"{page_of(attempts[1])}comments/", data)
    assert response.status_code == 400
    assert message in text(response)
    assert not LineComment.objects.exists()


def test_mark_reviewed_and_unmark_from_the_page(
    attempts: list[Submission], instructor: User
) -> None:
    client = logged_in(instructor)
    url = f"{page_of(attempts[2])}reviewed/"
    assert client.post(url, {"reviewed": "1"})["Location"] == page_of(attempts[2])
    mark = ReviewMark.objects.get(submission=attempts[2])
    assert mark.reviewed_by == instructor
    assert "Reviewed by teacher" in text(client.get(page_of(attempts[2])))

    client.post(url, {"reviewed": "0"})
    assert not ReviewMark.objects.exists()
    assert "Mark reviewed" in text(client.get(page_of(attempts[2])))
    assert client.post(url, {"reviewed": "yes"}).status_code == 400


def test_the_list_sorts_on_the_server_and_keeps_its_filters(
    attempts: list[Submission], instructor: User
) -> None:
    client = logged_in(instructor)
    newest_first = [submission.pk for submission in client.get(LIST).context["page"]]
    oldest_first = [s.pk for s in client.get(LIST, {"sort": "when"}).context["page"]]
    assert oldest_first == list(reversed(newest_first))
    comment_on(instructor, attempts[0], 1, "Look here.")
    by_comments = client.get(LIST, {"sort": "-comments"}).context["page"]
    assert by_comments[0].pk == attempts[0].pk
    page = text(client.get(LIST, {"sort": "-comments", "state": "unreviewed"}))
    assert (
        'aria-sort="descending"><a class="sort-link" href="?sort=comments&amp;state=unreviewed"'
        in page
    )
    assert '<input type="hidden" name="sort" value="-comments">' in page
