"""A real LTI 1.3 platform for the tests: lti1p3platform's launch, token and deep-linking code
served over HTTP on 127.0.0.1, as an LMS on the lab's LAN would be.

What it does is what Moodle and Canvas do for a tool: it starts OIDC logins (the third-party
initiated login), answers the tool's authentication request with a signed id_token in a form
that posts to the tool, serves its JWKS, hands out access tokens for a signed client
assertion (client credentials grant), and serves Names and Role Provisioning and Assignment
and Grade Services, checking the bearer token's signature, issuer, expiry and scope on each
call. It records what the tool sent back (deep-linked items, line items, scores) for the
tests to read. `down` makes the grade services answer 503, as an LMS being restarted does.
"""

import json
import threading
import time
import typing as t
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from jwcrypto.jwk import JWK
from lti1p3platform.exceptions import LtiException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration

ISSUER = "https://moodle.lab.example"
CLIENT_ID = "labtutor-client"
DEPLOYMENT_ID = "deployment-1"
CONTEXT_ID = "course-101"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


@dataclass
class Member:
    user_id: str
    name: str
    email: str
    roles: list[str]
    status: str = "Active"

    def as_nrps(self) -> dict[str, t.Any]:
        given, _, family = self.name.partition(" ")
        return {
            "user_id": self.user_id,
            "name": self.name,
            "given_name": given,
            "family_name": family,
            "email": self.email,
            "roles": self.roles,
            "status": self.status,
        }


@dataclass
class Received:
    """What the tool sent to the platform."""

    deep_link_items: list[dict[str, t.Any]] = field(default_factory=list)
    line_items: list[dict[str, t.Any]] = field(default_factory=list)
    scores: list[dict[str, t.Any]] = field(default_factory=list)
    refused_tokens: int = 0
    roster_reads: int = 0


def _new_key() -> tuple[str, str]:
    key = JWK.generate(kty="RSA", size=2048, kid="platform-key-1")
    return (
        key.export_to_pem(private_key=True, password=None).decode(),
        key.export_to_pem().decode(),
    )


class _Config(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: t.Any) -> None:
        self.platform: LmsPlatform = kwargs["platform"]

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self.platform.registration()


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = json.dumps(kwargs)

    def get_redirect(self, url: str) -> str:
        return url


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def __init__(self, query: dict[str, str], config: _Config) -> None:
        self._query = query
        super().__init__(t.cast(t.Any, None), config)

    def get_preflight_response(self) -> dict[str, t.Any]:
        return self._query

    def render_launch_form(
        self, launch_data: dict[str, t.Any], **kwargs: t.Any
    ) -> dict[str, t.Any]:
        return launch_data


