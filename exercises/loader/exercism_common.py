"""What every Exercism exercise has, whatever its language: `.meta/config.json`'s file lists,
the statement and hints in `.docs/`, and LabTutor's defaults for what Exercism does not say."""

from __future__ import annotations

from pathlib import Path

from exercises.loader.files import (
    read_json,
    read_optional_text,
    read_required_text,
    read_statement,
)
from exercises.loader.native import (
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_TIME_LIMIT_SECONDS,
    EXERCISM_ORDER_BASE,
)
from exercises.loader.specs import (
    CodeParts,
    Difficulty,
    ExerciseFormatError,
    ExerciseSpec,
    TestFileSpec,
)

EXERCISM_MARKER = Path(".meta") / "config.json"
EXERCISM_DEFAULT_TOPIC = "Exercism"
EXERCISM_DEFAULT_DIFFICULTY: Difficulty = "medium"


def exercism_spec(
    folder: Path,
    slug: str,
    module: str,
    code: CodeParts,
    *,
    time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS,
) -> ExerciseSpec:
    """Exercism has no title, topic, level or limits of its own: LabTutor's defaults (the
    track's config.json names the title, topic and level: tracks.py)."""
    return ExerciseSpec(
        slug=slug,
        title=slug.replace("-", " ").title(),
        topic=EXERCISM_DEFAULT_TOPIC,
        difficulty=EXERCISM_DEFAULT_DIFFICULTY,
        order=EXERCISM_ORDER_BASE,
        module=module,
        statement_md=read_exercism_statement(folder),
        hints=read_exercism_hints(folder),
        time_limit_seconds=time_limit_seconds,
        memory_limit_mb=DEFAULT_MEMORY_LIMIT_MB,
        source_format="exercism",
        source_path=str(folder.resolve()),
        **code,
    )


def the_one_stub(config_path: Path, folder: Path, files: dict[str, list[str]]) -> str:
    """The file the student writes. A student's work is one file here: an exercise whose student
    writes several is refused with the reason, not imported with files they could not edit."""
    if len(files["solution"]) > 1:
        raise ExerciseFormatError(
            config_path,
            f"'files.solution' lists {len(files['solution'])} files the student writes "
            f"({', '.join(files['solution'])}); LabTutor grades one file per student so far",
        )
    return inside_folder(config_path, folder, files["solution"][0])


def native_test_parts(
    folder: Path,
    config_path: Path,
    files: dict[str, list[str]],
    *,
    stub: str,
    tests: tuple[TestFileSpec, ...],
    language: str,
    support_files: tuple[TestFileSpec, ...] = (),
) -> CodeParts:
    """A track whose tests are a unit-test framework's, run in the student's process (so the
    verdict can be forged: in_process): the stub, the example, the tests as visible ones."""
    return CodeParts(
        starter_code=read_required_text(folder, stub),
        solution_code=read_required_text(
            folder, inside_folder(config_path, folder, files["example"][0])
        ),
        visible_tests=tests,
        hidden_tests=(),
        support_files=support_files,
        in_process=True,
        language=language,
    )


def read_exercism_files(config_path: Path) -> dict[str, list[str]]:
    """The `files` lists of `.meta/config.json` that LabTutor needs, each checked non-empty."""
    config = read_json(config_path)
    if not isinstance(config, dict):
        raise ExerciseFormatError(config_path, "must hold a JSON object")
    files = config.get("files")
    if not isinstance(files, dict):
        raise ExerciseFormatError(config_path, "is missing the object 'files'")

    lists: dict[str, list[str]] = {}
    for key in ("solution", "test", "example"):
        paths = files.get(key)
        if (
            not isinstance(paths, list)
            or not paths
            or not all(isinstance(path, str) and path for path in paths)
        ):
            raise ExerciseFormatError(
                config_path, f"'files.{key}' must be a non-empty list of file paths"
            )
        lists[key] = paths
    editor = files.get("editor", [])
    if not isinstance(editor, list) or not all(isinstance(path, str) and path for path in editor):
        raise ExerciseFormatError(config_path, "'files.editor' must be a list of file paths")
    lists["editor"] = editor
    return lists


def inside_folder(config_path: Path, folder: Path, relative: str) -> str:
    """Refuse config paths that would read files from outside the exercise folder."""
    target = (folder / relative).resolve()
    if Path(relative).is_absolute() or not target.is_relative_to(folder.resolve()):
        raise ExerciseFormatError(
            config_path, f"file path '{relative}' points outside the exercise folder"
        )
    return relative


def check_distinct_test_filenames(config_path: Path, filenames: tuple[str, ...]) -> None:
    # Test files are written side by side into the grader's scratch folder.
    seen: set[str] = set()
    for filename in filenames:
        if filename in seen:
            raise ExerciseFormatError(
                config_path, f"'files.test' lists two test files named '{filename}'"
            )
        seen.add(filename)


def read_exercism_statement(folder: Path) -> str:
    instructions = read_statement(folder, ".docs/instructions.md")
    parts = [
        read_optional_text(folder, ".docs/introduction.md"),
        instructions,
        read_optional_text(folder, ".docs/instructions.append.md"),
    ]
    return "\n\n".join(part.strip() for part in parts if part.strip()) + "\n"


def read_exercism_hints(folder: Path) -> tuple[str, ...]:
    return split_on_level_two_headings(read_optional_text(folder, ".docs/hints.md"))


def split_on_level_two_headings(markdown: str) -> tuple[str, ...]:
    """Each `## ` section, heading included; the `# Hints` title before the first is dropped."""
    sections: list[list[str]] = []
    in_code_block = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_code_block = not in_code_block
        # A "## " line inside a code block is a Python comment, not a heading.
        if line.startswith("## ") and not in_code_block:
            sections.append([])
        if sections:
            sections[-1].append(line)
    return tuple(text for text in ("\n".join(lines).strip() for lines in sections) if text)
