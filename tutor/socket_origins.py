"""Which pages may open the site's WebSockets: the site's own origin, scheme, host and port.

Cookies are not scoped by port, so another program on the same host (a student's web server on
:9999, say) would otherwise open a socket with the visitor's session. Channels' own
AllowedHostsOriginValidator checks the host only; this checks the whole origin against the
address the socket was opened on (its Host header, which must itself be an allowed host), or
against a configured list (settings.WEBSOCKET_TRUSTED_ORIGINS, LABTUTOR_WEBSOCKET_ORIGINS) for a
reverse proxy that changes the address on the way (docs/deployment.md).
"""

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]  # scheme, host, port


def parse_origin(text: str) -> Origin | None:
    """("http", "127.0.0.1", 8000) from "http://127.0.0.1:8000"; None for "null" or junk."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    return scheme, parts.hostname.lower(), port if port is not None else DEFAULT_PORTS[scheme]


def site_origin(host_header: str, *, secure: bool) -> Origin | None:
    """The origin of the pages served at this Host header, or None if the host is not allowed."""
    host, port = split_domain_port(host_header.strip().lower())
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        return None
    scheme = "https" if secure else "http"
    return scheme, host.strip("[]"), int(port) if port else DEFAULT_PORTS[scheme]


def origin_allowed(origin_header: str, host_header: str, *, secure: bool) -> bool:
    origin = parse_origin(origin_header)
    if origin is None:
        return False
    trusted = {parse_origin(text) for text in settings.WEBSOCKET_TRUSTED_ORIGINS}
    if origin in trusted:
        return True
    return origin == site_origin(host_header, secure=secure)


class SameOriginValidator:
    """ASGI middleware: a WebSocket whose Origin is not the site's is closed before routing."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket":
            headers = dict(scope.get("headers", []))
            origin = headers.get(b"origin", b"").decode("latin-1")
            host = headers.get(b"host", b"").decode("latin-1")
            # Behind a TLS proxy (LABTUTOR_HTTPS) the pages are https even if daphne sees ws.
            secure = scope.get("scheme") == "wss" or settings.SECURE_SSL_REDIRECT
            if not origin_allowed(origin, host, secure=secure):
                denier = WebsocketDenier()
                return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
