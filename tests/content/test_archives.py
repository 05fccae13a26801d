"""Unpacking uploaded archives: good ones unpack, unsafe or oversized ones are refused."""

import gzip
import io
import stat
import struct
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.content.conftest import exercise_tree, tar_gz_of, tar_gz_with, zip_of, zip_with
from tutor.content.archives import ArchiveLimits, ArchiveRefused, extract_archive, safe_member_path

LIMITS = ArchiveLimits(max_archive_bytes=2**20, max_members=100, max_unpacked_bytes=2**20)


def extract(data: bytes, name: str, target: Path, limits: ArchiveLimits = LIMITS) -> int:
    target.mkdir(exist_ok=True)
    return extract_archive(io.BytesIO(data), name, target, limits)


@pytest.mark.parametrize(("build", "name"), [(zip_of, "week3.zip"), (tar_gz_of, "week3.tar.gz")])
def test_a_good_archive_unpacks_file_for_file(build, name: str, tmp_path: Path) -> None:
    source = exercise_tree(tmp_path / "source")
    written = extract(build(source), name, tmp_path / "out")
    originals = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())
    unpacked = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*"))
    assert written == len(originals)
    assert [p for p in unpacked if (tmp_path / "out" / p).is_file()] == originals
    for relative in originals:
        assert (tmp_path / "out" / relative).read_bytes() == (source / relative).read_bytes()


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../evil.py", "'..'"),
        ("week3/../../evil.py", "'..'"),
        ("..\\evil.py", "'..'"),
        ("/etc/cron.d/evil", "absolute"),
        ("C:/evil.py", "absolute"),
    ],
)
def test_paths_leaving_the_folder_are_refused(name: str, problem: str, tmp_path: Path) -> None:
    with pytest.raises(ArchiveRefused, match=problem):
        extract(zip_with({"ok/file.py": b"x = 1\n", name: b"boom"}), "a.zip", tmp_path / "out")
    assert not (tmp_path / "evil.py").exists()
    info = tarfile.TarInfo(name)
    with pytest.raises(ArchiveRefused, match=problem):
        extract(tar_gz_with([(info, b"boom")]), "a.tar.gz", tmp_path / "out2")


def test_dot_segments_are_harmless_and_kept_inside() -> None:
    assert safe_member_path("./week3/./add-two/") == Path("week3/add-two")


def test_a_symbolic_link_in_a_zip_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("week3/add-two/solution.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(ArchiveRefused, match="symbolic links are not allowed"):
        extract(buffer.getvalue(), "links.zip", tmp_path / "out")
    assert not (tmp_path / "out" / "week3" / "add-two" / "solution.py").exists()


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        (tarfile.SYMTYPE, "symbolic links are not allowed"),
        (tarfile.LNKTYPE, "hard links are not allowed"),
        (tarfile.CHRTYPE, "only regular files and folders"),
        (tarfile.FIFOTYPE, "only regular files and folders"),
    ],
)
def test_links_devices_and_pipes_in_a_tar_are_refused(
    kind: bytes, problem: str, tmp_path: Path
) -> None:
    special = tarfile.TarInfo("week3/add-two/solution.py")
    special.type = kind
    special.linkname = "/etc/passwd"
    with pytest.raises(ArchiveRefused, match=f"solution.py: {problem}"):
        extract(tar_gz_with([(special, b"")]), "links.tar.gz", tmp_path / "out")
    assert not (tmp_path / "out" / "week3" / "add-two" / "solution.py").exists()


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    limits = ArchiveLimits(max_archive_bytes=2**20, max_members=5, max_unpacked_bytes=2**20)
    entries = {f"f{number}.txt": b"x" for number in range(6)}
    with pytest.raises(ArchiveRefused, match="more than 5 files and folders"):
        extract(zip_with(entries), "many.zip", tmp_path / "zip", limits)
    members = [(tarfile.TarInfo(name), data) for name, data in entries.items()]
    with pytest.raises(ArchiveRefused, match="more than 5 files and folders"):
        extract(tar_gz_with(members), "many.tar.gz", tmp_path / "tar", limits)


