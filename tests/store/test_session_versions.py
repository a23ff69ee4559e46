"""One truth per session: each file's own version of a session is kept, so the session can be rebuilt.

- `forget` removes the forgotten file's values: the same run from a watch FIT (broken strap: HR 205) and a
  Strava GPX (HR 140); forgetting the FIT must leave the GPX's HR, device and offset, not the FIT's.
- One run recorded twice is one session: a watch and a phone, starts 20 s apart, 60 min each, distances
  7 % apart, match on time overlap; the better recording's values are kept (heart rate present, then more
  heart-rate samples, then longer) whichever file came first, and the outcome says which was kept.

Every store is a real SQLite file written through `Store.write_source` (the call `import_paths` makes).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loadwatch.models import Activity, ParsedFile, WriteOutcome
from loadwatch.store import Store
from loadwatch.store.schema import MIGRATIONS

T0 = datetime(2024, 5, 6, 5, 30, tzinfo=UTC)
FIT, GPX, PHONE = "f1" * 32, "a2" * 32, "b3" * 32


def watch_run(**kw: object) -> Activity:
    """The watch's run: broken strap (HR 205), its device, local offset +02:00."""
    values: dict[str, object] = dict(sport="running", start_utc=T0, utc_offset_s=7200, duration_s=3600.0,
                                     distance_m=10_000.0, avg_hr=205.0, max_hr=231.0,
                                     hr_hist={205: 3000.0, 231: 600.0}, device="Garmin Forerunner 255", calories=900.0)
    values.update(kw)
    return Activity(**values)  # type: ignore[arg-type]


def strava_run(**kw: object) -> Activity:
    """The same run as Strava's GPX has it: 20 s later, its own HR (140, fewer samples), offset +01:00."""
    values: dict[str, object] = dict(sport="running", start_utc=T0 + timedelta(seconds=20), utc_offset_s=3600,
                                     duration_s=3590.0, distance_m=10_040.0, avg_hr=140.0, max_hr=151.0,
                                     hr_hist={140: 1200.0, 151: 300.0}, device="StravaGPX")
    values.update(kw)
    return Activity(**values)  # type: ignore[arg-type]


def put(store: Store, sha: str, path: str, *acts: Activity) -> WriteOutcome:
    return store.write_source(sha256=sha, path=path, parsed=ParsedFile("fit", list(acts)), athlete="me",
                              size_bytes=1)


def session_row(store: Store) -> dict[str, object]:
    (row,) = store.conn.execute(
        "SELECT s.start_utc, s.utc_offset_s, s.duration_s, s.distance_m, s.avg_hr, s.max_hr, s.hr_hist, s.device,"
        " s.calories, s.rpe, src.path FROM sessions s JOIN sources src ON src.sha256 = s.source_sha256").fetchall()
    keys = ("start_utc", "utc_offset_s", "duration_s", "distance_m", "avg_hr", "max_hr", "hr_hist", "device",
            "calories", "rpe", "path")
    return dict(zip(keys, row, strict=True))


def ledger(store: Store) -> dict[str, tuple[int, int]]:
    return {sha: (n, d) for sha, n, d in store.conn.execute("SELECT sha256, n_sessions, n_duplicates FROM sources")}


def integrity(store: Store) -> str:
    return str(store.conn.execute("PRAGMA integrity_check").fetchone()[0])


# -- forget removes the forgotten file's values ---------------------------------------------------------
@pytest.mark.parametrize("fit_first", [True, False], ids=["fit-first", "gpx-first"])
def test_forgetting_the_fit_leaves_the_gpx_values_not_the_fit_ones(store: Store, fit_first: bool) -> None:
    writes = [(FIT, "watch/run.fit", watch_run()), (GPX, "strava/run.gpx", strava_run())]
    for sha, path, act in writes if fit_first else writes[::-1]:
        put(store, sha, path, act)
    store.set_session_rpe(int(store.conn.execute("SELECT id FROM sessions").fetchone()[0]), 6.0)
    assert session_row(store)["avg_hr"] == 205.0  # both have HR; the watch has more HR samples: its values
    outcome = store.forget_source(FIT)
    assert (outcome.sessions_removed, outcome.sessions_kept) == (0, 1)
    row = session_row(store)
    assert row == {"start_utc": (T0 + timedelta(seconds=20)).isoformat(), "utc_offset_s": 3600, "duration_s": 3590.0,
                   "distance_m": 10_040.0, "avg_hr": 140.0, "max_hr": 151.0, "hr_hist": '{"140": 1200.0, "151": 300.0}',
                   "device": "StravaGPX", "calories": None, "rpe": 6.0, "path": "strava/run.gpx"}
    assert ledger(store) == {GPX: (1, 0)}
    assert integrity(store) == "ok"


