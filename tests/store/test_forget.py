"""Forgetting: `Store.find_sources`, `forget_source`, `forget_session` and `api.forget(ref)` on a real store.

The store holds three files written through `Store.write_source` (the call `import_paths` makes), so every
count below is known by construction:

- watch.fit  (WATCH):  run A (Mon 6 May, 10 km) and run B (Wed 8 May, 8 km); watch steps 6 and 8 May
- 1.fit in a Strava zip (STRAVA): run A again, 20 s later and 50 m longer (a duplicate: the store's
  tolerances are 120 s and 100 m), and ride C (6 May, evening)
- phone.csv  (PHONE):  phone steps 6, 7 and 8 May

Stored: 3 sessions (A, B, C); 4 session links (A-watch, B-watch, A-strava, C-strava); 5 step rows, the
primary ones being the watch on 6 and 8 May and the phone on 7 May.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from loadwatch import api
from loadwatch.errors import ConfigError, StoreError
from loadwatch.models import DailySteps, ForgetOutcome, ParsedFile
from loadwatch.store import Store
from tests.helpers import run_on

WATCH, STRAVA, PHONE = "a1" * 32, "b2" * 32, "c3" * 32
WATCH_PATH, STRAVA_PATH, PHONE_PATH = "garmin/watch.fit", "strava.zip!activities/1.fit", "phone.csv"
MON, TUE, WED = date(2024, 5, 6), date(2024, 5, 7), date(2024, 5, 8)
TABLES = ("sources", "sessions", "session_sources", "daily_steps")


@pytest.fixture
def filled(store: Store) -> Store:
    run_a = run_on(MON, 10, 60)
    twin_a = run_on(MON, 10.05, 60)
    object.__setattr__(twin_a, "start_utc", run_a.start_utc + timedelta(seconds=20))
    watch = ParsedFile("fit", [run_a, run_on(WED, 8, 48)],
                       [DailySteps(MON, 12_000, "Garmin", "watch"), DailySteps(WED, 9_000, "Garmin", "watch")])
    strava = ParsedFile("fit", [twin_a, run_on(MON, 30, 60, sport="cycling", hour=18)])
    phone = ParsedFile("csv", daily_steps=[DailySteps(d, 8_000, "Pixel", "phone") for d in (MON, TUE, WED)])
    outcomes = [store.write_source(sha256=sha, path=path, parsed=parsed, athlete="me", size_bytes=1)
                for sha, path, parsed in ((WATCH, WATCH_PATH, watch), (STRAVA, STRAVA_PATH, strava),
                                          (PHONE, PHONE_PATH, phone))]
    assert [(o.sessions, o.duplicates, o.days) for o in outcomes] == [(2, 0, 2), (1, 1, 0), (0, 0, 3)]
    return store


def counts(store: Store) -> dict[str, int]:
    return {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def ledger(store: Store) -> dict[str, tuple[int, int, int]]:
    """sha256 -> (n_sessions, n_duplicates, n_days) of the `sources` table."""
    rows = store.conn.execute("SELECT sha256, n_sessions, n_duplicates, n_days FROM sources")
    return {sha: (n, d, days) for sha, n, d, days in rows}


def session_id(store: Store, sport: str, day: date) -> int:
    frame = store.sessions()
    (sid,) = frame.loc[(frame["sport"] == sport) & (frame["day"] == day), "id"]
    return int(sid)


def primary_steps(store: Store) -> list[tuple[date, int, str]]:
    frame = store.daily_steps()
    return list(zip(frame["day"], frame["steps"], frame["source"], strict=True))


BEFORE = {"sources": 3, "sessions": 3, "session_sources": 4, "daily_steps": 5}


# -- finding a file ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("ref", "found"), [
    ("a1a1a1", [(WATCH, WATCH_PATH)]),  # a sha256 prefix of 6 hex digits
    ("A1A1A1A1", [(WATCH, WATCH_PATH)]),  # the prefix in capitals
    (WATCH, [(WATCH, WATCH_PATH)]),  # the whole sha256
    ("garmin/watch.fit", [(WATCH, WATCH_PATH)]),  # the path as stored
    ("watch.fit", [(WATCH, WATCH_PATH)]),  # the path after a folder
    ("activities/1.fit", [(STRAVA, STRAVA_PATH)]),  # an archive member's path inside the archive
    ("phone.csv", [(PHONE, PHONE_PATH)]),
    ("a1a1a", []),  # 5 hex digits are not a prefix
    ("tch.fit", []),  # the end of a name is not a name
    ("nothing", []),
])
def test_find_sources(filled: Store, ref: str, found: list[tuple[str, str]]) -> None:
    assert filled.find_sources(ref) == found


# -- forgetting a file ---------------------------------------------------------------------------------
def test_forget_source_keeps_the_session_another_file_still_holds(filled: Store) -> None:
    run_a = session_id(filled, "running", MON)
    outcome = filled.forget_source(WATCH)
    # run B was only in watch.fit: removed; run A is also in the Strava file: kept, now owned by it;
    # the watch had steps on 2 days (6 and 8 May)
    assert outcome == ForgetOutcome(dry_run=False, sources=[WATCH_PATH], sessions_removed=1, sessions_kept=1,
                                    days_changed=2)
    assert counts(filled) == {"sources": 2, "sessions": 2, "session_sources": 2, "daily_steps": 3}
    assert session_id(filled, "running", MON) == run_a
    assert set(filled.sessions()["source"]) == {STRAVA_PATH}
    # the Strava file now owns both its sessions: 2 sessions, 0 duplicates
    assert ledger(filled) == {STRAVA: (2, 0, 0), PHONE: (0, 0, 3)}
    # the phone is the primary source on the days the watch had
    assert primary_steps(filled) == [(MON, 8_000, "Pixel"), (TUE, 8_000, "Pixel"), (WED, 8_000, "Pixel")]


def test_forget_the_duplicate_file_keeps_the_owner(filled: Store) -> None:
    outcome = filled.forget_source(STRAVA)
    # ride C only in the Strava file: removed; its copy of run A was a duplicate link, not a session
    assert outcome == ForgetOutcome(sources=[STRAVA_PATH], sessions_removed=1)
    assert counts(filled) == {"sources": 2, "sessions": 2, "session_sources": 2, "daily_steps": 5}
    assert ledger(filled)[WATCH] == (2, 0, 2)
    assert list(filled.sessions()["sport"]) == ["running", "running"]


def test_forget_an_unknown_sha_is_a_store_error(filled: Store) -> None:
    with pytest.raises(StoreError, match="no imported file with sha256"):
        filled.forget_source("f" * 64)
    assert counts(filled) == BEFORE


def test_dry_runs_report_the_same_outcome_and_change_nothing(filled: Store) -> None:
    ledger_before, steps_before = ledger(filled), primary_steps(filled)
    wet = ForgetOutcome(sources=[WATCH_PATH], sessions_removed=1, sessions_kept=1, days_changed=2)
    assert filled.forget_source(WATCH, dry_run=True) == ForgetOutcome(
        dry_run=True, sources=wet.sources, sessions_removed=1, sessions_kept=1, days_changed=2)
    assert filled.forget_session(session_id(filled, "cycling", MON), dry_run=True) == ForgetOutcome(
        dry_run=True, sessions_removed=1)
    assert api.forget(filled, "a1a1a1", dry_run=True).as_json() == {**wet.as_json(), "dry_run": True}
    assert (counts(filled), ledger(filled), primary_steps(filled)) == (BEFORE, ledger_before, steps_before)
    # the real thing then does what the dry run said
    assert api.forget(filled, "a1a1a1") == wet


# -- forgetting a session ------------------------------------------------------------------------------
def test_forget_session_removes_it_for_every_file_and_keeps_the_files(filled: Store) -> None:
    run_a = session_id(filled, "running", MON)
    assert filled.forget_session(run_a) == ForgetOutcome(sessions_removed=1)
    # run A was watch.fit's session and the Strava file's duplicate: both counts drop by one
    assert ledger(filled) == {WATCH: (1, 0, 2), STRAVA: (1, 0, 0), PHONE: (0, 0, 3)}
    assert counts(filled) == {"sources": 3, "sessions": 2, "session_sources": 2, "daily_steps": 5}
    # the files stay in the ledger, so importing one again does not bring the session back
    again = filled.write_source(sha256=WATCH, path=WATCH_PATH, parsed=ParsedFile("fit", [run_on(MON, 10, 60)]),
                                athlete="me", size_bytes=1)
    assert again.already_imported
    assert not filled.has_session(run_a)
    with pytest.raises(StoreError, match=f"no session with id {run_a}"):
        filled.forget_session(run_a)


# -- api.forget: what the ref means --------------------------------------------------------------------
def test_api_forget_by_path(filled: Store) -> None:
    assert api.forget(filled, " phone.csv ") == ForgetOutcome(sources=[PHONE_PATH], days_changed=3)
    # the watch is primary on 6 and 8 May already; 7 May had only the phone
    assert primary_steps(filled) == [(MON, 12_000, "Garmin"), (WED, 9_000, "Garmin")]


def test_api_forget_by_session_id_with_or_without_hash(filled: Store) -> None:
    ride, run_b = session_id(filled, "cycling", MON), session_id(filled, "running", WED)
    assert api.forget(filled, str(ride)) == ForgetOutcome(sessions_removed=1)
    assert api.forget(filled, f"#{run_b}") == ForgetOutcome(sessions_removed=1)
    assert list(filled.sessions()["id"]) == [session_id(filled, "running", MON)]
    assert ledger(filled) == {WATCH: (1, 0, 2), STRAVA: (0, 1, 0), PHONE: (0, 0, 3)}


def test_api_forget_an_ambiguous_prefix_is_refused(filled: Store) -> None:
    other = "a1a1a1" + "0" * 58
    filled.write_source(sha256=other, path="other.fit", parsed=ParsedFile("fit"), athlete="me", size_bytes=1)
    # listed by path: garmin/watch.fit before other.fit
    with pytest.raises(ConfigError, match=r"^'a1a1a1' matches 2 files \(a1a1a1a1a1a1 garmin/watch.fit, a1a1a1000000 "
                                          r"other.fit\); give more of the sha256$"):
        api.forget(filled, "a1a1a1")
    assert counts(filled) == {**BEFORE, "sources": 4}
    # more digits name one file
    assert api.forget(filled, "a1a1a1a").sources == [WATCH_PATH]


@pytest.mark.parametrize(("ref", "error", "match"), [
    ("nothing-here", ConfigError, "no imported file or session matches 'nothing-here'"),
    ("999", StoreError, "no session with id 999"),
    ("#a1a1a1", ConfigError, "no imported file or session matches '#a1a1a1'"),  # # means a session id
])
def test_api_forget_unknown_refs_change_nothing(filled: Store, ref: str, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        api.forget(filled, ref)
    assert counts(filled) == BEFORE
