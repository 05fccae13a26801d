"""Seven browsers: six students with two distinct bugs show as two groups in the instructor's
live view, and the instructor's hint to one group reaches its three students within a second."""

import time
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect

from exercises.models import Exercise, Submission
from exercises.services.grading import grade_submission
from exercises.services.importing import import_exercises_from
from tests.browser.conftest import OffsiteRequests, log_in, open_page, screenshot
from tests.browser.test_live_view import open_live_view
from tests.conftest import FIXTURES
from tests.real_stack import running_site
from tutor.accounts.roles import make_instructor
from tutor.celery import app as celery_app
from tutor.courses.services import create_course, enrol
from tutor.live.services import presence

pytestmark = pytest.mark.django_db(transaction=True)

# The goal: the group's hint reaches every student of it within a second. A goal is
# measured, not asserted (the house rule: a loaded CI machine would fail it); the test prints
# the figure and asserts that the hint arrives at all.
GROUP_HINT_GOAL_MS = 1_000
ARRIVES_WITHIN_MS = 15_000
# Each bug written as three students would: other names, spacing, a comment, a blank line.
SUBTRACTS = {
    "sam": "def add(a, b):\n    return a - b\n",
    "sue": "def add(x, y):\n    return x-y\n",
    "sid": "# my adder\n\ndef add(a, b):\n    return a - b  # minus?\n",
}
MULTIPLIES = {
    "max": "def add(a, b):\n    return a * b\n",
    "mia": "def add(first, second):\n    return first * second\n",
    "mo": "\ndef add(a, b):\n    return a*b\n",
}
HINT = "Line 2 takes one number away from the other: what does the task ask for?"


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    # One failed run makes a student stuck here (the default is three).
    monkeypatch.setenv("LABTUTOR_LIVE_STUCK_FAILED_RUNS", "1")
    import_exercises_from(FIXTURES / "native")
    exercise = Exercise.objects.get(slug="add-two")
    users = get_user_model().objects
    teacher = users.create_user("mr-fox", password="fox-password-1")
    make_instructor(teacher)
    course = create_course("Python 1", "python-1", instructors=[teacher])
    for username, code in {**SUBTRACTS, **MULTIPLIES}.items():
        student = users.create_user(username, password=f"{username}-password-1")
        enrol(course, student)
        run = Submission.objects.create(
            student=student, exercise=exercise, code=code, kind=Submission.Kind.RUN
        )
        grade_submission(run.pk)
    celery_app.control.purge()
    presence.forget_all()
    with running_site() as base_url:
        yield base_url
    presence.forget_all()


def student_page(browser: Browser, site: str, offsite: OffsiteRequests, username: str) -> Page:
    page = open_page(browser, site, offsite)
    log_in(page, site, username, f"{username}-password-1")
    page.goto(f"{site}/exercises/add-two/")
    expect(page.locator(".cm-content")).to_contain_text("def add(")
    return page


def test_two_bugs_make_two_groups_and_the_group_hint_reaches_its_students_within_a_second(
    browser: Browser, site: str, offsite_requests: OffsiteRequests
) -> None:
    teacher = open_live_view(browser, site, offsite_requests)
    groups = teacher.locator(".live-group")
    expect(groups).to_have_count(2)
    subtract = groups.filter(has_text="sam, sid, sue")
    multiply = groups.filter(has_text="max, mia, mo")
    expect(subtract.locator("h3")).to_have_text("3 students: line 2: return a - b (AssertionError)")
    expect(multiply.locator("h3")).to_contain_text("3 students:")
    expect(subtract.locator("pre")).to_contain_text("return a - b")

    students = {name: student_page(browser, site, offsite_requests, name) for name in SUBTRACTS}
    bystander = student_page(browser, site, offsite_requests, "max")

    subtract.locator("textarea").fill(HINT)
    sent = time.monotonic()
    subtract.get_by_role("button", name="Send to these 3 students").click()
    arrived_ms = {}
    for name, page in students.items():
        expect(page.locator("#ai-log")).to_contain_text(
            "takes one number away", timeout=ARRIVES_WITHIN_MS
        )
        arrived_ms[name] = (time.monotonic() - sent) * 1000
    slowest = max(arrived_ms.values())
    verdict = "PASS" if slowest <= GROUP_HINT_GOAL_MS else "FAIL"
    shown = sorted(round(ms) for ms in arrived_ms.values())
    print(f"\ngroup hint shown to its 3 students after {shown} ms")
    print(f"{verdict}: slowest {slowest:.0f} ms (goal <= {GROUP_HINT_GOAL_MS} ms)")
    expect(subtract.locator(".live-group-status")).to_have_text("Sent to 3 students.")

    # Each with their own line numbers, marked as the instructor's.
    expect(students["sid"].locator("#ai-log")).to_contain_text("Line 4 takes one number away")
    expect(students["sam"].locator("#ai-log")).to_contain_text("Line 2 takes one number away")
    expect(students["sam"].locator("#ai-log")).to_contain_text("From your instructor")
    expect(bystander.locator("#ai-log")).not_to_contain_text("takes one number away")
    screenshot(teacher, "live-view-mistake-groups")
    screenshot(students["sid"], "workspace-group-hint")
    assert offsite_requests == []
