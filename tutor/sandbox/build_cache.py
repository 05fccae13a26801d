"""Compiled programs kept by what they were built from: the code compiled for a Run serves the
visible and hidden halves of the Submit that follows, without compiling it again.

The key is a hash of the language and every file compiled; the entry is a copy of the build's
working folder, read-only to the sandboxes (they get it bound read-only at /opt/program). Only
the compiler wrote it, from those very files, so reusing it for the same files is safe. Entries
beyond MAX_ENTRIES go, oldest first.
"""

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence

from tutor.sandbox.models import SourceFile
from tutor.sandbox.shared_tmp import ensure_private_base

MAX_ENTRIES = 128


def build_key(language: str, flavour: str, files: Sequence[SourceFile]) -> str:
    data = json.dumps([language, flavour, [[file.name, file.content] for file in files]])
    return hashlib.sha256(data.encode()).hexdigest()


def cache_dir(shared_dir: str) -> str:
    return shared_dir.rstrip("/") + "-builds"


def cached_build(shared_dir: str, key: str) -> str | None:
    path = os.path.join(cache_dir(shared_dir), key)
    if not os.path.isdir(path):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: evicted last
    return path


def store_build(shared_dir: str, key: str, work_dir: str) -> str:
    """Copy a finished build into the cache; returns the entry's path."""
    base = cache_dir(shared_dir)
    ensure_private_base(base)
    final = os.path.join(base, key)
    staging = tempfile.mkdtemp(prefix="new-", dir=base)
    try:
        copy = os.path.join(staging, "work")
        # No symlinks followed: the build folder is the sandbox's, and holds what it wrote.
        shutil.copytree(work_dir, copy, symlinks=True)
        for root, _folders, files in os.walk(copy):
            os.chmod(root, 0o755)  # noqa: S103 - the slot uids read it, read-only
            for name in files:
                path = os.path.join(root, name)
                if not os.path.islink(path):
                    mode = os.stat(path).st_mode
                    os.chmod(path, 0o755 if mode & 0o100 else 0o644)
        os.chmod(staging, 0o755)  # noqa: S103
        os.rename(copy, os.path.join(staging, "ready"))
        try:
            os.rename(staging, final)
        except OSError:
            # Another worker stored the same build first: use theirs.
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _evict(base)
    return final


def build_folder(entry: str) -> str:
    return os.path.join(entry, "ready")


def _evict(base: str) -> None:
    with contextlib.suppress(OSError):
        entries = [entry for entry in os.scandir(base) if entry.is_dir() and len(entry.name) == 64]
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort(key=lambda entry: entry.stat().st_mtime)
        for entry in entries[: len(entries) - MAX_ENTRIES]:
            shutil.rmtree(entry.path, ignore_errors=True)
