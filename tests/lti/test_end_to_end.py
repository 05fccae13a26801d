"""LabTutor against a real LTI 1.3 platform: each message type and what the LMS got back."""

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from jwcrypto.jwk import JWK
from lti_tool.models import LtiDeployment, LtiRegistration

from exercises.models import Exercise, Submission
from exercises.services.grading import grade_submission
from exercises.signals import submit_graded
from tests.lti.conftest import auto_post_form, launch, platform_form
from tests.lti.platform import LmsPlatform
from tutor.courses.access import is_course_instructor
from tutor.lti.models import LinkedCourse, ScorePassback
from tutor.lti.services import grades
from tutor.lti.services.grades import sweep_pending_scores
from tutor.lti.tasks import send_score_task

User = get_user_model()


def teacher_adds_exercise(platform: LmsPlatform, exercise: Exercise) -> Client:
    teacher = Client()
    picker = launch(teacher, platform, "lms-teacher-1", deep_link=True)
    assert picker.status_code == 200
    assert exercise.title in picker.content.decode()
    answer = teacher.post("/lti/deep-link/", {"exercise": [exercise.slug]})
    assert answer.status_code == 200
    action, fields = auto_post_form(answer.content.decode())
    received = requests.post(action, data=fields, timeout=10)
    assert received.status_code == 200, received.text
    return teacher


def student_of_the_activity(platform: LmsPlatform, exercise: Exercise, sub: str) -> Any:
    """A teacher added the exercise in the LMS and the student opened it once."""
    teacher_adds_exercise(platform, exercise)
    launch(Client(), platform, sub, resource_link="link-0")
    return User.objects.get(lti_users__sub=sub)


def graded_submit(student: Any, exercise: Exercise, passed: int, total: int = 4) -> Submission:
    submission = Submission.objects.create(
        student=student,
        exercise=exercise,
        kind="submit",
        code="# the student's code",
        status="done",
        passed=passed == total,
        tests_passed=passed,
        tests_total=total,
    )
    submit_graded.send(sender=Submission, submission=submission)
    return submission


def test_deep_linking_puts_a_graded_activity_in_the_lms(
    platform: LmsPlatform, registration: LtiRegistration, add_two: Exercise
) -> None:
    teacher = teacher_adds_exercise(platform, add_two)
    (item,) = platform.received.deep_link_items
    assert item["type"] == "ltiResourceLink"
    assert item["title"] == add_two.title
    assert urlsplit(item["url"]).path == "/lti/launch/"
    assert item["custom"] == {"labtutor_exercise": "add-two"}
    assert item["lineItem"]["scoreMaximum"] == 100 and item["lineItem"]["tag"] == "add-two"
    # The teacher arrived as an instructor of the course the LMS course became.
    link = LinkedCourse.objects.select_related("course").get()
    assert link.course.name == "Programming 101"
    grace = User.objects.get(lti_users__sub="lms-teacher-1")
    assert is_course_instructor(grace, link.course) and grace.get_full_name() == "Grace Hopper"
    assert teacher.get(f"/courses/{link.course.slug}/").status_code == 200


def test_a_student_launch_arrives_in_the_exercise_with_an_account(
    platform: LmsPlatform, registration: LtiRegistration, add_two: Exercise
) -> None:
    teacher_adds_exercise(platform, add_two)
    student = Client()
    arrived = launch(student, platform, "lms-student-1", resource_link="link-0")
    assert arrived.status_code == 302 and arrived["Location"] == "/exercises/add-two/"
    ada = User.objects.get(lti_users__sub="lms-student-1")
    assert ada.email == "ada@school.example" and not ada.has_usable_password()
    course = LinkedCourse.objects.get().course
    assert course.enrollments.filter(student=ada).exists()
    assert not is_course_instructor(ada, course)
    assert student.get("/exercises/add-two/").status_code == 200
    # The second launch finds the same account.
    launch(Client(), platform, "lms-student-1", resource_link="link-0")
    assert User.objects.filter(lti_users__sub="lms-student-1").count() == 1


