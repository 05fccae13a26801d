from collections.abc import Iterator
from pathlib import Path

import pytest
from channels.layers import channel_layers
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from exercises.models import Exercise
from exercises.services.importing import import_exercises_from
from tutor.accounts.roles import make_instructor
from tutor.courses.models import Course
from tutor.courses.services import create_course, enrol

FIXTURES = Path(__file__).parent / "fixtures"
EXERCISM_SAMPLES = FIXTURES / "exercism"


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


@pytest.fixture
def course(instructor: User, student: User, add_two: Exercise) -> Course:
    """A course taught by `instructor` with `student` enrolled, AI fully on."""
    course = create_course("Python 1", "python-1", instructors=[instructor])
    enrol(course, student)
    return course
