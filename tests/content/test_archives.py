"""Unpacking uploaded archives: good ones unpack, unsafe or oversized ones are refused."""

import io
import stat
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