def test_too_much_unpacked_data_is_refused(tmp_path: Path) -> None:
    # Zeros compress about a thousandfold: a small archive, a large unpacked size.
    limits = ArchiveLimits(max_archive_bytes=2**20, max_members=100, max_unpacked_bytes=2**20)
    bomb = b"\0" * (2 * 2**20)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", bomb)
    assert len(buffer.getvalue()) < 2**20 // 10
    with pytest.raises(ArchiveRefused, match=r"unpacks to more than 1\.0 MiB"):
        extract(buffer.getvalue(), "bomb.zip", tmp_path / "zip", limits)
    assert not (tmp_path / "zip" / "big.txt").exists()
    with pytest.raises(ArchiveRefused, match=r"unpacks to more than 1\.0 MiB"):
        extract(
            tar_gz_with([(tarfile.TarInfo("big.txt"), bomb)]), "b.tgz", tmp_path / "tar", limits
        )


def test_a_zip_that_lies_about_its_sizes_is_refused(tmp_path: Path) -> None:
    limits = ArchiveLimits(max_archive_bytes=2**20, max_members=100, max_unpacked_bytes=1000)
    data = bytearray(zip_with({"a.txt": b"y" * 4000}))
    # Declare 10 bytes in the central directory, where the size checks read it; 4000 follow.
    offset = bytes(data).rfind(b"PK\x01\x02") + 24
    data[offset : offset + 4] = (10).to_bytes(4, "little")
    with pytest.raises(ArchiveRefused, match="damaged"):
        extract(bytes(data), "liar.zip", tmp_path / "out", limits)
    out = tmp_path / "out" / "a.txt"
    assert not out.exists() or out.stat().st_size <= 10


def test_an_oversized_upload_is_refused_before_unpacking(tmp_path: Path) -> None:
    limits = ArchiveLimits(max_archive_bytes=100, max_members=100, max_unpacked_bytes=2**20)
    with pytest.raises(ArchiveRefused, match="archives may be at most"):
        extract(zip_with({"a.txt": b"a" * 500}), "big.zip", tmp_path / "out", limits)
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    ("data", "name", "problem"),
    [
        (b"not a zip at all", "week3.zip", "not a readable zip archive"),
        (b"not gzip either", "week3.tar.gz", r"not a readable \.tar\.gz archive"),
        (b"PK", "week3.rar", r"upload a \.zip or \.tar\.gz archive"),
    ],
)
def test_other_files_are_refused_clearly(data: bytes, name: str, problem: str, tmp_path: Path):
    with pytest.raises(ArchiveRefused, match=problem):
        extract(data, name, tmp_path / "out")


def test_a_file_and_a_folder_of_the_same_name_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiveRefused, match="same name"):
        extract(zip_with({"week3": b"file", "week3/add-two.txt": b"x"}), "a.zip", tmp_path / "o")


# ---- Headers that ask for memory: checked before they are read (bench/archive_memory.py) -------


def raw_tar_header(name: bytes, size: int, type_flag: bytes) -> bytes:
    """A ustar-shaped header block built by hand, for headers tarfile will not write itself."""
    block = bytearray(512)
    block[0 : len(name)] = name
    block[100:108] = b"0000644\0"
    block[124:136] = f"{size:011o}\0".encode()
    block[136:148] = b"00000000000\0"
    block[156:157] = type_flag
    block[257:265] = b"ustar  \0"
    block[148:156] = b"        "
    block[148:156] = f"{sum(block):06o}\0 ".encode()
    return bytes(block)


def gzipped(*parts: bytes) -> bytes:
    return gzip.compress(b"".join(parts))


@pytest.mark.parametrize(
    "type_flag", [tarfile.GNUTYPE_LONGNAME, tarfile.XHDTYPE, tarfile.XGLTYPE], ids=repr
)
def test_an_extended_header_declaring_400_mb_is_refused_unread(
    type_flag: bytes, tmp_path: Path
) -> None:
    # Only 4 KB of the 400 MB follow: a reader that believed the header would fail as "damaged".
    data = gzipped(raw_tar_header(b"././@LongLink", 400 * 10**6, type_flag), b"a" * 4096)
    with pytest.raises(ArchiveRefused, match="declares 400000000 bytes; at most 65536"):
        extract(data, "long.tar.gz", tmp_path / "out")


