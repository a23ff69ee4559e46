"""`loadwatch sources`, `forget` and `export` against a real store on tmp_path.

The store is filled through `Store.write_source` (the same call `import_paths` makes) with
hand-written sessions and step days, so every expected count below is known by construction.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from loadwatch.cli import cli
from loadwatch.models import Activity, DailySteps, ParsedFile
from loadwatch.store import Store

WATCH_SHA = "a1" * 32
STRAVA_SHA = "b2" * 32
PHONE_SHA = "c3" * 32
T0 = datetime(2024, 5, 6, 6, 30, tzinfo=UTC)


def run(minutes: float, start: datetime = T0, device: str = "Garmin fenix 5") -> Activity:
    return Activity(sport="running", start_utc=start, utc_offset_s=-4 * 3600, duration_s=minutes * 60,
                    distance_m=minutes * 180.0, avg_hr=150.0, device=device)


def fill(store: Store) -> None:
    """watch.fit: two runs + 2 step days; strava.fit.gz: the first run again (30 s later, 20 m longer:
    a duplicate by the store's tolerances) + an evening ride; phone.csv: 3 step days."""
    watch = ParsedFile("fit", activities=[run(40), run(30, T0.replace(day=8))],
                       daily_steps=[DailySteps(date(2024, 5, 6), 12_000, "Garmin fenix 5", "watch"),
                                    DailySteps(date(2024, 5, 8), 9_000, "Garmin fenix 5", "watch")], n_records=10)
    strava_run = Activity(sport="running", start_utc=T0.replace(second=30), utc_offset_s=-4 * 3600,
                          duration_s=40 * 60, distance_m=40 * 180.0 + 20, device="@not-stored")
    ride = Activity(sport="cycling", start_utc=T0.replace(hour=20), utc_offset_s=-4 * 3600, duration_s=3600,
                    distance_m=25_000.0, device='=HYPERLINK("http://x")')
    strava = ParsedFile("fit", activities=[strava_run, ride], n_records=5)
    phone = ParsedFile("google_fit", daily_steps=[DailySteps(date(2024, 5, d), 8_000 + d, "Pixel", "phone")
                                                  for d in (6, 7, 8)], n_records=3)
    assert store.write_source(sha256=WATCH_SHA, path="exports/watch.fit", parsed=watch, athlete="me",
                              size_bytes=100).sessions == 2
    out = store.write_source(sha256=STRAVA_SHA, path="strava.zip!activities/1.fit.gz", parsed=strava,
                             athlete="me", size_bytes=50)
    assert (out.sessions, out.duplicates) == (1, 1)
    assert store.write_source(sha256=PHONE_SHA, path="Takeout/Daily activity metrics.csv", parsed=phone,
                              athlete="me", size_bytes=30).days == 3


def counts(store: Store) -> dict[str, int]:
    q = store.conn.execute
    return {t: q(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("sources", "sessions", "session_sources", "daily_steps")}


def ledger(store: Store) -> dict[str, tuple[int, int, int]]:
    rows = store.conn.execute("SELECT sha256, n_sessions, n_duplicates, n_days FROM sources")
    return {sha: (n, d, days) for sha, n, d, days in rows}


def invoke(runner, db_path: Path, *args: str):
    return runner.invoke(cli, ["--db", str(db_path), *args])


def test_sources_lists_every_file_with_counts(store, db_path, runner):
    fill(store)
    result = invoke(runner, db_path, "sources", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["path"]: r for r in json.loads(result.output)}
    assert set(rows) == {"exports/watch.fit", "strava.zip!activities/1.fit.gz", "Takeout/Daily activity metrics.csv"}
    assert (rows["exports/watch.fit"]["n_sessions"], rows["exports/watch.fit"]["n_days"]) == (2, 2)
    strava = rows["strava.zip!activities/1.fit.gz"]
    assert (strava["n_sessions"], strava["n_duplicates"], strava["status"]) == (1, 1, "imported")
    assert rows["Takeout/Daily activity metrics.csv"]["warnings"] == []
    text = invoke(runner, db_path, "sources")
    assert text.exit_code == 0
    assert text.output.splitlines()[-1] == "3 file(s)."
    assert f"{WATCH_SHA[:12]} imported  fit" in text.output


def test_sources_on_empty_store(runner, db_path, store):
    result = invoke(runner, db_path, "sources")
    assert (result.exit_code, result.output) == (0, "No files imported yet. Import some: loadwatch import PATH\n")


def test_forget_owner_of_duplicate_keeps_session_credited_to_other_file(store, db_path, runner):
    fill(store)
    first_run_id = store.sessions()["id"].iloc[0]
    result = invoke(runner, db_path, "forget", WATCH_SHA[:8])
    assert result.exit_code == 0, result.output
    # watch.fit held 2 runs: the first is also in the Strava file (kept), the second only in watch.fit
    assert result.output.splitlines()[0] == (
        "Forgot 1 file(s): 1 session(s) removed, 1 kept (also in another file), 2 day(s) of steps changed.")
    with Store(db_path) as s:
        sessions = s.sessions()
        assert list(sessions["id"]) == [first_run_id, sessions["id"].iloc[1]]
        assert list(sessions["source"]) == ["strava.zip!activities/1.fit.gz"] * 2
        # the Strava file now owns both sessions it holds: 2 sessions, 0 duplicates
        assert ledger(s)[STRAVA_SHA] == (2, 0, 0)
        assert WATCH_SHA not in ledger(s)
        # steps: the watch's 12,000 on May 6 and 9,000 on May 8 go; the phone becomes primary there
        steps = s.daily_steps()
        assert list(zip(steps["day"].astype(str), steps["steps"], strict=True)) == [
            ("2024-05-06", 8006), ("2024-05-07", 8007), ("2024-05-08", 8008)]
        assert counts(s) == {"sources": 2, "sessions": 2, "session_sources": 2, "daily_steps": 3}


def test_forget_the_duplicate_file_keeps_the_owner(store, db_path, runner):
    fill(store)
    result = invoke(runner, db_path, "forget", "1.fit.gz", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"dry_run": False, "sources": ["strava.zip!activities/1.fit.gz"],
                                         "sessions_removed": 1, "sessions_kept": 0, "days_changed": 0}
    with Store(db_path) as s:
        sessions = s.sessions()
        assert list(sessions["sport"]) == ["running", "running"]  # the ride (Strava only) went
        assert set(sessions["source"]) == {"exports/watch.fit"}
        assert counts(s)["session_sources"] == 2  # the duplicate link went with the file


def test_forget_session_keeps_files_so_reimport_does_not_resurrect_it(store, db_path, runner):
    fill(store)
    ride = store.sessions().set_index("sport").loc["cycling", "id"]
    result = invoke(runner, db_path, "forget", str(ride))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Forgot session {ride}: 1 session(s) removed")
    with Store(db_path) as s:
        assert "cycling" not in set(s.sessions()["sport"])
        assert ledger(s)[STRAVA_SHA] == (0, 1, 0)
        again = s.write_source(sha256=STRAVA_SHA, path="strava.zip!activities/1.fit.gz",
                               parsed=ParsedFile("fit", activities=[run(40)]), athlete="me", size_bytes=50)
        assert again.already_imported


def test_forget_duplicate_linked_session_removes_it_for_both_files(store, db_path, runner):
    fill(store)
    shared = store.sessions()["id"].iloc[0]
    assert invoke(runner, db_path, "forget", f"#{shared}").exit_code == 0
    with Store(db_path) as s:
        assert shared not in set(s.sessions()["id"])
        assert ledger(s)[WATCH_SHA] == (1, 0, 2)
        assert ledger(s)[STRAVA_SHA] == (1, 0, 0)
        assert counts(s)["session_sources"] == 2


def test_forget_dry_run_changes_nothing(store, db_path, runner):
    fill(store)
    before = counts(store)
    result = invoke(runner, db_path, "forget", WATCH_SHA[:10], "--dry-run")
    assert result.exit_code == 0
    assert result.output.startswith("Would forget 1 file(s): 1 session(s) removed, 1 kept")
    with Store(db_path) as s:
        assert counts(s) == before


def test_forget_archive_forgets_its_members(store, db_path, runner):
    fill(store)
    store.write_source(sha256="d4" * 32, path="strava.zip", parsed=ParsedFile("zip", n_records=1), athlete="me",
                       size_bytes=10, status="archive")
    result = invoke(runner, db_path, "forget", "strava.zip", "--json")
    assert json.loads(result.output)["sources"] == ["strava.zip", "strava.zip!activities/1.fit.gz"]
    with Store(db_path) as s:
        assert set(ledger(s)) == {WATCH_SHA, PHONE_SHA}


@pytest.mark.parametrize(("ref", "message"), [
    ("nothing-here", "Error: no imported file or session matches 'nothing-here'; see `loadwatch sources` and "
                     "`loadwatch sessions --json`\n"),
    ("999", "Error: no session with id 999; see `loadwatch sessions --json`\n"),
])
def test_forget_unknown_reference(store, db_path, runner, ref, message):
    fill(store)
    result = invoke(runner, db_path, "forget", ref)
    assert (result.exit_code, result.output) == (1, message)
    with Store(db_path) as s:
        assert counts(s)["sessions"] == 3


def test_forget_ambiguous_prefix(store, db_path, runner):
    fill(store)
    store.write_source(sha256="a1a1a1" + "0" * 58, path="other.fit", parsed=ParsedFile("fit"), athlete="me",
                       size_bytes=1, status="skipped")
    result = invoke(runner, db_path, "forget", "a1a1a1")
    assert result.exit_code == 1
    assert result.output.startswith("Error: 'a1a1a1' matches 2 files (")


def test_export_json_holds_everything(store, db_path, runner):
    fill(store)
    store.add_log("me", date(2024, 5, 7), "pain", {"where": "lower back", "score": 3})
    store.set_profile("me", {"hr_max": 188})
    result = invoke(runner, db_path, "export", "--json", "-")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert (doc["format"], doc["version"]) == ("loadwatch-export", 1)
    assert {k: len(doc[k]) for k in ("sources", "sessions", "session_sources", "daily_steps", "logs", "profile")} == {
        "sources": 3, "sessions": 3, "session_sources": 4, "daily_steps": 5, "logs": 1, "profile": 1}
    assert doc["logs"][0]["payload"] == {"where": "lower back", "score": 3}
    first = doc["sessions"][0]
    assert (first["utc_offset_s"], first["duration_s"], first["distance_m"]) == (-14400, 2400.0, 7200.0)
    primary = {(r["day"], r["source"]) for r in doc["daily_steps"] if r["is_primary"]}
    assert primary == {("2024-05-06", "Garmin fenix 5"), ("2024-05-07", "Pixel"), ("2024-05-08", "Garmin fenix 5")}


def test_export_json_file_and_csv_escape_formulas(store, db_path, runner, tmp_path):
    fill(store)
    out = tmp_path / "out"
    result = invoke(runner, db_path, "export", "--json", str(tmp_path / "all.json"), "--csv", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "all.json").read_text())["sessions"][1]["device"] == '=HYPERLINK("http://x")'
    assert sorted(p.name for p in out.iterdir()) == [
        "daily_steps.csv", "logs.csv", "profile.csv", "resting_hr.csv", "session_sources.csv", "sessions.csv",
        "sources.csv"]
    with (out / "sessions.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    # stored sessions by start: run (May 6 06:30), ride (May 6 20:00), run (May 8)
    assert [r["device"] for r in rows] == ["Garmin fenix 5", "'=HYPERLINK(\"http://x\")", "Garmin fenix 5"]
    assert {r["utc_offset_s"] for r in rows} == {"-14400"}  # numbers are never escaped


def test_export_needs_a_target(runner, db_path):
    result = invoke(runner, db_path, "export")
    assert result.exit_code == 2
    assert "give --json FILE (or - for stdout) and/or --csv DIR" in result.output
