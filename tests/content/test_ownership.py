"""Two teachers on one server, replayed: each course's exercises are its own, the library is
read-only to courses, and no import replaces another course's or the library's exercise."""

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exercises.models import Exercise
from exercises.selectors.exercises import visible_exercises
from exercises.services.importing import import_exercises_from
from tests.conftest import EXERCISM_SAMPLES, FIXTURES, enrol_since_term_start, signed_in
from tests.content.conftest import zip_of
from tutor.accounts.roles import make_instructor
from tutor.analytics.selectors.gradebook import gradebook
from tutor.courses.models import Course
from tutor.courses.services import create_course

pytestmark = pytest.mark.django_db

CURRICULUM = Path(__file__).resolve().parents[2] / "exercises" / "curriculum"
# The bundled exercises the findings name, and the Exercism slugs that clashed with them.
BUNDLED = ["03-loops/rocket-countdown", "07-classes/bank-account", "08-small-algorithms"]
CLASHING = ["bank-account", "binary-search", "roman-numerals"]
FORGED_TEST = "def test_anything():\n    assert True\n"


@dataclass
class Server:
    ann: User  # teaches course A
    ben: User  # teaches course B
    alice: User  # a student of A
    bob: User  # a student of B
    course_a: Course
    course_b: Course


@pytest.fixture
def server(tmp_path: Path, django_user_model) -> Server:
    """The bundled curriculum in the library (as `manage.py import_exercises` puts it), and two
    courses with a teacher and a student each."""
    bundled = tmp_path / "bundled"
    for part in BUNDLED:
        shutil.copytree(CURRICULUM / part, bundled / part)
    assert not import_exercises_from(bundled).errors
    people = {
        name: django_user_model.objects.create_user(name, password=f"{name}-password-1")
        for name in ("ann", "ben", "alice", "bob")
    }
    make_instructor(people["ann"])
    make_instructor(people["ben"])
    course_a = create_course("Course A", "course-a", instructors=[people["ann"]])
    course_b = create_course("Course B", "course-b", instructors=[people["ben"]])
    enrol_since_term_start(course_a, people["alice"])
    enrol_since_term_start(course_b, people["bob"])
    return Server(course_a=course_a, course_b=course_b, **people)


def import_as(user: User, folder: Path) -> None:
    """`user` imports the folder into their first scope (their course)."""
    signed_in(user).post(reverse("content:import"), {"source": "folder", "folder": str(folder)})


def library_state() -> dict[str, tuple[str, bool, str]]:
    """Every library exercise's content hash, hidden flag and hidden tests, by slug."""
    return {
        exercise.slug: (exercise.content_hash, exercise.is_hidden, str(exercise.hidden_tests))
        for exercise in Exercise.objects.filter(course__isnull=True)
    }


def offered(student: User) -> set[str]:
    return set(visible_exercises(student).values_list("slug", flat=True))


def test_hiding_an_exercise_in_one_course_leaves_the_library_and_the_other_course(
    server: Server,
) -> None:
    before = library_state()
    ann = signed_in(server.ann)
    url = reverse("content:visibility", args=["rocket-countdown"])

    response = ann.post(url, {"hidden": "1", "in": "course-a"})

    assert response.status_code == 302
    assert "rocket-countdown" not in offered(server.alice)
    assert "rocket-countdown" in offered(server.bob)
    assert library_state() == before
    # Nor can she hide it for course B or for the whole library.
    assert ann.post(url, {"hidden": "1", "in": "course-b"}).status_code == 403
    assert ann.post(url, {"hidden": "1", "in": "library"}).status_code == 403
    assert library_state() == before and "rocket-countdown" in offered(server.bob)


def test_an_archive_with_a_library_slug_becomes_the_courses_own_copy(
    server: Server, tmp_path: Path
) -> None:
    before = library_state()
    forged = tmp_path / "upload"
    shutil.copytree(FIXTURES / "native" / "add-two", forged / "roman-numerals")
    (forged / "roman-numerals" / "test_hidden.py").write_text(FORGED_TEST)
    (forged / "roman-numerals" / "statement.md").write_text("# Rewritten for everyone?\n")
    archive = SimpleUploadedFile("week.zip", zip_of(forged), content_type="application/zip")

    response = signed_in(server.ann).post(
        reverse("content:import"), {"source": "archive", "archive": archive, "in": "course-a"}
    )

    assert response.status_code == 200
    [result] = response.context["report"].results
    assert (result.slug, result.outcome.value) == ("roman-numerals", "copied")
    assert result.stored_as == "roman-numerals-course-a"
    assert "as <code>roman-numerals-course-a</code>" in response.content.decode()
    assert library_state() == before
    copy = Exercise.objects.get(slug="roman-numerals-course-a")
    assert copy.course == server.course_a and "assert True" in str(copy.hidden_tests)
    assert "roman-numerals-course-a" not in offered(server.bob)
    assert {"roman-numerals", "roman-numerals-course-a"} <= offered(server.alice)


