"""A student logs in, runs failing code, fixes it and submits, in a real browser."""

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, expect

from exercises.services.importing import import_exercises_from
from tests.browser.conftest import OffsiteRequests, open_page, screenshot
from tests.conftest import FIXTURES
from tests.live import running_site
from tutor.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site() -> Iterator[str]:
    import_exercises_from(FIXTURES / "native")
    get_user_model().objects.create_user("carol", password="carol-password-1")
    celery_app.control.purge()
    with running_site() as base_url:
        yield base_url


def test_student_runs_and_submits_code(
    browser: Browser, site: str, offsite_requests: OffsiteRequests
) -> None:
    page = open_page(browser, site, offsite_requests)
    page.goto(f"{site}/login/")
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password").fill("carol-password-1")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Add two numbers").click()

    editor = page.locator(".cm-content")
    expect(editor).to_contain_text("def add(a, b):")
    expect(editor).to_contain_text("pass")
    page.get_by_role("button", name="Run").click()
    expect(page.locator("#results")).to_contain_text("Some tests failed. (0/2)")
    expect(page.locator(".test.failed").first).to_contain_text("test_adds_small_numbers")

    editor.fill("def add(a, b):\n    return a + b\n")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#results")).to_contain_text("All tests passed! (3/3)")
    expect(page.locator("#results")).to_contain_text("(hidden test)")
    screenshot(page, "exercise-submitted")

    page.reload()
    expect(page.locator(".cm-content")).to_contain_text("return a + b")
    assert offsite_requests == []