def test_forgetting_the_owner_rebuilds_from_the_best_remaining_file(store: Store) -> None:
    put(store, FIT, "watch/run.fit", watch_run())
    put(store, PHONE, "phone/run.gpx", strava_run(avg_hr=None, max_hr=None, hr_hist={}, device="Pixel 7",
                                                  duration_s=3610.0))
    put(store, GPX, "strava/run.gpx", strava_run())
    store.forget_source(FIT)
    row = session_row(store)  # the Strava GPX has heart rate, the phone has none: the GPX's values
    assert (row["avg_hr"], row["device"], row["path"]) == (140.0, "StravaGPX", "strava/run.gpx")
    assert ledger(store) == {GPX: (1, 0), PHONE: (0, 1)}
    store.forget_source(GPX)
    row = session_row(store)
    assert (row["avg_hr"], row["hr_hist"], row["device"], row["duration_s"]) == (None, None, "Pixel 7", 3610.0)
    assert ledger(store) == {PHONE: (1, 0)}
    store.forget_source(PHONE)
    assert store.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    assert integrity(store) == "ok"


def test_forgetting_a_file_whose_version_was_not_kept_changes_nothing_of_the_session(store: Store) -> None:
    put(store, FIT, "watch/run.fit", watch_run())
    put(store, GPX, "strava/run.gpx", strava_run())
    before = session_row(store)
    store.forget_source(GPX)
    assert session_row(store) == before
    assert ledger(store) == {FIT: (1, 0)}


# -- one run recorded twice is one session -------------------------------------------------------------
def watch_recording(**kw: object) -> Activity:
    values: dict[str, object] = dict(sport="running", start_utc=T0, utc_offset_s=7200, duration_s=3600.0,
                                     distance_m=10_000.0, avg_hr=148.0, max_hr=170.0, hr_hist={148: 3600.0},
                                     device="Garmin Forerunner 255")
    values.update(kw)
    return Activity(**values)  # type: ignore[arg-type]


