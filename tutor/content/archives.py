"""Unpack an uploaded .zip or .tar.gz of exercises into a folder, refusing anything unsafe.

Plain Python, no Django. The archive comes from a browser, so nothing in it is trusted: every
member name is checked before anything is written (no absolute paths, no `..`), only regular files
and folders are accepted (no symbolic or hard links, devices or pipes), and the number of members
and the total unpacked size are capped before and while writing. Files are written by this module
byte by byte, never by zipfile's or tarfile's own extract, so the checks are the whole story.

Memory stays bounded while reading, whatever the archive claims: tarfile reads a GNU long name
or a pax header whole, and zipfile makes an object for every entry of the central directory, so
both are measured before they are read. A tar's extended headers are size-checked one by one,
per member and in all (sparse files are refused: exercises have none); a zip's central directory
is walked entry by entry, its size, entry count, names, extra fields and comments checked, before
zipfile sees it. bench/archive_memory.py crafts such archives and prints the peak memory.
"""

from __future__ import annotations

import stat
import struct
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
MAX_NAME_PART_BYTES = 255  # what Linux file systems take for one file or folder name
MAX_PATH_DEPTH = 16  # folders in folders: exercise trees are a few deep, not thousands of inodes

# Tar: GNU long names and pax headers are read whole by tarfile, so each is checked first. A pax
# header of a long path and a few keys is well under 1 KiB; GNU tar writes at most four extended
# headers before a member.
MAX_EXTENDED_HEADER_BYTES = 64 * 1024
MAX_EXTENDED_HEADERS_PER_MEMBER = 8
MAX_EXTENDED_HEADER_TOTAL_BYTES = 4 * 2**20  # all of the archive's: tarfile keeps every member
EXTENDED_HEADER_TYPES = frozenset(
    {
        tarfile.GNUTYPE_LONGNAME,
        tarfile.GNUTYPE_LONGLINK,
        tarfile.XHDTYPE,
        tarfile.XGLTYPE,
        tarfile.SOLARIS_XHDTYPE,
    }
)
# Zip: what one central directory entry may hold (real ones: a path, a few dozen bytes of extra
# fields, rarely a comment).
MAX_ZIP_NAME_BYTES = 1024
MAX_ZIP_EXTRA_BYTES = 1024
MAX_ZIP_COMMENT_BYTES = 1024
ZIP_DIRECTORY_ENTRY = struct.Struct("<4s4B4HL2L5H2L")  # zipfile's structCentralDir
ZIP_DIRECTORY_SIGNATURE = b"PK\x01\x02"


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
    check_zip_directory(data, filename, limits)
    try:
        data.seek(0)
        archive = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ArchiveRefused(f"{filename} is not a readable zip archive ({error}).") from None
    with archive:
        infos = archive.infolist()
        members = (_zip_member(archive, info) for info in infos)
        try:
            return _write_members(members, filename, target, limits)
        except (zipfile.BadZipFile, EOFError, ValueError) as error:
            # CRC mismatch, truncated data, unsupported compression.
            raise ArchiveRefused(f"{filename} is damaged: {error}") from None


