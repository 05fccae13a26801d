"""Instructors' tables at class and curriculum size, in a real browser: the gradebook keeps its
header row and student column in view and sorts; Manage exercises filters and hides a whole
source at once; an exercise's analytics blocks never overlap, at 1366x768 or 1920x1080."""

import json
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.forms.models import model_to_dict
from playwright.sync_api import Browser, Page, expect

from exercises.models import Exercise, Submission
from exercises.services.importing import import_exercises_from
from tests.browser.conftest import SCREENSHOTS, OffsiteRequests, log_in, open_page, screenshot
from tests.conftest import EXERCISM_SAMPLES, FIXTURES, enrol_since_term_start
from tests.real_stack import free_port, stack_environment, start_daphne, stop
from tutor.accounts.roles import make_instructor
from tutor.assist.models import AiRequest
from tutor.courses.models import Course, HiddenLibraryExercise
from tutor.courses.services import create_course

pytestmark = pytest.mark.django_db(transaction=True)

EXTRA_EXERCISES = 33  # with the four imported: 37 columns, as in the class
STUDENTS = 40
LONG_TEST = "LongestNamesTest.test_a_price_tag_with_a_very_long_name_keeps_both_decimals"


def copies_of(exercise: Exercise, count: int) -> None:
    fields = model_to_dict(exercise, exclude=["id", "slug", "title", "order"])
    Exercise.objects.bulk_create(
        Exercise(
            **fields,
            slug=f"week-{number:02d}",
            title=f"Week {number:02d} practice",
            order=100 + number,
        )
        for number in range(1, count + 1)
    )


def failed_submit(student: User, exercise: Exercise, passed: int) -> Submission:
    tests = [
        {"file": "test_visible.py", "name": LONG_TEST, "outcome": "failed", "message": "x"},
        {"file": "test_visible.py", "name": "AddTest.test_ok", "outcome": "passed"},
    ]
    return Submission.objects.create(
        student=student,
        exercise=exercise,
        code="def add(a, b):\n    return a - b\n",
        kind=Submission.Kind.SUBMIT,
        status=Submission.Status.DONE,
        passed=False,
        tests_passed=passed,
        tests_total=4,
        result={"status": "failed", "tests": tests},
    )


def ask_and_fail(student: User, exercise: Exercise) -> None:
    AiRequest.objects.create(
        student=student,
        exercise=exercise,
        kind=AiRequest.Kind.ASK,
        status=AiRequest.Status.DONE,
        context={"question": "Why does `add(2, 3)` give -1?"},
        reply="Look at the operator on line 2.",
        guard_verdict="allow",
    )
    AiRequest.objects.create(
        student=student,
        exercise=exercise,
        kind=AiRequest.Kind.HINT,
        hint_level=2,
        status=AiRequest.Status.FAILED,
        finish_reason="timeout",
        error_message="The answer took too long and was stopped.",
    )


@pytest.fixture
def site() -> Iterator[str]:
    import_exercises_from(FIXTURES / "native")
    import_exercises_from(EXERCISM_SAMPLES)
    add_two = Exercise.objects.get(slug="add-two")
    copies_of(add_two, EXTRA_EXERCISES)
    users = get_user_model().objects
    teacher = users.create_user("tess", password="tess-password-1", first_name="Tess")
    make_instructor(teacher)
    course = create_course("Python 1", "python-1", instructors=[teacher])
    for number in range(1, STUDENTS + 1):
        password = "student-password-1" if number == 1 else None
        student = users.create_user(f"student{number:02d}", password=password)
        enrol_since_term_start(course, student)
        if number <= 3:
            failed_submit(student, add_two, passed=number)
        if number == 1:
            ask_and_fail(student, add_two)
    port = free_port()
    daphne = start_daphne(port, stack_environment())
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(daphne)


def as_teacher(
    browser: Browser, site: str, offsite: OffsiteRequests, size: tuple[int, int]
) -> Page:
    page = open_page(browser, site, offsite)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    log_in(page, site, "tess", "tess-password-1")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return page


def test_the_gradebook_keeps_names_and_headers_in_view_and_sorts(
    browser: Browser, site: str, offsite_requests: OffsiteRequests
) -> None:
    page = as_teacher(browser, site, offsite_requests, (1366, 768))
    course = Course.objects.get(slug="python-1")
    page.goto(f"{site}/courses/{course.slug}/gradebook/")
    scroller = page.locator(".gradebook-scroll")
    expect(page.locator(".gradebook tbody tr")).to_have_count(STUDENTS)

    # Far right and far down: the corner, the header row and the student column stay put.
    scroller.evaluate(
        "node => { node.scrollLeft = node.scrollWidth; node.scrollTop = node.scrollHeight; }"
    )
    boxes = page.evaluate(
        """() => {
          const box = (node) => node.getBoundingClientRect();
          const scroller = box(document.querySelector(".gradebook-scroll"));
          const table = document.querySelector(".gradebook");
          const lastRow = table.tBodies[0].rows[table.tBodies[0].rows.length - 1];
          return {
            scroller: { top: scroller.top, left: scroller.left },
            header: box(table.tHead.rows[0].cells[3]).top,
            corner: box(table.tHead.rows[0].cells[0]).left,
            name: box(lastRow.cells[0]).left,
            scrolled: document.querySelector(".gradebook-scroll").scrollLeft,
          };
        }"""
    )
    screenshot(page, "tables-gradebook-scrolled")
    assert boxes["scrolled"] > 0, boxes
    assert abs(boxes["header"] - boxes["scroller"]["top"]) <= 2, boxes
    assert abs(boxes["name"] - boxes["scroller"]["left"]) <= 2, boxes
    assert abs(boxes["corner"] - boxes["scroller"]["left"]) <= 2, boxes

    # Sort by the total, highest first: the students who submitted come to the top.
    total = page.locator(".gradebook thead th").last
    total.get_by_role("button").click()
    total.get_by_role("button").click()
    expect(total).to_have_attribute("aria-sort", "descending")
    first_names = page.locator(".gradebook tbody tr th").all_inner_texts()[:3]
    assert first_names == ["student03", "student02", "student01"], first_names
    # Filter rows by text.
    page.get_by_label("Filter rows").fill("student1")
    expect(page.locator(".gradebook tbody tr:visible")).to_have_count(10)
    assert offsite_requests == []


