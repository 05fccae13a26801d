"""A similarity report's life: requested on commit, run idempotently, pages for the course's
instructors only, with the student's code escaped."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client

from exercises.models import Exercise, Submission
from tests.similarity import class_material as material
from tutor.accounts.roles import make_instructor
from tutor.courses.services import create_course, enrol
from tutor.similarity.models import SimilarityReport
from tutor.similarity.services import request_report, run_report
from tutor.similarity.tasks import similarity_report_task


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def word_count(db: None) -> Exercise:
    return material.create_exercise()


@pytest.fixture
def classroom(instructor: User, word_count: Exercise) -> dict[str, Any]:
    course = create_course("Python 1", "python-1", instructors=[instructor])
    users = {}
    for name, code in material.CLASS.items():
        user = get_user_model().objects.create_user(name, first_name=name.title())
        enrol(course, user)
        # An early failing Run, then the Submit that counts.
        Submission.objects.create(
            student=user, exercise=word_count, kind="run", code="def count_words(s):\n    pass\n"
        )
        Submission.objects.create(student=user, exercise=word_count, kind="submit", code=code)
        users[name] = user
    # A student of another course with the very same code is not compared.
    outsider = get_user_model().objects.create_user("outsider")
    Submission.objects.create(
        student=outsider, exercise=word_count, kind="submit", code=material.ALICE
    )
    return {"course": course, "exercise": word_count, "users": users}


def finished_report(classroom: dict[str, Any], instructor: User) -> SimilarityReport:
    report = request_report(
        course=classroom["course"], exercise=classroom["exercise"], requested_by=instructor
    )
    run_report(report.pk)
    report.refresh_from_db()
    return report


def test_request_is_enqueued_on_commit_once_and_the_copies_rank_first(
    classroom: dict[str, Any], instructor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = request_report(
            course=classroom["course"], exercise=classroom["exercise"], requested_by=instructor
        )
        again = request_report(
            course=classroom["course"], exercise=classroom["exercise"], requested_by=instructor
        )
    assert again.pk == report.pk and len(callbacks) == 1
    assert report.status == "queued"
    similarity_report_task.apply(args=(report.pk,))
    report.refresh_from_db()
    assert report.status == "done" and report.programs == len(material.CLASS)
    assert report.work_done == report.work_total > 0
    pairs = list(report.pairs.select_related("first__student", "second__student"))
    top = {frozenset({p.first.student.username, p.second.student.username}) for p in pairs[:3]}
    assert top == material.COPIED_PAIRS
    assert all(pair.first.kind == "submit" for pair in pairs)
    assert not any(
        "outsider" in (p.first.student.username, p.second.student.username) for p in pairs
    )


def test_running_it_again_changes_nothing(classroom: dict[str, Any], instructor: User) -> None:
    report = finished_report(classroom, instructor)
    before = list(report.pairs.values_list("rank", "first_id", "second_id", "similarity"))
    run_report(report.pk)  # a redelivered task finds the report done
    assert list(report.pairs.values_list("rank", "first_id", "second_id", "similarity")) == before
    # A worker that died mid-run left it running: the next delivery does it again, whole.
    SimilarityReport.objects.filter(pk=report.pk).update(status="running")
    run_report(report.pk)
    report.refresh_from_db()
    assert report.status == "done"
    assert list(report.pairs.values_list("rank", "first_id", "second_id", "similarity")) == before


def test_a_failed_comparison_says_why(
    classroom: dict[str, Any], instructor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise MemoryError("out of memory")

    monkeypatch.setattr("tutor.similarity.services.compare_programs", broken)
    report = finished_report(classroom, instructor)
    assert report.status == "failed" and "MemoryError" in report.error_message
    page = signed_in(instructor).get("/courses/python-1/similarity/word-count/")
    assert "MemoryError" in page.content.decode()


def test_only_the_course_instructors_see_the_pages(
    classroom: dict[str, Any], instructor: User
) -> None:
    report = finished_report(classroom, instructor)
    stranger = get_user_model().objects.create_user("stranger-teacher")
    make_instructor(stranger)
    create_course("Elsewhere", "elsewhere", instructors=[stranger])
    urls = [
        "/courses/python-1/similarity/word-count/",
        f"/courses/python-1/similarity/word-count/reports/{report.pk}/pairs/1/",
    ]
    for url in urls:
        assert Client().get(url).status_code == 302
        for user in (classroom["users"]["alice"], stranger):
            assert signed_in(user).get(url).status_code == 403, (user, url)
            assert signed_in(user).post(urls[0]).status_code == 403
        assert signed_in(instructor).get(url).status_code == 200
    # Their own course's address does not open this course's report.
    own = f"/courses/elsewhere/similarity/word-count/reports/{report.pk}/pairs/1/"
    assert signed_in(stranger).get(own).status_code == 404
    assert SimilarityReport.objects.count() == 1


def test_the_pages_show_progress_then_pairs_side_by_side_escaped(
    classroom: dict[str, Any], instructor: User, django_capture_on_commit_callbacks: Any
) -> None:
    hostile = material.ALICE.replace('""', '"<script>alert(1)</script>"', 1)
    Submission.objects.create(
        student=classroom["users"]["mallory"],
        exercise=classroom["exercise"],
        kind="submit",
        code=material.RENAMED_COPY + "\n# </pre><script>alert(2)</script>\n",
    )
    Submission.objects.filter(student=classroom["users"]["alice"], kind="submit").update(
        code=hostile
    )
    client = signed_in(instructor)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/courses/python-1/similarity/word-count/")
    assert response.status_code == 302
    page = client.get("/courses/python-1/similarity/word-count/").content.decode()
    assert "Queued" in page and 'http-equiv="refresh"' in page
    report = SimilarityReport.objects.get()
    SimilarityReport.objects.filter(pk=report.pk).update(
        status="running", programs=11, work_done=33, work_total=66
    )
    page = client.get("/courses/python-1/similarity/word-count/").content.decode()
    assert "50% done" in page
    SimilarityReport.objects.filter(pk=report.pk).update(status="queued")
    run_report(report.pk)
    page = client.get("/courses/python-1/similarity/word-count/").content.decode()
    assert "http-equiv" not in page and "Alice" in page and "Mallory" in page
    alice, mallory = classroom["users"]["alice"], classroom["users"]["mallory"]
    pair = report.pairs.get(
        first__student__in=[alice, mallory], second__student__in=[alice, mallory]
    )
    assert pair.rank <= 3
    detail = client.get(
        f"/courses/python-1/similarity/word-count/reports/{report.pk}/pairs/{pair.rank}/"
    ).content.decode()
    assert detail.count("<mark>") >= 2 and "Alice" in detail and "Mallory" in detail
    assert "<script>" not in detail
    assert "&lt;script&gt;alert(1)" in detail and "&lt;/pre&gt;&lt;script&gt;alert(2)" in detail
    assert (
        client.get(
            f"/courses/python-1/similarity/word-count/reports/{report.pk}/pairs/999/"
        ).status_code
        == 404
    )


def test_the_exercise_analytics_page_links_to_the_report(
    classroom: dict[str, Any], instructor: User
) -> None:
    page = signed_in(instructor).get("/courses/python-1/analytics/exercises/word-count/")
    assert b"/courses/python-1/similarity/word-count/" in page.content