def test_a_chain_of_extended_headers_is_refused(tmp_path: Path) -> None:
    record = b"19 comment=abcdefg\n"
    header = raw_tar_header(b"././@PaxHeader", len(record), tarfile.XHDTYPE)
    chain = (header + record + bytes(512 - len(record))) * 9
    with pytest.raises(ArchiveRefused, match="more than 8 extended headers"):
        extract(gzipped(chain, bytes(1024)), "chain.tar.gz", tmp_path / "out")


@pytest.mark.parametrize("tar_format", [tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_long_names_of_real_archives_still_unpack(tar_format: int, tmp_path: Path) -> None:
    name = "week3/" + "a-very-long-folder-name/" * 12 + "exercise.md"
    assert len(name) > 255
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tar_format) as archive:
        info = tarfile.TarInfo(name)
        info.size = 4
        info.pax_headers = (
            {"comment": "made by a real tar"} if tar_format == tarfile.PAX_FORMAT else {}
        )
        archive.addfile(info, io.BytesIO(b"# x\n"))
    assert extract(buffer.getvalue(), "long.tar.gz", tmp_path / "out") == 1
    assert (tmp_path / "out" / name).read_bytes() == b"# x\n"


def test_sparse_members_are_refused(tmp_path: Path) -> None:
    gnu_sparse = raw_tar_header(b"sparse.txt", 0, tarfile.GNUTYPE_SPARSE)
    with pytest.raises(ArchiveRefused, match="sparse files are not allowed"):
        extract(gzipped(gnu_sparse, bytes(1024)), "sparse.tar.gz", tmp_path / "gnu")
    info = tarfile.TarInfo("sparse.txt")
    info.pax_headers = {"GNU.sparse.major": "1", "GNU.sparse.minor": "0"}
    # The map would claim 10**9 entries and be read number by number.
    pax_sparse = tar_gz_with([(info, b"1000000000\n" + b"7\n" * 2000)])
    with pytest.raises(ArchiveRefused, match="sparse files are not allowed"):
        extract(pax_sparse, "sparse.tar.gz", tmp_path / "pax")


def central_directory_entry(name: bytes) -> bytes:
    fixed = struct.pack(
        "<4s4B4HL2L5H2L", b"PK\1\2", 20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0, len(name), 0, 0, 0, 0,
        0o100644 << 16, 0,
    )  # fmt: skip
    return fixed + name


def test_a_zip_directory_of_many_entries_is_refused_before_zipfile_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = b"".join(central_directory_entry(f"{n}.md".encode()) for n in range(101))
    # The end record claims one entry: zipfile would believe the directory's size, not this.
    end = struct.pack("<4s4H2LH", b"PK\5\6", 0, 0, 1, 1, len(directory), 0, 0)

    def no_zipfile(*args: object, **kwargs: object) -> None:
        raise AssertionError("zipfile.ZipFile read a directory that should have been refused")

    monkeypatch.setattr(zipfile, "ZipFile", no_zipfile)
    with pytest.raises(ArchiveRefused, match="more than 100 files and folders"):
        extract(directory + end, "many.zip", tmp_path / "out")


@pytest.mark.parametrize(
    ("field", "problem"), [("extra", "bytes of extra fields"), ("comment", "a comment over")]
)
def test_oversized_zip_extra_fields_and_comments_are_refused(
    field: str, problem: str, tmp_path: Path
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("exercise.md")
        setattr(info, field, struct.pack("<HH", 0xCAFE, 4000) + b"x" * 4000)
        archive.writestr(info, b"# x\n")
    with pytest.raises(ArchiveRefused, match=problem):
        extract(buffer.getvalue(), "extra.zip", tmp_path / "out")


def test_a_name_too_long_for_the_file_system_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ArchiveRefused, match="longer than 255 bytes"):
        extract(zip_with({"week3/" + "n" * 300: b"x"}), "long.zip", tmp_path / "out")


def test_folders_nested_too_deep_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiveRefused, match="more than 16 folders deep"):
        extract(zip_with({"a/" * 17 + "x.txt": b"x"}), "deep.zip", tmp_path / "out")
