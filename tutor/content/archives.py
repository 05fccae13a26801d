"""Unpack an uploaded .zip or .tar.gz of exercises into a folder, refusing anything unsafe.

Plain Python, no Django. The archive comes from a browser, so nothing in it is trusted: every
member name is checked before anything is written (no absolute paths, no `..`), only regular files
and folders are accepted (no symbolic or hard links, devices or pipes), and the number of members
and the total unpacked size are capped before and while writing. Files are written by this module
byte by byte, never by zipfile's or tarfile's own extract, so the checks are the whole story.
"""

from __future__ import annotations

import stat
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO

ZIP_SUFFIXES = (".zip",)
TAR_GZ_SUFFIXES = (".tar.gz", ".tgz")
COPY_CHUNK_BYTES = 64 * 1024


class ArchiveRefused(Exception):
    """The archive is unsafe or unreadable; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_archive_bytes: int  # the uploaded file itself
    max_members: int  # files and folders in it
    max_unpacked_bytes: int  # the files' sizes added up


@dataclass(frozen=True)
class Member:
    """One entry of an archive, format-neutral: where it goes, what it is, how to read it."""

    name: str  # as written in the archive, for messages
    path: PurePosixPath  # checked: relative, no `..`
    is_dir: bool
    size: int
    open: Callable[[], IO[bytes] | None]  # a reader of its bytes (files only)


def archive_kind(filename: str) -> str:
    """ "zip" or "tar.gz", from the uploaded file's name; anything else is refused."""
    lowered = filename.lower()
    if lowered.endswith(ZIP_SUFFIXES):
        return "zip"
    if lowered.endswith(TAR_GZ_SUFFIXES):
        return "tar.gz"
    raise ArchiveRefused(f"{filename}: upload a .zip or .tar.gz archive (.tgz works too).")


def extract_archive(data: IO[bytes], filename: str, target: Path, limits: ArchiveLimits) -> int:
    """Unpack the archive `data` (named `filename`) into the empty folder `target`.

    Returns the number of files written. Raises ArchiveRefused, naming the member and the
    problem, on the first unsafe or unreadable member; `target` may then hold a partial tree,
    which the caller throws away with its temporary folder.
    """
    kind = archive_kind(filename)
    data.seek(0)
    size = _stream_size(data)
    if size > limits.max_archive_bytes:
        raise ArchiveRefused(
            f"{filename} is {_megabytes(size)}; archives may be at most "
            f"{_megabytes(limits.max_archive_bytes)}."
        )
    if kind == "zip":
        return _extract_zip(data, filename, target, limits)
    return _extract_tar_gz(data, filename, target, limits)


# --- Formats -----------------------------------------------------------------------------------


def _extract_zip(data: IO[bytes], filename: str, target: Path, limits: ArchiveLimits) -> int:
    try:
        archive = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ArchiveRefused(f"{filename} is not a readable zip archive ({error}).") from None
    with archive:
        infos = archive.infolist()
        # The central directory lists every member up front: refuse a huge one before reading.
        if len(infos) > limits.max_members:
            raise ArchiveRefused(_too_many(filename, limits))
        members = (_zip_member(archive, info) for info in infos)
        try:
            return _write_members(members, filename, target, limits)
        except (zipfile.BadZipFile, EOFError, ValueError) as error:
            # CRC mismatch, truncated data, unsupported compression.
            raise ArchiveRefused(f"{filename} is damaged: {error}") from None


def _zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Member:
    name = info.filename
    if info.flag_bits & 0x1:
        raise ArchiveRefused(f"{name}: password-protected entries are not supported.")
    # Unix permissions and file type live in the high 16 bits; archives made on Windows leave
    # them 0, which means a plain file or folder.
    mode = info.external_attr >> 16
    file_type = stat.S_IFMT(mode)
    if stat.S_ISLNK(mode):
        raise ArchiveRefused(f"{name}: symbolic links are not allowed in an exercise archive.")
    if file_type and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise ArchiveRefused(f"{name}: only regular files and folders are allowed.")
    return Member(
        name=name,
        path=safe_member_path(name),
        is_dir=info.is_dir(),
        size=info.file_size,
        open=partial(archive.open, info),
    )


def _extract_tar_gz(data: IO[bytes], filename: str, target: Path, limits: ArchiveLimits) -> int:
    try:
        # Mode "r:gz" insists on gzip; streaming mode ("r|gz") would not let us open members
        # lazily, and the whole upload is on disk or in memory already.
        archive = tarfile.open(fileobj=data, mode="r:gz")  # noqa: SIM115 (closed below)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ArchiveRefused(f"{filename} is not a readable .tar.gz archive ({error}).") from None
    with archive:
        try:
            return _write_members(_tar_members(archive, filename, limits), filename, target, limits)
        except (tarfile.TarError, EOFError, OSError) as error:
            raise ArchiveRefused(f"{filename} is damaged: {error}") from None


