"""A device clock that was never set (issue #12): the real Forerunner 70 file in tests/data/fit stamps
its records in FIT "system time" (seconds since power-on, < 0x10000000); only the watch's local clock
says 2012-02-13, which is where every such run from that watch would land. Its day is unknown, so the
session is held back (one line, exit 1, or 3 beside other files) until the user confirms a day with
`import --clock-date`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from loadwatch.cli import cli
from tests.helpers import DATA, gpx_run

FR70 = DATA / "fit" / "compressed-speed-distance.fit"


def run(runner, db: Path, *args: str):
    return runner.invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute(sql).fetchall()


def test_a_never_set_clock_is_held_back_with_one_line(tmp_path, runner):
    db = tmp_path / "s.sqlite"
    out = run(runner, db, "import", str(FR70))
    assert out.exit_code == 1, out.output
    errors = [line for line in out.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "device clock was never set" in errors[0] and "--clock-date" in errors[0]
    assert rows(db, "SELECT count(*) FROM sessions") == [(0,)]
    assert rows(db, "SELECT count(*) FROM sources") == [(0,)]  # not remembered: a rerun can confirm a day


def test_the_rest_of_the_batch_imports(tmp_path, runner):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "fr70.fit").write_bytes(FR70.read_bytes())
    (folder / "run.gpx").write_text(gpx_run(3))
    db = tmp_path / "s.sqlite"
    out = run(runner, db, "import", str(folder))
    assert out.exit_code == 3, out.output
    assert rows(db, "SELECT substr(start_utc, 1, 10) FROM sessions") == [("2023-01-04",)]


def test_a_confirmed_day_places_the_run_at_the_watchs_time_of_day(tmp_path, runner):
    db = tmp_path / "s.sqlite"
    assert run(runner, db, "import", str(FR70)).exit_code == 1
    out = run(runner, db, "import", "--clock-date", "2012-02-22", str(FR70))
    assert out.exit_code == 0, out.output
    assert "placed on 2012-02-22 as confirmed" in out.output
    # the watch's clock said 11:16:16 (see tests/importers/test_fit_real.py); the day is the user's
    assert rows(db, "SELECT start_utc, utc_offset_s, round(distance_m) FROM sessions") == [
        ("2012-02-22T11:16:16+00:00", 0, 10249.0)]
    sessions = run(runner, db, "sessions")
    assert "2012-02-22" in sessions.output
