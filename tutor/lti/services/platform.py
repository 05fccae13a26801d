"""Talking to an LMS's services (NRPS, AGS) with the tool's key: one connector per call.

The registration (issuer, client id, token URL, keys) is the administrator's; the tool's
private key is django-lti's active key unless the registration has its own.
"""

from typing import Any

import requests
from lti_tool.models import Key, LtiRegistration
from pylti1p3.service_connector import ServiceConnector

# An LMS on the LAN answers in well under this; a dead one must not hold a worker.
REQUEST_TIMEOUT_SECONDS = 15


def ensure_tool_key() -> Key:
    """The key the tool signs with (published at /lti/jwks/): made on first need."""
    key = Key.objects.active().order_by("-datetime_created").first()
    return key if key is not None else Key.objects.generate()


class _TimedSession(requests.Session):
    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", REQUEST_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def connector(registration: LtiRegistration) -> ServiceConnector:
    ensure_tool_key()
    return ServiceConnector(registration.to_registration(), requests_session=_TimedSession())
