"""Walking zips and gzip streams with limits: size, ratio, member count, nesting, paths.

Nothing is ever extracted to disk: members are read as streams (or, for a zip nested inside a
zip, into memory under a cap). Before any member is inflated, a zip's directory is checked as a
whole: members whose bytes overlap (David Fifield's "better zip bomb": many entries pointing at one
compressed kernel) and a declared total out of proportion to the archive's size are refused with
one line for the archive. Decompressed bytes are also counted as they are read, because a gzip
stream declares nothing and a member's size is only as true as the archive.
"""

from __future__ import annotations

import gzip
import io
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from ..errors import CorruptFile, HostileInput
from ..wording import binary_size

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps that keep a hostile archive from exhausting memory, disk or time.

    Real exports set the scale: an Apple export.xml reaches ~4 GB at ~20:1 compression, a Garmin
    export part holds ~8,000 files, and exports nest zips exactly one level deep.
    """

    max_members: int = 200_000
    max_depth: int = 1  # zip inside a zip (Garmin's UploadedFiles_*.zip parts), no deeper
    max_member_bytes: int = 8 * 2**30  # decompressed bytes of one member
    # decompressed bytes of all members of one archive (nested zips included), declared and inflated
    max_archive_bytes: int = 32 * 2**30
    max_nested_zip_bytes: int = 2 * 2**30  # a nested zip is held in memory to be read
    # decompressed/compressed, of one member and of a whole zip's declared total, past ratio_floor_bytes
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 64 * 2**20
    max_gzip_bytes: int = 2 * 2**30  # a .gz outside an archive (FIT, TCX, GPX are small)


DEFAULT_LIMITS = Limits()


class ArchiveBudget:
    """Counts the decompressed bytes of one archive across all its members (and nested zips):
    those the directories declare, checked before anything is inflated, and those inflated."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        self.total = 0
        self.declared = 0

    def add(self, n: int) -> None:
        self.total += n
        if self.total > self.limits.max_archive_bytes:
            raise HostileInput(
                f"{self.name}: archive inflates past {binary_size(self.limits.max_archive_bytes)}; refusing it"
                " (possible zip bomb)"
            )

    def declare(self, display: str, n: int) -> None:
        self.declared += n
        if self.declared > self.limits.max_archive_bytes:
            raise HostileInput(
                f"{display}: archive inflates past {binary_size(self.limits.max_archive_bytes)} (its members declare"
                f" {binary_size(self.declared)}); refusing it (possible zip bomb)"
            )


class _Readable(Protocol):
    """What a capped reader reads from: a zip member, a GzipFile, a file."""

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class CappedReader(io.RawIOBase):
    """A read-only stream that stops with HostileInput when a decompression cap is passed."""

    def __init__(
        self,
        raw: _Readable,
        name: str,
        *,
        max_bytes: int,
        compressed_size: int | None = None,
        limits: Limits = DEFAULT_LIMITS,
        budget: ArchiveBudget | None = None,
    ) -> None:
        self.raw = raw
        self.name = name
        self.max_bytes = max_bytes
        self.compressed_size = compressed_size
        self.limits = limits
        self.budget = budget
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]  # io hands in one of these
        try:
            data = self.raw.read(len(buffer))
        except (zlib.error, EOFError, OSError, zipfile.BadZipFile) as err:
            raise CorruptFile(f"{self.name}: compressed data is damaged ({err})") from err
        n = len(data)
        buffer[:n] = data
        self.count += n
        if self.count > self.max_bytes:
            raise HostileInput(
                f"{self.name}: inflates past the {self.max_bytes // 2**20} MiB limit; refusing it (possible zip bomb)"
            )
        if (
            self.compressed_size
            and self.count > self.limits.ratio_floor_bytes
            and self.count / max(self.compressed_size, 1) > self.limits.max_ratio
        ):
            raise HostileInput(
                f"{self.name}: compression ratio above {self.limits.max_ratio:.0f}:1; refusing it (possible zip bomb)"
            )
        if self.budget is not None:
            self.budget.add(n)
        return n

    def close(self) -> None:
        try:
            self.raw.close()
        finally:
            super().close()


def open_gzip(opener: Callable[[], BinaryIO], name: str, limits: Limits = DEFAULT_LIMITS) -> BinaryIO:
    """A capped stream over the decompressed content of a gzip stream."""
    raw = opener()
    compressed = _stream_size(raw)
    capped = CappedReader(gzip.GzipFile(fileobj=raw, mode="rb"), name, max_bytes=limits.max_gzip_bytes,
                          compressed_size=compressed, limits=limits)
    return io.BufferedReader(capped, buffer_size=1 << 20)


