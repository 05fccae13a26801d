"""The workspace at 1366x768 with everything shown at once: a failed run with long results,
instructor feedback, the demo-model notice and an AI answer. The AI conversation must keep at
least 40% of the right-hand column; the other panes scroll inside themselves instead."""

import json
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from exercises.models import Exercise, Submission
from tests.browser.conftest import SCREENSHOTS, OffsiteRequests, log_in, open_page, python_one_class
from tests.real_stack import free_port, stack_environment, start_daphne, stop
from tutor.assist.models import AiRequest
from tutor.review.models import LineComment

pytestmark = pytest.mark.django_db(transaction=True)

WRONG = "def add(a, b):\n    return None\n"
AI_SHARE_GOAL = 0.40

ANSWER = (
    "Your function returns `None`, so every test sees nothing come back.\n\n"
    "1. Read the task again: `add` must give back the **sum** of `a` and `b`.\n"
    "2. Which Python keyword hands a value back to the caller?\n"
    "3. Try it by hand: `add(2, 3)` should be `5`.\n\n"
    "```python\nprint(add(2, 3))\n```\n"
)


def failed_result(test_count: int) -> dict[str, object]:
    return {
        "message": f"{test_count} tests failed",
        "duration_ms": 41,
        "tests": [
            {
                "file": "test_visible.py",
                "name": f"AddTest.test_case_{number}",
                "outcome": "failed",
                "expected": f"{number}\n{number + 1}\n{number + 2}",
                "actual": "None",
                "message": f"None != {number}",
                "traceback": 'File "adder.py", line 2, in add',
                "line": 2,
            }
            for number in range(1, test_count + 1)
        ],
    }


def make_student_scene(*, with_feedback: bool) -> None:
    scene = python_one_class()
    teacher, student, course = scene.teacher, scene.student, scene.course
    exercise = Exercise.objects.get(slug="add-two")
    submission = Submission.objects.create(
        student=student,
        exercise=exercise,
        code=WRONG,
        kind=Submission.Kind.RUN,
        status=Submission.Status.DONE,
        passed=False,
        tests_passed=0,
        tests_total=6,
        result=failed_result(6),
    )
    if with_feedback:
        for line, body in [
            (2, "Returning `None`? The task says add."),
            (1, "Good name for the function."),
            (2, "Look at what `return` gives back."),
        ]:
            LineComment.objects.create(
                submission=submission, course=course, line=line, body=body, author=teacher
            )
    add_answers(student, exercise)


def add_answers(student: User, exercise: Exercise) -> None:
    for level in (1, 2):
        AiRequest.objects.create(
            student=student,
            exercise=exercise,
            kind=AiRequest.Kind.HINT,
            hint_level=level,
            status=AiRequest.Status.DONE,
            context={"code": WRONG},
            reply=ANSWER,
        )


def serve() -> Iterator[str]:
    port = free_port()
    daphne = start_daphne(port, stack_environment())
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(daphne)


@pytest.fixture
def site_with_feedback() -> Iterator[str]:
    make_student_scene(with_feedback=True)
    yield from serve()


@pytest.fixture
def site_without_feedback() -> Iterator[str]:
    make_student_scene(with_feedback=False)
    yield from serve()


def box_heights(page: Page) -> dict[str, float]:
    """Heights in CSS pixels of the column and the panes in it, as the browser laid them out."""
    return page.evaluate(
        """() => {
          const height = (selector) => {
            const node = document.querySelector(selector);
            return node && !node.hidden ? node.getBoundingClientRect().height : 0;
          };
          const scrolls = (selector) => {
            const node = document.querySelector(selector);
            return node ? node.scrollHeight > node.clientHeight + 1 : false;
          };
          return {
            column: height(".side-pane"),
            results: height(".results-pane"),
            feedback: height("#feedback-panel"),
            ai_pane: height("#ai-panel"),
            ai_log: height("#ai-log"),
            results_scroll: scrolls("#results"),
            feedback_scroll: scrolls("#feedback-panel .pane-body"),
          };
        }"""
    )


def open_workspace(browser: Browser, site: str, offsite: OffsiteRequests) -> Page:
    page = open_page(browser, site, offsite)
    log_in(page, site, "carol", "carol-password-1")
    page.goto(f"{site}/exercises/add-two/")
    expect(page.locator("#connection")).to_have_text("Connected")
    expect(page.locator("#results")).to_contain_text("Some tests failed. (0/6)")
    expect(page.locator("#ai-notice")).to_be_visible()
    expect(page.locator(".turn")).to_have_count(2)
    return page


