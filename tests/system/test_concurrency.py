"""Two `loadwatch import` processes on one store at once, and reads while an import writes.

Both imports start on a store that does not exist yet (so they also race to create and migrate
it) and share half their files, some under other names (same bytes). Both must finish, nothing
may be stored twice, and no "database is locked" may reach the user. Reads taken while an import
runs must each see one consistent state: `export --json` reads all tables in one snapshot, so the
ledger's counts must match the sessions it lists.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.helpers import DATA, child_env, gpx_run, loadwatch_cmd

FITS = ["garmin-fenix-5-run.fit", "garmin-fenix-5-walk.fit", "garmin-fenix-5-bike.fit",
        "activity-small-fenix2-run.fit"]


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for i in range(0, 150):
        (a / f"run{i:04d}.gpx").write_text(gpx_run(i))
    for i in range(75, 225):  # 75 of them overlap with folder a, under another name
        (b / f"copy-of-run{i:04d}.gpx").write_text(gpx_run(i))
    for name in FITS:
        shutil.copy(DATA / "fit" / name, a / name)
        shutil.copy(DATA / "fit" / name, b / name)
    return a, b


def test_two_imports_at_once_store_everything_once(folders, tmp_path):
    a, b = folders
    db = tmp_path / "store.sqlite"
    procs = [subprocess.Popen(loadwatch_cmd(db, "import", "--json", str(folder)), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=child_env()) for folder in (a, b)]
    outs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err.decode()
        assert "locked" not in (out + err).decode().lower()
        assert "Traceback" not in err.decode()
    docs = [json.loads(out) for out, _ in outs]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        gpx_sessions = conn.execute("SELECT count(*) FROM sessions s JOIN sources src ON src.sha256 = s.source_sha256"
                                    " WHERE src.format = 'gpx'").fetchone()[0]
        # 225 distinct runs (days 0..224), each stored once whichever process got there first
        assert gpx_sessions == 225
        starts = conn.execute("SELECT start_utc, count(*) FROM sessions GROUP BY start_utc HAVING count(*) > 1")
        assert starts.fetchall() == []
        n_sources = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    # 300 GPX paths hold 225 distinct byte strings; each FIT is in both folders
    fits = len(FITS)
    assert n_sources == 225 + fits
    stored = sum(d["imported"] for d in docs)
    assert stored == n_sources
    assert sum(d["already_imported"] for d in docs) == 75 + fits


def test_reads_during_an_import_see_whole_files(folders, tmp_path):
    a, _ = folders
    for i in range(150, 450):  # a longer import, so that several reads land in the middle of it
        (a / f"run{i:04d}.gpx").write_text(gpx_run(i))
    db = tmp_path / "store.sqlite"
    created = subprocess.run(loadwatch_cmd(db, "profile", "--set", "hr_max_bpm=190"), capture_output=True,
                             env=child_env())
    assert created.returncode == 0  # the store exists before the race
    writer = subprocess.Popen(loadwatch_cmd(db, "import", "--json", str(a)), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=child_env())
    snapshots = []
    while writer.poll() is None and len(snapshots) < 12:
        read = subprocess.run(loadwatch_cmd(db, "export", "--json", "-"), capture_output=True, env=child_env(),
                              timeout=120)
        assert read.returncode == 0, read.stderr.decode()
        assert "locked" not in read.stderr.decode().lower()
        snapshots.append(json.loads(read.stdout))
        listed = subprocess.run(loadwatch_cmd(db, "sessions", "--json"), capture_output=True, env=child_env(),
                                timeout=120)
        assert listed.returncode == 0, listed.stderr.decode()
        json.loads(listed.stdout)  # whole, parseable output
    assert writer.wait(timeout=300) == 0, writer.stderr.read().decode() if writer.stderr else ""
    assert snapshots
    for doc in snapshots:
        owned: dict[str, int] = {}
        for s in doc["sessions"]:
            owned[s["source_sha256"]] = owned.get(s["source_sha256"], 0) + 1
        for src in doc["sources"]:
            assert owned.get(src["sha256"], 0) == src["n_sessions"], src["path"]
        assert set(owned) <= {src["sha256"] for src in doc["sources"]}
    counts = [len(doc["sessions"]) for doc in snapshots]
    assert counts == sorted(counts)
    print("sessions seen by each read:", counts)
