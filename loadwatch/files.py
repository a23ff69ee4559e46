"""Files loadwatch writes: whole or not at all, and CSV cells a spreadsheet will not run.

Every output (CSV, JSON, iCalendar, PDF) is written to a temporary name in the target's folder and
renamed over the target when complete (`os.replace` is atomic on one file system), so a crash or a
full disk never leaves half a file under the real name.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


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


@contextmanager
def atomic_open(path: Path, mode: str = "w", *, newline: str | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file beside `path`; on success it replaces `path`, on any error it is removed."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.part")
    encoding = None if "b" in mode else "utf-8"
    try:
        with open(tmp, mode, encoding=encoding, newline=newline) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Let `write` fill a temporary path (a library that wants a file name), then rename it over `path`."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.part")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str, *, newline: str = "") -> None:
    """Write `text` exactly (no newline translation, so an ICS keeps its CRLF), atomically."""
    with atomic_open(path, "w", newline=newline) as fh:
        fh.write(text)


__all__ = ["FORMULA_TRIGGERS", "atomic_open", "atomic_write", "csv_safe", "file_sha256", "write_csv", "write_text"]
