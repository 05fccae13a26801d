"""Read exercise folders from disk into validated, typed specs.

Two formats are understood (see docs/exercise-format.md): LabTutor's own (a folder holding
`exercise.toml`, native.py) and Exercism's track format (a folder holding `.meta/config.json`,
exercism.py and one module per track's layout, with the track's config.json in tracks.py).
This package only reads and validates; it never touches the database, so `import_exercises`
can report every problem before it writes anything.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from exercises.loader.exercism import load_exercism_exercise
from exercises.loader.exercism_common import EXERCISM_MARKER
from exercises.loader.files import MAX_FILE_BYTES
from exercises.loader.native import EXERCISM_ORDER_BASE, NATIVE_MARKER, load_native_exercise
from exercises.loader.specs import (
    CodeParts,
    Difficulty,
    ExerciseFormatError,
    ExerciseSpec,
    LoadReport,
    SourceFormat,
    TestFileSpec,
)
from exercises.loader.tracks import ExercismTracks

__all__ = [
    "EXERCISM_ORDER_BASE",
    "MAX_FILE_BYTES",
    "CodeParts",
    "Difficulty",
    "ExerciseFormatError",
    "ExerciseSpec",
    "LoadReport",
    "SourceFormat",
    "TestFileSpec",
    "load_exercise",
    "load_exercises",
]


def load_exercises(root: Path) -> LoadReport:
    """Load every exercise under `root`, collecting the broken ones as errors instead of raising.

    Exercism exercises get orders EXERCISM_ORDER_BASE + their alphabetical index among the
    Exercism exercises found, so they follow the curriculum in a stable order.
    """
    if not root.is_dir():
        return LoadReport([], [ExerciseFormatError(root, "is not a folder")])

    exercises: list[ExerciseSpec] = []
    errors: list[ExerciseFormatError] = []
    folder_by_slug: dict[str, Path] = {}
    folder_by_order: dict[int, Path] = {}
    for folder in find_exercise_folders(root):
        try:
            spec = load_exercise(folder)
            check_unique(spec, folder, folder_by_slug, folder_by_order)
        except ExerciseFormatError as error:
            errors.append(error)
            continue
        exercises.append(spec)

    tracks = ExercismTracks(root)
    exercises = [tracks.described(spec) for spec in exercises]
    errors.extend(tracks.errors)
    exercises = number_exercism_exercises(exercises)
    exercises.sort(key=lambda spec: (spec.order, spec.slug))
    return LoadReport(exercises, errors)


def load_exercise(folder: Path) -> ExerciseSpec:
    """Load one exercise folder of either format; raise ExerciseFormatError on the first problem.

    An Exercism exercise loaded alone gets order EXERCISM_ORDER_BASE: its alphabetical position
    is only known when a whole tree is loaded.
    """
    if (folder / NATIVE_MARKER).is_file():
        return load_native_exercise(folder)
    if (folder / EXERCISM_MARKER).is_file():
        return load_exercism_exercise(folder)
    raise ExerciseFormatError(
        folder, f"is not an exercise folder: it has neither {NATIVE_MARKER} nor {EXERCISM_MARKER}"
    )


# --- Walking the tree --------------------------------------------------------------------------


def find_exercise_folders(root: Path) -> list[Path]:
    """Exercise folders under `root` (itself included), in a stable, sorted order."""
    found: list[Path] = []
    for current, subfolders, _files in os.walk(root):
        folder = Path(current)
        if is_exercise_folder(folder):
            found.append(folder)
            # An exercise's own subfolders (.meta, helpers, ...) never hold further exercises.
            subfolders.clear()
            continue
        # Pruning in place is how os.walk is told not to descend; sorting makes reports stable.
        subfolders[:] = sorted(name for name in subfolders if not is_skipped_folder(name))
    return found


def is_exercise_folder(folder: Path) -> bool:
    return (folder / NATIVE_MARKER).is_file() or (folder / EXERCISM_MARKER).is_file()


def is_skipped_folder(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__"


def check_unique(
    spec: ExerciseSpec,
    folder: Path,
    folder_by_slug: dict[str, Path],
    folder_by_order: dict[int, Path],
) -> None:
    """Reject a slug or curriculum order already taken, then record this exercise's."""
    first = folder_by_slug.get(spec.slug)
    if first is not None:
        raise ExerciseFormatError(
            folder, f"slug '{spec.slug}' is already used by the exercise at {first}"
        )
    if spec.source_format == "labtutor":
        first = folder_by_order.get(spec.order)
        if first is not None:
            raise ExerciseFormatError(
                folder / NATIVE_MARKER,
                f"order {spec.order} is already used by the exercise at {first}",
            )
        folder_by_order[spec.order] = folder
    folder_by_slug[spec.slug] = folder


def number_exercism_exercises(exercises: list[ExerciseSpec]) -> list[ExerciseSpec]:
    exercism_slugs = sorted(spec.slug for spec in exercises if spec.source_format == "exercism")
    index_by_slug = {slug: index for index, slug in enumerate(exercism_slugs)}
    return [
        replace(spec, order=EXERCISM_ORDER_BASE + index_by_slug[spec.slug])
        if spec.source_format == "exercism"
        else spec
        for spec in exercises
    ]