def check_zip_directory(data: IO[bytes], filename: str, limits: ArchiveLimits) -> None:
    """Walks the central directory as zipfile will read it, refusing it before it is read.

    zipfile makes an object for every entry at once: ~400,000 entries fit in 20 MiB.
    """
    data.seek(0)
    try:
        end = zipfile._EndRecData(data)  # type: ignore[attr-defined]  # reads <= 64 KiB
    except OSError:
        end = None
    if end is None:
        raise ArchiveRefused(f"{filename} is not a readable zip archive (no central directory).")
    size = end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    most = limits.max_members * (
        ZIP_DIRECTORY_ENTRY.size + MAX_ZIP_NAME_BYTES + MAX_ZIP_EXTRA_BYTES + MAX_ZIP_COMMENT_BYTES
    )
    if size > most:
        raise ArchiveRefused(
            f"{filename}'s list of contents (central directory) is {_megabytes(size)}, more "
            f"than {limits.max_members} files and folders need ({_megabytes(most)})."
        )
    start = end[zipfile._ECD_LOCATION] - size  # type: ignore[attr-defined]
    if end[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:  # type: ignore[attr-defined]
        start -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator  # type: ignore[attr-defined]
    if start < 0:
        raise ArchiveRefused(f"{filename} is damaged: its central directory is out of place.")
    data.seek(start)
    read, count = 0, 0
    while read < size:
        fixed = data.read(ZIP_DIRECTORY_ENTRY.size)
        if len(fixed) < ZIP_DIRECTORY_ENTRY.size or fixed[:4] != ZIP_DIRECTORY_SIGNATURE:
            raise ArchiveRefused(f"{filename} is damaged: a bad central directory entry.")
        fields = ZIP_DIRECTORY_ENTRY.unpack(fixed)
        name_bytes, extra_bytes, comment_bytes = fields[12], fields[13], fields[14]
        count += 1
        if count > limits.max_members:
            raise ArchiveRefused(_too_many(filename, limits))
        if name_bytes > MAX_ZIP_NAME_BYTES:
            raise ArchiveRefused(
                f"{filename}: entry {count} has a name over {MAX_ZIP_NAME_BYTES} bytes."
            )
        if extra_bytes > MAX_ZIP_EXTRA_BYTES:
            raise ArchiveRefused(
                f"{filename}: entry {count} has {extra_bytes} bytes of extra fields "
                f"(at most {MAX_ZIP_EXTRA_BYTES})."
            )
        if comment_bytes > MAX_ZIP_COMMENT_BYTES:
            raise ArchiveRefused(
                f"{filename}: entry {count} has a comment over {MAX_ZIP_COMMENT_BYTES} bytes."
            )
        variable = name_bytes + extra_bytes + comment_bytes
        data.seek(variable, 1)
        read += ZIP_DIRECTORY_ENTRY.size + variable


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
        archive = _BoundedTarFile.open(fileobj=data, mode="r:gz")
    except _HeaderRefused as error:
        raise ArchiveRefused(f"{filename}: {error}") from None
    except (tarfile.TarError, OSError, EOFError, ValueError) as error:
        raise ArchiveRefused(f"{filename} is not a readable .tar.gz archive ({error}).") from None
    with archive:
        try:
            return _write_members(_tar_members(archive, filename, limits), filename, target, limits)
        except _HeaderRefused as error:
            raise ArchiveRefused(f"{filename}: {error}") from None
        except (tarfile.TarError, EOFError, OSError, ValueError) as error:
            raise ArchiveRefused(f"{filename} is damaged: {error}") from None


class _HeaderRefused(ArchiveRefused):
    """A tar header refused while tarfile reads it; the caller adds the archive's name."""


class _BoundedTarInfo(tarfile.TarInfo):
    """A tar header that refuses, before tarfile reads it, an extended header too large to hold.

    tarfile calls _proc_member for each header: extended ones (long names, pax) read their data
    whole and then the next header, recursively, until a real member.
    """

    def _proc_member(self, archive: tarfile.TarFile) -> tarfile.TarInfo:
        assert isinstance(archive, _BoundedTarFile)
        if self.type == tarfile.GNUTYPE_SPARSE:
            self._refuse_sparse()
        if self.type in EXTENDED_HEADER_TYPES:
            archive.count_extended_header(self.size)
        else:
            archive.extended_headers_in_a_row = 0
        member: tarfile.TarInfo = super()._proc_member(archive)  # type: ignore[misc]
        return member

    def _refuse_sparse(self, *args: object) -> None:
        raise _HeaderRefused(f"{self.name}: sparse files are not allowed in an exercise archive.")

    _proc_gnusparse_00 = _proc_gnusparse_01 = _proc_gnusparse_10 = _refuse_sparse


class _BoundedTarFile(tarfile.TarFile):
    tarinfo = _BoundedTarInfo
    extended_headers_in_a_row = 0
    extended_header_bytes = 0

    def count_extended_header(self, size: int) -> None:
        self.extended_headers_in_a_row += 1
        self.extended_header_bytes += size
        if size > MAX_EXTENDED_HEADER_BYTES:
            raise _HeaderRefused(
                f"an extended header (a long name or pax header) declares {size} bytes; at most "
                f"{MAX_EXTENDED_HEADER_BYTES} are read."
            )
        if self.extended_headers_in_a_row > MAX_EXTENDED_HEADERS_PER_MEMBER:
            raise _HeaderRefused(
                f"more than {MAX_EXTENDED_HEADERS_PER_MEMBER} extended headers before one member."
            )
        if self.extended_header_bytes > MAX_EXTENDED_HEADER_TOTAL_BYTES:
            total = _megabytes(MAX_EXTENDED_HEADER_TOTAL_BYTES)
            raise _HeaderRefused(f"the extended headers add up to more than {total}.")


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
    shown = name if len(name) <= 80 else name[:80] + "…"
    if len(parts) > MAX_PATH_DEPTH:
        raise ArchiveRefused(f"{shown}: more than {MAX_PATH_DEPTH} folders deep.")
    if any(len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_PART_BYTES for part in parts):
        raise ArchiveRefused(
            f"{shown}: a file or folder name is longer than {MAX_NAME_PART_BYTES} bytes."
        )
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
