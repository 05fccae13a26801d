"""WebSockets open only from the site's own origin: scheme, host and port."""

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.test import override_settings

from tests.sockets import refused_code
from tutor.asgi import application
from tutor.courses.models import Course
from tutor.socket_origins import origin_allowed, parse_origin

SITE = b"127.0.0.1:8000"


def live_socket(user: User, origin: bytes, host: bytes = SITE) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application, "/ws/courses/python-1/live/", headers=[(b"origin", origin), (b"host", host)]
    )
    communicator.scope["user"] = user
    return communicator


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_page_on_another_port_cannot_open_the_sites_socket(
    course: Course, instructor: User
) -> None:
    same_site = live_socket(instructor, b"http://127.0.0.1:8000")
    connected, _ = await same_site.connect(timeout=10)
    assert connected
    await same_site.disconnect()
    # Same host, another port: a student's server on :9999 would carry the instructor's cookie.
    assert await refused_code(live_socket(instructor, b"http://127.0.0.1:9999"))
    assert await refused_code(live_socket(instructor, b"https://127.0.0.1:8000"))
    assert await refused_code(live_socket(instructor, b"http://localhost:8000"))
    assert await refused_code(live_socket(instructor, b"null"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_configured_origin_is_let_in_for_a_reverse_proxy(
    course: Course, instructor: User
) -> None:
    with override_settings(WEBSOCKET_TRUSTED_ORIGINS=["https://labtutor.lab.local"]):
        proxied = live_socket(instructor, b"https://labtutor.lab.local", host=b"127.0.0.1:8000")
        connected, _ = await proxied.connect(timeout=10)
        assert connected
        await proxied.disconnect()
        assert await refused_code(live_socket(instructor, b"https://labtutor.lab.local:8443"))


@pytest.mark.parametrize(
    ("origin", "host", "secure", "allowed"),
    [
        ("http://localhost", "localhost", False, True),
        ("http://localhost:80", "localhost", False, True),
        ("http://LOCALHOST:8000", "localhost:8000", False, True),
        ("http://[::1]:8000", "[::1]:8000", False, True),
        ("https://127.0.0.1", "127.0.0.1", True, True),
        ("http://127.0.0.1:9999", "127.0.0.1:8000", False, False),
        ("http://127.0.0.1", "127.0.0.1", True, False),  # the site is https
        ("http://evil.example:8000", "evil.example:8000", False, False),  # not an allowed host
        ("", "localhost", False, False),
        ("http://localhost/page", "localhost", False, False),
        ("ftp://localhost", "localhost", False, False),
        ("http://localhost:99999", "localhost", False, False),
    ],
)
def test_the_origin_rule(origin: str, host: str, secure: bool, allowed: bool) -> None:
    assert origin_allowed(origin, host, secure=secure) is allowed


def test_origins_parse_with_default_ports() -> None:
    assert parse_origin("https://labtutor.lab.local") == ("https", "labtutor.lab.local", 443)
    assert parse_origin("null") is None