def _stream_size(stream: BinaryIO) -> int | None:
    try:
        pos = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(pos)
        return end - pos
    except (OSError, AttributeError, ValueError):
        return None


def printable_name(name: str) -> str:
    """A file or member name made safe to print on one line: control characters escaped (`\\n`),
    bytes that were not valid UTF-8 (surrogate-escaped by the OS layer) shown as `\\xNN`."""
    if name.isprintable():
        return name
    out = []
    for ch in name:
        code = ord(ch)
        if ch.isprintable():
            out.append(ch)
        elif 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def declared_member_count(fh: BinaryIO) -> int | None:
    """The member count a zip's end-of-central-directory record declares (zip64 aware), read
    without parsing the directory: a zip claiming millions of members is refused before Python
    builds millions of ZipInfo objects. None when the record cannot be found."""
    try:
        end = fh.seek(0, io.SEEK_END)
        start = max(0, end - (65_535 + 22))
        fh.seek(start)
        tail = fh.read()
        fh.seek(0)
    except (OSError, ValueError):
        return None
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + 22 > len(tail):
        return None
    (count,) = struct.unpack_from("<H", tail, pos + 10)
    if count == 0xFFFF:
        loc = tail.rfind(b"PK\x06\x07", 0, pos)
        if loc < 0 or loc + 20 > len(tail):
            return None
        (z64_offset,) = struct.unpack_from("<Q", tail, loc + 8)
        try:
            fh.seek(z64_offset)
            record = fh.read(56)
            fh.seek(0)
        except (OSError, ValueError, OverflowError):
            return None
        if len(record) < 56 or record[:4] != b"PK\x06\x06":
            return None
        (count,) = struct.unpack_from("<Q", record, 32)
    return int(count)


