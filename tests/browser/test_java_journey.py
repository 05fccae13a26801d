"""A student solves a Java exercise in a real browser: Run fails, a hint streams, Submit passes
(input/output cases compiled and run in the sandbox, hidden ones included)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, expect

from exercises.services.importing import import_exercises_from
from tests.browser.conftest import OffsiteRequests, log_in, open_page, screenshot, socket_frames
from tests.real_stack import running_site
from tutor.celery import app as celery_app

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

EXERCISE = Path(__file__).resolve().parents[2] / "exercises/curriculum/30-java/java-hello-name"


@pytest.fixture
def site(tiny_tutor_model: Path) -> Iterator[str]:
    import_exercises_from(EXERCISE)
    get_user_model().objects.create_user("jane", password="jane-password-1")
    celery_app.control.purge()
    with running_site(model=tiny_tutor_model) as base_url:
        yield base_url


def test_student_solves_a_java_exercise(
    browser: Browser, site: str, offsite_requests: OffsiteRequests
) -> None:
    page = open_page(browser, site, offsite_requests)
    frames = socket_frames(page)
    log_in(page, site, "jane", "jane-password-1")
    page.get_by_role("link", name="Hello, name (Java)").click()

    expect(page.locator("#editor-title")).to_have_text("Main.java")
    editor = page.locator(".cm-content")
    expect(editor).to_contain_text("public class Main")
    # The Java grammar colours keywords (tok-keyword), not the Python one.
    expect(editor.locator(".tok-keyword").first).to_have_text("import")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("#results")).to_contain_text("(0/2)", timeout=60_000)
    screenshot(page, "java-run-failed")

    page.get_by_role("button", name="Hint").click()
    answer = page.locator(".turn").last
    expect(answer.get_by_role("button", name="Helpful", exact=True)).to_be_visible(timeout=60_000)
    deltas = [frame for frame in frames if frame.get("type") == "delta"]
    assert len(deltas) >= 2, f"the hint arrived in {len(deltas)} WebSocket message(s)"

    editor.click()
    page.keyboard.press("Control+a")
    # Inserted whole: typed key by key, the editor would close every bracket a second time.
    page.keyboard.insert_text((EXERCISE / "solution.java").read_text())
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#results")).to_contain_text("All tests passed! (4/4)", timeout=60_000)
    expect(page.locator("#results")).to_contain_text("(hidden test)")
    screenshot(page, "java-submitted")
    assert offsite_requests == []
