"""Whose file is it, and how to open it: the store writes only to its own SQLite files.

A path is one of
- `NEW`: no file, a 0-byte file, or a SQLite file with no table at all at version 0 (a store whose
  creation was cut before its first transaction): a write creates the store there, a read says there
  is no store yet;
- `OURS`: `PRAGMA application_id` is `schema.APPLICATION_ID` (every store since the marker), or it is
  0 and the file holds loadwatch's tables at a `user_version` of 1 or more (a store made before it);
- anything else is refused unchanged: a text file, random bytes, another program's SQLite file.

The look is taken without writing a byte: the 100-byte SQLite header is read as a plain file, and
only when its application id is not ours is the schema read through an `immutable` connection
(no lock, no -wal or -shm file created). Reads then open the store with SQLite's `mode=rw` plus
`PRAGMA query_only` when the file and its folder are writable (so the -wal/-shm files are cleaned up
as usual), else `mode=ro`, else `immutable=1` (a read-only medium, where no -shm can be made).
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from ..errors import DiskFull, LoadwatchError, NoData, StoreError, WriteError
from ..files import shown
from .schema import APPLICATION_ID, LEGACY_TABLES, MIGRATIONS

NEW, OURS = "new", "ours"
SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100  # the database header; user_version at offset 60, application_id at 68 (big-endian)
NEARLY_FULL_BYTES = 1 << 20  # a SQLite I/O error on a disk with less free than this is a full disk


def _reason(err: OSError) -> str:
    if err.errno == errno.ENAMETOOLONG:
        return "the path is too long for this system; choose a shorter one"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if err.errno == errno.EISDIR:
        return "it is a folder; give --db a file"
    return err.strerror or str(err)


def not_ours(path: Path, what: str) -> StoreError:
    return StoreError(f"{shown(path)} is not a loadwatch store ({what}); loadwatch cannot open the store there "
                      "without changing it: give --db another file")


def classify(path: Path) -> str:
    """NEW or OURS; raises StoreError for a file that is not a loadwatch store (left unchanged)."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(HEADER_BYTES)
    except FileNotFoundError:
        return NEW
    except OSError as err:
        raise StoreError(f"cannot open the store {shown(path)}: {_reason(err)}") from None
    if not header:
        return NEW
    if not header.startswith(SQLITE_MAGIC) or len(header) < HEADER_BYTES:
        return _refuse(path, "not a SQLite database")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id == APPLICATION_ID:
        return OURS
    if app_id != 0:
        raise not_ours(path, f"another program's SQLite database, application id {app_id:#x}")
    return _by_schema(path)


def _refuse(path: Path, what: str) -> str:
    raise not_ours(path, what)


def _by_schema(path: Path) -> str:
    """A SQLite file without our application id: made by loadwatch before the marker, new, or not ours."""
    uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
    for attempt in range(3):  # a store another process is creating right now can be caught half-written
        try:
            conn = sqlite3.connect(uri, uri=True)
            try:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            finally:
                conn.close()
            break
        except sqlite3.DatabaseError:
            if attempt == 2:
                return _refuse(path, "a damaged or unreadable SQLite database")
            time.sleep(0.1)
    tables = {n for n in names if not n.startswith("sqlite_")}
    if not names:
        if version == 0:
            return NEW
        if version > len(MIGRATIONS):
            return OURS  # empty but numbered past us: the version check says "made by a newer loadwatch"
    elif version >= 1 and tables >= LEGACY_TABLES:
        return OURS
    return _refuse(path, f"another program's SQLite database, with tables {', '.join(sorted(tables)[:4]) or '-'}")


def writable(path: Path) -> bool:
    """Whether the store file (and its folder, for the -wal/-shm files) can be written. As root on a
    read-only mount this is False (EROFS); chmod alone does not stop root, and it is then True."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def read_only_error(path: Path) -> WriteError:
    return WriteError(f"the store {shown(path)} is read-only (a read-only medium, folder or file): loadwatch cannot "
                      "write to it; copy it somewhere writable and give --db the copy")


def connect_for_reading(path: Path, timeout_s: float) -> sqlite3.Connection:
    """A connection that cannot write: query_only on a writable file, else mode=ro, else immutable."""
    target = quote(str(path))
    uris = [f"file:{target}?mode=rw"] if writable(path) else []
    uris += [f"file:{target}?mode=ro", f"file:{target}?mode=ro&immutable=1"]
    last: sqlite3.Error | None = None
    for uri in uris:
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=timeout_s, isolation_level=None)
        except sqlite3.Error as err:
            last = err
            continue
        try:
            conn.execute("PRAGMA query_only = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # -shm and -wal are opened here
            return conn
        except sqlite3.Error as err:
            conn.close()
            last = err
    raise StoreError(f"cannot open the store {shown(path)} for reading ({last})")


def no_store_yet(path: Path) -> NoData:
    return NoData(f"there is no loadwatch store at {shown(path)} yet: import your data first "
                  "(loadwatch import YOUR_EXPORT), or give --db the store you use")


def sqlite_error(err: sqlite3.Error, path: Path, doing: str) -> LoadwatchError:
    """The one-line error for a SQLite failure while `doing` ("writing", "opening") the store at `path`."""
    name = getattr(err, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL" or (name.startswith("SQLITE_IOERR") and _nearly_full(path)):
        return DiskFull(f"the disk is full writing the store {shown(path)}: free some space and run it again "
                        "(the store is as it was before this write)")
    if name.startswith("SQLITE_READONLY"):
        return read_only_error(path)
    return StoreError(f"{shown(path)}: cannot {doing} the store ({err})")


def is_storage_error(err: sqlite3.Error) -> bool:
    """A failure of the disk or the medium (full, read-only, I/O), not of the statement."""
    name = getattr(err, "sqlite_errorname", "") or ""
    return name in ("SQLITE_FULL", "SQLITE_CANTOPEN") or name.startswith(("SQLITE_IOERR", "SQLITE_READONLY"))


def _nearly_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < NEARLY_FULL_BYTES
    except OSError:
        return False


__all__ = ["NEW", "OURS", "classify", "connect_for_reading", "is_storage_error", "no_store_yet", "not_ours",
           "read_only_error", "sqlite_error", "writable"]
