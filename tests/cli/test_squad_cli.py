"""A coach's squad through the CLI: `import --per-folder`, `squad [--json] [--set]`, `athletes --rename`,
`forget --athlete`.

The squad (tests.helpers.squad_root and write_squad_histories), as of Sun 3 Mar 2024:
- spiky: hand-made, the last 7 days doubled (Sun 28 km against a 30-day longest of 14 km) and pain 5 on Sat 2 Mar;
- fitfan: three real FIT runs from 2015-2018 (tests/data/fit), imported from its folder: silent since 20 Oct 2018;
- walker: steps only, a CSV of 6,500 a day to Fri 1 Mar (imported from its folder): last data 2 days before;
- steady: hand-made, 8 steady weeks of 30 km to Sun 3 Mar.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli
from loadwatch.model.squad import SILENT_AFTER_DAYS
from loadwatch.store import Store
from tests.helpers import SQUAD_AS_OF, squad_root, write_squad_histories

ROW_KEYS = {"athlete", "severity", "status_line", "this_week", "last_week", "ramp", "unit", "long_run_m",
            "long_run_cap_m", "top_flag", "pain_7d", "next_week_max", "next_week_suggested", "days_since_data"}
AS_OF = SQUAD_AS_OF.isoformat()


def invoke(runner: CliRunner, db: Path, *args: str):
    return runner.invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


@pytest.fixture
def squad_db(runner: CliRunner, db_path: Path, tmp_path: Path) -> Path:
    result = invoke(runner, db_path, "import", "--per-folder", str(squad_root(tmp_path / "squad")))
    assert result.exit_code == 0, result.output
    with Store(db_path) as store:
        write_squad_histories(store)
    return db_path


def test_per_folder_import_says_what_each_athlete_received(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    root = squad_root(tmp_path / "squad")
    result = invoke(runner, db_path, "import", "--per-folder", str(root))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # 3 FIT files + 1 CSV; the three runs and the CSV's 60 days
    assert lines[0] == ("Imported 4 file(s) (3 new session(s), 60 day(s) of steps); 0 already imported, "
                        "0 duplicate(s), 0 skipped, 0 failed.")
    assert lines[1:4] == ["2 athlete(s) received:",
                          "  fitfan       3 new session(s)       0 day(s) of steps",
                          "  walker       0 new session(s)      60 day(s) of steps"]
    assert "Left out 1 file(s) directly under the folder (no athlete's folder): notes.txt." in lines[4]
    again = json.loads(invoke(runner, db_path, "import", "--per-folder", "--json", str(root)).stdout)
    # every folder's athlete is listed, with nothing new the second time
    assert again["athletes"] == {"fitfan": {"sessions": 0, "days": 0}, "walker": {"sessions": 0, "days": 0}}
    assert again["already_imported"] == 4 and again["left_out"] == ["notes.txt"]
    listed = json.loads(invoke(runner, db_path, "athletes", "--json").stdout)
    assert [(a["athlete"], a["sessions"], a["step_days"], a["first_day"], a["last_day"]) for a in listed] == [
        ("fitfan", 3, 0, "2015-08-15", "2018-10-20"), ("walker", 0, 60, "2024-01-02", "2024-03-01")]


def test_per_folder_needs_one_folder_of_folders(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "a.fit").write_bytes(b"x")
    result = runner.invoke(cli, ["--db", str(db_path), "import", "--per-folder", str(tmp_path / "flat")])
    assert result.exit_code == 1
    assert "holds no folder; --per-folder imports each folder under it as one athlete" in result.output
    two = runner.invoke(cli, ["--db", str(db_path), "import", "--per-folder", str(tmp_path), str(tmp_path)])
    assert two.exit_code == 2


def test_squad_rows_most_urgent_first_and_equal_to_status_and_plan(runner: CliRunner, squad_db: Path) -> None:
    rows = json.loads(invoke(runner, squad_db, "--as-of", AS_OF, "squad", "--json").stdout)
    assert all(set(r) == ROW_KEYS for r in rows)
    # spiky: a high flag; fitfan: caution (silent, and no status flag of its own); walker and steady: none, walker
    # first because its last data is 2 days old (Fri 1 Mar) and steady's is today's run
    assert [r["athlete"] for r in rows] == ["spiky", "fitfan", "walker", "steady"]
    assert [r["severity"] for r in rows] == ["high", "caution", None, None]
    assert [r["days_since_data"] for r in rows] == [0, (SQUAD_AS_OF - date(2018, 10, 20)).days, 2, 0]
    assert [r["pain_7d"] for r in rows] == [5, None, None, None]
    for row in rows:
        status = json.loads(invoke(runner, squad_db, "--athlete", row["athlete"], "--as-of", AS_OF, "status",
                                   "--json").stdout)
        plan = json.loads(invoke(runner, squad_db, "--athlete", row["athlete"], "--as-of", AS_OF, "plan",
                                 "--json").stdout)
        this, last = status["weeks"][-1], status["weeks"][-2]
        assert (row["this_week"], row["last_week"], row["ramp"], row["unit"]) == (
            this["load"], last["load"], this["ramp"], status["unit"]), row["athlete"]
        longest = max(this["long_run_m"], last["long_run_m"])
        assert row["long_run_m"] == (longest if longest > 0 else None), row["athlete"]
        assert (row["long_run_cap_m"], row["next_week_max"], row["next_week_suggested"]) == (
            plan["caps"]["long_run_max_m"], plan["caps"]["weekly_max"], plan["caps"]["weekly_suggested"])
        status_flags = status["flags"]
        if row["athlete"] == "fitfan":  # silent: a flag of its own, after the status flags of its severity
            assert row["top_flag"]["rule"] == "silent" and row["top_flag"]["value"] == row["days_since_data"]
            assert row["top_flag"]["threshold"] == SILENT_AFTER_DAYS
            assert not [f for f in status_flags if f["severity"] in ("high", "caution")]
        else:
            assert row["top_flag"] == (status_flags[0] if status_flags else None), row["athlete"]
    steady = rows[3]
    # hand-worked: 30 km both weeks, so the ramp is 0; the long run 14 km (Sun); its cap 1.10 x 14 km = 15.4 km
    assert steady["this_week"] == steady["last_week"] and steady["ramp"] == 0
    assert (steady["long_run_m"], steady["long_run_cap_m"]) == (14_000, 15_400)
    assert steady["status_line"] == "Steady build \u2014 keep it"
    spiky = rows[0]
    assert spiky["long_run_m"] == 28_000 and spiky["status_line"] == "Back pain logged \u2014 easy runs only"
    assert rows[2]["status_line"] == "No runs logged \u2014 keep walking" and rows[2]["long_run_m"] is None


def test_squad_table_on_the_terminal(runner: CliRunner, squad_db: Path) -> None:
    out = invoke(runner, squad_db, "--as-of", AS_OF, "squad").stdout.splitlines()
    assert out[0] == "Squad as of Sun 2024-03-03: 4 athlete(s), most urgent first (load in TRIMP)"
    assert out[2].split()[:3] == ["Athlete", "Status", "This"]
    assert [line.split()[0] for line in out[3:7]] == ["spiky", "fitfan", "walker", "steady"]
    assert "HIGH" in out[3] and "5/10" in out[3] and "CAUTION silent" in out[4] and "2 d ago" in out[5]
    assert "14.0 km / 15.4 km" in out[6]
    assert out[8] == "Top flags:" and out[10].startswith("  fitfan: Silent for 1961 days")


def test_squad_set_sets_every_athlete_or_none(runner: CliRunner, squad_db: Path) -> None:
    result = invoke(runner, squad_db, "squad", "--set", "margin=0.15")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Set margin for 4 athlete(s): fitfan, spiky, steady, walker.\n"
    for name in ("fitfan", "spiky", "steady", "walker"):
        profile = json.loads(invoke(runner, squad_db, "--athlete", name, "profile", "--json").stdout)
        assert profile["profile"]["margin"] == 0.15 and profile["set"] == ["margin"]
    before = sqlite3.connect(squad_db).execute("SELECT * FROM profile ORDER BY 1, 2").fetchall()
    bad = runner.invoke(cli, ["--db", str(squad_db), "squad", "--set", "ramp_caution=0.2", "--set", "margin=0.9"])
    assert bad.exit_code == 1 and "nothing was set for any athlete" in bad.output
    personal = runner.invoke(cli, ["--db", str(squad_db), "squad", "--set", "hr_max_bpm=190"])
    assert personal.exit_code == 1 and "set it per athlete" in personal.output
    assert sqlite3.connect(squad_db).execute("SELECT * FROM profile ORDER BY 1, 2").fetchall() == before


def test_rename_moves_every_table_and_refuses_an_existing_name(runner: CliRunner, squad_db: Path) -> None:
    status_before = invoke(runner, squad_db, "--athlete", "spiky", "--as-of", AS_OF, "status", "--json").stdout
    refused = runner.invoke(cli, ["--db", str(squad_db), "athletes", "--rename", "spiky", "steady"])
    assert refused.exit_code == 1 and "athlete 'steady' already exists" in refused.output
    done = invoke(runner, squad_db, "athletes", "--rename", "spiky", "sam")
    assert done.exit_code == 0, done.output
    # 24 sessions (8 weeks x 3), 0 step rows, 1 pain log, no profile, 1 ledger row
    assert done.stdout == ("Renamed spiky to sam (24 sessions, 0 daily steps, 1 logs, 0 profile, 1 sources,"
                           " 0 resting hr row(s)).\n")
    conn = sqlite3.connect(squad_db)
    for table in ("sessions", "daily_steps", "logs", "profile", "sources"):
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE athlete = 'spiky'").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM sessions WHERE dedupe_key LIKE 'sam|%'").fetchone() == (24,)
    assert invoke(runner, squad_db, "--athlete", "sam", "--as-of", AS_OF, "status", "--json").stdout == status_before
    missing = runner.invoke(cli, ["--db", str(squad_db), "athletes", "--rename", "nobody", "x"])
    assert missing.exit_code == 1 and "no athlete 'nobody'" in missing.output


def test_forget_athlete_dry_run_then_everything_in_one_go(runner: CliRunner, squad_db: Path, tmp_path: Path) -> None:
    dry = json.loads(invoke(runner, squad_db, "forget", "--athlete", "fitfan", "--dry-run", "--json").stdout)
    # the three FIT files held only fitfan's three runs: they leave the ledger
    assert dry == {"athlete": "fitfan", "dry_run": True, "sessions": 3, "step_rows": 0, "step_days": 0, "logs": 0,
                   "profile_keys": 0, "sources_removed": sorted(dry["sources_removed"]), "sources_kept": []}
    assert len(dry["sources_removed"]) == 3
    assert invoke(runner, squad_db, "--athlete", "fitfan", "sessions", "--json").stdout.count('"id"') == 3
    text = invoke(runner, squad_db, "forget", "--athlete", "fitfan")
    assert text.stdout.startswith("Forgot athlete fitfan: 3 session(s), 0 day(s) of steps (0 row(s)), 0 log(s), "
                                  "0 profile value(s); 3 file(s) leave the ledger, 0 kept")
    names = [a["athlete"] for a in json.loads(invoke(runner, squad_db, "athletes", "--json").stdout)]
    assert names == ["spiky", "steady", "walker"]
    # the files can come back: importing the folder again stores the runs again
    again = json.loads(invoke(runner, squad_db, "import", "--per-folder", "--json", str(tmp_path / "squad")).stdout)
    assert again["athletes"]["fitfan"] == {"sessions": 3, "days": 0}


def test_forget_athlete_keeps_a_shared_file_with_the_other_athletes_data(
    runner: CliRunner, db_path: Path, sample
) -> None:
    """A Fitabase CSV (real, 33 Ids) stores each Id as an athlete; imported as Id 4057192912 (the ledger row in
    that name), forgetting that Id keeps the file in the ledger for the other 32, now in the first one's name
    (1503960366); Id 4057192912 has 4 days (counted by hand in the CSV)."""
    csv = str(sample("fitbit/dailySteps_merged.csv"))
    assert invoke(runner, db_path, "--athlete", "4057192912", "import", csv).exit_code == 0
    gone = json.loads(invoke(runner, db_path, "forget", "--athlete", "4057192912", "--json").stdout)
    assert (gone["step_rows"], gone["step_days"], gone["sources_kept"], gone["sources_removed"]) == (
        4, 4, [csv], [])
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM daily_steps WHERE athlete = '4057192912'").fetchone() == (0,)
    assert conn.execute("SELECT count(DISTINCT athlete) FROM daily_steps").fetchone() == (32,)
    # the ledger row still counts the other 32 Ids' days
    athlete, n_days = conn.execute("SELECT athlete, n_days FROM sources WHERE path = ?", (csv,)).fetchone()
    assert athlete == "1503960366"
    assert n_days == conn.execute("SELECT count(*) FROM daily_steps").fetchone()[0]
    usage = runner.invoke(cli, ["--db", str(db_path), "forget", "abc123", "--athlete", "x"])
    assert usage.exit_code == 2