def _tar_members(
    archive: tarfile.TarFile, filename: str, limits: ArchiveLimits
) -> Iterator[Member]:
    count = 0
    # next(), not getmembers(): a tar has no index, and a hostile one could hold millions of
    # headers; this stops reading at the limit.
    while (info := archive.next()) is not None:
        count += 1
        if count > limits.max_members:
            raise ArchiveRefused(_too_many(filename, limits))
        name = info.name
        if info.issym() or info.islnk():
            kind = "symbolic links" if info.issym() else "hard links"
            raise ArchiveRefused(f"{name}: {kind} are not allowed in an exercise archive.")
        if not (info.isfile() or info.isdir()):
            raise ArchiveRefused(
                f"{name}: only regular files and folders are allowed (no devices or pipes)."
            )
        yield Member(
            name=name,
            path=safe_member_path(name),
            is_dir=info.isdir(),
            size=info.size,
            open=partial(archive.extractfile, info),
        )


# --- Checks and writing ------------------------------------------------------------------------


def safe_member_path(name: str) -> PurePosixPath:
    """The member's path relative to the extraction folder, or ArchiveRefused.

    Backslashes count as separators: some Windows tools write them, and `..\\x` must not slip
    through as one odd file name.
    """
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        raise ArchiveRefused(f"{name}: absolute paths are not allowed in an exercise archive.")
    parts = [part for part in PurePosixPath(normalised).parts if part not in ("", ".")]
    if ".." in parts:
        raise ArchiveRefused(f"{name}: paths with '..' are not allowed in an exercise archive.")
    if any("\x00" in part for part in parts):
        raise ArchiveRefused(f"{name}: the name holds a NUL character.")
    return PurePosixPath(*parts) if parts else PurePosixPath()


def _write_members(
    members: Iterator[Member], filename: str, target: Path, limits: ArchiveLimits
) -> int:
    root = target.resolve()
    written: set[PurePosixPath] = set()
    count = 0
    total = 0
    for member in members:
        count += 1
        if count > limits.max_members:
            raise ArchiveRefused(_too_many(filename, limits))
        if member.path == PurePosixPath():
            continue  # "./" itself
        destination = root.joinpath(*member.path.parts)
        # Belt and braces: nothing in the tree is a link, so this always holds after the checks.
        if not destination.resolve().is_relative_to(root):
            raise ArchiveRefused(f"{member.name}: points outside the archive's folder.")
        try:
            if member.is_dir:
                destination.mkdir(parents=True, exist_ok=True)
                continue
            if member.path in written:
                raise ArchiveRefused(f"{member.name}: appears twice in the archive.")
            total += member.size
            if total > limits.max_unpacked_bytes:
                raise ArchiveRefused(_too_large(filename, limits))
            destination.parent.mkdir(parents=True, exist_ok=True)
            total = _copy_member(member, destination, total, filename, limits)
        except (IsADirectoryError, NotADirectoryError, FileExistsError):
            raise ArchiveRefused(
                f"{member.name}: a file and a folder in the archive have the same name."
            ) from None
        written.add(member.path)
    return len(written)


def _copy_member(
    member: Member, destination: Path, total: int, filename: str, limits: ArchiveLimits
) -> int:
    """Copies one file, recounting its real bytes: a declared size is only a claim."""
    source = member.open()
    if source is None:
        raise ArchiveRefused(f"{member.name}: cannot be read from the archive.")
    total -= member.size
    with source, destination.open("xb") as out:
        while chunk := source.read(COPY_CHUNK_BYTES):
            total += len(chunk)
            if total > limits.max_unpacked_bytes:
                raise ArchiveRefused(_too_large(filename, limits))
            out.write(chunk)
    return total


def _stream_size(data: IO[bytes]) -> int:
    position = data.tell()
    data.seek(0, 2)
    size = data.tell()
    data.seek(position)
    return size


def _too_many(filename: str, limits: ArchiveLimits) -> str:
    return f"{filename} holds more than {limits.max_members} files and folders; split it up."


def _too_large(filename: str, limits: ArchiveLimits) -> str:
    return (
        f"{filename} unpacks to more than {_megabytes(limits.max_unpacked_bytes)}; "
        "exercises are small, so this is refused."
    )


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"
