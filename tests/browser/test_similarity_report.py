"""The similarity report in a real browser: the ranked pairs, and a pair side by side with the
shared code marked and the two programs next to each other at 1366x768."""

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, expect

from exercises.models import Submission
from tests.browser.conftest import OffsiteRequests, log_in, open_page, screenshot
from tests.real_stack import free_port, stack_environment, start_daphne, stop
from tests.similarity import class_material as material
from tutor.accounts.roles import make_instructor
from tutor.courses.services import create_course, enrol
from tutor.similarity.services import request_report, run_report

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site() -> Iterator[str]:
    exercise = material.create_exercise()
    users = get_user_model().objects
    teacher = users.create_user("tess", password="tess-password-1", first_name="Tess")
    make_instructor(teacher)
    course = create_course("Python 1", "python-1", instructors=[teacher])
    for name, code in material.CLASS.items():
        student = users.create_user(name, first_name=name.title())
        enrol(course, student)
        Submission.objects.create(student=student, exercise=exercise, kind="submit", code=code)
    run_report(request_report(course=course, exercise=exercise, requested_by=teacher).pk)
    port = free_port()
    daphne = start_daphne(port, stack_environment())
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(daphne)


def test_pairs_rank_and_a_pair_shows_side_by_side(
    browser: Browser, site: str, offsite_requests: OffsiteRequests
) -> None:
    page = open_page(browser, site, offsite_requests)
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, site, "tess", "tess-password-1")
    page.goto(f"{site}/courses/python-1/similarity/word-count/")
    rows = page.locator("table.similarity-pairs tbody tr")
    expect(rows.first).to_contain_text("100%")
    screenshot(page, "similarity-report")
    pair_link = page.get_by_role("row").filter(has_text="Alice").filter(has_text="Mallory")
    pair_link.get_by_role("link", name="Side by side").click()
    sides = page.locator(".similarity-side")
    expect(sides).to_have_count(2)
    expect(sides.first.locator("mark").first).to_be_visible()
    first, second = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    assert first is not None and second is not None
    assert first["x"] + first["width"] <= second["x"] and abs(first["y"] - second["y"]) < 2
    screenshot(page, "similarity-pair")
    assert offsite_requests == []  # every asset is served by the site itself
