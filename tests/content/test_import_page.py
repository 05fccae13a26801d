"""The import page: archives and server folders, and the validation report it shows."""

import io
import os
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from exercises.models import Exercise
from tests.content.conftest import exercise_tree, tar_gz_of, zip_of, zip_with
from tutor.content.importing import ContentImportReport

pytestmark = pytest.mark.django_db


def upload(client: Client, name: str, data: bytes):
    return client.post(
        reverse("content:import"),
        {"source": "archive", "archive": SimpleUploadedFile(name, data)},
    )


def outcomes(report: ContentImportReport) -> dict[str, str]:
    return {result.slug: result.outcome.value for result in report.results}


@pytest.mark.parametrize(("build", "name"), [(zip_of, "week3.zip"), (tar_gz_of, "week3.tar.gz")])
def test_an_uploaded_archive_imports_its_exercises(
    client: Client, library_editor: User, tmp_path: Path, build, name: str
) -> None:
    client.force_login(library_editor)
    response = upload(client, name, build(exercise_tree(tmp_path / "src")))
    assert response.status_code == 200
    report = response.context["report"]
    assert outcomes(report) == {"add-two": "created", "two-fer": "created"}
    assert report.errors == []
    assert (
        b"2 created, 0 updated, 0 unchanged, 0 copied, 0 refused, 0 with errors" in response.content
    )
    add_two = Exercise.objects.get(slug="add-two")
    assert add_two.title == "Add two numbers" and add_two.hidden_tests
    # Where it came from, in words that outlive the temporary folder it was unpacked into.
    assert add_two.source_path == f"{name}/week3/add-two"


def test_sending_the_same_archive_again_changes_nothing(
    client: Client, library_editor: User, tmp_path: Path
) -> None:
    client.force_login(library_editor)
    data = zip_of(exercise_tree(tmp_path / "src"))
    upload(client, "week3.zip", data)
    Exercise.objects.filter(slug="two-fer").update(is_hidden=True)
    again = upload(client, "week3.zip", data).context["report"]
    assert outcomes(again) == {"add-two": "unchanged", "two-fer": "unchanged"}
    assert Exercise.objects.get(slug="two-fer").is_hidden, "re-importing keeps it hidden"


def test_a_malformed_exercise_is_reported_and_the_good_ones_import(
    client: Client, library_editor: User, tmp_path: Path
) -> None:
    client.force_login(library_editor)
    response = upload(client, "week3.zip", zip_of(exercise_tree(tmp_path / "s", broken=True)))
    assert response.status_code == 200
    report = response.context["report"]
    assert outcomes(report) == {"add-two": "created", "two-fer": "created"}
    [error] = report.errors
    assert error.file == "week3.zip/week3/broken-one/exercise.toml"
    assert "is not valid TOML" in error.problem
    assert "labtutor-import-" not in error.problem
    assert not Exercise.objects.filter(slug="broken-one").exists()
    page = response.content.decode()
    assert "week3.zip/week3/broken-one/exercise.toml" in page and "is not valid TOML" in page


def test_an_archive_with_path_traversal_imports_nothing(
    client: Client, library_editor: User, tmp_path: Path
) -> None:
    client.force_login(library_editor)
    good = zip_of(exercise_tree(tmp_path / "src"))
    buffer = io.BytesIO(good)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("../../outside.py", "print('escaped')\n")
    response = upload(client, "evil.zip", buffer.getvalue())
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    assert (
        "../../outside.py: paths with &#x27;..&#x27; are not allowed" in response.content.decode()
    )
    assert Exercise.objects.count() == 0


def test_an_archive_over_the_size_limit_is_refused(
    client: Client, library_editor: User, settings
) -> None:
    settings.CONTENT_ARCHIVE_MAX_BYTES = 1000
    client.force_login(library_editor)
    response = upload(client, "big.zip", zip_with({"a.txt": os.urandom(3000)}))
    assert response.status_code == 400
    assert "archives may be at most" in response.context["refused"]


def test_an_archive_without_exercises_says_so(client: Client, library_editor: User) -> None:
    client.force_login(library_editor)
    response = upload(client, "notes.zip", zip_with({"notes/readme.md": b"# hello\n"}))
    [error] = response.context["report"].errors
    assert error.file == "notes.zip" and "holds no exercise" in error.problem


def test_a_post_without_a_file_is_refused_clearly(client: Client, library_editor: User) -> None:
    client.force_login(library_editor)
    response = client.post(reverse("content:import"), {"source": "archive"})
    assert response.status_code == 400
    assert "Choose a .zip or .tar.gz file" in response.context["refused"]


