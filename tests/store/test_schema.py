"""The store's schema: migrations (PRAGMA user_version) from an empty file, from an older store, and a newer
store refused; the tables hold every column the store and the export read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from loadwatch.errors import StoreError
from loadwatch.store import Store
from loadwatch.store.export import TABLES as EXPORT_TABLES
from loadwatch.store.schema import MIGRATIONS, SESSION_COLUMNS, SOURCE_COLUMNS

CURRENT = len(MIGRATIONS)  # migration N brings a store from version N-1 to N
TABLES = {"sources", "sessions", "session_sources", "daily_steps", "logs", "profile",
          "resting_hr"}  # migration 3 (issue 14): a watch's or phone's resting heart rate per day


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """Every table and index as (type, name, CREATE statement)."""
    return conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                        " ORDER BY type, name").fetchall()


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


@pytest.mark.parametrize("exists", [False, True], ids=["no-file", "empty-file"])
def test_a_new_store_is_migrated_to_the_current_version_with_every_table(db_path: Path, exists: bool) -> None:
    if exists:
        db_path.touch()  # 0 bytes: SQLite reads it as an empty database at user_version 0
    with Store(db_path) as s:
        assert version(s.conn) == CURRENT
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {name for kind, name, _ in schema(s.conn) if kind == "table"}
        assert tables == TABLES
        assert set(SESSION_COLUMNS) - {"source"} <= columns(s.conn, "sessions")  # `source`: the file's path, joined
        assert set(SOURCE_COLUMNS) <= columns(s.conn, "sources")
        for table, (cols, _order) in EXPORT_TABLES.items():  # the export reads every table whole
            assert set(cols) <= columns(s.conn, table), table
        # and every query the store makes works on it
        assert s.sessions().empty and s.daily_steps().empty and s.logs().empty and s.sources().empty
        assert s.source_rows() == [] and s.profile() == {}
    # opening it again migrates nothing and changes nothing
    with Store(db_path) as s:
        first = schema(s.conn)
        assert version(s.conn) == CURRENT
    with Store(db_path) as s:
        assert schema(s.conn) == first


@pytest.mark.parametrize("old", range(CURRENT))
def test_an_older_store_is_migrated_and_keeps_its_rows(tmp_path: Path, old: int) -> None:
    """A store left at version `old` (the first `old` migrations applied, as that loadwatch made it) is
    brought to the current version on open, with the same schema as a new store and its rows intact.

    With one migration so far, the only older version is 0 (a file loadwatch has not touched yet)."""
    with Store(tmp_path / "new.sqlite") as fresh:
        expected = schema(fresh.conn)
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:old]:
        conn.executescript(script)
    if old >= 1:  # migration 1 is released and never edited: its `sources` columns are fixed
        conn.execute("INSERT INTO sources (sha256, path, imported_at, status) VALUES ('ab', 'x.fit', '2024', 'ok')")
    conn.execute(f"PRAGMA user_version = {old}")
    conn.commit()
    conn.close()
    with Store(path) as s:
        assert version(s.conn) == CURRENT
        assert schema(s.conn) == expected
        assert [r["path"] for r in s.source_rows()] == (["x.fit"] if old >= 1 else [])


def test_a_failing_migration_leaves_the_file_as_it_was(db_path: Path) -> None:
    # a file at version 0 that already has a `sources` table: migration 1's CREATE TABLE sources fails
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE sources (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(db_path)
    conn = sqlite3.connect(db_path)
    assert version(conn) == 0
    assert [name for _, name, _ in schema(conn)] == ["sources"]  # nothing of the migration stayed
    conn.close()


def test_a_store_from_a_newer_loadwatch_is_refused_and_left_alone(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {CURRENT + 5}")
    conn.close()
    with pytest.raises(StoreError, match=rf"made by a newer loadwatch \(schema {CURRENT + 5}\); upgrade loadwatch"):
        Store(db_path)
    conn = sqlite3.connect(db_path)
    assert version(conn) == CURRENT + 5
    assert schema(conn) == []  # no table created
    conn.close()
