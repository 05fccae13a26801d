"""Peak memory of unpacking hostile exercise archives, each under the upload cap.

    .venv/bin/python bench/archive_memory.py [--only NAME] [--limit-gb 6] [--timeout 120]
        [--module path/to/archives.py]

Crafts, in a temporary folder, archives that are small on the wire but whose headers or
central directory ask the reader to hold a great deal in memory:

- gnu_longname.tar.gz: a GNU long-name header ('L') that declares 400 MB of name;
- pax_header.tar.gz: a pax extended header ('x') that declares one 400 MB record;
- pax_global.tar.gz: the same as a global pax header ('g');
- gnu_sparse_map.tar.gz: an old GNU sparse member ('S') with 200,000 extension blocks;
- pax_sparse_map.tar.gz: a pax 1.0 sparse member whose map claims 10**9 entries;
- zip_directory.zip: a central directory of ~20 MB holding ~400,000 entries;
- zip_small_directory.zip: one of 5 MiB (what 2000 entries may take) holding ~110,000;
- zip_extra_fields.zip: entries with 64 KB extra fields and comments;
- zip_deflate_bomb.zip: one entry that inflates to 1 GB;
- tar_at_the_limits.tar.gz, zip_at_the_limits.zip: the worst that is accepted: 2000 members,
  each with the largest headers allowed, unpacking to 100 MiB.

Each is unpacked by tutor/content/archives.py's extract_archive, with the project's default
limits (20 MiB archive, 2000 members, 100 MiB unpacked), in a child process of its own; the
child prints its resident memory at rest (module loaded, archive on disk) and its peak, and this
script prints the difference. --module measures another copy of archives.py (an older one, from
`git show REV:tutor/content/archives.py > old.py`), for a before/after. Goal: under 100 MB over
rest for every archive. The peak is the kernel's high-water mark of the child (VmHWM), which
starts afresh at exec: ru_maxrss would inherit the parent's. The child runs
under an address-space limit (--limit-gb) so that the unbounded reader of old code fails with
MemoryError instead of taking the machine down; that is reported as "> limit".
"""

import argparse
import gzip
import io
import json
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHIVES_MODULE = ROOT / "tutor" / "content" / "archives.py"
UPLOAD_CAP = 20 * 2**20
MAX_MEMBERS = 2000
MAX_UNPACKED = 100 * 2**20
GOAL_MB = 100
BLOCK = 512
ZEROS = bytes(2**20)


# ---- Crafting --------------------------------------------------------------------------------


def _tar_header(name: str, size: int, type_flag: bytes, **fields: object) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    info.type = type_flag
    for key, value in fields.items():
        setattr(info, key, value)
    return info.tobuf(format=tarfile.GNU_FORMAT)


def _raw_header(name: bytes, size: int, type_flag: bytes, tail: bytes = b"") -> bytes:
    """A ustar-shaped header block built by hand, for types tarfile will not write itself."""
    block = bytearray(BLOCK)
    block[0 : len(name)] = name
    block[100:108] = b"0000644\0"
    block[108:116] = b"0000000\0"
    block[116:124] = b"0000000\0"
    block[124:136] = f"{size:011o}\0".encode()
    block[136:148] = b"00000000000\0"
    block[156:157] = type_flag
    block[257:265] = b"ustar  \0"
    block[386 : 386 + len(tail)] = tail
    block[148:156] = b"        "
    block[148:156] = f"{sum(block):06o}\0 ".encode()
    return bytes(block)


def _write_filler(out: gzip.GzipFile, size: int, filler: bytes = ZEROS) -> None:
    left = size
    while left > 0:
        chunk = filler[: min(left, len(filler))]
        out.write(chunk)
        left -= len(chunk)


def _write_padded(out: gzip.GzipFile, size: int, filler: bytes = ZEROS) -> None:
    _write_filler(out, size, filler)
    out.write(bytes(-size % BLOCK))


def _regular_file(out: gzip.GzipFile, name: str, body: bytes) -> None:
    out.write(_tar_header(name, len(body), tarfile.REGTYPE))
    out.write(body + bytes(-len(body) % BLOCK))


def gnu_longname(path: Path) -> None:
    with gzip.open(path, "wb", compresslevel=9) as out:
        size = 400 * 10**6
        out.write(_raw_header(b"././@LongLink", size, tarfile.GNUTYPE_LONGNAME))
        _write_padded(out, size, b"a" * 2**20)
        _regular_file(out, "exercise.md", b"# x\n")
        out.write(bytes(2 * BLOCK))


def _pax(path: Path, type_flag: bytes) -> None:
    size = 400 * 10**6
    prefix = f"{size} comment=".encode()
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(_raw_header(b"././@PaxHeader", size, type_flag))
        out.write(prefix)
        _write_filler(out, size - len(prefix) - 1, b"a" * 2**20)
        out.write(b"\n" + bytes(-size % BLOCK))
        _regular_file(out, "exercise.md", b"# x\n")
        out.write(bytes(2 * BLOCK))