def record(name: str, heights: dict[str, float]) -> float:
    share = heights["ai_log"] / heights["column"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{name}.json").write_text(json.dumps({**heights, "ai_share": share}, indent=1))
    return share


def test_the_ai_answer_keeps_its_share_with_results_feedback_and_notice(
    browser: Browser, site_with_feedback: str, offsite_requests: OffsiteRequests
) -> None:
    page = open_workspace(browser, site_with_feedback, offsite_requests)
    expect(page.locator("#feedback-panel")).to_be_visible()
    expect(page.locator(".feedback-list > li")).to_have_count(3)

    heights = box_heights(page)
    share = record("layout-workspace-everything", heights)
    page.screenshot(path=str(SCREENSHOTS / "layout-workspace-everything.png"))
    assert share >= AI_SHARE_GOAL, heights
    # What did not fit is still there, a scroll away inside its own pane.
    assert heights["results_scroll"], heights
    assert heights["results"] > 0 and heights["feedback"] > 0, heights

    # Folding the feedback down to its header gives the results its room.
    page.locator("#feedback-panel").get_by_role("button", name="Hide").click()
    expect(page.locator("#feedback-panel .pane-body")).to_be_hidden()
    folded = box_heights(page)
    assert folded["feedback"] < 45 and folded["results"] > heights["results"], folded
    assert folded["ai_log"] / folded["column"] >= AI_SHARE_GOAL, folded
    # ... and folding the results too gives it all to the conversation.
    page.locator(".results-pane").get_by_role("button", name="Hide").click()
    both = box_heights(page)
    record("layout-workspace-folded", both)
    assert both["ai_log"] > folded["ai_log"] + 100, both
    page.locator("#feedback-panel").get_by_role("button", name="Show").click()
    expect(page.locator("#feedback-panel .pane-body")).to_be_visible()
    assert offsite_requests == []


def test_the_ai_answer_gets_the_room_results_leave_without_feedback(
    browser: Browser, site_without_feedback: str, offsite_requests: OffsiteRequests
) -> None:
    page = open_workspace(browser, site_without_feedback, offsite_requests)
    expect(page.locator("#feedback-panel")).to_be_hidden()

    heights = box_heights(page)
    share = record("layout-workspace-results", heights)
    page.screenshot(path=str(SCREENSHOTS / "layout-workspace-results.png"))
    assert share >= AI_SHARE_GOAL, heights
    assert heights["results_scroll"], heights

    # Expected and the student's value are labelled in words, and only the latter is red.
    failing = page.locator(".test.failed").first
    expect(failing.locator(".expected-value .value-label")).to_have_text("Expected")
    expect(failing.locator(".actual-value .value-label")).to_have_text("Your result")
    expect(failing.locator(".actual-value")).to_contain_text("None")
    colours = page.evaluate(
        """() => {
          const background = (selector) =>
            getComputedStyle(document.querySelector(selector)).backgroundColor;
          return {
            expected: background(".test.failed .expected-value .value-line"),
            actual: background(".test.failed .actual-value .value-line.changed"),
          };
        }"""
    )
    assert colours["expected"] in {"rgba(0, 0, 0, 0)", "transparent"}, colours
    red, green, _blue = (int(part) for part in colours["actual"][4:-1].split(",")[:3])
    assert red > green, colours
    assert offsite_requests == []


def test_on_a_narrow_screen_the_panes_stack_and_the_answer_keeps_room(
    browser: Browser, site_with_feedback: str, offsite_requests: OffsiteRequests
) -> None:
    page = open_page(browser, site_with_feedback, offsite_requests)
    page.set_viewport_size({"width": 900, "height": 700})
    log_in(page, site_with_feedback, "carol", "carol-password-1")
    page.goto(f"{site_with_feedback}/exercises/add-two/")
    expect(page.locator(".turn")).to_have_count(2)
    heights = box_heights(page)
    page.screenshot(path=str(SCREENSHOTS / "layout-workspace-narrow.png"), full_page=True)
    # 12rem at the default 16 px font: the conversation never collapses to a sliver.
    assert heights["ai_log"] >= 12 * 16 - 1, heights
    assert heights["results"] > 0 and heights["feedback"] > 0, heights
