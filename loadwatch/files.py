"""Files loadwatch writes: whole or not at all, and CSV cells a spreadsheet will not run.

Every output (CSV, JSON, iCalendar, PDF) is written to a temporary name in the target's folder and
renamed over the target when complete (`os.replace` is atomic on one file system), so a crash or a
full disk never leaves half a file under the real name.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from .errors import DiskFull, LoadwatchError, WriteError


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file's bytes (read 1 MiB at a time): its identity in the store."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# OWASP "CSV injection": a text cell starting with one of these is run as a formula by spreadsheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A text cell a spreadsheet would evaluate gets a leading `'`; numbers are never touched (a
    negative number stays a number); None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def write_csv(fh: IO[str], header: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    """Header and rows as CSV (LF line ends), every cell through `csv_safe`."""
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])


# errno -> what went wrong, in words; the disk-full family gets its own error class (DiskFull).
DISK_FULL_ERRNOS = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
                    errno.EFBIG: "the file is larger than its file system allows"}
SHOWN_PATH_CHARS = 120  # a path longer than this is shown by its two ends


def shown(path: str | os.PathLike[str]) -> str:
    """A path for a one-line message: a path nested past the system's limit is thousands of characters."""
    text = str(path)
    if len(text) <= SHOWN_PATH_CHARS:
        return text
    half = SHOWN_PATH_CHARS // 2
    return f"{text[:half]}...{text[-half:]}"


def write_error(err: OSError, path: str | os.PathLike[str]) -> LoadwatchError:
    """The one-line error for an OSError met while writing `path` (an output or the store's folder)."""
    where = shown(path)
    code = err.errno
    if code in DISK_FULL_ERRNOS:
        return DiskFull(f"{DISK_FULL_ERRNOS[code]} writing {where}: free some space and run it again "
                        "(nothing half-written was kept)")
    if code == errno.ENAMETOOLONG:
        return WriteError(f"cannot write {where}: the path is too long for this system; choose a shorter one")
    if code == errno.ENOENT:
        folder = Path(path).parent
        return WriteError(f"cannot write {where}: the folder {shown(folder)} does not exist; create it or "
                          "choose another path")
    if code == errno.EROFS:
        return WriteError(f"cannot write {where}: it is on a read-only file system; choose another path")
    if code in (errno.EACCES, errno.EPERM):
        return WriteError(f"cannot write {where}: permission denied; choose another path")
    if code == errno.EISDIR:
        return WriteError(f"cannot write {where}: it is a folder; give a file name")
    if code == errno.ENOTDIR:
        return WriteError(f"cannot write {where}: a part of the path is a file, not a folder")
    return WriteError(f"cannot write {where} ({err.strerror or err})")


def _temporary(path: Path) -> tuple[int, Path]:
    """A new file beside `path` (same folder, so the rename stays on one file system), mode 0666 less umask."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))


def _replace(tmp: Path, path: Path) -> None:
    """Rename `tmp` over `path` and make the rename durable (the folder's entry), so a crash after
    this never shows a 0-byte file under the real name."""
    os.replace(tmp, path)
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass  # some file systems cannot sync a folder; the data itself was synced
    finally:
        os.close(folder)


@contextmanager
def _replacing(path: Path) -> Iterator[tuple[int, Path]]:
    """A temporary file beside `path` (its descriptor and name) that replaces `path` when the block ends
    without error and is removed otherwise; an OSError becomes one WriteError/DiskFull sentence."""
    tmp: Path | None = None
    try:
        fd, tmp = _temporary(path)
        yield fd, tmp
        _replace(tmp, path)
    except BaseException as err:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise write_error(err, path) from None
        raise


@contextmanager
def atomic_open(path: Path, mode: str = "w", *, newline: str | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file beside `path`; on success it is synced and replaces `path`, on any error it
    is removed and `path` is untouched. An OSError (a full disk, a missing folder, a path too long)
    becomes one WriteError/DiskFull sentence naming `path`."""
    path = Path(path)
    with _replacing(path) as (fd, _tmp):
        encoding = None if "b" in mode else "utf-8"
        with open(fd, mode, encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())  # a full disk shows here at the latest (delayed allocation, NFS)


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Let `write` fill a temporary path (a library that wants a file name), then sync it and rename it
    over `path`; errors as in `atomic_open`."""
    path = Path(path)
    with _replacing(path) as (fd, tmp):
        os.close(fd)
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def atomic_files(paths: list[Path], *, newline: str | None = None) -> Iterator[list[IO[str]]]:
    """Several text files written as one: each to a temporary name, all synced, then all renamed. A
    failure while writing any of them (a full disk) leaves every target as it was."""
    paths = [Path(p) for p in paths]
    temps: list[Path] = []
    handles: list[IO[str]] = []
    current = paths[0] if paths else Path()
    try:
        for path in paths:
            current = path
            fd, tmp = _temporary(path)
            temps.append(tmp)
            handles.append(open(fd, "w", encoding="utf-8", newline=newline))  # noqa: SIM115  # closed below
        yield handles
        for path, fh in zip(paths, handles, strict=True):
            current = path
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
        for path, tmp in zip(paths, temps, strict=True):
            current = path
            _replace(tmp, path)
    except BaseException as err:
        for fh in handles:
            with suppress(OSError):
                fh.close()
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise write_error(err, current) from None
        raise


def write_text(path: Path, text: str, *, newline: str = "") -> None:
    """Write `text` exactly (no newline translation, so an ICS keeps its CRLF), atomically."""
    with atomic_open(path, "w", newline=newline) as fh:
        fh.write(text)


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` atomically (a PDF drawn in memory)."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)


__all__ = ["DISK_FULL_ERRNOS", "FORMULA_TRIGGERS", "atomic_files", "atomic_open", "atomic_write", "csv_safe",
           "file_sha256", "shown", "write_bytes", "write_csv", "write_error", "write_text"]
