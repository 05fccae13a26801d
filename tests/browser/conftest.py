"""Headless Chromium (Debian's package) driven by Playwright, cut off from every other host."""

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, Route, WebSocket, expect, sync_playwright

from exercises.services.importing import import_exercises_from
from tests.conftest import FIXTURES, enrol_since_term_start
from tutor.accounts.roles import make_instructor
from tutor.courses.models import Course
from tutor.courses.services import create_course

# Workers share two cores with the browser and the server: give assertions room to wait.
expect.set_options(timeout=30_000)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Module scope: Playwright's event loop must be gone before other modules' asyncio tests run.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; scripts/test.sh installs it.")
    # Playwright's sync API keeps an event loop running in this thread while the test's own
    # database calls stay plain synchronous calls, which Django would otherwise refuse.
    with (
        pytest.MonkeyPatch.context() as patch,
        sync_playwright() as playwright,
    ):
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class OffsiteRequests(list[str]):
    """Every request the page tried to send to a host other than the test server."""


@pytest.fixture
def offsite_requests() -> OffsiteRequests:
    return OffsiteRequests()


def open_page(browser: Browser, base_url: str, offsite: OffsiteRequests) -> Page:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    allowed = urlsplit(base_url).netloc

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).netloc == allowed:
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def log_in(page: Page, site: str, username: str, password: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def socket_frames(page: Page) -> list[dict]:
    """Every WebSocket message the page receives from now on, decoded, in order."""
    frames: list[dict] = []

    def record(socket: WebSocket) -> None:
        socket.on("framereceived", lambda payload: frames.append(json.loads(payload)))

    page.on("websocket", record)
    return frames


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@dataclass(frozen=True)
class PythonOne:
    teacher: User
    student: User
    course: Course


def python_one_class() -> PythonOne:
    """add-two imported; tess teaches Python 1, where carol is a student (both can log in)."""
    import_exercises_from(FIXTURES / "native")
    users = get_user_model().objects
    teacher = users.create_user("tess", password="tess-password-1", first_name="Tess")
    make_instructor(teacher)
    student = users.create_user("carol", password="carol-password-1")
    course = create_course("Python 1", "python-1", instructors=[teacher])
    enrol_since_term_start(course, student)
    return PythonOne(teacher, student, course)