def test_an_existing_student_account_is_linked_by_email_but_never_a_teachers(
    platform: LmsPlatform, registration: LtiRegistration, add_two: Exercise
) -> None:
    own = User.objects.create_user("ada-l", email="ADA@school.example")
    teacher_account = User.objects.create_user("grace", email="grace@school.example")
    teacher_account.is_staff = True
    teacher_account.save()
    teacher_adds_exercise(platform, add_two)
    launch(Client(), platform, "lms-student-1", resource_link="link-0")
    assert User.objects.get(lti_users__sub="lms-student-1") == own
    assert User.objects.get(lti_users__sub="lms-teacher-1") != teacher_account


def test_roster_sync_enrols_the_lms_course_members(
    platform: LmsPlatform, registration: LtiRegistration, add_two: Exercise
) -> None:
    teacher = teacher_adds_exercise(platform, add_two)
    course = LinkedCourse.objects.get().course
    page = teacher.post(f"/courses/{course.slug}/lms/", {"action": "roster"})
    assert page.status_code == 200, page.content.decode()[:2000]
    assert (
        "4 members in the LMS, 2 students and 1 teachers here, 1 inactive" in page.content.decode()
    )
    assert platform.received.roster_reads == 1
    enrolled = set(course.enrollments.values_list("student__lti_users__sub", flat=True))
    assert enrolled == {"lms-student-1", "lms-student-2"}
    assert User.objects.get(lti_users__sub="lms-student-2").get_full_name() == "Alan Turing"


