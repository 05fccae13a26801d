"""The permission sweep: every URL and WebSocket route of the site, as the wrong person.

URLs are discovered from the URL configuration, so a page added later is swept too: unless it
is listed below as public or as a student page, it is an instructor page, and an anonymous
visitor and a student must be refused it (login redirect, 403, 404 or 405), GET and POST,
without anything in the database changing. Course pages are refused to another course's
instructor as well. Student pages are checked for reading another student's work.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.core import serializers
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from exercises.models import Exercise, Submission
from tests.sockets import end_closed
from tests.workspace.conftest import open_workspace, receive_until
from tutor.accounts.roles import make_instructor
from tutor.asgi import application
from tutor.assist.models import AiRequest
from tutor.courses.models import AccountOrigin, Course
from tutor.courses.services import create_course, enrol
from tutor.groups import live_group
from tutor.review.models import LineComment
from tutor.routing import websocket_urlpatterns

# Anyone may open these ("" is / , a redirect to the exercise list).
PUBLIC = {"", "login", "logout", "admin:login", "admin:logout"}
# The LMS's own entry points (tests/lti): they verify the LMS's signed messages instead; the
# deep-linking answer also needs the launch in the session and a teacher of its course.
PUBLIC |= {"lti:jwks", "lti:login", "lti:login-for", "lti:launch", "lti:deep-link"}
# A signed-in student may open these; each one only ever shows the student's own work.
STUDENT = {"exercises:list", "exercises:detail", "exercises:draft", "courses:join"}
STUDENT_SOCKETS = {"ws/workspace/<slug:slug>/"}

# What each kind of URL parameter is filled with; see `url_for`.
ANY_NUMBER = "999999"


def all_url_patterns() -> list[tuple[str, str]]:
    """(route, name) of every URL pattern, nested includes flattened."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                found.append((prefix + str(pattern.pattern), namespace + (pattern.name or "")))

    walk(get_resolver().url_patterns, "", "")
    return found


INSTRUCTOR_URLS = [
    (route, name) for route, name in all_url_patterns() if name not in PUBLIC | STUDENT
]


@pytest.fixture
def world(course: Course, student: User, other_student: User, add_two: Exercise) -> dict[str, Any]:
    """A course with both students, some work by `student`, and a second course elsewhere."""
    from tutor.courses.services import enrol

    enrol(course, other_student)
    submission = Submission.objects.create(
        student=student, exercise=add_two, kind="run", code="def add(a, b):\n    return 0\n"
    )
    ai_request = AiRequest.objects.create(
        student=student, exercise=add_two, kind="hint", status="done", reply="secret reply"
    )
    stranger = User.objects.create_user("stranger-teacher", password="stranger-password")
    make_instructor(stranger)
    create_course("Elsewhere", "elsewhere", instructors=[stranger])
    return {
        "course": course,
        "exercise": add_two,
        "student": student,
        "submission": submission,
        "ai_request": ai_request,
        "stranger": stranger,
    }


