"""Headless Chromium (Debian's package) driven by Playwright, cut off from every other host."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, WebSocket, expect, sync_playwright

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