def phone_recording(**kw: object) -> Activity:
    """The phone: started 20 s after the watch, 60 min, 7 % more distance, no heart rate."""
    values: dict[str, object] = dict(sport="running", start_utc=T0 + timedelta(seconds=20), utc_offset_s=7200,
                                     duration_s=3600.0, distance_m=10_700.0, device="Pixel 7")
    values.update(kw)
    return Activity(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("watch_first", [True, False], ids=["watch-first", "phone-first"])
def test_a_run_recorded_by_a_watch_and_a_phone_is_one_session_with_the_watch_values(
        store: Store, watch_first: bool) -> None:
    files = [(FIT, "watch/run.fit", watch_recording()), (PHONE, "phone/run.gpx", phone_recording())]
    first, second = files if watch_first else files[::-1]
    assert put(store, *first).sessions == 1
    out = put(store, *second)
    assert (out.sessions, out.duplicates) == (0, 1)
    row = session_row(store)
    assert (row["avg_hr"], row["device"], row["distance_m"], row["path"]) == (
        148.0, "Garmin Forerunner 255", 10_000.0, "watch/run.fit")
    (note,) = out.notes
    assert f"duplicate of {first[1]}" in note
    assert "kept the recording of watch/run.fit (Garmin Forerunner 255): it has heart rate" in note
    assert ledger(store) == {FIT: (1, 0), PHONE: (0, 1)}
    assert store.conn.execute("SELECT sum(duration_s) FROM sessions").fetchone()[0] == 3600.0  # the week counts once
    assert integrity(store) == "ok"


def test_without_heart_rate_the_longer_recording_is_kept(store: Store) -> None:
    put(store, PHONE, "phone/run.gpx", phone_recording())
    out = put(store, FIT, "watch/run.fit", watch_recording(avg_hr=None, max_hr=None, hr_hist={}, duration_s=3700.0))
    assert session_row(store)["duration_s"] == 3700.0
    assert out.notes and "kept the recording of watch/run.fit (Garmin Forerunner 255): it is longer" in out.notes[0]


@pytest.mark.parametrize(("second", "why"), [
    (phone_recording(sport="cycling", distance_m=30_000.0), "a run and a ride at the same time"),
    (phone_recording(start_utc=T0 + timedelta(hours=10)), "another run the same day"),
    (phone_recording(start_utc=T0 + timedelta(minutes=65)), "a run just after the first"),
    # a recording that covers a third of the other is not interchangeable with it: keeping either one's values
    # would lose 40 minutes or the heart rate, so it stays a session of its own (intersection over union < 80 %)
    (phone_recording(start_utc=T0 + timedelta(minutes=30), duration_s=1200.0, distance_m=3_500.0),
     "a part of the run recorded separately"),
])
def test_not_duplicates(store: Store, second: Activity, why: str) -> None:
    put(store, FIT, "watch/run.fit", watch_recording())
    out = put(store, PHONE, "phone/run.gpx", second)
    assert (out.sessions, out.duplicates, out.notes) == (1, 0, ()), why


def test_an_overlap_just_over_the_threshold_is_a_duplicate_and_just_under_is_not(store: Store) -> None:
    # 60 min each: 9 min apart -> 51/69 = 0.74 of the union; 6 min apart -> 54/66 = 0.82
    put(store, FIT, "watch/run.fit", watch_recording())
    assert put(store, PHONE, "phone/a.gpx", phone_recording(start_utc=T0 + timedelta(minutes=9))).sessions == 1
    assert put(store, GPX, "phone/b.gpx", phone_recording(start_utc=T0 - timedelta(minutes=6))).duplicates == 1


# -- an older store migrates ---------------------------------------------------------------------------
def test_a_store_made_before_per_file_versions_migrates_and_keeps_its_links(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    for sha, name in ((FIT, "watch/run.fit"), (GPX, "strava/run.gpx")):
        conn.execute("INSERT INTO sources (sha256, path, imported_at, status, n_sessions) VALUES (?, ?, '2024', "
                     "'imported', 1)", (sha, name))
    conn.execute("INSERT INTO sessions (id, athlete, source_sha256, dedupe_key, sport, start_utc, start_epoch_s,"
                 " utc_offset_s, duration_s, distance_m, avg_hr, hr_hist, device) VALUES (1, 'me', ?, 'k', 'running',"
                 " ?, ?, 7200, 3600, 10000, 205, '{\"205\": 3600.0}', 'Garmin')",
                 (FIT, T0.isoformat(), T0.timestamp()))
    conn.executemany("INSERT INTO session_sources VALUES (1, ?)", [(FIT,), (GPX,)])
    conn.commit()
    conn.close()
    with Store(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert integrity(s) == "ok"
        # the owner's version is the session as stored; the other file's own version was never kept
        versions = dict(s.conn.execute("SELECT source_sha256, activity IS NOT NULL FROM session_sources"))
        assert versions == {FIT: 1, GPX: 0}
        # a file imported now is compared with the owner's version: the watch's HR run is kept
        out = put(s, PHONE, "phone/run.gpx", phone_recording())
        assert out.duplicates == 1 and session_row(s)["avg_hr"] == 205.0
        # forgetting the owner rebuilds from the one file whose version is known
        s.forget_source(FIT)
        row = session_row(s)
        assert (row["avg_hr"], row["device"], row["path"]) == (None, "Pixel 7", "phone/run.gpx")
        assert integrity(s) == "ok"