def unsafe_member_name(name: str) -> str | None:
    """Why a member name must not be trusted (traversal, absolute path), or None when it is fine."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":"):
        return "absolute path"
    if any(part == ".." for part in norm.split("/")):
        return "path with '..'"
    if "\x00" in name:
        return "NUL byte in name"
    return None


@dataclass(slots=True)
class Member:
    """One readable member of an archive: its display name and how to open it (capped)."""

    display: str
    opener: Callable[[], BinaryIO]
    size: int


@dataclass(slots=True)
class Skipped:
    """A member that is not read, and why. `failed` marks problems the user must hear about."""

    display: str
    reason: str
    failed: bool = False


def walk_zip(
    source: BinaryIO | str,
    display: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    depth: int = 0,
    budget: ArchiveBudget | None = None,
) -> Iterator[Member | Skipped]:
    """Yield every file member of a zip (and of zips nested in it, up to `limits.max_depth`).

    Raises CorruptFile for an unreadable zip and HostileInput for one with too many members.
    """
    try:
        if isinstance(source, str):
            with open(source, "rb") as fh:
                archive_bytes = fh.seek(0, io.SEEK_END)
                declared = declared_member_count(fh)
        else:
            archive_bytes = source.seek(0, io.SEEK_END)
            declared = declared_member_count(source)
    except OSError as err:
        raise CorruptFile(f"{display}: cannot read the zip ({err.strerror})") from err
    if declared is not None and declared > limits.max_members:
        raise HostileInput(f"{display}: {declared:,} members, more than the {limits.max_members:,} an export has")
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
        raise CorruptFile(f"{display}: not a valid zip (truncated or damaged: {err})") from err
    budget = budget or ArchiveBudget(display, limits)
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise HostileInput(f"{display}: {len(infos):,} members, more than the {limits.max_members:,} an export has")
    refuse_overlaps(archive, infos, display)  # both from the directory and local headers: nothing inflated yet
    check_declared(infos, display, archive_bytes, limits, budget)
    for info in infos:
        name = info.filename
        shown = f"{display}!{printable_name(name)}"
        if info.is_dir():
            continue
        why = unsafe_member_name(name)
        if why:
            yield Skipped(shown, f"unsafe member name ({why}); skipped, nothing written", failed=True)
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            yield Skipped(shown, "symbolic link member; skipped", failed=True)
            continue
        if info.flag_bits & 0x1:
            yield Skipped(shown, "encrypted member; loadwatch cannot read encrypted zips", failed=True)
            continue
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
            yield Skipped(shown, f"unsupported compression method {info.compress_type}", failed=True)
            continue
        if info.file_size == 0:  # media/.keep and the like: nothing to read (zipfile reads no more than declared)
            yield Skipped(shown, "empty (0 bytes); nothing to import")
            continue
        opener = _member_opener(archive, info, shown, limits, budget)
        if _is_zip_name_or_magic(archive, info):
            if depth >= limits.max_depth:
                yield Skipped(shown, "zip nested deeper than an export has; skipped", failed=True)
                continue
            if info.file_size > limits.max_nested_zip_bytes:
                yield Skipped(shown, "nested zip larger than the limit; skipped", failed=True)
                continue
            try:
                with opener() as stream:
                    data = stream.read(limits.max_nested_zip_bytes + 1)
                if len(data) > limits.max_nested_zip_bytes:
                    raise HostileInput(f"{shown}: nested zip larger than the limit")
                yield from walk_zip(io.BytesIO(data), shown, limits=limits, depth=depth + 1, budget=budget)
            except (CorruptFile, HostileInput) as err:
                yield Skipped(shown, _strip_name(str(err), shown), failed=True)
            continue
        yield Member(shown, opener, info.file_size)


def refuse_overlaps(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], display: str) -> None:
    """HostileInput when two members' bytes (local header, name, extra field and compressed data)
    overlap: a real zip stores each member once, one after another; a zip bomb points many entries at
    one compressed kernel, either at the same offset or by quoting the next header inside a stored
    deflate block. Reads the 30-byte local header of each member (its extra field can differ from
    the directory's), in offset order; a member whose local header is missing is left to fail when
    opened."""
    spans: list[tuple[int, int]] = []
    fp = archive.fp
    if fp is None:
        return
    for info in sorted(infos, key=lambda i: i.header_offset):
        start = info.header_offset
        try:
            fp.seek(start)
            head = fp.read(30)
        except (OSError, ValueError, OverflowError):
            continue
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            continue
        name_len, extra_len = struct.unpack_from("<HH", head, 26)
        spans.append((start, start + 30 + name_len + extra_len + info.compress_size))
    overlapping: set[int] = set()
    reach, owner = -1, -1  # the furthest end so far, and the span it belongs to
    for k, (start, end) in enumerate(spans):
        if start < reach:
            overlapping.update((k, owner))
        if end > reach:
            reach, owner = end, k
    if overlapping:
        raise HostileInput(f"{display}: {len(overlapping):,} members share the same compressed bytes (overlapping"
                           " entries), which no real archive has; refusing it (possible zip bomb)")


def check_declared(infos: list[zipfile.ZipInfo], display: str, archive_bytes: int | None, limits: Limits,
                   budget: ArchiveBudget) -> None:
    """HostileInput when the sizes a zip's members declare, together, pass the archive cap (counted
    with the zips it is nested in) or the ratio limit against the archive's own size. zipfile never
    inflates a member past its declared size, so this bounds what reading the archive can cost."""
    total = sum(info.file_size for info in infos if not info.is_dir())
    if archive_bytes and total > limits.ratio_floor_bytes and total / archive_bytes > limits.max_ratio:
        raise HostileInput(f"{display}: its members declare {binary_size(total)} from {binary_size(archive_bytes)},"
                           f" a ratio above {limits.max_ratio:.0f}:1; refusing it (possible zip bomb)")
    budget.declare(display, total)


def _strip_name(message: str, name: str) -> str:
    return message[len(name) + 2 :] if message.startswith(name + ": ") else message


def _member_opener(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str, limits: Limits, budget: ArchiveBudget
) -> Callable[[], BinaryIO]:
    def opener() -> BinaryIO:
        try:
            raw = archive.open(info)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as err:
            raise CorruptFile(f"{shown}: cannot open member ({err})") from err
        capped = CappedReader(raw, shown, max_bytes=limits.max_member_bytes, compressed_size=info.compress_size,
                              limits=limits, budget=budget)
        return io.BufferedReader(capped, buffer_size=1 << 20)

    return opener


def _is_zip_name_or_magic(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    if info.filename.lower().endswith(".zip"):
        return True
    try:
        with archive.open(info) as raw:
            return raw.read(4) in ZIP_MAGIC
    except Exception:  # an unreadable member is reported when it is read for real
        return False
