"""The instructors' exercise list and hide/show; what students see of a hidden exercise."""

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from exercises.models import Exercise, Submission
from exercises.selectors.exercises import exercises_by_topic, next_exercise, suggested_exercise
from tests.sockets import refused_code
from tests.workspace.conftest import workspace_socket
from tutor.content.scope import ContentScope
from tutor.content.services import set_hidden_in_scope


def listed_slugs(student: User) -> list[str]:
    return [row.exercise.slug for group in exercises_by_topic(student) for row in group.rows]


@pytest.mark.django_db
def test_instructors_see_every_exercise_hidden_ones_too(
    client: Client, library_editor: User, student: User, add_two: Exercise, exercism_exercises
) -> None:
    Exercise.objects.filter(slug="matrix").update(is_hidden=True)
    Submission.objects.create(student=student, exercise=add_two, kind="run", code="x = 1")
    client.force_login(library_editor)
    response = client.get(reverse("content:exercises"))
    assert response.status_code == 200
    rows = {row.exercise.slug: row for row in response.context["rows"]}
    assert set(rows) == {"add-two", "hello-world", "matrix", "two-fer"}
    assert rows["matrix"].exercise.is_hidden and rows["add-two"].students_tried == 1
    page = response.content.decode()
    assert "Show Matrix to students" in page and "Hide Add two numbers from students" in page
    assert "Functions" in page and "exercism" in page


@pytest.mark.django_db
def test_hiding_takes_an_exercise_away_from_students_and_showing_brings_it_back(
    client: Client, library_editor: User, student: User, add_two: Exercise, exercism_exercises
) -> None:
    assert "add-two" in listed_slugs(student)
    updated_before = Exercise.objects.get(slug="add-two").updated_at
    client.force_login(library_editor)
    url = reverse("content:visibility", args=["add-two"])
    response = client.post(url, {"hidden": "1"}, follow=True)
    assert response.redirect_chain == [(reverse("content:exercises") + "?in=library", 302)]
    assert "Add two numbers is hidden from students now." in response.content.decode()
    hidden = Exercise.objects.get(slug="add-two")
    assert hidden.is_hidden
    assert hidden.updated_at == updated_before, "hiding is not a change of content"
    # Twice is the same as once: a double click does not show it again.
    client.post(url, {"hidden": "1"}, follow=True)
    assert Exercise.objects.get(slug="add-two").is_hidden

    assert "add-two" not in listed_slugs(student)
    assert suggested_exercise(student) != hidden
    assert next_exercise(student, exercism_exercises["hello-world"]) != hidden
    client.force_login(student)
    assert client.get(reverse("exercises:detail", args=["add-two"])).status_code == 404
    assert client.get(reverse("exercises:list")).content.decode().count("Add two numbers") == 0

    client.force_login(library_editor)
    client.post(url, {"hidden": "0"}, follow=True)
    assert "add-two" in listed_slugs(student)
    client.force_login(student)
    assert client.get(reverse("exercises:detail", args=["add-two"])).status_code == 200


@pytest.mark.django_db
def test_a_bad_visibility_request_changes_nothing(
    client: Client, library_editor: User, add_two: Exercise
) -> None:
    client.force_login(library_editor)
    url = reverse("content:visibility", args=["add-two"])
    assert client.post(url, {"hidden": "maybe"}).status_code == 400
    assert client.post(url).status_code == 400
    assert client.get(url).status_code == 405
    assert not Exercise.objects.get(slug="add-two").is_hidden
    missing = reverse("content:visibility", args=["no-such-exercise"])
    assert client.post(missing, {"hidden": "1"}).status_code == 404


@pytest.mark.django_db
def test_hide_show_needs_the_csrf_token(library_editor: User, add_two: Exercise) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(library_editor)
    response = client.post(reverse("content:visibility", args=["add-two"]), {"hidden": "1"})
    assert response.status_code == 403
    assert not Exercise.objects.get(slug="add-two").is_hidden


@pytest.mark.django_db(transaction=True)
async def test_a_hidden_exercise_refuses_new_workspace_sockets(
    student: User, add_two: Exercise
) -> None:
    library, only_add_two = ContentScope(None), Exercise.objects.filter(pk=add_two.pk)
    await database_sync_to_async(set_hidden_in_scope)(library, only_add_two, True)
    assert await refused_code(workspace_socket(student)) == 4403
    await database_sync_to_async(set_hidden_in_scope)(library, only_add_two, False)
    communicator = workspace_socket(student)
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    await communicator.disconnect()


def listed_on_manage_page(client: Client, query: dict[str, str]) -> list[str]:
    response = client.get(reverse("content:exercises"), query)
    assert response.status_code == 200
    return [row.exercise.slug for row in response.context["rows"]]


