"""The quick start's first hour in a real browser: setup_demo's classroom, as its teacher and
its student see it."""

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Browser, expect

from exercises.services.importing import import_exercises_from
from tests.browser.conftest import OffsiteRequests, log_in, open_page, screenshot
from tests.conftest import FIXTURES
from tests.real_stack import running_site
from tutor.celery import app as celery_app
from tutor.courses.services import DEMO_COURSE_SLUG

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_AUTHORED_HINT = "Concept: a function gives back a value with return."


@pytest.fixture
def demo_logins(tmp_path: Path) -> dict[str, str]:
    import_exercises_from(FIXTURES / "native")
    with override_settings(VAR_DIR=tmp_path):
        call_command("setup_demo", stdout=io.StringIO())
    return dict(json.loads((tmp_path / "demo-logins.json").read_text()))


@pytest.fixture
def site(tiny_tutor_model: Path, demo_logins: dict[str, str]) -> Iterator[str]:
    celery_app.control.purge()
    with running_site(model=tiny_tutor_model) as base_url:
        yield base_url


def test_the_demo_teacher_reaches_the_demo_course_and_the_student_gets_a_hint_at_once(
    browser: Browser, site: str, demo_logins: dict[str, str], offsite_requests: OffsiteRequests
) -> None:
    page = open_page(browser, site, offsite_requests)
    log_in(page, site, "teacher", demo_logins["teacher"])
    page.goto(f"{site}/courses/")
    page.get_by_role("link", name="Demo course").click()
    expect(page.get_by_role("heading", name="Demo course")).to_be_visible()
    expect(page.locator("table.roster")).to_contain_text("student")
    for link, heading in [
        ("Live class view", "Demo course"),
        ("Analytics", "Demo course"),
        ("Gradebook", "Demo course"),
    ]:
        page.goto(f"{site}/courses/{DEMO_COURSE_SLUG}/")
        page.get_by_role("link", name=link).click()
        expect(page.locator("main")).to_contain_text(heading)
    screenshot(page, "first-hour-teacher-gradebook")

    student = open_page(browser, site, offsite_requests)
    log_in(student, site, "student", demo_logins["student"])
    student.get_by_role("link", name="Add two numbers").click()
    student.get_by_role("button", name="Run", exact=True).click()
    expect(student.locator("#results")).to_contain_text("Some tests failed.")
    student.get_by_role("button", name="Hint").click()
    turn = student.locator(".turn").last
    # The exercise's own hint shows in the hint's turn, whatever the model writes below it
    # (tests/assist/test_consumer.py: it comes with the request's first message).
    expect(turn.locator(".turn-authored")).to_contain_text(FIRST_AUTHORED_HINT)
    expect(turn.get_by_role("button", name="Helpful", exact=True)).to_be_visible(timeout=60_000)
    screenshot(student, "first-hour-student-hint")
    assert offsite_requests == []