def test_an_exercism_import_leaves_the_bundled_exercises_and_the_other_course_untouched(
    server: Server, import_root: Path
) -> None:
    track = import_root / "exercism-python"
    for slug in CLASHING:
        shutil.copytree(EXERCISM_SAMPLES / "hello-world", track / slug)
    shutil.copytree(EXERCISM_SAMPLES / "two-fer", track / "two-fer")
    import_as(server.ben, track)
    course_b_before = {e.slug: e.content_hash for e in server.course_b.own_exercises.all()}
    library_before = library_state()
    b_gradebook = len(gradebook(server.course_b).exercises)

    response = signed_in(server.ann).post(
        reverse("content:import"), {"source": "folder", "folder": str(track), "in": "course-a"}
    )

    report = response.context["report"]
    outcomes = {result.slug: (result.outcome.value, result.stored_as) for result in report.results}
    assert outcomes == {
        "bank-account": ("copied", "bank-account-course-a"),
        "binary-search": ("copied", "binary-search-course-a"),
        "roman-numerals": ("copied", "roman-numerals-course-a"),
        # Course B's own two-fer is not A's to replace either.
        "two-fer": ("copied", "two-fer-course-a"),
    }
    assert library_state() == library_before
    assert {e.slug: e.content_hash for e in server.course_b.own_exercises.all()} == (
        course_b_before
    )
    assert len(gradebook(server.course_b).exercises) == b_gradebook
    # A's gradebook counts A's exercises: the library's and its own, never B's.
    a_columns = {exercise.slug for exercise in gradebook(server.course_a).exercises}
    assert "two-fer" not in a_columns and "two-fer-course-a" in a_columns


def test_the_library_import_refuses_a_slug_a_course_owns(
    server: Server, import_root: Path, library_editor: User
) -> None:
    track = import_root / "track"
    shutil.copytree(EXERCISM_SAMPLES / "two-fer", track / "two-fer")
    signed_in(server.ben).post(
        reverse("content:import"), {"source": "folder", "folder": str(track)}
    )
    owned = Exercise.objects.get(slug="two-fer")
    (track / "two-fer" / ".docs" / "instructions.md").write_text("Replaced by the library?\n")

    response = signed_in(library_editor).post(
        reverse("content:import"), {"source": "folder", "folder": str(track), "in": "library"}
    )

    [result] = response.context["report"].results
    assert result.outcome.value == "refused"
    assert Exercise.objects.get(slug="two-fer").content_hash == owned.content_hash
    assert Exercise.objects.get(slug="two-fer").course == server.course_b


def test_every_cross_course_content_action_is_refused(server: Server, import_root: Path) -> None:
    track = import_root / "track"
    shutil.copytree(EXERCISM_SAMPLES / "two-fer", track / "two-fer")
    signed_in(server.ben).post(
        reverse("content:import"), {"source": "folder", "folder": str(track)}
    )
    before = {e.slug: (e.content_hash, e.is_hidden) for e in Exercise.objects.all()}
    ann = signed_in(server.ann)

    assert ann.get(reverse("content:exercises"), {"in": "course-b"}).status_code == 403
    assert ann.get(reverse("content:exercises"), {"in": "library"}).status_code == 403
    assert ann.get(reverse("content:import"), {"in": "course-b"}).status_code == 403
    into_b = {"source": "folder", "folder": str(track), "in": "course-b"}
    assert ann.post(reverse("content:import"), into_b).status_code == 403
    # B's own exercise is not in A's scope: unknown there, and a bulk action skips it.
    hide = {"hidden": "1", "in": "course-a"}
    assert ann.post(reverse("content:visibility", args=["two-fer"]), hide).status_code == 404
    bulk = {"action": "hide-selected", "slugs": ["two-fer"], "in": "course-a"}
    ann.post(reverse("content:bulk-visibility"), bulk)
    # Its statistics: not through course A, and course B's pages are B's instructors'.
    assert ann.get("/courses/course-a/analytics/exercises/two-fer/").status_code == 404
    assert ann.get("/courses/course-b/analytics/exercises/two-fer/").status_code == 403
    # A's own list never shows B's exercise.
    listed = {row.exercise.slug for row in ann.get(reverse("content:exercises")).context["rows"]}
    assert "two-fer" not in listed and "rocket-countdown" in listed
    assert {e.slug: (e.content_hash, e.is_hidden) for e in Exercise.objects.all()} == before
    assert "two-fer" not in offered(server.alice) and "two-fer" in offered(server.bob)
