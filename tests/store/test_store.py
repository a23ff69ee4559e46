"""The SQLite store: one transaction per source, dedupe, primary daily steps (migrations: test_schema.py)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from loadwatch.errors import StoreError
from loadwatch.models import Activity, DailySteps, ParsedFile
from loadwatch.store import Store
from tests.helpers import write

T0 = datetime(2024, 3, 30, 23, 30, tzinfo=UTC)


def run(start: datetime = T0, duration_s: float = 3600, distance_m: float | None = 10_000,
        sport: str = "running", **kw: object) -> Activity:
    return Activity(sport=sport, start_utc=start, utc_offset_s=3600, duration_s=duration_s,
                    distance_m=distance_m, **kw)  # type: ignore[arg-type]


def counts(store: Store, tag: str, *acts: Activity, steps: tuple[DailySteps, ...] = ()) -> tuple[int, int, int]:
    """Write the sessions and step days as one file `tag`: (new sessions, duplicates, step days)."""
    out = write(store, acts, steps, tag=tag)
    return out.sessions, out.duplicates, out.days


def test_a_file_that_is_not_sqlite_gives_a_store_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello, this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(bogus)


def test_same_bytes_twice_is_already_imported(store: Store) -> None:
    assert counts(store, "a", run()) == (1, 0, 0)
    again = store.write_source(sha256="a", path="x.fit", parsed=ParsedFile("fit", [run()]), athlete="me",
                               size_bytes=1)
    assert again.already_imported
    assert len(store.sessions()) == 1


def test_the_same_session_from_two_files_is_stored_once_and_linked(store: Store) -> None:
    counts(store, "watch", run())
    # the Strava copy: 20 s later start, 1 % longer, 0.8 % more distance
    assert counts(store, "strava", run(T0 + timedelta(seconds=20), 3636, 10_080)) == (0, 1, 0)
    frame = store.sessions()
    assert len(frame) == 1
    links = store.conn.execute("SELECT count(*) FROM session_sources").fetchone()[0]
    assert links == 2


def test_two_different_rides_a_minute_apart_are_two_sessions(store: Store) -> None:
    counts(store, "a", run(sport="cycling", duration_s=3600, distance_m=30_000))
    assert counts(store, "b", run(T0 + timedelta(minutes=1), sport="cycling", duration_s=1200,
                                 distance_m=8_000)) == (1, 0, 0)
    assert len(store.sessions()) == 2


def test_different_sports_at_the_same_time_are_not_merged_but_generic_matches_any(store: Store) -> None:
    counts(store, "a", run(sport="running"))
    assert counts(store, "b", run(sport="cycling")) == (1, 0, 0)
    assert counts(store, "c", run(sport="generic")) == (0, 1, 0)


def test_a_failed_write_stores_nothing_of_the_file(store: Store) -> None:
    bad = run(hr_hist={150: 10.0})
    object.__setattr__(bad, "sport", None)  # violates NOT NULL: the second INSERT fails half-way
    with pytest.raises(sqlite3.IntegrityError):
        store.write_source(sha256="x", path="x.fit", parsed=ParsedFile("fit", [run(T0 - timedelta(days=3)), bad]),
                           athlete="me", size_bytes=1)
    assert store.conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_dry_run_stores_nothing_but_reports_counts(store: Store) -> None:
    out = store.write_source(sha256="a", path="a.fit", parsed=ParsedFile("fit", [run()]), athlete="me",
                             size_bytes=1, dry_run=True)
    assert (out.sessions, out.duplicates) == (1, 0)
    assert not store.has_source("a")
    assert store.sessions().empty


def test_sessions_frame_has_local_day_and_hr_hist(store: Store) -> None:
    # 23:30 UTC on 30 March with +01:00 is 00:30 local on 31 March
    counts(store, "a", run(hr_hist={140: 30.0, 141: 12.5}, avg_hr=140.3))
    row = store.sessions().iloc[0]
    assert row["day"] == date(2024, 3, 31)
    assert row["local_start"] == datetime(2024, 3, 31, 0, 30)
    assert row["hr_hist"] == {140: 30.0, 141: 12.5}
    assert row["start_utc"].tzinfo is not None


def test_daily_steps_primary_is_the_watch_never_the_sum(store: Store) -> None:
    day = date(2024, 5, 1)
    counts(store, "phone", steps=(DailySteps(day, 6000, "iPhone", "phone"),
                                 DailySteps(day + timedelta(days=1), 4000, "iPhone", "phone")))
    counts(store, "watch", steps=(DailySteps(day, 8000, "Garmin fenix 5", "watch"),))
    frame = store.daily_steps()
    assert list(frame["steps"]) == [8000, 4000]  # watch wins day 1; the phone fills day 2
    assert list(frame["source"]) == ["Garmin fenix 5", "iPhone"]
    everything = store.daily_steps(all_sources=True)
    assert len(everything) == 3 and everything["is_primary"].sum() == 2


def test_one_device_in_several_files_counts_its_largest_total(store: Store) -> None:
    # Garmin writes several monitoring files a day with cumulative counts: never sum them
    day = date(2024, 5, 1)
    counts(store, "m1", steps=(DailySteps(day, 3000, "Garmin fenix 5", "watch"),))
    counts(store, "m2", steps=(DailySteps(day, 9000, "Garmin fenix 5", "watch"),))
    assert store.daily_steps()["steps"].tolist() == [9000]


def test_profile_round_trip_and_logs(store: Store) -> None:
    store.set_profile("me", {"hr_max_bpm": 188, "sex": "female"})
    assert store.profile("me") == {"hr_max_bpm": "188", "sex": "female"}
    store.set_profile("me", {"hr_max_bpm": None})  # None clears the key, the others stay
    assert store.profile("me") == {"sex": "female"}
    assert store.profile("other") == {}
    store.add_log("me", date(2024, 5, 2), "pain", {"where": "lower", "level": 3})
    logs = store.logs("me")
    assert logs.iloc[0]["payload"] == {"level": 3, "where": "lower"}
    assert logs.iloc[0]["day"] == date(2024, 5, 2)