# --- Folders on the server ----------------------------------------------------------------------


def import_folder(client: Client, folder: str):
    return client.post(reverse("content:import"), {"source": "folder", "folder": folder})


def test_a_folder_inside_the_import_roots_imports(
    client: Client, library_editor: User, import_root: Path
) -> None:
    client.force_login(library_editor)
    exercise_tree(import_root / "term1", broken=True)
    response = import_folder(client, str(import_root / "term1"))
    assert response.status_code == 200
    report = response.context["report"]
    assert outcomes(report) == {"add-two": "created", "two-fer": "created"}
    [error] = report.errors
    assert error.file == f"{import_root / 'term1'}/week3/broken-one/exercise.toml"
    assert Exercise.objects.get(slug="add-two").source_path == str(
        (import_root / "term1" / "week3" / "add-two").resolve()
    )


@pytest.mark.parametrize("where", ["/etc", "{root}/../elsewhere", "{root}/../../"])
def test_a_folder_outside_the_import_roots_is_refused(
    client: Client, library_editor: User, import_root: Path, where: str
) -> None:
    client.force_login(library_editor)
    elsewhere = import_root.parent / "elsewhere"
    exercise_tree(elsewhere)
    response = import_folder(client, where.format(root=import_root))
    assert response.status_code == 400
    assert "imports are only allowed from inside" in response.context["refused"]
    assert str(import_root) in response.context["refused"]
    assert Exercise.objects.count() == 0


def test_a_link_out_of_the_import_roots_is_refused(
    client: Client, library_editor: User, import_root: Path, tmp_path: Path
) -> None:
    client.force_login(library_editor)
    exercise_tree(tmp_path / "private")
    (import_root / "sneaky").symlink_to(tmp_path / "private", target_is_directory=True)
    refused = import_folder(client, str(import_root / "sneaky")).context["refused"]
    assert "only allowed from inside" in refused
    exercise_tree(import_root / "mixed")
    solution = import_root / "mixed" / "week3" / "add-two" / "solution.py"
    solution.unlink()
    solution.symlink_to(tmp_path / "private" / "week3" / "add-two" / "solution.py")
    refused = import_folder(client, str(import_root / "mixed")).context["refused"]
    assert "solution.py: is a link to a place outside the import folders" in refused
    assert Exercise.objects.count() == 0


@pytest.mark.parametrize(
    ("folder", "problem"),
    [("", "Give the folder"), ("week3", "full path"), ("{root}/missing", "no such folder")],
)
def test_unclear_folders_get_clear_messages(
    client: Client, library_editor: User, import_root: Path, folder: str, problem: str
) -> None:
    client.force_login(library_editor)
    response = import_folder(client, folder.format(root=import_root))
    assert response.status_code == 400
    assert problem in response.context["refused"]


def test_the_form_suggests_the_allowed_folders(
    client: Client, library_editor: User, import_root: Path
) -> None:
    (import_root / "term1").mkdir()
    client.force_login(library_editor)
    page = client.get(reverse("content:import")).content.decode()
    assert f'<option value="{import_root.resolve() / "term1"}">' in page


def test_a_deep_archive_keeps_the_end_of_the_source_path(
    client: Client, library_editor: User, tmp_path: Path
) -> None:
    client.force_login(library_editor)
    deep = tmp_path / "src" / ("a" * 200) / ("c" * 100) / ("b" * 200)
    exercise_tree(deep)
    response = upload(client, "deep.zip", zip_of(tmp_path / "src"))
    assert outcomes(response.context["report"])["add-two"] == "created"
    source = Exercise.objects.get(slug="add-two").source_path
    assert len(source) == 500 and source.startswith("…")
    assert source.endswith("b" * 200 + "/week3/add-two")


def test_remote_statement_images_are_imported_with_a_warning(
    client: Client, library_editor: User, tmp_path: Path
) -> None:
    source = exercise_tree(tmp_path / "src")
    statement = source / "week3" / "add-two" / "statement.md"
    statement.write_text(statement.read_text() + "\n![diagram](https://cdn.example.com/d.png)\n")
    client.force_login(library_editor)
    response = upload(client, "week3.zip", zip_of(source))
    report = response.context["report"]
    assert outcomes(report) == {"add-two": "created", "two-fer": "created"}
    [warning] = report.warnings
    assert warning.file == "week3.zip/week3/add-two"
    assert "https://cdn.example.com/d.png is not served by this site" in warning.problem
    assert b"1 warning" in response.content and b"not served by this site" in response.content
