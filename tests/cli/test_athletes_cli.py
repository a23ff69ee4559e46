"""An import that stores data for other athletes (a Fitabase cohort: one athlete per `Id`) says which athletes
received it and how to read them; `loadwatch athletes` lists the athletes of a store with their data range.

Real files: tests/data/fitbit/dailySteps_merged.csv and dailyActivity_merged.csv (Fitabase, 33 Ids, April-May
2016) and tests/data/fit/garmin-fenix-5-run.fit. Counted by hand in the CSVs: Id 1503960366 has 31 rows in
each file (4/12/2016 to 5/12/2016); Id 4057192912 has 4 rows in each (4/12/2016 to 4/15/2016, 0 steps on 4/14).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from loadwatch.cli import cli

N_IDS = 33


def invoke(runner: CliRunner, db: Path, *args: str):
    return runner.invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def test_import_json_says_which_athletes_received_the_data(runner: CliRunner, db_path: Path, sample) -> None:
    result = invoke(runner, db_path, "import", "--json", str(sample("fitbit/dailySteps_merged.csv")),
                    str(sample("fitbit/dailyActivity_merged.csv")))
    assert result.exit_code == 0, result.output
    athletes = json.loads(result.stdout)["athletes"]
    assert len(athletes) == N_IDS and "me" not in athletes
    # both files give the same 31 days of Id 1503960366: 31 days, not 62
    assert athletes["1503960366"] == {"sessions": 0, "days": 31}
    assert athletes["4057192912"] == {"sessions": 0, "days": 4}


def test_import_summary_names_the_athletes_and_how_to_read_them(runner: CliRunner, db_path: Path, sample) -> None:
    result = invoke(runner, db_path, "import", str(sample("fitbit/dailySteps_merged.csv")))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    told = next(line for line in lines if line.startswith("Stored for"))
    assert told.startswith(f"Stored for {N_IDS} other athletes, not for me: 1503960366 (31 days of steps), ")
    assert told.endswith(" and 25 more.")
    assert ("Read one with --athlete, e.g. loadwatch --athlete 1503960366 steps; list them all with "
            "loadwatch athletes.") in lines


def test_import_for_oneself_says_nothing_more_and_json_counts_the_session(
    runner: CliRunner, db_path: Path, sample
) -> None:
    run = str(sample("fit/garmin-fenix-5-run.fit"))
    assert "Stored for" not in invoke(runner, db_path, "import", run).stdout
    forget = invoke(runner, db_path, "forget", run)
    assert forget.exit_code == 0, forget.output
    data = json.loads(invoke(runner, db_path, "import", "--json", run).stdout)
    assert data["athletes"] == {"me": {"sessions": 1, "days": 0}}
    again = json.loads(invoke(runner, db_path, "import", "--json", run).stdout)
    assert again["athletes"] == {}  # already imported: nothing stored for anyone


def test_athletes_lists_each_athlete_with_its_data_range(runner: CliRunner, db_path: Path, sample) -> None:
    for name in ("fitbit/dailySteps_merged.csv", "fitbit/dailyActivity_merged.csv", "fit/garmin-fenix-5-run.fit"):
        assert invoke(runner, db_path, "import", str(sample(name))).exit_code == 0
    result = invoke(runner, db_path, "athletes", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["athlete"] for r in rows] == sorted(r["athlete"] for r in rows)
    assert len(rows) == N_IDS + 1
    by_name = {r["athlete"]: r for r in rows}
    assert all(set(r) == {"athlete", "sessions", "step_days", "first_day", "last_day", "last_import"} for r in rows)
    first = by_name["1503960366"]
    assert (first["sessions"], first["step_days"], first["first_day"], first["last_day"]) == (
        0, 31, "2016-04-12", "2016-05-12")
    small = by_name["4057192912"]
    assert (small["step_days"], small["first_day"], small["last_day"]) == (4, "2016-04-12", "2016-04-15")
    me = by_name["me"]
    assert (me["sessions"], me["step_days"]) == (1, 0)
    assert me["first_day"] == me["last_day"] and me["first_day"].startswith("20")
    with sqlite3.connect(db_path) as conn:
        imported = {r[0] for r in conn.execute("SELECT imported_at FROM sources")}
    assert {r["last_import"] for r in rows} <= imported

    text = invoke(runner, db_path, "athletes")
    assert text.exit_code == 0
    assert any(line.split()[:5] == ["1503960366", "0", "31", "2016-04-12", "2016-05-12"]
               for line in text.stdout.splitlines())
    assert f"{N_IDS + 1} athlete(s)" in text.stdout
    assert "loadwatch --athlete ID" in text.stdout


def test_athletes_includes_one_who_has_only_a_profile_or_logs(runner: CliRunner, db_path: Path) -> None:
    assert invoke(runner, db_path, "--athlete", "anna", "profile", "--set", "birth_year=1990").exit_code == 0
    rows = json.loads(invoke(runner, db_path, "athletes", "--json").stdout)
    assert rows == [{"athlete": "anna", "sessions": 0, "step_days": 0, "first_day": None, "last_day": None,
                     "last_import": None}]


def test_athletes_on_a_store_without_data_and_on_no_store(runner: CliRunner, db_path: Path, tmp_path: Path,
                                                         sample) -> None:
    missing = tmp_path / "none.sqlite"
    result = invoke(runner, missing, "athletes")
    assert result.exit_code == 1
    assert "no loadwatch store" in result.stderr and "Traceback" not in result.output
    assert not missing.exists()  # a read command never creates a store

    invoke(runner, db_path, "import", str(sample("fit/Settings2.fit")))  # a store with a skipped file only
    assert json.loads(invoke(runner, db_path, "athletes", "--json").stdout) == []
    assert "No athletes in this store yet" in invoke(runner, db_path, "athletes").stdout


def test_help_documents_the_json_shapes(runner: CliRunner) -> None:
    athletes_help = runner.invoke(cli, ["athletes", "--help"]).output
    for field in ("athlete", "sessions", "step_days", "first_day", "last_day", "last_import", "--json"):
        assert field in athletes_help
    import_help = " ".join(runner.invoke(cli, ["import", "--help"]).output.split())
    assert '"athletes": {name: {"sessions": n, "days": n}}' in import_help
    assert "--athlete" in import_help
