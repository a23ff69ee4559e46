"""The store writes only to its own SQLite files, and reads never create, migrate or write one.

- Another program's SQLite file, a text file, random bytes: refused in one line by every command,
  byte-for-byte unchanged, and no -wal/-shm file appears beside it.
- A read command on a path with no store says so in one line and creates nothing (not even the folder).
- A store made before the application id existed (user_version 1, loadwatch's tables) is still ours.
- On a read-only medium (a read-only bind mount; root bypasses chmod, so chmod proves nothing as root)
  every read works and leaves nothing behind; a write says the store is read-only.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli
from loadwatch.errors import StoreError
from loadwatch.store import Store
from loadwatch.store.schema import APPLICATION_ID, MIGRATIONS
from tests.helpers import one_error_line, run_on, steps_days, write

AS_OF = "2024-03-03"
# Every command that only reads the store (profile without --set; export to stdout).
READS: list[tuple[str, ...]] = [("status",), ("plan",), ("goals",), ("sessions",), ("steps",), ("sources",),
                                ("profile",), ("export", "--json", "-")]
WRITES: list[tuple[str, ...]] = [("profile", "--set", "hr_max_bpm=190"), ("log", "pain", "--where", "lower",
                                                                           "--level", "2")]


def invoke(db: Path, *args: str, cwd: Path | None = None):
    here = os.getcwd()
    try:
        if cwd is not None:  # a relative output (report -o r.pdf) lands in cwd
            os.chdir(cwd)
        return CliRunner().invoke(cli, ["--db", str(db), "--as-of", AS_OF, *args])
    finally:
        os.chdir(here)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in the folder and its sha256: a write anywhere (or a new -wal/-shm) changes it."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def foreign_sqlite(path: Path, *, wal: bool = False) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('not yours')")
    conn.commit()
    conn.close()


def filled_store(path: Path) -> None:
    with Store(path) as store:
        write(store, [run_on(date(2024, 2, 26 + i)) for i in range(3)], steps_days(20, date(2024, 3, 3)))


@pytest.mark.parametrize("kind", ["sqlite", "sqlite-wal", "text", "random"])
@pytest.mark.parametrize("args", READS + WRITES + [("import", "IMPORT")], ids=lambda a: " ".join(a))
def test_a_file_that_is_not_a_store_is_refused_and_unchanged(tmp_path, kind, args):
    folder = tmp_path / "theirs"
    folder.mkdir()
    db = folder / "app.db"
    if kind.startswith("sqlite"):
        foreign_sqlite(db, wal=kind == "sqlite-wal")
    elif kind == "text":
        db.write_text("name,steps\nme,100\n")
    else:
        db.write_bytes(os.urandom(5000))
    gpx = tmp_path / "run.gpx"
    gpx.write_text('<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"></gpx>')
    before = snapshot(folder)
    result = invoke(db, *[str(gpx) if a == "IMPORT" else a for a in args])
    line = one_error_line(result)
    assert "not a loadwatch store" in line and "--db" in line, line
    assert snapshot(folder) == before


def test_another_programs_sqlite_keeps_its_tables_and_journal_mode(tmp_path):
    db = tmp_path / "app.db"
    foreign_sqlite(db)
    invoke(db, "status")
    with pytest.raises(StoreError, match="not a loadwatch store"):
        Store(db)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


@pytest.mark.parametrize("args", [*READS, ("report", "-o", "r.pdf"), ("export", "--csv", "out")],
                         ids=lambda a: " ".join(a))
def test_a_read_on_a_new_path_creates_nothing(tmp_path, args):
    db = tmp_path / "not-yet" / "store.sqlite"
    result = invoke(db, *args, cwd=tmp_path)
    line = one_error_line(result)
    assert "no loadwatch store" in line and "loadwatch import" in line, line
    assert not db.parent.exists()


def test_a_read_on_an_empty_file_creates_nothing(tmp_path):
    db = tmp_path / "store.sqlite"
    db.touch()
    line = one_error_line(invoke(db, "status"))
    assert "no loadwatch store" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.sqlite"]
    assert db.stat().st_size == 0


def test_a_write_on_a_new_path_creates_a_marked_store(tmp_path):
    db = tmp_path / "new" / "store.sqlite"
    result = invoke(db, "profile", "--set", "hr_max_bpm=190")
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_a_store_made_before_the_marker_is_still_ours(tmp_path):
    db = tmp_path / "store.sqlite"
    filled_store(db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA application_id = 0")  # as every store made before the marker existed
    conn.commit()
    conn.close()
    before = snapshot(tmp_path)
    result = invoke(db, "sessions", "--json")
    assert result.exit_code == 0, result.output
    assert snapshot(tmp_path) == before  # a read does not stamp it
    assert invoke(db, "profile", "--set", "hr_max_bpm=190").exit_code == 0
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_reads_leave_the_store_byte_for_byte_unchanged(tmp_path):
    db = tmp_path / "store.sqlite"
    filled_store(db)
    before = snapshot(tmp_path)
    for args in READS:
        result = invoke(db, *args)
        assert result.exit_code == 0, (args, result.output)
    assert snapshot(tmp_path) == before


def test_a_read_store_refuses_to_write(tmp_path):
    db = tmp_path / "store.sqlite"
    filled_store(db)
    with Store(db, mode="read") as store, pytest.raises(StoreError, match="read"):
        store.set_profile("me", {"hr_max_bpm": 190})


# -- a read-only medium ---------------------------------------------------------------------------
@pytest.fixture
def read_only_copy(tmp_path):
    """A filled store seen through a read-only bind mount (as root, chmod would not stop a write)."""
    src = tmp_path / "src"
    src.mkdir()
    filled_store(src / "store.sqlite")
    ro = tmp_path / "ro"
    ro.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(src), str(ro)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"this sandbox does not allow mount ({mounted.stderr.strip()}); a read-only medium needs it")
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(ro)], capture_output=True, text=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only ({remount.stderr.strip()})")
        yield ro / "store.sqlite"
    finally:
        subprocess.run(["umount", str(ro)], check=False)


def test_reads_work_on_a_read_only_medium(read_only_copy, tmp_path):
    before = snapshot(read_only_copy.parent)
    for args in READS:
        result = invoke(read_only_copy, *args)
        assert result.exit_code == 0, (args, result.output)
    out = tmp_path / "report.pdf"
    assert invoke(read_only_copy, "report", "-o", str(out)).exit_code == 0
    assert out.stat().st_size > 0
    assert snapshot(read_only_copy.parent) == before


@pytest.mark.parametrize("args", WRITES, ids=lambda a: " ".join(a))
def test_a_write_on_a_read_only_medium_says_so(read_only_copy, args):
    line = one_error_line(invoke(read_only_copy, *args))
    assert "read-only" in line, line


def test_a_read_of_a_store_an_older_loadwatch_made_leaves_it_as_it_was(tmp_path):
    """A store at schema 1 (every store before a later migration) is read from a migrated copy in memory:
    the file keeps its version and bytes, and the next write migrates it."""
    db = tmp_path / "store.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript(MIGRATIONS[0])
    conn.execute("INSERT INTO sources (sha256, path, imported_at, status) VALUES ('ab', 'x.fit', '2024', 'imported')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    before = snapshot(tmp_path)
    result = invoke(db, "sources", "--json")
    assert result.exit_code == 0, result.output
    assert [row["path"] for row in json.loads(result.stdout)] == ["x.fit"]
    assert snapshot(tmp_path) == before
    assert invoke(db, "profile", "--set", "hr_max_bpm=190").exit_code == 0
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    conn.close()
