"""A student's whole lesson in a real browser: run, hint, fix, submit, reload."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, expect

from exercises.services.importing import import_exercises_from
from tests.browser.conftest import OffsiteRequests, log_in, open_page, screenshot, socket_frames
from tests.conftest import FIXTURES
from tests.real_stack import running_site
from tutor.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(tiny_tutor_model: Path) -> Iterator[str]:
    import_exercises_from(FIXTURES / "native")
    get_user_model().objects.create_user("carol", password="carol-password-1")
    celery_app.control.purge()
    with running_site(model=tiny_tutor_model) as base_url:
        yield base_url


def test_student_runs_asks_for_a_hint_fixes_and_submits(
    browser: Browser, site: str, offsite_requests: OffsiteRequests
) -> None:
    page = open_page(browser, site, offsite_requests)
    frames = socket_frames(page)
    log_in(page, site, "carol", "carol-password-1")
    page.get_by_role("link", name="Add two numbers").click()

    editor = page.locator(".cm-content")
    expect(editor).to_contain_text("def add(a, b):")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("#results")).to_contain_text("Some tests failed. (0/2)")
    expect(page.locator(".test.failed").first).to_contain_text("test_adds_small_numbers")
    screenshot(page, "journey-run-failed")

    page.get_by_role("button", name="Hint").click()
    answer = page.locator(".turn").last
    # The rating buttons appear once the answer is complete.
    expect(answer.get_by_role("button", name="Helpful", exact=True)).to_be_visible(timeout=60_000)
    deltas = [frame for frame in frames if frame.get("type") == "delta"]
    kinds = [frame.get("type") for frame in frames]
    assert len(deltas) >= 2, f"the hint arrived in {len(deltas)} WebSocket message(s): {kinds}"
    screenshot(page, "journey-hint")

    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("def add(a, b):\n")
    page.keyboard.type("return a + b\n")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#results")).to_contain_text("All tests passed! (3/3)")
    expect(page.locator("#results")).to_contain_text("(hidden test)")
    screenshot(page, "journey-submitted")

    page.reload()
    expect(page.locator(".cm-content")).to_contain_text("return a + b")
    assert offsite_requests == []