class LmsPlatform:
    """One LMS course (CONTEXT_ID) with its members, one tool registered in it."""

    def __init__(self, *, tool_base: str, port: int = 0) -> None:
        self.tool_base = tool_base.rstrip("/")
        self.private_key, self.public_key = _new_key()
        self.members: dict[str, Member] = {}
        self.received = Received()
        self.down = False
        self.tool_jwks: dict[str, t.Any] | None = None
        self.id_token_lifetime = 300
        self.extra_links: dict[str, dict[str, t.Any]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # ---- what the administrator types into LabTutor's registration ----------------------
    @property
    def auth_url(self) -> str:
        return f"{self.url}/auth"

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    @property
    def keyset_url(self) -> str:
        return f"{self.url}/jwks"

    def start(self) -> "LmsPlatform":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add_member(self, member: Member) -> None:
        self.members[member.user_id] = member

    def registration(self) -> Registration:
        registration = (
            Registration()
            .set_iss(ISSUER)
            .set_client_id(CLIENT_ID)
            .set_deployment_id(DEPLOYMENT_ID)
            .set_oidc_login_url(f"{self.tool_base}/lti/login/")
            .set_launch_url(f"{self.tool_base}/lti/launch/")
            .set_deeplink_launch_url(f"{self.tool_base}/lti/launch/")
            .set_platform_public_key(self.public_key)
            .set_platform_private_key(self.private_key)
        )
        if self.tool_jwks is not None:
            registration.set_tool_key_set(t.cast(t.Any, self.tool_jwks))
        return registration

    def _config(self) -> _Config:
        return _Config(platform=self)

    # ---- what a teacher or student clicking in the LMS starts --------------------------
    def login_url(self, user_id: str, *, resource_link: str = "", deep_link: bool = False) -> str:
        """Where the LMS sends the browser first: the tool's OIDC login initiation."""
        login = _Login(None, self._config())
        login.set_lti_message_hint(resource_link=resource_link, deep_link=deep_link)
        return login.initiate_login(user_id)

    def authenticate(self, query: dict[str, str]) -> dict[str, t.Any]:
        """The platform's answer to the tool's authentication request: the launch form."""
        hint = json.loads(query.get("lti_message_hint", "{}"))
        member = self.members[query["login_hint"]]
        launch = _Launch(query, self._config())
        launch.set_id_token_expiration(self.id_token_lifetime)
        launch.set_user_data(member.user_id, member.roles, member.name, member.email)
        launch.set_extra_claims(
            {
                "given_name": member.name.partition(" ")[0],
                "family_name": member.name.partition(" ")[2],
            }
        )
        launch.set_launch_context_claim(
            CONTEXT_ID,
            ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            "Programming 101",
            "PROG101",
        )
        launch.set_nrps(f"{self.url}/memberships")
        launch.set_ags(f"{self.url}/lineitems", allow_creating_lineitems=True)
        if hint.get("deep_link"):
            launch.set_dl(f"{self.url}/deep-link-return", title="Add an activity")
        else:
            link = self.resource_links[hint["resource_link"]]
            launch.set_resource_link_claim(hint["resource_link"], title=link.get("title"))
            if link.get("custom"):
                launch.set_custom_parameters_claim(link["custom"])
        return t.cast(dict[str, t.Any], launch.lti_launch())

    @property
    def resource_links(self) -> dict[str, dict[str, t.Any]]:
        """Resource links the teacher placed, from the deep-linked items (id = their index)."""
        return {
            f"link-{index}": item for index, item in enumerate(self.received.deep_link_items)
        } | self.extra_links

    def sign(self, claims: dict[str, t.Any], expiration: int = 300) -> str:
        return self.registration().platform_encode_and_sign(claims, expiration=expiration)

    # ---- services ---------------------------------------------------------------------
    def _token_allows(self, headers: t.Any, scope: str) -> bool:
        token = (headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        config = self._config()
        config.get_registration()
        try:
            allowed = config.validate_token(token, allowed_scopes=[scope])
        except Exception:
            allowed = False
        if not allowed:
            self.received.refused_tokens += 1
        return allowed

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: t.Any) -> None:
                pass

            def _reply(
                self, status: int, body: t.Any, content_type: str = "application/json"
            ) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _form(self) -> dict[str, str]:
                length = int(self.headers.get("Content-Length") or 0)
                return dict(parse_qsl(self.rfile.read(length).decode()))

            def _json(self) -> t.Any:
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"null")

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                if path == "/jwks":
                    config = platform._config()
                    config.get_registration()
                    return self._reply(200, config.get_jwks())
                if path == "/auth":
                    try:
                        form = platform.authenticate(dict(parse_qsl(query)))
                    except Exception as error:
                        return self._reply(400, {"error": str(error)})
                    return self._reply(200, form)
                if path == "/memberships":
                    if not platform._token_allows(self.headers, NRPS_SCOPE):
                        return self._reply(401, {"error": "invalid token"})
                    platform.received.roster_reads += 1
                    return self._reply(
                        200,
                        {
                            "id": f"{platform.url}/memberships",
                            "context": {"id": CONTEXT_ID, "title": "Programming 101"},
                            "members": [m.as_nrps() for m in platform.members.values()],
                        },
                        "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
                    )
                if path == "/lineitems":
                    if not platform._token_allows(self.headers, LINEITEM_SCOPE):
                        return self._reply(401, {"error": "invalid token"})
                    return self._reply(200, platform.received.line_items)
                return self._reply(404, {"error": "not found"})

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                if path == "/token":
                    config = platform._config()
                    config.get_registration()
                    try:
                        return self._reply(200, dict(config.get_access_token(self._form())))
                    except (LtiException, Exception) as error:
                        return self._reply(400, {"error": "invalid_client", "detail": str(error)})
                if path == "/deep-link-return":
                    config = platform._config()
                    config.get_registration()
                    try:
                        items = config.validate_deeplinking_resp(self._form())
                    except Exception as error:
                        return self._reply(400, {"error": str(error)})
                    platform.received.deep_link_items.extend(items)
                    return self._reply(200, {"received": len(items)})
                if platform.down and path.startswith("/lineitems"):
                    return self._reply(503, {"error": "the LMS is restarting"})
                if path == "/lineitems":
                    if not platform._token_allows(self.headers, LINEITEM_SCOPE):
                        return self._reply(401, {"error": "invalid token"})
                    with platform._lock:
                        item = dict(self._json())
                        item["id"] = (
                            f"{platform.url}/lineitems/{len(platform.received.line_items) + 1}"
                        )
                        platform.received.line_items.append(item)
                    return self._reply(201, item)
                if path.startswith("/lineitems/") and path.endswith("/scores"):
                    if not platform._token_allows(self.headers, SCORE_SCOPE):
                        return self._reply(401, {"error": "invalid token"})
                    score = dict(self._json())
                    score["lineitem"] = f"{platform.url}{path.removesuffix('/scores')}"
                    platform.received.scores.append(score)
                    return self._reply(200, {})
                return self._reply(404, {"error": "not found"})

        return Handler


def expired(claims: dict[str, t.Any]) -> dict[str, t.Any]:
    """The claims of a token that expired a minute ago."""
    now = int(time.time())
    return claims | {"iat": now - 600, "exp": now - 60}


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def with_query(url: str, params: dict[str, str]) -> str:
    return f"{url}?{urlencode(params)}"
