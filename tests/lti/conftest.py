"""LabTutor registered with a real LTI 1.3 platform (tests/lti/platform.py) served over HTTP.

The tool side runs in Django's test client (the browser's part: following the LMS's redirects
and posting its forms); every call the tool makes to the LMS (its JWKS, access tokens, roster,
line items, scores) goes over real HTTP to the platform on 127.0.0.1.
LABTUTOR_TEST_LTI_PORT picks its port (default: any free one).
"""

import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from lti_tool.models import LtiDeployment, LtiRegistration

from tests.lti.platform import (
    CLIENT_ID,
    DEPLOYMENT_ID,
    INSTRUCTOR,
    ISSUER,
    LEARNER,
    LmsPlatform,
    Member,
)

TOOL = "http://testserver"


@pytest.fixture
def platform(db: None) -> Iterator[LmsPlatform]:
    lms = LmsPlatform(tool_base=TOOL, port=int(os.environ.get("LABTUTOR_TEST_LTI_PORT", "0")))
    lms.add_member(Member("lms-teacher-1", "Grace Hopper", "grace@school.example", [INSTRUCTOR]))
    lms.add_member(Member("lms-student-1", "Ada Lovelace", "ada@school.example", [LEARNER]))
    lms.add_member(Member("lms-student-2", "Alan Turing", "alan@school.example", [LEARNER]))
    lms.add_member(
        Member("lms-student-3", "Left Early", "left@school.example", [LEARNER], status="Inactive")
    )
    lms.start()
    yield lms
    lms.stop()


@pytest.fixture
def registration(platform: LmsPlatform) -> LtiRegistration:
    """What the administrator types into LabTutor's admin, and the LMS is told of LabTutor."""
    registered = LtiRegistration.objects.create(
        name="School Moodle",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_url=platform.auth_url,
        token_url=platform.token_url,
        keyset_url=platform.keyset_url,
    )
    LtiDeployment.objects.create(
        registration=registered, deployment_id=DEPLOYMENT_ID, is_active=True
    )
    # The LMS reads the tool's keys from its JWKS address, as Moodle and Canvas do.
    platform.tool_jwks = Client().get("/lti/jwks/").json()
    return registered


def launch(client: Client, platform: LmsPlatform, user_id: str, **hint: Any) -> Any:
    """A click in the LMS: login initiation, the platform's authentication, the launch post."""
    response = client.get(platform.login_url(user_id, **hint))
    assert response.status_code == 302, response.content[:500]
    form = platform_form(response["Location"])
    return client.post(
        urlsplit(form["launch_url"]).path, {"id_token": form["id_token"], "state": form["state"]}
    )


def platform_form(auth_url: str) -> dict[str, Any]:
    """The platform's answer to the authentication request (the form it would post)."""
    answer = requests.get(auth_url, timeout=10)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def auto_post_form(html: str) -> tuple[str, dict[str, str]]:
    """The action and fields of the self-submitting form a deep-linking response is."""
    action = re.search(r'<form[^>]*action="([^"]+)"', html)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    assert action is not None, html
    return action.group(1), fields