def url_for(route: str, world: dict[str, Any]) -> str:
    """The route with every parameter filled in with a real object of `world` where one fits."""
    values = {
        "slug": world["course"].slug,
        "exercise_slug": world["exercise"].slug,
        "student_id": str(world["student"].pk),
        "user_id": str(world["student"].pk),
        "id": str(world["student"].pk),
        "submission_id": str(world["submission"].pk),
        "request_id": str(world["ai_request"].pk),
        "app_label": "courses",
        "url": "nothing-here/",
    }

    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        if name in values:
            return values[name]
        if "exercise" in name:
            return world["exercise"].slug
        return ANY_NUMBER if match.group("converter") in {"int", None} else "1"

    url = re.sub(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>", fill, route)
    url = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", lambda m: values.get(m.group("name"), "1"), url)
    url = url.lstrip("^").rstrip("$")
    return "/" + url


def database_snapshot() -> list[str]:
    from django.apps import apps

    rows = []
    for model in apps.get_models():
        if model._meta.label in {"sessions.Session", "admin.LogEntry"}:
            continue
        for line in serializers.serialize("jsonl", model._default_manager.all()).splitlines():
            rows.append(re.sub(r'"last_login": "[^"]*"', "", line))
    return sorted(rows)


def assert_refused(response: Any, method: str, url: str, who: str) -> None:
    status = response.status_code
    location = response.get("Location", "")
    refused = status in {400, 403, 404, 405} or (status == 302 and "login" in location)
    assert refused, f"{who} got {status} {location} for {method} {url}"


@pytest.fixture
def sweep(world: dict[str, Any]) -> Iterator[list[str]]:
    urls = [url_for(route, world) for route, _ in INSTRUCTOR_URLS]
    yield urls


def test_the_sweep_covers_the_instructor_pages() -> None:
    names = {name for _, name in INSTRUCTOR_URLS}
    for expected in ("courses:detail", "courses:live", "courses:exam-mode", "assist:log"):
        assert expected in names
    assert not names & STUDENT


@pytest.mark.django_db
def test_anonymous_visitors_are_refused_every_instructor_url(sweep: list[str]) -> None:
    client = Client()
    before = database_snapshot()
    for url in sweep:
        assert_refused(client.get(url), "GET", url, "anonymous")
        assert_refused(client.post(url, {"on": "1", "body": "x"}), "POST", url, "anonymous")
    assert database_snapshot() == before


@pytest.mark.django_db
def test_students_are_refused_every_instructor_url(sweep: list[str], world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["student"])
    before = database_snapshot()
    for url in sweep:
        assert_refused(client.get(url), "GET", url, "a student")
        assert_refused(client.post(url, {"on": "1", "body": "x"}), "POST", url, "a student")
    assert database_snapshot() == before


@pytest.mark.django_db
def test_another_courses_instructor_is_refused_this_courses_pages(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["stranger"])
    course_routes = [route for route, _ in INSTRUCTOR_URLS if route.startswith("courses/<slug")]
    assert course_routes
    before = database_snapshot()
    for route in course_routes:
        url = url_for(route, world)
        assert_refused(client.get(url), "GET", url, "another course's instructor")
        assert_refused(client.post(url, {"on": "1"}), "POST", url, "another course's instructor")
    assert database_snapshot() == before


def socket_routes() -> list[str]:
    return [str(pattern.pattern) for pattern in websocket_urlpatterns]


async def refused_socket(user: User | None, path: str) -> bool:
    communicator = WebsocketCommunicator(
        application, path, headers=[(b"origin", b"http://localhost"), (b"host", b"localhost")]
    )
    if user is not None:
        communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=10)
    if connected:
        # A consumer may accept and close at once; anything it sends first must be a refusal.
        output = await communicator.receive_output(timeout=10)
        await communicator.disconnect()
        return output["type"] == "websocket.close"
    await end_closed(communicator, code)
    return True


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_every_socket_route_refuses_the_wrong_people(world: dict[str, Any]) -> None:
    routes = socket_routes()
    assert len(routes) >= 2
    for route in routes:
        path = "/" + route.replace("<slug:slug>", world["course"].slug)
        if route in STUDENT_SOCKETS:
            path = "/" + route.replace("<slug:slug>", world["exercise"].slug)
            assert await refused_socket(None, path), f"anonymous opened {path}"
            continue
        assert await refused_socket(None, path), f"anonymous opened {path}"
        assert await refused_socket(world["student"], path), f"a student opened {path}"
        assert await refused_socket(world["stranger"], path), f"a stranger opened {path}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_student_cannot_reach_another_students_answers_by_id(
    world: dict[str, Any], other_student: User
) -> None:
    communicator, hello = await open_workspace(other_student)
    assert hello["requests"] == [] and hello["latest_submission"] is None
    request_id = world["ai_request"].pk
    for message in (
        {"type": "resume", "request_id": request_id},
        {"type": "rate", "request_id": request_id, "rating": 1},
        {"type": "cancel", "request_id": request_id},
    ):
        await communicator.send_json_to(message)
        [reply] = await receive_until(communicator, lambda m: m["type"] in {"error", "request"})
        assert reply["type"] == "error", (message, reply)
        assert "secret reply" not in str(reply)
    await communicator.disconnect()
    row = await database_sync_to_async(AiRequest.objects.get)(pk=request_id)
    assert row.rating is None and row.status == "done"


