"""Which server folders an instructor may import exercises from.

An instructor types a path into a web form; without this check the page would read any folder the
server's user can read. Only folders inside the configured import roots are accepted, and a link
in them that leads outside the roots is refused too: the loader follows links to files.
"""

import os
from collections.abc import Sequence
from pathlib import Path


class FolderRefused(Exception):
    """The folder may not be imported from; the message is meant for the instructor."""


def allowed_folder(text: str, roots: Sequence[Path]) -> Path:
    """The resolved folder named by `text`, if it lies inside one of `roots`; else FolderRefused.

    Whether the path exists is checked only after it is known to be inside a root, so the form
    cannot be used to probe the rest of the server's disk.
    """
    text = text.strip()
    if not text:
        raise FolderRefused("Give the folder to import from.")
    candidate = Path(text)
    if not candidate.is_absolute():
        raise FolderRefused(f"{text}: give the folder's full path, starting with /.")
    # Not strict: a missing folder resolves too, and is reported below only if it is allowed.
    resolved = candidate.resolve()
    if not any(resolved.is_relative_to(root) for root in resolved_roots(roots)):
        raise FolderRefused(
            f"{text}: imports are only allowed from inside {_listing(roots)} "
            "(the setting LABTUTOR_CONTENT_IMPORT_ROOTS)."
        )
    if not resolved.is_dir():
        raise FolderRefused(f"{text}: there is no such folder on the server.")
    check_links_stay_inside(resolved, roots)
    return resolved


def check_links_stay_inside(folder: Path, roots: Sequence[Path]) -> None:
    """Refuse a tree holding a symbolic link whose target lies outside every root."""
    inside = resolved_roots(roots)
    for current, subfolders, files in os.walk(folder):
        for name in (*subfolders, *files):
            path = Path(current) / name
            if path.is_symlink() and not any(
                path.resolve().is_relative_to(root) for root in inside
            ):
                raise FolderRefused(
                    f"{path}: is a link to a place outside the import folders; "
                    "copy the file in instead."
                )


def resolved_roots(roots: Sequence[Path]) -> list[Path]:
    return [Path(root).resolve() for root in roots]


def folder_choices(roots: Sequence[Path]) -> list[Path]:
    """The roots that exist and their direct subfolders, to suggest in the form."""
    choices: list[Path] = []
    for root in resolved_roots(roots):
        if not root.is_dir():
            continue
        choices.append(root)
        choices.extend(
            sorted(
                child
                for child in root.iterdir()
                if child.is_dir() and not child.is_symlink() and not child.name.startswith(".")
            )
        )
    return choices


def _listing(roots: Sequence[Path]) -> str:
    return ", ".join(str(root) for root in resolved_roots(roots)) or "no folder"
