"""Exercism's track format: a folder holding `.meta/config.json`, read by the loader of the
language its `files.solution` is written in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from exercises.loader.exercism_c import load_exercism_c_exercise
from exercises.loader.exercism_common import EXERCISM_MARKER, read_exercism_files
from exercises.loader.exercism_java import load_exercism_java_exercise
from exercises.loader.exercism_javascript import load_exercism_javascript_exercise
from exercises.loader.exercism_python import load_exercism_python_exercise
from exercises.loader.files import check_slug
from exercises.loader.specs import ExerciseFormatError, ExerciseSpec
from tutor.languages import all_languages

TrackLoader = Callable[[Path, str, Path, dict[str, list[str]]], ExerciseSpec]
# Each track's layout, by the registry's language name (Exercism's C track builds with -std=c99).
TRACK_LOADERS: dict[str, TrackLoader] = {
    "python": load_exercism_python_exercise,
    "c99": load_exercism_c_exercise,
    "java": load_exercism_java_exercise,
    "javascript": load_exercism_javascript_exercise,
}


def load_exercism_exercise(folder: Path) -> ExerciseSpec:
    slug = check_slug(folder)
    config_path = folder / EXERCISM_MARKER
    files = read_exercism_files(config_path)
    stub = files["solution"][0]
    loader = next(
        (
            TRACK_LOADERS[language.name]
            for language in all_languages()
            if language.name in TRACK_LOADERS and stub.endswith(language.suffix)
        ),
        None,
    )
    if loader is None:
        *others, last = [f"{language} ({suffix})" for language, suffix in track_suffixes()]
        raise ExerciseFormatError(
            config_path,
            f"'files.solution[0]' must be a {', '.join(others)} or {last} file, not '{stub}'",
        )
    return loader(folder, slug, config_path, files)


def track_suffixes() -> list[tuple[str, str]]:
    return [
        (language.display_name, language.suffix)
        for language in all_languages()
        if language.name in TRACK_LOADERS
    ]