def pax_header(path: Path) -> None:
    _pax(path, tarfile.XHDTYPE)


def pax_global(path: Path) -> None:
    _pax(path, tarfile.XGLTYPE)


def gnu_sparse_map(path: Path) -> None:
    # Old GNU sparse: 4 entries in the header, then extension blocks of 21 entries each, chained
    # by an "isextended" byte at offset 504 of each block (482 in the header).
    entry = b"00000000001\0" * 2  # offset 1, numbytes 1
    header_tail = entry * 4 + b"\1" + b"00000000100\0"  # isextended, realsize
    extension = entry * 21 + b"\1"
    extension += bytes(BLOCK - len(extension))
    blocks = 200_000
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(_raw_header(b"sparse.txt", 0, tarfile.GNUTYPE_SPARSE, header_tail))
        for _ in range(blocks):
            out.write(extension)
        last = entry * 21 + b"\0"
        out.write(last + bytes(BLOCK - len(last)))
        out.write(bytes(2 * BLOCK))


def pax_sparse_map(path: Path) -> None:
    records = {
        "GNU.sparse.major": "1",
        "GNU.sparse.minor": "0",
        "GNU.sparse.name": "sparse.txt",
        "GNU.sparse.realsize": "100",
    }
    body = b""
    for key, value in records.items():
        record = f" {key}={value}\n"
        length = len(record)
        length = len(f"{length}{record}")
        length = len(f"{length}{record}")
        body += f"{length}{record}".encode()
    data_size = 60 * 10**6
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(_raw_header(b"././@PaxHeader", len(body), tarfile.XHDTYPE))
        out.write(body + bytes(-len(body) % BLOCK))
        out.write(_raw_header(b"sparse.txt", data_size, tarfile.REGTYPE))
        first = b"1000000000\n"
        out.write(first)
        _write_padded(out, data_size - len(first), b"7\n" * 2**19)
        out.write(bytes(2 * BLOCK))


def _central_entry(name: bytes, extra: bytes = b"", comment: bytes = b"") -> bytes:
    return struct.pack(
        "<4s4B4HL2L5H2L",
        b"PK\1\2",
        20, 3, 20, 0,  # versions made by / needed
        0, 0, 0, 0,  # flags, method, time, date
        0, 0, 0,  # crc, sizes
        len(name), len(extra), len(comment),
        0, 0, 0o100644 << 16, 0,
    ) + name + extra + comment  # fmt: skip


def _end_record(entries: int, directory_size: int, directory_offset: int) -> bytes:
    count = min(entries, 0xFFFF)
    return struct.pack(
        "<4s4H2LH", b"PK\5\6", 0, 0, count, count, directory_size, directory_offset, 0
    )


def zip_directory(path: Path, size: int = UPLOAD_CAP - 2**20) -> None:
    directory = bytearray()
    number = 0
    while len(directory) < size:
        directory += _central_entry(f"{number:x}".encode())
        number += 1
    path.write_bytes(bytes(directory) + _end_record(number, len(directory), 0))


def zip_small_directory(path: Path) -> None:
    """Under the size a directory of 2000 entries may have, but ~120,000 entries of it."""
    zip_directory(path, 5 * 2**20)


def zip_extra_fields(path: Path) -> None:
    extra_field = struct.pack("<HH", 0xCAFE, 65_000) + b"x" * 65_000
    directory = bytearray()
    number = 0
    while len(directory) < UPLOAD_CAP - 2**20:
        directory += _central_entry(f"{number}.md".encode(), extra_field, b"c" * 400)
        number += 1
    path.write_bytes(bytes(directory) + _end_record(number, len(directory), 0))