@pytest.mark.django_db
def test_student_pages_show_only_the_students_own_work(
    world: dict[str, Any], other_student: User
) -> None:
    client = Client()
    client.force_login(other_student)
    page = client.get(f"/exercises/{world['exercise'].slug}/").content.decode()
    assert "return 0" not in page and "secret reply" not in page


# ---- Two instructors, two courses, no student in common ------------------------------------
# Each instructor acts through every instructor route and socket on the other's students, by id,
# from their own course and from the other's: every attempt is refused and changes nothing.

STUDENT_OBJECT_PARAMETERS = {"student_id", "user_id", "id", "submission_id", "request_id",
                             "comment_id"}  # fmt: skip
SECRET = "secret of {name}"


@dataclass(frozen=True)
class Classroom:
    instructor: User
    course: Course
    student: User
    submission: Submission
    ai_request: AiRequest
    comment: LineComment

    @property
    def secrets(self) -> list[str]:
        return [SECRET.format(name=self.student.username), self.submission.code.strip()]


def classroom(instructor: User, course: Course, student: User, exercise: Exercise) -> Classroom:
    submission = Submission.objects.create(
        student=student,
        exercise=exercise,
        kind="submit",
        status="done",
        code=f"def add(a, b):\n    return '{student.username} wrote this'\n",
    )
    ai_request = AiRequest.objects.create(
        student=student,
        exercise=exercise,
        kind="hint",
        status="done",
        reply=SECRET.format(name=student.username),
    )
    comment = LineComment.objects.create(
        submission=submission, line=1, body="look here", author=instructor
    )
    return Classroom(instructor, course, student, submission, ai_request, comment)


@pytest.fixture
def two_classrooms(
    course: Course, instructor: User, student: User, add_two: Exercise
) -> tuple[Classroom, Classroom]:
    """`teacher` with alice in Python 1; teacher-b with carol in Python 2; nobody in both."""
    teacher_b = User.objects.create_user("teacher-b", password="teacher-b-password")
    make_instructor(teacher_b)
    course_b = create_course("Python 2", "python-2", instructors=[teacher_b])
    carol = User.objects.create_user("carol", password="carol-password")
    enrol(course_b, carol)
    AccountOrigin.objects.create(account=carol, course=course_b)
    return (
        classroom(instructor, course, student, add_two),
        classroom(teacher_b, course_b, carol, add_two),
    )


