"""`loadwatch plan`, `goals` and `log strength` through the click runner, on a real store file."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from loadwatch.cli import cli
from loadwatch.models import DailySteps, ParsedFile
from loadwatch.store import Store
from loadwatch.wording import HEALTH_NOTE
from tests.helpers import steady_weeks, steps_days, write

START = date(2024, 1, 1)
SUNDAY = date(2024, 3, 3)  # the --as-of of `invoke`; steady_weeks ends on it too


def seed(db_path: Path, with_runs: bool = True) -> None:
    with Store(db_path) as store:
        write(store, steady_weeks() if with_runs else [], steps_days(30, SUNDAY))


def seed_rising_steps(db_path: Path) -> None:
    """From 1 Jan 2024, 5,000 steps a day x 5 then 9,000 x 4, repeating (a phone only, no runs): every full
    9-day window has median 5,000 and 60th percentile 8,200, so the goal climbs from 5,000 at 1.1 ** (1/7) a
    day (x 1.0137, whole tens rounded down): 5,060 on 9 Jan, ... 6,700 on 31 Jan, 6,790 on 1 Feb, ... 7,430
    on 8 Feb."""
    rows = [DailySteps(START + timedelta(days=i), 5000 if i % 9 < 5 else 9000, "Pixel", "phone") for i in range(61)]
    with Store(db_path) as store:
        store.write_source(sha256="b" * 64, path="steps.csv", parsed=ParsedFile("csv", daily_steps=rows),
                           athlete="me", size_bytes=1)


def invoke(runner: CliRunner, db_path: Path, *args: str, as_of: str = "2024-03-03"):
    return runner.invoke(cli, ["--db", str(db_path), "--as-of", as_of, *args])


def test_plan_text_shows_caps_days_strength_and_the_health_note_once(runner: CliRunner, db_path: Path) -> None:
    seed(db_path)
    result = invoke(runner, db_path, "plan")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Next week: Mon 04 Mar - Sun 10 Mar 2024 (the 7 days after 2024-03-03)."
    assert "The most: 33.0 km; we suggest: 29.7 km; long run at most 15.4 km." in lines
    assert "  Sun 10 Mar  long run 13.9 km (~69 min) steps   7,000" in lines
    assert "  Mon 04 Mar  rest                       steps   7,000  strength (any time)" in lines
    assert "Strength session (Mon, Fri), slowly and without pain:" in lines
    assert "  Superman: 3 x 8  [new: slowly, without pain]" in lines
    assert result.output.count(HEALTH_NOTE) == 1 and lines[-1] == HEALTH_NOTE


def test_plan_json(runner: CliRunner, db_path: Path) -> None:
    seed(db_path)
    result = invoke(runner, db_path, "plan", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["caps"]["long_run_max_m"] == 15400.0 and data["caps"]["unit"] == "TRIMP"
    assert [d["run"] for d in data["days"]] == ["rest", "easy", "rest", "easy", "rest", "rest", "long"]
    assert data["days"][0]["strength"][0]["exercise"] == "superman"
    assert data["health_note"] == HEALTH_NOTE


def test_plan_with_a_red_flag_leads_with_the_doctor(runner: CliRunner, db_path: Path) -> None:
    seed(db_path)
    log = invoke(runner, db_path, "log", "pain", "--where", "lower", "--level", "4", "--numbness")
    assert log.exit_code == 0, log.output
    result = invoke(runner, db_path, "plan")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2].startswith("See a doctor first: you logged numbness or tingling.")
    assert "Strength session (" not in result.output
    assert "  - Strength sessions are paused until a doctor has seen the back" in result.output


def test_plan_on_an_empty_store_says_what_to_do(runner: CliRunner, db_path: Path, store) -> None:
    result = invoke(runner, db_path, "plan")
    assert result.exit_code == 1
    assert result.output.startswith("Error: no sessions or steps stored for athlete 'me' yet")


def test_goals_as_of_a_week_apart_show_the_same_gentle_rise(runner: CliRunner, db_path: Path) -> None:
    seed_rising_steps(db_path)
    first = json.loads(invoke(runner, db_path, "goals", "--days", "7", "--json", as_of="2024-01-31").output)
    later = json.loads(invoke(runner, db_path, "goals", "--days", "7", "--json", as_of="2024-02-07").output)
    assert first[0]["day"] == "2024-02-01" and later[0]["day"] == "2024-02-08"
    # one chain: 6,790 -> 7,430 a week later (+9.4 %), every day of the week alike
    assert first[0]["goal"] == 6790 and later[0]["goal"] == 7430
    assert all(b["goal"] <= a["goal"] * 1.10 for a, b in zip(first, later, strict=True))
    assert all(b["goal"] > a["goal"] for a, b in zip(first, later, strict=True))
    assert later[0]["why"].startswith("rising at most +10% a week toward your 9-day 60th percentile 8,200")
    assert later[0]["set_by"] == "rise" and later[0]["capped"] and not later[0]["held"]


def test_goals_text_csv_and_ics_files(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    seed_rising_steps(db_path)
    text = invoke(runner, db_path, "goals", "--days", "2", as_of="2024-01-31")
    assert text.exit_code == 0, text.output
    assert text.output.splitlines()[0] == ("Thu 01 Feb    6,790  rising at most +10% a week toward your 9-day "
                                           "60th percentile 8,200 (the day before: 6,700); from the steps up to "
                                           "2024-01-31")
    out_csv = tmp_path / "goals.csv"
    result = invoke(runner, db_path, "goals", "--days", "3", "--csv", str(out_csv), as_of="2024-01-31")
    assert result.output == f"Wrote 3 step goals to {out_csv}.\n"
    rows = list(csv.reader(out_csv.open(encoding="utf-8", newline="")))
    assert rows[0] == ["day", "goal", "why"] and rows[1][:2] == ["2024-02-01", "6790"]
    out_ics = tmp_path / "goals.ics"
    result = invoke(runner, db_path, "goals", "--days", "14", "--ics", str(out_ics), as_of="2024-01-31")
    assert result.exit_code == 0, result.output
    raw = out_ics.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF kept on disk
    assert raw.count(b"BEGIN:VEVENT\r\n") == 14 and raw.startswith(b"BEGIN:VCALENDAR\r\n")


def test_goals_options_exclude_each_other(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    seed_rising_steps(db_path)
    result = invoke(runner, db_path, "goals", "--json", "--csv", str(tmp_path / "x.csv"))
    assert result.exit_code == 2
    assert "choose one of --json, --csv FILE, --ics FILE" in result.output


def test_log_strength_and_the_progression_message(runner: CliRunner, db_path: Path) -> None:
    first = invoke(runner, db_path, "log", "strength", "superman", "3x12", "--date", "2024-03-01")
    assert first.output == "Logged Superman 3 x 12 on 2024-03-01.\n"
    second = invoke(runner, db_path, "log", "strength", "Superman", "3x12")
    assert second.output == ("Logged Superman 3 x 12 on 2024-03-03.\n"
                             "Superman done at 3x12 without pain twice, on to Single-leg bridge.\n")
    plank = invoke(runner, db_path, "log", "strength", "plank", "3x30s", "--rpe", "5", "--minutes", "20")
    assert plank.output == "Logged Plank 3 x 30 s on 2024-03-03.\n"
    hurt = invoke(runner, db_path, "log", "strength", "dead bug", "3x10", "--pain")
    assert hurt.output == ("Logged Beetle (dead bug) 3 x 10 (it hurt) on 2024-03-03.\n"
                           "Beetle (dead bug) hurt, back to Superman.\n")
    with Store(db_path) as store:
        logs = store.logs("me", "strength")
    assert len(logs) == 4
    assert logs["payload"].iloc[2] == {"exercise": "plank", "sets": 3, "hold_s": 30, "pain": False, "rpe": 5.0,
                                       "minutes": 20.0, "load_srpe": 100.0}


def test_log_strength_rejects_bad_input_and_stores_nothing(runner: CliRunner, db_path: Path) -> None:
    cases = [
        (["supermn", "3x12"], "Error: unknown exercise 'supermn'; did you mean superman, spiderman, superman_pull?\n"),
        (["superman", "3by12"], "Error: '3by12' is not SETSxREPS; write it like 3x12 (3 sets of 12) or 3x30s "
                                "(3 holds of 30 seconds)\n"),
        (["superman", "0x12"], "Error: '0x12': sets must be 1 to 10\n"),
        (["superman", "3x12", "--rpe", "6"], "Error: an RPE needs the session's length too: add --minutes M\n"),
        (["superman", "3x12", "--date", "2024-03-09"],
         "Error: strength date 2024-03-09 is in the future (today is 2024-03-03); log only what already happened\n"),
        (["superman", "3x12", "--date", "yesterday"],
         "Error: strength date 'yesterday' is not a date; use YYYY-MM-DD\n"),
    ]
    for args, message in cases:
        result = invoke(runner, db_path, "log", "strength", *args)
        assert result.exit_code == 1, args
        assert result.output == message
    with Store(db_path) as store:
        assert store.logs("me", "strength").empty


def test_plan_exercises_lists_the_catalog_the_log_hint_points_to(runner, tmp_path) -> None:
    from loadwatch.model.strength import load_catalog

    db = str(tmp_path / "s.sqlite")
    listed = runner.invoke(cli, ["--db", db, "plan", "--exercises", "--json"])
    assert listed.exit_code == 0
    ids = [e["id"] for e in json.loads(listed.stdout)]
    assert sorted(ids) == sorted(load_catalog().exercises) and "superman" in ids
    table = runner.invoke(cli, ["--db", db, "plan", "--exercises"]).stdout
    assert "superman" in table and "Log one with: loadwatch log strength" in table
    bad = runner.invoke(cli, ["--db", db, "log", "strength", "flying kick", "3x10"])
    assert bad.exit_code == 1 and "loadwatch plan --exercises" in bad.stderr