def test_scores_go_back_to_the_lms_and_survive_it_being_down(
    platform: LmsPlatform,
    registration: LtiRegistration,
    add_two: Exercise,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ada = student_of_the_activity(platform, add_two, "lms-student-1")
    # The LMS is being restarted when Ada's first Submit is graded: nothing reaches it.
    platform.down = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        graded_submit(ada, add_two, passed=2)
    assert len(callbacks) == 1
    row = ScorePassback.objects.get()
    send_score_task.apply(args=(row.pk,))
    row.refresh_from_db()
    assert row.pending and row.attempts == 1 and "503" in row.last_error
    assert platform.received.scores == []
    # Her next Submit passes while the LMS is still down: the newer score replaces the old.
    with django_capture_on_commit_callbacks(execute=False):
        graded_submit(ada, add_two, passed=4)
    row.refresh_from_db()
    assert row.score == 100.0 and row.pending and row.version == 2
    # The LMS is back; the watchdog's next sweep finds the score due and sends it.
    platform.down = False
    resent: list[int] = []

    def send_now(passback_id: int) -> None:
        resent.append(passback_id)
        send_score_task.apply(args=(passback_id,))

    monkeypatch.setattr(grades, "enqueue_send", send_now)
    assert sweep_pending_scores() == []  # not due yet: its next try is 30 s away
    swept = sweep_pending_scores(now=timezone.now() + timedelta(minutes=5))
    assert swept == [row.pk] == resent
    row.refresh_from_db()
    assert not row.pending and row.sent_at is not None and row.last_error == ""
    assert sweep_pending_scores(now=timezone.now() + timedelta(hours=5)) == []
    (score,) = platform.received.scores
    assert score["userId"] == "lms-student-1"
    assert score["scoreGiven"] == 100.0 and score["scoreMaximum"] == 100
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    # The tool made the exercise's grade column, found it again, and scored into it.
    (column,) = platform.received.line_items
    assert column["tag"] == "add-two" and column["scoreMaximum"] == 100
    assert score["lineitem"] == column["id"]


@pytest.mark.parametrize(
    ("forgery", "reason"),
    [
        ("expired", "Can&#x27;t decode id_token: Signature has expired"),
        ("other key", "Can&#x27;t decode id_token: Signature verification failed"),
        ("wrong audience", "Registration not found"),
    ],
)
def test_a_forged_or_expired_launch_is_refused(
    platform: LmsPlatform,
    registration: LtiRegistration,
    add_two: Exercise,
    forgery: str,
    reason: str,
) -> None:
    teacher_adds_exercise(platform, add_two)
    client = Client()
    response = client.get(platform.login_url("lms-student-1", resource_link="link-0"))
    form = platform_form(response["Location"])
    claims = jwt.decode(form["id_token"], options={"verify_signature": False})
    key, kid = platform.private_key, jwt.get_unverified_header(form["id_token"])["kid"]
    if forgery == "expired":
        claims |= {"iat": claims["iat"] - 900, "exp": claims["iat"] - 600}
    elif forgery == "other key":
        key = (
            JWK.generate(kty="RSA", size=2048)
            .export_to_pem(private_key=True, password=None)
            .decode()
        )
    else:
        claims["aud"] = "another-tool"
    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
    refused = client.post("/lti/launch/", {"id_token": token, "state": form["state"]})
    assert refused.status_code == 403
    assert f"could not be verified: {reason}" in refused.content.decode()
    assert not User.objects.filter(lti_users__sub="lms-student-1").exists()
    assert "_auth_user_id" not in client.session


def test_an_unknown_deployment_is_refused_until_the_administrator_activates_it(
    platform: LmsPlatform, registration: LtiRegistration, add_two: Exercise
) -> None:
    LtiDeployment.objects.update(is_active=False)
    teacher = Client()
    refused = launch(teacher, platform, "lms-teacher-1", deep_link=True)
    assert refused.status_code == 403
    assert b"This deployment is not active." in refused.content
    assert "_auth_user_id" not in teacher.session


def test_a_submit_graded_in_the_sandbox_sends_its_score(
    platform: LmsPlatform,
    registration: LtiRegistration,
    add_two: Exercise,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alan = student_of_the_activity(platform, add_two, "lms-student-2")
    monkeypatch.setattr(grades, "enqueue_send", lambda row: send_score_task.apply(args=(row,)))
    run = Submission.objects.create(
        student=alan, exercise=add_two, kind="run", code="def add(a, b):\n    return a + b\n"
    )
    submit = Submission.objects.create(
        student=alan,
        exercise=add_two,
        kind="submit",
        # Right but for the hidden test's big numbers: 2 of 3 tests.
        code="def add(a, b):\n    if a > 1000:\n        return 0\n    return a + b\n",
    )
    with django_capture_on_commit_callbacks(execute=True):
        grade_submission(run.pk)
    assert platform.received.scores == []  # a Run is not graded for the gradebook
    with django_capture_on_commit_callbacks(execute=True):
        grade_submission(submit.pk)
    submit.refresh_from_db()
    # (2 of 3 when the machine is not too loaded for the sandbox's time limit.)
    assert submit.status == "done" and submit.tests_total == 3
    (score,) = platform.received.scores
    expected = round(100 * submit.tests_passed / submit.tests_total, 1)
    assert score["userId"] == "lms-student-2" and score["scoreGiven"] == expected


def test_the_lms_page_sends_every_grade_again_and_says_what_is_waiting(
    platform: LmsPlatform,
    registration: LtiRegistration,
    add_two: Exercise,
    course: Any,
    instructor: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A course nobody launched from an LMS says so.
    page = Client()
    page.force_login(instructor)
    assert b"not linked to an LMS course" in page.get(f"/courses/{course.slug}/lms/").content
    teacher = teacher_adds_exercise(platform, add_two)
    launch(Client(), platform, "lms-student-1", resource_link="link-0")
    ada = User.objects.get(lti_users__sub="lms-student-1")
    link = LinkedCourse.objects.get()
    sent: list[int] = []
    monkeypatch.setattr(grades, "enqueue_send", sent.append)
    graded_submit(ada, add_two, passed=3)
    # Not sent yet (the task never ran); the teacher sends every grade again.
    answer = teacher.post(f"/courses/{link.course.slug}/lms/", {"action": "grades"})
    assert "1 scores queued for the LMS." in answer.content.decode()
    row = ScorePassback.objects.get()
    assert row.version == 2 and row.pending and row.score == 75.0
    platform.down = True
    send_score_task.apply(args=(row.pk,))
    page_text = teacher.get(f"/courses/{link.course.slug}/lms/").content.decode()
    assert "Scores the LMS has not taken yet" in page_text and "503" in page_text
    assert "<strong>1</strong> waiting" in page_text
