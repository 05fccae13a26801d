"""A student works on an exercise of Exercism's JavaScript track in a real browser: the editor
reads JavaScript, Run grades it with Jest in the sandbox (every xtest runs) and links the line
of the student's file the error came from, a syntax error reads as code that does not compile,
and the example solution passes."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, expect

from exercises.services.importing import import_exercises_from
from tests.browser.conftest import OffsiteRequests, log_in, open_page, screenshot
from tests.real_stack import running_site
from tutor.celery import app as celery_app
from tutor.sandbox.languages.programs import jest_dir

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.skipif(jest_dir() is None, reason="Jest is not installed"),
]

TRACK = Path(__file__).resolve().parents[1] / "fixtures" / "exercism_javascript"


@pytest.fixture
def site(tiny_tutor_model: Path) -> Iterator[str]:
    import_exercises_from(TRACK)
    get_user_model().objects.create_user("jane", password="jane-password-1")
    celery_app.control.purge()
    with running_site(model=tiny_tutor_model) as base_url:
        yield base_url


def test_student_works_on_an_exercism_javascript_exercise(
    browser: Browser, site: str, offsite_requests: OffsiteRequests
) -> None:
    page = open_page(browser, site, offsite_requests)
    log_in(page, site, "jane", "jane-password-1")
    page.get_by_role("link", name="Vowel Score").click()

    expect(page.locator("#editor-title")).to_have_text("vowel-score.js")
    editor = page.locator(".cm-content")
    expect(editor).to_contain_text("export const score")
    # The registry's editor mode for JavaScript: its grammar colours `export`, `const`.
    expect(editor.locator(".tok-keyword").first).to_have_text("export")

    page.get_by_role("button", name="Run", exact=True).click()
    results = page.locator("#results")
    expect(results).to_contain_text("Some tests failed. (0/5)", timeout=90_000)
    expect(results).to_contain_text("Vowel Score other letters consonants score two each")
    expect(results.get_by_role("button", name="Show line 7 in the editor").first).to_be_visible()
    expect(results).not_to_contain_text("numFailedTestSuites")  # Jest's JSON stays on the host
    screenshot(page, "exercism-js-run-failed")

    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text("export const score = (word) => {\n  return word.length\n")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(results).to_contain_text("Your code does not compile", timeout=90_000)
    expect(results).to_contain_text("line 3")
    screenshot(page, "exercism-js-compile-error")

    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text((TRACK / "vowel-score" / ".meta" / "proof.ci.js").read_text())
    page.get_by_role("button", name="Submit").click()
    expect(results).to_contain_text("All tests passed! (5/5)", timeout=90_000)
    screenshot(page, "exercism-js-submitted")
    assert offsite_requests == []
