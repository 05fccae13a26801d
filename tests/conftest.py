import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.layers import channel_layers
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django.plugin import DjangoDbBlocker

from exercises.models import Exercise
from exercises.services.importing import import_exercises_from
from tutor.accounts.roles import make_instructor
from tutor.courses.models import AccountOrigin, Course, Enrollment
from tutor.courses.services import create_course, enrol

FIXTURES = Path(__file__).parent / "fixtures"
EXERCISM_SAMPLES = FIXTURES / "exercism"


DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-only",
        action="store_true",
        help="run only the tests that use the database (scripts/test.sh's PostgreSQL pass)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --database-only, the tests that never touch the database are left out: on a second
    pass against another database they would repeat the first pass exactly."""
    if not config.getoption("--database-only"):
        return
    keep: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        uses_database = item.get_closest_marker("django_db") is not None or bool(
            fixtures & DATABASE_FIXTURES
        )
        (keep if uses_database else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = keep


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """pytest-django's test database, and on PostgreSQL no stray session at its end: a
    connection left open by a thread of the async tests or by a real-stack process would make
    dropping the test database fail (and leave it behind on the server)."""
    yield
    if connection.vendor != "postgresql":
        return
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")
        # Terminating only signals them: wait until they are gone.
        for _ in range(50):
            cursor.execute(f"SELECT count(*) {others}")
            if cursor.fetchone() == (0,):
                break
            time.sleep(0.1)
    # This thread's connection too: pytest-django drops the database from another connection.
    connection.close()


@pytest.fixture
def student(db: None) -> User:
    return get_user_model().objects.create_user("alice", password="alice-password")


@pytest.fixture
def other_student(db: None) -> User:
    return get_user_model().objects.create_user("bob", password="bob-password")


@pytest.fixture
def instructor(db: None) -> User:
    user = get_user_model().objects.create_user("teacher", password="teacher-password")
    make_instructor(user)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def can_log_in(username: str, password: str) -> bool:
    """Through the login page, as a browser signs in (django-axes counts what fails there)."""
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


@pytest.fixture
def library_editor(instructor: User) -> User:
    """`instructor`, given the right to change the shared library (and teaching no course)."""
    instructor.user_permissions.add(
        Permission.objects.get(codename="change_library", content_type__app_label="exercises")
    )
    return User.objects.get(pk=instructor.pk)  # a fresh object: permissions are cached


@pytest.fixture
def exercism_exercises(db: None) -> Iterator[dict[str, Exercise]]:
    report = import_exercises_from(EXERCISM_SAMPLES)
    assert not report.errors, report.errors
    yield {exercise.slug: exercise for exercise in Exercise.objects.all()}


@pytest.fixture
def add_two(db: None) -> Exercise:
    """A small native-format exercise with visible and hidden tests (module adder)."""
    import_exercises_from(FIXTURES / "native")
    return Exercise.objects.get(slug="add-two")


@pytest.fixture(scope="session")
def tiny_tutor_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Stable Code Instruct 3B lookalike at toy size: ChatML template and FIM tokens."""
    from transformers import StableLmForCausalLM

    from tests.llm.tiny_models import (
        CHAT_SPECIALS,
        CHATML_TEMPLATE,
        save_model,
        stablelm_config,
        train_tokenizer,
    )

    tokenizer = train_tokenizer(CHAT_SPECIALS)
    tokenizer.chat_template = CHATML_TEMPLATE
    folder = tmp_path_factory.mktemp("tiny-tutor-model")
    return save_model(folder, stablelm_config(len(tokenizer)), StableLmForCausalLM, tokenizer)


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> Iterator[None]:
    """Each test gets its own channel layer: a Redis layer keeps locks and connections bound to
    the event loop that first used it, and every async test runs in a new loop."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test fails if a consumer it started still runs at its end (disconnect it, or end a
    refused one with tests.sockets.end_closed): the event loop's close would cancel it, and
    cancelling a consumer's channel-layer receive on Redis there once stalled CI for 300 s."""
    communicators: list[ApplicationCommunicator] = []
    original = ApplicationCommunicator.__init__

    def tracked(self: ApplicationCommunicator, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        communicators.append(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ApplicationCommunicator, "__init__", tracked)
        result = yield
    running = sum(not communicator.future.done() for communicator in communicators)
    if running:
        pytest.fail(f"{running} WebSocket consumer(s) still running at the end of the test")
    return result


@pytest.fixture
def course(instructor: User, student: User, add_two: Exercise) -> Course:
    """A course taught by `instructor` with `student` enrolled, AI fully on; the course's roster
    created `student`'s account, so `instructor` manages it (tutor/courses/access.py)."""
    course = create_course("Python 1", "python-1", instructors=[instructor])
    enrol_since_term_start(course, student)
    AccountOrigin.objects.create(account=student, course=course)
    return course


# Tests date work back by minutes, or to fixed days of 2026; the students joined before any of it.
TERM_START = datetime(2025, 9, 1, tzinfo=UTC)


def enrol_since_term_start(course: Course, student: User) -> None:
    """Enrols `student` as if at the start of term: what they did in the tests' past is their
    work in the course (tutor/courses/records.py counts work from the day a student joined)."""
    enrol(course, student)
    Enrollment.objects.filter(course=course, student=student).update(joined_at=TERM_START)
