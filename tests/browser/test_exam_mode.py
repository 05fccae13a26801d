"""Exam mode in a real browser: an open exercise page turns its AI help off and on again live."""

import threading
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from playwright.sync_api import Browser, expect

from exercises.services.importing import import_exercises_from
from tests.browser.conftest import OffsiteRequests, log_in, open_page, screenshot
from tests.conftest import FIXTURES
from tests.real_stack import running_site
from tutor.courses.models import Course
from tutor.courses.policy import EXAM_REASON
from tutor.courses.services import create_course, enrol, set_exam_mode

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def course() -> Course:
    import_exercises_from(FIXTURES / "native")
    student = get_user_model().objects.create_user("dora", password="dora-password-1")
    course = create_course("Python 1", "python-1")
    enrol(course, student)
    return course


@pytest.fixture
def site(course: Course) -> Iterator[str]:
    with running_site() as base_url:
        yield base_url


def exam_mode_from_another_thread(course: Course, on: bool) -> None:
    """As an instructor's request would: Playwright's event loop runs in the test's thread, and
    the channel layer's sync wrapper refuses to run inside one."""

    def switch() -> None:
        try:
            set_exam_mode(course, on)
        finally:
            connection.close()

    thread = threading.Thread(target=switch)
    thread.start()
    thread.join(timeout=30)


def test_exam_mode_turns_the_ai_panel_off_on_an_open_page(
    browser: Browser, site: str, course: Course, offsite_requests: OffsiteRequests
) -> None:
    page = open_page(browser, site, offsite_requests)
    log_in(page, site, "dora", "dora-password-1")
    page.get_by_role("link", name="Add two numbers").click()
    hint = page.get_by_role("button", name="Hint")
    expect(hint).to_be_visible()

    exam_mode_from_another_thread(course, True)
    off = page.locator("#ai-off")
    expect(off).to_have_text(EXAM_REASON, timeout=5_000)
    expect(hint).to_be_hidden()
    screenshot(page, "exam-mode-on")

    exam_mode_from_another_thread(course, False)
    expect(hint).to_be_visible(timeout=5_000)
    expect(off).to_be_hidden()
    assert offsite_requests == []