def test_manage_exercises_filters_by_source_and_hides_all_of_it_at_once(
    browser: Browser, site: str, offsite_requests: OffsiteRequests
) -> None:
    page = as_teacher(browser, site, offsite_requests, (1366, 768))
    page.goto(f"{site}/instructor/exercises/")
    page.get_by_label("Source").select_option("exercism")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table[data-table] tbody tr")).to_have_count(3)
    screenshot(page, "tables-manage-exercises-filtered")
    page.get_by_role("button", name="Hide all 3").click()
    expect(page.locator(".message")).to_contain_text("3 exercises hidden from students now.")
    # Library exercises, hidden for the teacher's course only (the library keeps them).
    assert HiddenLibraryExercise.objects.count() == 3
    assert not Exercise.objects.filter(is_hidden=True).exists()

    # Back to everything: tick two by hand and show... one is shown already, one hidden.
    page.goto(f"{site}/instructor/exercises/?visibility=hidden")
    page.get_by_label("Tick every listed exercise").check()
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator(".message")).to_contain_text("3 exercises shown to students now.")
    assert not HiddenLibraryExercise.objects.exists()

    # Sorting by a column reorders the rows in the page.
    page.goto(f"{site}/instructor/exercises/")
    page.locator("thead th", has_text="Exercise").get_by_role("button").click()
    titles = page.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert titles == sorted(titles, key=str.lower), titles[:5]
    assert offsite_requests == []


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_analytics_blocks_of_an_exercise_do_not_overlap(
    browser: Browser, site: str, offsite_requests: OffsiteRequests, size: tuple[int, int]
) -> None:
    page = as_teacher(browser, site, offsite_requests, size)
    page.goto(f"{site}/courses/python-1/analytics/exercises/add-two/")
    expect(page.get_by_role("heading", name="Tests that fail most")).to_be_visible()
    expect(page.locator(".analytics-columns")).to_contain_text(LONG_TEST)
    boxes = page.evaluate(
        """() => [...document.querySelectorAll(".analytics-columns > section")].map((section) => {
          const outer = section.getBoundingClientRect();
          const table = section.querySelector("table").getBoundingClientRect();
          return { left: outer.left, right: outer.right, top: outer.top, bottom: outer.bottom,
                   table_right: table.right };
        })"""
    )
    name = f"analytics-exercise-{size[0]}x{size[1]}"
    screenshot(page, name)
    (SCREENSHOTS / f"{name}.json").write_text(json.dumps(boxes, indent=1))
    for index, box in enumerate(boxes):
        # Each table stays inside its own block...
        assert box["table_right"] <= box["right"] + 0.5, (index, box)
        for other in boxes[index + 1 :]:
            # ...and no two blocks share any area.
            apart = (
                other["left"] >= box["right"] - 0.5
                or other["right"] <= box["left"] + 0.5
                or other["top"] >= box["bottom"] - 0.5
                or other["bottom"] <= box["top"] + 0.5
            )
            assert apart, (box, other)
    assert offsite_requests == []


def test_the_ai_log_shows_the_question_the_task_and_why_it_failed(
    browser: Browser, site: str, offsite_requests: OffsiteRequests
) -> None:
    page = as_teacher(browser, site, offsite_requests, (1366, 768))
    page.goto(f"{site}/instructor/ai-log/")
    rows = page.locator("table.log tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Hint, level 2")
    expect(rows.nth(0)).to_contain_text("The answer took too long and was stopped.")
    expect(rows.nth(1)).to_contain_text("Why does `add(2, 3)` give -1?")
    # Oldest first by a click on the sorted column's header.
    page.get_by_role("link", name="When").click()
    expect(page.locator("table.log thead th").first).to_have_attribute("aria-sort", "ascending")
    expect(rows.nth(0)).to_contain_text("Why does")
    screenshot(page, "tables-ai-log")
    assert offsite_requests == []


def test_a_student_filters_the_exercise_list_by_source_and_difficulty(
    browser: Browser, site: str, offsite_requests: OffsiteRequests
) -> None:
    page = open_page(browser, site, offsite_requests)
    log_in(page, site, "student01", "student-password-1")
    expect(page.locator(".exercise-row")).to_have_count(4 + EXTRA_EXERCISES)
    page.get_by_label("Source").select_option("exercism")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".exercise-row")).to_have_count(3)
    page.get_by_label("Search").fill("matrix")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".exercise-row")).to_have_text(["Matrix medium not started"])
    screenshot(page, "student-exercise-list-filtered")
    assert offsite_requests == []
