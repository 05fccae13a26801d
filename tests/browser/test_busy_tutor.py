"""A busy tutor in a real browser: a hint it cannot answer in time comes at once as the
instructor's hint with "the tutor is busy: about N s", and "Wait for the tutor's answer" queues
the same help again (wait: true), which the model then answers."""

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Browser, WebSocket, expect

from exercises.models import Exercise
from exercises.services.importing import import_exercises_from
from tests.browser.conftest import OffsiteRequests, log_in, open_page, screenshot
from tests.conftest import FIXTURES
from tests.real_stack import running_site
from tutor.assist import streams
from tutor.assist.models import AiRequest
from tutor.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(tiny_tutor_model: Path) -> Iterator[str]:
    import_exercises_from(FIXTURES / "native")
    get_user_model().objects.create_user("carol", password="carol-password-1")
    celery_app.control.purge()
    with running_site(model=tiny_tutor_model) as base_url:
        yield base_url


@pytest.fixture
def model_falling_behind(site: str) -> Iterator[AiRequest]:
    """Another student's answer, running for ten minutes (and alive: its heartbeat goes on):
    the model is far slower now than any deadline allows (selectors/admission.py)."""
    other = get_user_model().objects.create_user("dave", password="dave-password-1")
    running = AiRequest.objects.create(
        student=other,
        exercise=Exercise.objects.get(slug="add-two"),
        kind=AiRequest.Kind.HINT,
        status=AiRequest.Status.RUNNING,
        started_at=timezone.now() - timedelta(minutes=10),
    )
    with streams.beating(running.pk, 600):
        yield running


def test_a_declined_hint_shows_the_instructors_hint_and_the_student_may_wait(
    browser: Browser,
    site: str,
    model_falling_behind: AiRequest,
    offsite_requests: OffsiteRequests,
) -> None:
    page = open_page(browser, site, offsite_requests)
    sent: list[dict] = []

    def record(socket: WebSocket) -> None:
        socket.on("framesent", lambda payload: sent.append(json.loads(payload)))

    page.on("websocket", record)
    log_in(page, site, "carol", "carol-password-1")
    page.get_by_role("link", name="Add two numbers").click()
    expect(page.locator(".cm-content")).to_contain_text("def add(a, b):")

    page.get_by_role("button", name="Hint").click()
    declined = page.locator(".turn").first  # a locator: .last would be the next turn
    expect(declined.locator(".turn-authored")).to_contain_text(
        "Concept: a function gives back a value with return."
    )
    expect(declined.locator(".turn-busy")).to_contain_text(
        "The tutor is busy: an answer would take about"
    )
    # The instructor's hint is shown once, not again as the reply.
    expect(declined.locator(".turn-answer")).to_be_hidden()
    screenshot(page, "busy-tutor-declined")

    declined_id = AiRequest.objects.get(student__username="carol").pk
    declined.get_by_role("button", name="Wait for the tutor's answer").click()
    # The declined request itself waits (issue 22: it left two rows in the AI log): one turn,
    # whose busy notice gives way to the model's answer.
    expect(declined.get_by_role("button", name="Helpful", exact=True)).to_be_visible(timeout=60_000)
    expect(page.locator(".turn")).to_have_count(1)
    expect(declined.locator(".turn-busy")).to_be_hidden()
    screenshot(page, "busy-tutor-waited")

    helps = [message for message in sent if message.get("type") == "help"]
    assert [help.get("wait") for help in helps] == [None, True]
    assert helps[1]["declined_id"] == declined_id
    assert helps[0]["code"] == helps[1]["code"]
    (answered_row,) = AiRequest.objects.filter(student__username="carol")
    assert answered_row.pk == declined_id
    assert answered_row.finish_reason != "declined" and answered_row.completion_tokens > 0
    assert offsite_requests == []