@pytest.mark.django_db
def test_the_manage_list_filters_by_words_topic_difficulty_source_and_visibility(
    client: Client, library_editor: User, add_two: Exercise, exercism_exercises
) -> None:
    Exercise.objects.filter(slug="matrix").update(is_hidden=True)
    client.force_login(library_editor)
    assert listed_on_manage_page(client, {"source": "labtutor"}) == ["add-two"]
    assert listed_on_manage_page(client, {"topic": "Functions"}) == ["add-two"]
    assert sorted(listed_on_manage_page(client, {"source": "exercism"})) == [
        "hello-world",
        "matrix",
        "two-fer",
    ]
    assert listed_on_manage_page(client, {"visibility": "hidden"}) == ["matrix"]
    assert listed_on_manage_page(client, {"q": "TWO fer"}) == ["two-fer"]
    assert listed_on_manage_page(client, {"difficulty": "hard", "source": "labtutor"}) == []
    page = client.get(reverse("content:exercises"), {"topic": "Functions"}).content.decode()
    assert "1 of 4 exercises listed" in page and "Hide all 1" in page


@pytest.mark.django_db
def test_bulk_hide_and_show_by_selection_and_by_filter(
    client: Client, library_editor: User, student: User, add_two: Exercise, exercism_exercises
) -> None:
    client.force_login(library_editor)
    url = reverse("content:bulk-visibility")
    updated_before = Exercise.objects.get(slug="two-fer").updated_at

    response = client.post(
        url, {"action": "hide-selected", "slugs": ["two-fer", "matrix"]}, follow=True
    )
    assert "2 exercises hidden from students now." in response.content.decode()
    assert set(Exercise.objects.filter(is_hidden=True).values_list("slug", flat=True)) == {
        "two-fer",
        "matrix",
    }
    assert Exercise.objects.get(slug="two-fer").updated_at == updated_before

    # Every Exercism exercise at once, and the list comes back with the same filter.
    response = client.post(url, {"action": "hide-matching", "source": "exercism"})
    assert response.status_code == 302
    assert response["Location"] == reverse("content:exercises") + "?in=library&source=exercism"
    assert listed_slugs(student) == ["add-two"]

    client.post(url, {"action": "show-matching", "source": "exercism", "q": "matrix"})
    assert sorted(listed_slugs(student)) == ["add-two", "matrix"]


@pytest.mark.django_db
def test_a_bulk_action_without_a_target_changes_nothing(
    client: Client, library_editor: User, add_two: Exercise, exercism_exercises
) -> None:
    client.force_login(library_editor)
    url = reverse("content:bulk-visibility")
    assert client.post(url, {"action": "hide-everything"}).status_code == 400
    response = client.post(url, {"action": "hide-selected"}, follow=True)
    assert "Tick the exercises to hide or show first." in response.content.decode()
    # "All that match" with no filter would be every exercise: it is refused, not guessed.
    response = client.post(url, {"action": "hide-matching"}, follow=True)
    assert "Filter the list first" in response.content.decode()
    assert not Exercise.objects.filter(is_hidden=True).exists()


@pytest.mark.django_db
def test_students_filter_their_list_by_topic_difficulty_source_and_words(
    client: Client, student: User, add_two: Exercise, exercism_exercises
) -> None:
    Exercise.objects.filter(slug="matrix").update(is_hidden=True)
    client.force_login(student)

    def listed(query: dict[str, str]) -> list[str]:
        response = client.get(reverse("exercises:list"), query)
        return [row.exercise.slug for group in response.context["topics"] for row in group.rows]

    assert listed({"source": "exercism"}) == ["hello-world", "two-fer"]
    assert listed({"difficulty": "easy", "source": "labtutor"}) == ["add-two"]
    assert listed({"q": "hello"}) == ["hello-world"]
    page = client.get(reverse("exercises:list"), {"q": "no such thing"}).content.decode()
    assert "No exercise matches this filter." in page
    # Hidden exercises stay out of the list and out of its choices.
    facets = client.get(reverse("exercises:list")).context["facets"]
    assert facets.sources == ["exercism", "labtutor"]
    assert "matrix" not in listed({"source": "exercism"})


@pytest.mark.django_db
def test_an_in_process_exercise_is_marked_as_forgeable(
    client: Client, library_editor: User, add_two: Exercise
) -> None:
    client.force_login(library_editor)
    assert "verdict can be forged" not in client.get(reverse("content:exercises")).content.decode()
    Exercise.objects.filter(pk=add_two.pk).update(in_process=True)
    assert "verdict can be forged" in client.get(reverse("content:exercises")).content.decode()
