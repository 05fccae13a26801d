"""'Trace this test': step through what the student's code did in a failing visible test."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, expect

from exercises.services.importing import import_exercises_from
from tests.browser.conftest import OffsiteRequests, log_in, open_page, screenshot
from tests.conftest import FIXTURES
from tests.real_stack import running_site
from tutor.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)

# add(2, 3) counts up from 2 one too few times: 4, not 5.
OFF_BY_ONE = "def add(a, b):\ntotal = a\nfor step in range(1, b):\ntotal = total + 1\n"


@pytest.fixture
def site() -> Iterator[str]:
    import_exercises_from(FIXTURES / "native")
    get_user_model().objects.create_user("dana", password="dana-password-1")
    celery_app.control.purge()
    with running_site() as base_url:
        yield base_url


def test_a_failing_test_is_traced_step_by_step_forward_and_back(
    browser: Browser, site: str, offsite_requests: OffsiteRequests
) -> None:
    page = open_page(browser, site, offsite_requests)
    page.set_viewport_size({"width": 1366, "height": 1000})  # room for the whole trace panel
    log_in(page, site, "dana", "dana-password-1")
    page.get_by_role("link", name="Add two numbers").click()
    editor = page.locator(".cm-content")
    expect(editor).to_contain_text("def add(a, b):")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(OFF_BY_ONE)
    # The editor indents after the `for`: come back out for the return.
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("return total\n")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("#results")).to_contain_text("Some tests failed. (0/2)")

    # Both tests fail, and the first three failing tests carry a recorded trace.
    trace_buttons = page.get_by_role("button", name="Trace this test")
    expect(trace_buttons).to_have_count(2)
    trace_buttons.first.click()
    panel = page.get_by_role("region", name="Trace of AddTest.test_adds_small_numbers")
    traced_line = page.locator(".cm-trace-line")

    expect(panel).to_contain_text("Step 1 of")
    expect(panel).to_contain_text("line 2 in add() is about to run")
    expect(traced_line).to_have_text("    total = a")
    expect(panel.get_by_role("row", name="a 2", exact=True)).to_be_visible()
    expect(panel.get_by_role("row", name="b 3", exact=True)).to_be_visible()
    expect(panel.get_by_role("button", name="Step back")).to_be_disabled()

    panel.get_by_role("button", name="Step forward").click()
    expect(panel).to_contain_text("Step 2 of")
    expect(traced_line).to_have_text("    for step in range(1, b):")
    # The variable that is new at this step is marked as changed.
    expect(panel.locator("tr.changed")).to_have_text("total2")

    page.keyboard.press("ArrowRight")  # the panel has the focus: keys step too
    expect(panel).to_contain_text("Step 3 of")
    expect(traced_line).to_have_text("        total = total + 1")
    expect(panel.get_by_role("row", name="step 1", exact=True)).to_be_visible()
    screenshot(page, "trace-step-3")
    shutil.copy(Path("var/screenshots/trace-step-3.png"), _shot("17-trace-step-3.png"))

    page.keyboard.press("ArrowLeft")
    expect(panel).to_contain_text("Step 2 of")
    expect(traced_line).to_have_text("    for step in range(1, b):")

    page.keyboard.press("End")
    expect(panel).to_contain_text("line 5 in add() returns 4")
    expect(panel.get_by_role("button", name="Step forward")).to_be_disabled()
    screenshot(page, "trace-last-step")
    panel.screenshot(path=str(_shot("17-trace-panel-last-step.png")))
    shutil.copy(Path("var/screenshots/trace-last-step.png"), _shot("17-trace-last-step.png"))

    page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    expect(traced_line).to_have_count(0)
    assert offsite_requests == []


def _shot(name: str) -> Path:
    """Screenshots for the issue's notes when they exist here; else beside the others."""
    notes = Path("/work/notes/shots")
    return notes / name if notes.is_dir() else Path("var/screenshots") / name
