"""Assignments in real browsers: a teacher sets one with a due date, the student sees it, hands
in after the due date, and the gradebook marks the grade late."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests.browser.conftest import OffsiteRequests, log_in, open_page, python_one_class, screenshot
from tests.real_stack import running_site
from tutor.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # how a datetime-local field is filled


@pytest.fixture
def site() -> Iterator[str]:
    """Daphne and a runner: the student's Submit is graded for real."""
    python_one_class()
    celery_app.control.purge()
    with running_site() as base_url:
        yield base_url


def test_a_late_submit_is_marked_late_in_the_gradebook(
    browser: Browser, site: str, offsite_requests: OffsiteRequests
) -> None:
    now = timezone.localtime()
    teacher = open_page(browser, site, offsite_requests)
    log_in(teacher, site, "tess", "tess-password-1")
    teacher.goto(f"{site}/courses/python-1/")
    teacher.get_by_role("link", name="Assignments").click()
    teacher.get_by_label("Title").fill("Week 1")
    teacher.get_by_label("Opens").fill((now - timedelta(days=7)).strftime(LOCAL_MINUTE))
    # Due an hour ago: whatever the student hands in now is late.
    teacher.get_by_label("Due").fill((now - timedelta(hours=1)).strftime(LOCAL_MINUTE))
    teacher.get_by_label("Add two numbers").check()
    teacher.get_by_role("button", name="Create the assignment").click()
    expect(teacher.locator(".message").first).to_contain_text("Week 1 is set")
    expect(teacher.get_by_role("table", name="Assignments")).to_contain_text("Add two numbers")
    screenshot(teacher, "assignment-created")

    student = open_page(browser, site, offsite_requests)
    log_in(student, site, "carol", "carol-password-1")
    due = student.locator("section.due")
    expect(due).to_contain_text("Week 1")
    expect(due).to_contain_text("past due")
    expect(due.locator(".progress")).to_have_text("not started")
    screenshot(student, "assignment-due-for-the-student")
    due.get_by_role("link", name="Add two numbers").click()
    editor = student.locator(".cm-content")
    expect(editor).to_contain_text("def add(a, b):")
    editor.click()
    student.keyboard.press("Control+a")
    student.keyboard.type("def add(a, b):\n")
    student.keyboard.type("return a + b\n")
    student.get_by_role("button", name="Submit").click()
    expect(student.locator("#results")).to_contain_text("All tests passed! (3/3)", timeout=60_000)
    student.goto(f"{site}/exercises/")
    expect(student.locator("section.due .progress")).to_have_text("solved late")

    teacher.goto(f"{site}/courses/python-1/gradebook/")
    gradebook = teacher.locator("table.gradebook")
    expect(gradebook.locator(".assignment-row")).to_contain_text("Week 1")
    cell = gradebook.locator("tbody tr", has_text="carol").locator("td.num").first
    expect(cell).to_contain_text("100")
    expect(cell.locator(".late")).to_have_text("late")
    screenshot(teacher, "assignment-gradebook-late")
    assert offsite_requests == []
