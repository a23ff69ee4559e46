"""One truth per file: the sha256 a file is stored under is the hash of the very bytes that were parsed.

A file that changes while it is imported (a sync client renaming a new version over it, a symbolic link
flipped) was stored under the first version's sha256 with the second version's data, and importing the
first version later said "already imported". Each test swaps the file at the worst moment, through a hook
around a real function of the import path (the content sniffer, the zip walker) that delegates to it: the
first read is under way when the new version is renamed over the path. Real files, a real store.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import os
import sqlite3
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import loadwatch.ingest as ingest
from loadwatch import api
from loadwatch.importers import registry
from loadwatch.store import Store
from tests.helpers import gpx_run

walk_module = importlib.import_module("loadwatch.ingest.walk")  # the module, not the function it exports

# gpx_run(i) is a run on day i of 2023, so the stored session's day tells which version was parsed
V1, V2 = gpx_run(1).encode(), gpx_run(2).encode()
DAY = {hashlib.sha256(V1).hexdigest(): date(2023, 1, 2), hashlib.sha256(V2).hexdigest(): date(2023, 1, 3)}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def zipped(member: bytes) -> bytes:
    """A zip (built in memory) holding `member` as activities/run.gpx."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("activities/run.gpx", member)
    return buf.getvalue()


def replace(path: Path, data: bytes) -> None:
    """What a sync client does: write the new version beside it, then rename it over the old one."""
    tmp = path.with_name(path.name + ".sync-tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def stored(db: Path) -> dict[str, list[date]]:
    """sha256 -> the local days of the sessions that file owns (for every ledger row)."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        out: dict[str, list[date]] = {row[0]: [] for row in conn.execute("SELECT sha256 FROM sources")}
        for digest, local_epoch in conn.execute("SELECT source_sha256, start_epoch_s + utc_offset_s FROM sessions"):
            out[digest].append(datetime.fromtimestamp(local_epoch, UTC).date())
    conn.close()
    return {digest: sorted(days) for digest, days in out.items()}


def assert_one_truth(db: Path) -> None:
    """Every activity file in the ledger holds the sessions of the bytes its sha256 names."""
    for digest, days in stored(db).items():
        if digest in DAY:
            assert days == [DAY[digest]], f"stored under {digest[:12]} with another version's data"


@pytest.fixture
def swap_after_sniff(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path, bytes], list[str]]:
    """Once: when the import has read the head of `path` and asks which format it is, rename `data` over it."""

    def arm(path: Path, data: bytes) -> list[str]:
        fired: list[str] = []
        real = registry.detect

        def detect(head: bytes, name: str):  # type: ignore[no-untyped-def]
            if not fired and name.endswith(path.name):
                replace(path, data)
                fired.append(name)
            return real(head, name)

        monkeypatch.setattr(registry, "detect", detect)
        return fired

    return arm


@pytest.mark.parametrize("streamed", [False, True], ids=["read-once-in-memory", "streamed-large-file"])
def test_a_file_replaced_while_it_is_read_is_stored_under_the_hash_of_what_was_parsed(
        tmp_path: Path, swap_after_sniff, monkeypatch: pytest.MonkeyPatch, streamed: bool) -> None:
    if streamed:  # as if the file were larger than what is held in memory: parsed from a stream, hashed meanwhile
        monkeypatch.setattr(ingest, "READ_ONCE_BYTES", 0, raising=False)
    path, db = tmp_path / "run.gpx", tmp_path / "store.sqlite"
    path.write_bytes(V1)
    fired = swap_after_sniff(path, V2)
    with Store(db) as s:
        result = api.import_files(s, [path])
    assert fired and [f.status for f in result.files] == ["imported"]
    assert_one_truth(db)
    # whichever version was stored, the other one is new to the store and imports
    (kept,) = [d for d in stored(db) if d in DAY]
    other = V2 if kept == sha(V1) else V1
    again = tmp_path / "again.gpx"
    again.write_bytes(other)
    with Store(db) as s:
        second = api.import_files(s, [again])
    assert [f.status for f in second.files] == ["imported"]
    assert_one_truth(db)
    assert sorted(day for days in stored(db).values() for day in days) == [date(2023, 1, 2), date(2023, 1, 3)]


def test_a_file_replaced_between_two_reads_stores_the_parsed_version_first_version_imports_later(
        tmp_path: Path, swap_after_sniff, monkeypatch: pytest.MonkeyPatch) -> None:
    """The streaming path: the parse reads the file again, so the new version is the one stored, under its own
    hash; the first version, hashed but never parsed, must import later, not be 'already imported'."""
    monkeypatch.setattr(ingest, "READ_ONCE_BYTES", 0, raising=False)
    path, db = tmp_path / "run.gpx", tmp_path / "store.sqlite"
    path.write_bytes(V1)
    swap_after_sniff(path, V2)
    with Store(db) as s:
        api.import_files(s, [path])
    path.write_bytes(V1)
    with Store(db) as s:
        result = api.import_files(s, [path])
    assert [f.status for f in result.files] == ["imported"]
    assert_one_truth(db)


def test_a_zip_replaced_while_it_is_walked_is_remembered_under_the_hash_of_the_zip_whose_members_were_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    zip1, zip2 = zipped(V1), zipped(V2)
    path, db = tmp_path / "export.zip", tmp_path / "store.sqlite"
    path.write_bytes(zip1)
    real = walk_module.walk_zip
    fired: list[str] = []

    def walk_zip(source, display, **kw):  # type: ignore[no-untyped-def]
        if not fired:  # the archive was hashed; a new version is renamed over it before its members are read
            replace(path, zip2)
            fired.append(display)
        return real(source, display, **kw)

    monkeypatch.setattr(walk_module, "walk_zip", walk_zip)
    with Store(db) as s:
        result = api.import_files(s, [path])
    assert fired and [f.status for f in result.files] == ["imported"]
    monkeypatch.setattr(walk_module, "walk_zip", real)
    assert_one_truth(db)
    ledger = stored(db)
    remembered = {sha(zip1), sha(zip2)} & set(ledger)
    assert len(remembered) == 1  # the archive is remembered once, under the hash of the zip that was read
    (archive,) = remembered
    member = V1 if archive == sha(zip1) else V2
    assert sha(member) in ledger, "the zip remembered is not the zip whose member was stored"
    # the other version of the zip is new: its member imports
    other = tmp_path / "other.zip"
    other.write_bytes(zip2 if archive == sha(zip1) else zip1)
    with Store(db) as s:
        second = api.import_files(s, [other])
    assert [f.status for f in second.files] == ["imported"]
    assert_one_truth(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM sources WHERE status = 'archive'").fetchone()[0] == 2
