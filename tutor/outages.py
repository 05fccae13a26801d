"""What a page or a socket says when a part of the server is down: the database or Redis.

A full disk, a read-only or stopped database, or a Redis that is restarting is not a bug in the
request: the user gets a clear message and may try again, the process goes on serving (no crash,
no restart loop), and the log gets one line that names the cause.
"""

import logging
from typing import Any

import kombu.exceptions
import redis
from django.db import InterfaceError, InternalError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# "database or disk is full", "attempt to write a readonly database", "database is locked", a
# PostgreSQL that refuses connections or ran out of disk (OperationalError); a read-only or
# aborted PostgreSQL transaction (InternalError). Not IntegrityError or ProgrammingError: those
# are bugs and stay 500s.
DATABASE_OUTAGES: tuple[type[Exception], ...] = (OperationalError, InterfaceError, InternalError)
# Redis down or restarting: the channel layer, the live state and the Celery broker.
REDIS_OUTAGES: tuple[type[Exception], ...] = (
    redis.ConnectionError,
    redis.TimeoutError,
    kombu.exceptions.OperationalError,
)

DATABASE_UNAVAILABLE = (
    "The server's database is not available right now (its disk may be full), so this could "
    "not be done. Try again in a minute; if it keeps happening, tell your instructor."
)
LIVE_UNAVAILABLE = (
    "The server's message service is restarting, so this could not be done. The page "
    "reconnects by itself; try again in a moment."
)
RETRY_AFTER_SECONDS = 30


class DatabaseOutageMiddleware:
    """Turns a database outage inside a view into a 503 that says so, not a bare 500."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_OUTAGES):
            return None
        logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if "text/html" in request.headers.get("Accept", ""):
        # Rendered without the request: the usual context (the user, their roles) needs the
        # database that just failed.
        html = render_to_string("outage.html", {"message": DATABASE_UNAVAILABLE})
        response = HttpResponse(html, status=503)
    else:
        response = JsonResponse({"error": DATABASE_UNAVAILABLE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
