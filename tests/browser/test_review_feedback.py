"""Review and feedback in real browsers: an instructor comments on a line of a submission on
the review page, and the student's open workspace shows it at once, beside that line."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from exercises.models import Exercise, Submission
from tests.browser.conftest import OffsiteRequests, log_in, open_page, python_one_class, screenshot
from tests.real_stack import free_port, stack_environment, start_daphne, stop

pytestmark = pytest.mark.django_db(transaction=True)

WRONG = "def add(a, b):\n    return a - b\n"


@pytest.fixture
def site() -> Iterator[str]:
    """Daphne alone: nothing here is graded or asks the model."""
    student = python_one_class().student
    Submission.objects.create(
        student=student, exercise=Exercise.objects.get(slug="add-two"), code=WRONG, kind="run"
    )
    port = free_port()
    daphne = start_daphne(port, stack_environment())
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(daphne)


def test_a_comment_appears_live_in_the_students_workspace(
    browser: Browser, site: str, offsite_requests: OffsiteRequests
) -> None:
    student = open_page(browser, site, offsite_requests)
    log_in(student, site, "carol", "carol-password-1")
    student.goto(f"{site}/exercises/add-two/")
    expect(student.locator("#connection")).to_have_text("Connected")
    expect(student.locator("#feedback-panel")).to_be_hidden()

    teacher = open_page(browser, site, offsite_requests)
    log_in(teacher, site, "tess", "tess-password-1")
    teacher.goto(f"{site}/courses/python-1/")
    teacher.get_by_role("link", name="Review submissions").click()
    teacher.locator(".review-queue tbody a").first.click()
    expect(teacher.get_by_role("heading", level=1)).to_contain_text("Add two numbers")
    # Picking a line number fills the form in place (review.js).
    teacher.get_by_role("link", name="Comment on line 2").click()
    expect(teacher.get_by_label("Line", exact=True)).to_have_value("2")
    teacher.get_by_role("textbox", name="Comment").fill("Subtracting? The task says `a + b`.")
    teacher.get_by_role("button", name="Add comment").click()
    expect(teacher.locator(".review-comment")).to_contain_text("Subtracting?")
    # Markdown: the backticks become code on both pages.
    expect(teacher.locator(".review-comment code")).to_have_text("a + b")
    teacher.get_by_role("button", name="Mark reviewed").click()
    expect(teacher.locator(".review-mark")).to_contain_text("Reviewed by Tess")
    screenshot(teacher, "review-submission")

    panel = student.locator("#feedback-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Tess on line 2")
    expect(panel).to_contain_text("Subtracting? The task says a + b.")
    expect(panel.locator(".feedback-body code")).to_have_text("a + b")
    expect(student.locator(".cm-feedback-marker")).to_have_count(1)
    panel.get_by_role("button", name="Show line 2 in the editor").click()
    expect(student.locator(".cm-activeLine")).to_have_text("    return a - b")
    screenshot(student, "review-feedback-in-workspace")

    student.reload()
    expect(student.locator("#feedback-panel")).to_contain_text("Subtracting?")
    assert offsite_requests == []
