"""A full disk, on a real small file system (a 256 KiB tmpfs, mounted as root as CI runs).

Every output (goals CSV/ICS, JSON and CSV exports, the PDF report) on a full disk is one line
"the disk is full writing PATH ..." with exit 1, and nothing is left under the target's name or
beside it. An import whose store fills up mid-batch keeps what was committed, rolls back the file it
was writing (`PRAGMA integrity_check` ok, every ledger row has its sessions) and exits 3; freeing
space and running it again imports the rest (that store lives on an 8 MiB tmpfs, room for its
write-ahead log once the filler is gone).
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import child_env, gpx_run, loadwatch_cmd, one_error_line, small_history_store

AS_OF = "2024-03-03"


def mount_tmpfs(mnt: Path, size: str) -> None:
    """A tmpfs of `size` at `mnt`: mounting needs root and a sandbox that allows it (CI runs as root here)."""
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip()}): a full disk needs a real small one")


def mounted(mnt: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` at `mnt` for the test, unmounted after it."""
    mount_tmpfs(mnt, size)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KiB file system."""
    yield from mounted(tmp_path / "disk", "256k")


@pytest.fixture
def store_disk(tmp_path):
    """An 8 MiB file system: room for the store and its write-ahead log once the filler is gone."""
    yield from mounted(tmp_path / "store-disk", "8m")


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the file system holding `folder` up to `leave` free bytes; returns the filler file."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    if leave:
        size = filler.stat().st_size
        with open(filler, "r+b") as fh:
            fh.truncate(max(size - leave, 0))
    return filler


def run(db: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(loadwatch_cmd(db, "--as-of", AS_OF, *args), capture_output=True, text=True,
                          env=child_env(), cwd=cwd, timeout=120)


@pytest.fixture
def filled_store(tmp_path):
    return small_history_store(tmp_path / "store.sqlite")


@pytest.mark.parametrize("args", [
    ("goals", "--csv", "OUT/goals.csv"),
    ("goals", "--ics", "OUT/goals.ics"),
    ("export", "--json", "OUT/all.json"),
    ("export", "--csv", "OUT/csv"),
    ("report", "-o", "OUT/report.pdf"),
], ids=lambda a: " ".join(a[:2]))
def test_an_output_on_a_full_disk_is_one_line_and_leaves_nothing(small_disk, filled_store, args):
    fill(small_disk)
    before = sorted(p.name for p in small_disk.iterdir())
    line = one_error_line(run(filled_store, *[a.replace("OUT", str(small_disk)) for a in args]))
    assert line.startswith("Error: the disk is full writing"), line
    assert "free some space" in line
    assert sorted(p.name for p in small_disk.iterdir()) == before  # no 0-byte file, no temporary left


def test_an_output_that_replaces_a_file_keeps_the_old_one_when_the_disk_is_full(small_disk, filled_store):
    target = small_disk / "goals.ics"
    target.write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    fill(small_disk)
    one_error_line(run(filled_store, "goals", "--ics", str(target)))
    assert target.read_bytes() == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


def test_an_import_that_fills_the_disk_keeps_what_was_committed(store_disk, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(40):
        (inbox / f"run{i:03d}.gpx").write_text(gpx_run(i))
    db = store_disk / "store.sqlite"
    created = run(db, "profile", "--set", "hr_max_bpm=190")
    assert created.returncode == 0, created.stderr
    filler = fill(store_disk, leave=120_000)
    done = run(db, "import", str(inbox))
    line = one_error_line(done, code=3)
    assert "the disk is full writing" in line and str(db) in line, line
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
        sessions = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
        orphans = conn.execute("SELECT count(*) FROM sources s WHERE NOT EXISTS"
                               " (SELECT 1 FROM sessions WHERE source_sha256 = s.sha256)").fetchone()[0]
    assert 0 < stored < 40 and sessions == stored and orphans == 0
    assert f"the {stored} file(s) imported before it are kept" in line, line
    filler.unlink()
    again = run(db, "import", str(inbox))
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 40


def test_a_log_on_a_full_disk_is_one_line_and_changes_nothing(small_disk, filled_store):
    db = small_disk / "store.sqlite"
    db.write_bytes(filled_store.read_bytes())
    filler = fill(small_disk)
    before = db.read_bytes()
    done = run(db, "log", "pain", "--where", "lower", "--level", "2")
    line = one_error_line(done)
    assert "the disk is full writing" in line, line
    assert db.read_bytes() == before
    filler.unlink()  # room for the check's own -shm
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM logs").fetchone()[0] == 0