def url_acting_on(route: str, *, course: Course, target: Classroom, exercise: Exercise) -> str:
    """The route with the course slug given and every student or work id the target's."""
    values = {
        "slug": course.slug,
        "exercise_slug": exercise.slug,
        "student_id": str(target.student.pk),
        "user_id": str(target.student.pk),
        "id": str(target.student.pk),
        "submission_id": str(target.submission.pk),
        "request_id": str(target.ai_request.pk),
        "comment_id": str(target.comment.pk),
    }

    def fill(match: re.Match[str]) -> str:
        return values.get(match.group("name"), ANY_NUMBER)

    return "/" + re.sub(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>", fill, route)


def route_parameters(route: str) -> set[str]:
    return set(re.findall(r"<(?:\w+:)?(\w+)>", route))


def assert_nothing_of(response: Any, target: Classroom, url: str, who: str) -> None:
    body = response.content.decode(errors="replace") if hasattr(response, "content") else ""
    for secret in target.secrets:
        assert secret not in body, f"{who} saw {target.student.username}'s work at {url}"


@pytest.mark.django_db
def test_no_instructor_reaches_the_other_instructors_students(
    two_classrooms: tuple[Classroom, Classroom], add_two: Exercise
) -> None:
    checked = refusals = 0
    for actor, target in (two_classrooms, two_classrooms[::-1]):
        client = Client()
        client.force_login(actor.instructor)
        who = f"{actor.instructor.username} (teaching {actor.course.slug})"
        before = database_snapshot()
        for route, _name in INSTRUCTOR_URLS:
            parameters = route_parameters(route)
            course_route = route.startswith("courses/<slug")
            # Through their own course (the slug passes) and through the other's (it must not).
            for course in (actor.course, target.course) if course_route else (actor.course,):
                url = url_acting_on(route, course=course, target=target, exercise=add_two)
                acts_on_the_target = bool(parameters & STUDENT_OBJECT_PARAMETERS) or (
                    course_route and course == target.course
                )
                if acts_on_the_target:
                    for method in ("GET", "POST"):
                        response = getattr(client, method.lower())(url, {"on": "1", "body": "x"})
                        assert_refused(response, method, url, who)
                        assert_nothing_of(response, target, url, who)
                        refusals += 1
                else:
                    # A page of their own (a list, their course): it must not show the target.
                    assert_nothing_of(client.get(url), target, url, who)
            checked += 1
        assert database_snapshot() == before, f"{who} changed something"
    print(f"\npermission sweep: {len(INSTRUCTOR_URLS)} instructor routes x 2 instructors = "
          f"{checked} route x actor checks, {refusals} requests refused")  # fmt: skip
    assert checked == 2 * len(INSTRUCTOR_URLS)


async def received_until_quiet(communicator: WebsocketCommunicator) -> list[dict[str, Any]]:
    """Every message the socket sends until it has been quiet for half a second."""
    messages = [await communicator.receive_json_from(timeout=10)]
    while not await communicator.receive_nothing(timeout=0.5):
        messages.append(await communicator.receive_json_from(timeout=10))
    return messages


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_no_instructor_socket_reaches_the_other_instructors_students(
    two_classrooms: tuple[Classroom, Classroom],
) -> None:
    checked = 0
    for actor, target in (two_classrooms, two_classrooms[::-1]):
        for route in socket_routes():
            if route in STUDENT_SOCKETS:
                continue
            # The other's course: refused outright.
            other = "/" + route.replace("<slug:slug>", target.course.slug)
            assert await refused_socket(actor.instructor, other), f"{actor} opened {other}"
            # Their own course: a change of the other's student, by id, sends them nothing.
            own = "/" + route.replace("<slug:slug>", actor.course.slug)
            communicator = WebsocketCommunicator(
                application,
                own,
                headers=[(b"origin", b"http://localhost"), (b"host", b"localhost")],
            )
            communicator.scope["user"] = actor.instructor
            connected, _ = await communicator.connect(timeout=10)
            assert connected
            # The table, then whatever else the socket sends on connect (the class's mistakes).
            opening = await received_until_quiet(communicator)
            assert opening and opening[0]["type"] == "table"
            assert target.student.username not in str(opening)
            layer = get_channel_layer()
            for student in (target.student, actor.student):
                await layer.group_send(
                    live_group(actor.course.pk),
                    {"type": "student.changed", "student_id": student.pk},
                )
            changes = await received_until_quiet(communicator)
            rows = [message["row"]["student_id"] for message in changes if message["type"] == "row"]
            assert rows == [actor.student.pk], changes
            assert target.student.username not in str(changes)
            await communicator.disconnect()
            checked += 1
    print(f"\nsocket sweep: {checked} instructor socket route x actor checks")
    assert checked == 2 * (len(socket_routes()) - len(STUDENT_SOCKETS))
