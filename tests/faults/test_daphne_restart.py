"""Restart daphne under an open workspace page: the browser reconnects by itself.

A real Chromium runs the page's own reconnect logic (frontend/src/socket.js: backoff from 0.5 s
up to 10 s, the whole state again in the new socket's hello).
"""

import time

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect

from exercises.models import Exercise, Submission
from tests.browser.conftest import OffsiteRequests, open_page
from tests.faults.stack import PrivateRedis, Stack, recovered

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
]


def test_the_page_reconnects_after_daphne_restarts_and_runs_code_again(
    browser: Browser,
    offsite_requests: OffsiteRequests,
    private_redis: PrivateRedis,
    student: User,
    add_two: Exercise,
) -> None:
    with Stack(private_redis.url) as stack:
        stack.start("runner")
        stack.start("daphne")
        page = open_page(browser, stack.base_url, offsite_requests)
        page.goto(f"{stack.base_url}/login/")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("alice-password")
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{stack.base_url}/exercises/add-two/")
        connection = page.locator("#connection")
        expect(connection).to_have_attribute("data-state", "online")

        stack.kill("daphne")
        killed_at = time.monotonic()
        expect(connection).to_have_text("Offline — reconnecting…")
        expect(page.get_by_role("button", name="Run", exact=True)).to_be_disabled()
        stack.start("daphne")  # the same port, as systemd's Restart=always does
        expect(connection).to_have_attribute("data-state", "online", timeout=40_000)
        reconnected_after = time.monotonic() - killed_at

        page.get_by_role("button", name="Run", exact=True).click()
        expect(page.locator("#results")).to_contain_text("Some tests failed. (0/2)")
        graded_after = time.monotonic() - killed_at
        page.context.close()

    recovered("daphne killed and restarted, page reconnected", reconnected_after)
    recovered("daphne killed and restarted, Run graded from the same page", graded_after)
    assert Submission.objects.get().status == "done"
    assert offsite_requests == []
