"""No request body larger than REQUEST_BODY_MAX_BYTES reaches Django (tutor/request_limits.py)."""

from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.test import override_settings

from tutor.request_limits import BodySizeLimit


class RecordingApp:
    """Reads the whole body, as Django's handler does, and answers 200 unless it was cut off."""

    def __init__(self) -> None:
        self.called = False
        self.disconnected = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.called = True
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                return
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def http_scope(length: int | None) -> dict[str, Any]:
    headers = [] if length is None else [(b"content-length", str(length).encode())]
    return {"type": "http", "method": "POST", "path": "/instructor/exercises/import/",
            "headers": headers}  # fmt: skip


def test_the_body_cap_matches_the_archive_cap() -> None:
    assert settings.REQUEST_BODY_MAX_BYTES > settings.CONTENT_ARCHIVE_MAX_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * 2**20


@pytest.mark.asyncio
@override_settings(REQUEST_BODY_MAX_BYTES=1000)
async def test_a_body_declaring_more_than_the_cap_gets_413_unread() -> None:
    app = RecordingApp()
    communicator = ApplicationCommunicator(BodySizeLimit(app), http_scope(10**10))
    await communicator.send_input({"type": "http.request", "body": b"x" * 100, "more_body": True})
    start = await communicator.receive_output(timeout=5)
    assert start["status"] == 413
    body = await communicator.receive_output(timeout=5)
    assert b"larger than the server accepts" in body["body"]
    await communicator.wait(timeout=5)
    assert not app.called


@pytest.mark.asyncio
@override_settings(REQUEST_BODY_MAX_BYTES=1000)
async def test_a_body_longer_than_it_declared_is_cut_off() -> None:
    app = RecordingApp()
    communicator = ApplicationCommunicator(BodySizeLimit(app), http_scope(None))
    for _ in range(3):
        await communicator.send_input(
            {"type": "http.request", "body": b"x" * 600, "more_body": True}
        )
    await communicator.wait(timeout=5)
    assert app.called and app.disconnected


@pytest.mark.asyncio
@override_settings(REQUEST_BODY_MAX_BYTES=1000)
async def test_a_body_within_the_cap_passes() -> None:
    app = RecordingApp()
    communicator = ApplicationCommunicator(BodySizeLimit(app), http_scope(600))
    await communicator.send_input({"type": "http.request", "body": b"x" * 600})
    assert (await communicator.receive_output(timeout=5))["status"] == 200
    await communicator.receive_output(timeout=5)
    await communicator.wait(timeout=5)
