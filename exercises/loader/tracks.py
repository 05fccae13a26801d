"""An Exercism track's config.json: each exercise's name, difficulty and what it practises."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from exercises.loader.files import is_whole_number, read_json
from exercises.loader.specs import Difficulty, ExerciseFormatError, ExerciseSpec

# A whole Exercism track: its root config.json lists every exercise with its name, difficulty
# (1-10) and the concepts it practises.
EXERCISM_TRACK_CONFIG = "config.json"


@dataclass(frozen=True)
class TrackEntry:
    """What a track's config.json says about one exercise; None where it says nothing usable."""

    title: str | None
    difficulty: Difficulty | None
    topic: str | None


def exercism_difficulty(level: object) -> Difficulty | None:
    """Exercism's 1-10 scale in the words its website uses: 1-3 easy, 4-7 medium, 8-10 hard."""
    if not is_whole_number(level) or not 1 <= level <= 10:
        return None
    if level <= 3:
        return "easy"
    return "medium" if level <= 7 else "hard"


def read_track_entries(config_path: Path) -> dict[str, TrackEntry] | None:
    """slug -> entry from a track's config.json (`exercises.concept[]` and `.practice[]`), or
    None when the file is not a track config. Raises ExerciseFormatError when it is unreadable."""
    config = read_json(config_path)
    if not isinstance(config, dict) or not isinstance(config.get("exercises"), dict):
        return None
    concept_names = {
        concept["slug"]: concept["name"]
        for concept in config.get("concepts", [])
        if isinstance(concept, dict)
        and isinstance(concept.get("slug"), str)
        and isinstance(concept.get("name"), str)
    }
    entries: dict[str, TrackEntry] = {}
    for kind in ("concept", "practice"):
        listed = config["exercises"].get(kind, [])
        for item in listed if isinstance(listed, list) else []:
            if isinstance(item, dict) and isinstance(item.get("slug"), str):
                entries[item["slug"]] = track_entry(item, concept_names)
    return entries


def track_entry(item: dict[str, object], concept_names: dict[str, str]) -> TrackEntry:
    name = item.get("name")
    # Practice exercises name what they practise; concept exercises what they teach; older
    # tracks list free "topics".
    topics: list[object] = []
    for key in ("practices", "concepts", "topics"):
        value = item.get(key)
        if isinstance(value, list) and value:
            topics = value
            break
    topic = None
    if topics and isinstance(topics[0], str) and topics[0].strip():
        first = topics[0].strip()
        topic = concept_names.get(first) or first.replace("-", " ").replace("_", " ").capitalize()
    return TrackEntry(
        title=name.strip() if isinstance(name, str) and name.strip() else None,
        difficulty=exercism_difficulty(item.get("difficulty")),
        topic=topic,
    )


class ExercismTracks:
    """The track config.json files above the Exercism exercises of one load, read once each.

    Only folders inside the loaded root count: a track's metadata is used when the import is
    given the whole track (or a folder holding tracks), never picked up from outside it.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.errors: list[ExerciseFormatError] = []
        self._entries: dict[Path, dict[str, TrackEntry] | None] = {}

    def described(self, spec: ExerciseSpec) -> ExerciseSpec:
        if spec.source_format != "exercism":
            return spec
        entry = self.entry_for(Path(spec.source_path), spec.slug)
        if entry is None:
            return spec
        return replace(
            spec,
            title=entry.title or spec.title,
            difficulty=entry.difficulty or spec.difficulty,
            topic=entry.topic or spec.topic,
        )

    def entry_for(self, folder: Path, slug: str) -> TrackEntry | None:
        for parent in folder.parents:
            if not parent.is_relative_to(self.root):
                return None
            entries = self.entries_in(parent)
            if entries is not None:
                return entries.get(slug)
        return None

    def entries_in(self, folder: Path) -> dict[str, TrackEntry] | None:
        if folder not in self._entries:
            config_path = folder / EXERCISM_TRACK_CONFIG
            entries = None
            if config_path.is_file():
                try:
                    entries = read_track_entries(config_path)
                except ExerciseFormatError as error:
                    self.errors.append(error)
            self._entries[folder] = entries
        return self._entries[folder]
