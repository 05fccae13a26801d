"""Exercise trees and archives built in a temporary folder, and import roots pointing there."""

import io
import shutil
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from tests.conftest import EXERCISM_SAMPLES, FIXTURES

BROKEN_TOML = 'title = "Broken"\ntopic = "Oops"\ndifficulty = \n'


def exercise_tree(folder: Path, *, broken: bool = False) -> Path:
    """A folder of two good exercises (native add-two, Exercism two-fer) and maybe a broken one."""
    week = folder / "week3"
    shutil.copytree(FIXTURES / "native" / "add-two", week / "add-two")
    shutil.copytree(EXERCISM_SAMPLES / "two-fer", week / "two-fer")
    if broken:
        shutil.copytree(FIXTURES / "native" / "add-two", week / "broken-one")
        (week / "broken-one" / "exercise.toml").write_text(BROKEN_TOML)
    return folder


def zip_of(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def tar_gz_of(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path in sorted(folder.iterdir()):
            archive.add(path, arcname=path.name)
    return buffer.getvalue()


def zip_with(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_gz_with(members: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for info, data in members:
            info.size = len(data) if info.isfile() else 0
            archive.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return buffer.getvalue()


@pytest.fixture
def import_root(tmp_path: Path) -> Iterator[Path]:
    """The only folder instructors may import from, for this test."""
    root = tmp_path / "imports"
    root.mkdir()
    with override_settings(CONTENT_IMPORT_ROOTS=[root]):
        yield root