def zip_deflate_bomb(path: Path) -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    size = 2**30
    compressed = b"".join(compressor.compress(ZEROS) for _ in range(size // len(ZEROS)))
    compressed += compressor.flush()
    crc = 0
    for _ in range(size // len(ZEROS)):
        crc = zlib.crc32(ZEROS, crc)
    name = b"exercise.md"
    local = struct.pack(
        "<4s5H3L2H", b"PK\3\4", 20, 0, 8, 0, 0, crc, len(compressed), size, len(name), 0
    )
    central = struct.pack(
        "<4s4B4HL2L5H2L",
        b"PK\1\2", 20, 3, 20, 0, 0, 8, 0, 0, crc, len(compressed), size,
        len(name), 0, 0, 0, 0, 0o100644 << 16, 0,
    ) + name  # fmt: skip
    body = local + name + compressed
    path.write_bytes(body + central + _end_record(1, len(central), len(body)))


def tar_at_the_limits(path: Path) -> None:
    members = MAX_MEMBERS - 1
    body = bytes(MAX_UNPACKED // MAX_MEMBERS)
    comment = "c" * 1700  # 2000 pax headers of ~2 KB: just under the 4 MiB they may add up to
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for number in range(members):
            name = f"week{number % 7}/" + "long-folder-name/" * 10 + f"file{number}.txt"
            info = tarfile.TarInfo(name)
            info.size = len(body)
            info.pax_headers = {"comment": comment}
            archive.addfile(info, io.BytesIO(body))


def zip_at_the_limits(path: Path) -> None:
    body = bytes(MAX_UNPACKED // MAX_MEMBERS)
    extra = struct.pack("<HH", 0xCAFE, 1020) + b"x" * 1020
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(MAX_MEMBERS):
            info = zipfile.ZipInfo(f"{number:04}/" + "/".join(["n" * 250] * 3) + ".txt")
            info.extra = extra
            info.comment = b"c" * 1024
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, body)


ARCHIVES: dict[str, Callable[[Path], None]] = {
    "gnu_longname.tar.gz": gnu_longname,
    "pax_header.tar.gz": pax_header,
    "pax_global.tar.gz": pax_global,
    "gnu_sparse_map.tar.gz": gnu_sparse_map,
    "pax_sparse_map.tar.gz": pax_sparse_map,
    "zip_directory.zip": zip_directory,
    "zip_small_directory.zip": zip_small_directory,
    "zip_extra_fields.zip": zip_extra_fields,
    "zip_deflate_bomb.zip": zip_deflate_bomb,
    "tar_at_the_limits.tar.gz": tar_at_the_limits,
    "zip_at_the_limits.zip": zip_at_the_limits,
}


# ---- Measuring -------------------------------------------------------------------------------

CHILD = r"""
import importlib.util, json, resource, sys, tempfile, time
from pathlib import Path

limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
spec = importlib.util.spec_from_file_location("archives", sys.argv[1])
archives = importlib.util.module_from_spec(spec)
sys.modules["archives"] = archives
spec.loader.exec_module(archives)
limits = archives.ArchiveLimits(
    max_archive_bytes=int(sys.argv[4]), max_members=int(sys.argv[5]),
    max_unpacked_bytes=int(sys.argv[6]),
)
def status_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0
path = Path(sys.argv[2])
with path.open("rb") as data, tempfile.TemporaryDirectory() as target:
    rest = status_kb("VmRSS")
    started = time.monotonic()
    try:
        written = archives.extract_archive(data, path.name, Path(target), limits)
        outcome = f"unpacked {written} files"
    except archives.ArchiveRefused as error:
        outcome = "refused: " + str(error)[:150]
    except MemoryError:
        outcome = "MemoryError (address-space limit reached)"
    except Exception as error:  # what a web request would turn into a server error
        outcome = f"crashed: {type(error).__name__}: {str(error)[:100]}"
    seconds = time.monotonic() - started
peak = status_kb("VmHWM")
print(json.dumps({"rest_kb": rest, "peak_kb": peak, "seconds": seconds, "outcome": outcome}))
"""


def measure(path: Path, module: Path, limit_bytes: int, timeout: float) -> dict[str, object]:
    command = [
        sys.executable,
        "-c",
        CHILD,
        str(module),
        str(path),
        str(limit_bytes),
        str(UPLOAD_CAP),
        str(MAX_MEMBERS),
        str(MAX_UNPACKED),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"outcome": f"still running after {timeout:.0f} s (killed)"}
    if done.returncode != 0:
        return {"outcome": f"child failed ({done.returncode}): {done.stderr.strip()[-300:]}"}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=sorted(ARCHIVES))
    parser.add_argument("--limit-gb", type=float, default=6.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--module", type=Path, default=ARCHIVES_MODULE)
    args = parser.parse_args()
    names = args.only or list(ARCHIVES)
    print(f"unpacking with {args.module}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            path = Path(folder) / name
            ARCHIVES[name](path)
            size = path.stat().st_size
            assert size <= UPLOAD_CAP, f"{name} is {size} bytes, over the upload cap"
            result = measure(path, args.module, int(args.limit_gb * 2**30), args.timeout)
            if "peak_kb" in result:
                over = (int(str(result["peak_kb"])) - int(str(result["rest_kb"]))) / 1024
                worst = max(worst, over)
                figures = f"peak {over:8.1f} MB over rest, {float(str(result['seconds'])):6.1f} s"
            else:
                figures = "peak        ? (no result)         "
            print(f"{name:24} {size / 2**10:8.0f} KB  {figures}  {result['outcome']}", flush=True)
            path.unlink()
    verdict = "meets" if worst < GOAL_MB else "misses"
    print(f"worst: {worst:.1f} MB over rest ({verdict} the goal of < {GOAL_MB} MB)")


if __name__ == "__main__":
    main()
