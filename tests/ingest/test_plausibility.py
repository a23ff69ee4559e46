"""Plausible values, for every format (issue #12): each case through the real CLI import, on files
built here. An outlier point is dropped and counted, an impossible session or day is refused with its
reason (the rest of the file kept), a file with nothing plausible fails with one line; nothing absurd,
NaN or infinite is stored, and `status --json` stays valid JSON."""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from loadwatch import plausible
from loadwatch.cli import cli
from tests.helpers import fit_definition, fit_file, fit_message, fit_ts

WEEK_ROLLOVER = timedelta(weeks=1024)  # GPS week-number rollover: 19.6 years, 172,032 hours
T0 = datetime(2023, 5, 1, 7, 0, tzinfo=UTC)


def gpx(t0: datetime, *, n: int = 60, odd: dict[int, datetime] | None = None, hr: int = 140) -> str:
    """A run of n points 10 s apart from t0 (~20 m apart), point k's time replaced by odd[k]."""
    odd = odd or {}
    pts = "".join(
        f'<trkpt lat="{46.0 + k * 0.0002:.5f}" lon="14.0"><time>'
        f"{odd.get(k, t0 + timedelta(seconds=10 * k)):%Y-%m-%dT%H:%M:%SZ}</time><extensions>"
        f"<gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>"
        for k in range(n))
    return ('<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
            'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
            f"<trk><type>running</type><trkseg>{pts}</trkseg></trk></gpx>")


def tcx_run(t0: datetime, seconds: int, metres: float, *, avg_hr: float | None = None) -> str:
    hr = f"<AverageHeartRateBpm><Value>{avg_hr}</Value></AverageHeartRateBpm>" if avg_hr is not None else ""
    return ('<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
            'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running">'
            f"<Id>{t0:%Y-%m-%dT%H:%M:%SZ}</Id><Lap StartTime=\"{t0:%Y-%m-%dT%H:%M:%SZ}\">"
            f"<TotalTimeSeconds>{seconds}</TotalTimeSeconds><DistanceMeters>{metres}</DistanceMeters>{hr}"
            "</Lap></Activity></Activities></TrainingCenterDatabase>")


def apple_workout(start: str, end: str, *, distance_km: str = "5", active: str = 'duration="30" ') -> str:
    return (f'<Workout workoutActivityType="HKWorkoutActivityTypeRunning" {active}durationUnit="min" '
            f'totalDistance="{distance_km}" totalDistanceUnit="km" sourceName="Apple Watch" startDate="{start}" '
            f'endDate="{end}"/>')


def apple_export(*items: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n'
            '<ExportDate value="2024-06-01 10:00:00 +0200"/>\n' + "\n".join(items) + "\n</HealthData>\n")


def apple_steps(day: str, value: float) -> str:
    return (f'<Record type="HKQuantityTypeIdentifierStepCount" sourceName="Apple Watch" unit="count" '
            f'startDate="{day} 10:00:00 +0200" endDate="{day} 10:30:00 +0200" value="{value:.0f}" '
            f'device="&lt;&lt;HKDevice: 0x1&gt;, name:Apple Watch, model:Watch&gt;"/>')


def fit_many_sessions(n: int) -> bytes:
    """An activity FIT file holding n one-minute running sessions a minute apart (a made-up file)."""
    start = fit_ts(T0)
    body = fit_definition(0, 0, [(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84)]) + fit_message(0, "BHH", 4, 1, 2697)
    body += fit_definition(2, 18, [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (9, 4, 0x86), (5, 1, 0x00)])
    body += b"".join(fit_message(2, "IIIIB", start + 60 * i + 60, start + 60 * i, 60_000, 20_000, 1)
                     for i in range(n))
    return fit_file(body)


def run(runner, db: Path, *args: str):
    return runner.invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def stored(db: Path) -> tuple[list[tuple], list[tuple]]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        sessions = conn.execute("SELECT start_utc, duration_s, distance_m, avg_hr, max_hr, hr_hist FROM sessions"
                                ).fetchall()
        days = conn.execute("SELECT day, steps FROM daily_steps").fetchall()
    return sessions, days


def assert_sane(db: Path, runner) -> None:
    """Nothing absurd stored; status --json is strict JSON (no Infinity, no NaN)."""
    sessions, days = stored(db)
    for start, duration, distance, avg_hr, max_hr, hist in sessions:
        assert plausible.EARLIEST_DAY.isoformat() <= start[:10] <= (datetime.now(UTC) + timedelta(days=1)).isoformat()
        assert 0 < duration <= plausible.MAX_SESSION_S
        assert distance is None or (math.isfinite(distance) and 0 <= distance <= duration * 12.5)
        for hr in (avg_hr, max_hr, *(int(b) for b in json.loads(hist or "{}"))):
            assert hr is None or 25 <= hr <= 250
    assert all(0 <= steps <= plausible.MAX_STEPS_PER_DAY for _, steps in days)
    out = run(runner, db, "status", "--json")
    if out.exit_code == 0:
        json.loads(out.output, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))


def test_one_week_rollover_point_is_dropped_not_a_172032_hour_run(tmp_path, runner):
    path = tmp_path / "rollover.gpx"
    path.write_text(gpx(T0, odd={30: T0 + timedelta(seconds=300) - WEEK_ROLLOVER}))
    db = tmp_path / "s.sqlite"
    out = run(runner, db, "import", str(path))
    assert out.exit_code == 0, out.output
    assert "dropped 1 point with an impossible time" in out.output
    (session,), _ = stored(db)
    assert session[1] == 590.0  # 59 intervals of 10 s: the run as recorded, not 172,032 hours
    assert_sane(db, runner)


def test_runs_dated_1970_and_2100_are_refused_the_rest_imported(tmp_path, runner):
    (tmp_path / "ok.gpx").write_text(gpx(T0))
    (tmp_path / "old.gpx").write_text(gpx(datetime(1970, 1, 1, 7, tzinfo=UTC)))
    (tmp_path / "future.gpx").write_text(gpx(datetime(2100, 1, 1, 7, tzinfo=UTC)))
    db = tmp_path / "s.sqlite"
    out = run(runner, db, "import", str(tmp_path))
    assert out.exit_code == 3, out.output
    assert "dated 1970-01-01, before 2000" in out.output
    assert "dated 2100-01-01, in the future" in out.output
    assert "Traceback" not in out.output
    sessions, _ = stored(db)
    assert [s[0][:10] for s in sessions] == ["2023-05-01"]
    assert_sane(db, runner)


def test_avg_hr_of_a_million_is_dropped_and_the_session_kept(tmp_path, runner):
    path = tmp_path / "hr.tcx"
    path.write_text(tcx_run(T0, 3600, 10_000, avg_hr=1_000_000))
    db = tmp_path / "s.sqlite"
    out = run(runner, db, "import", str(path))
    assert out.exit_code == 0, out.output
    assert "a heart rate of 1,000,000 bpm is impossible (25-250): stored without heart rate" in out.output
    ((_, duration, distance, avg_hr, max_hr, _),), _ = stored(db)
    assert (duration, distance, avg_hr, max_hr) == (3600.0, 10_000.0, None, None)
    assert_sane(db, runner)


def test_a_million_km_run_is_refused_with_its_reason(tmp_path, runner):
    (tmp_path / "far.tcx").write_text(tcx_run(T0, 3600, 1e9))
    (tmp_path / "ok.gpx").write_text(gpx(T0 + timedelta(days=1)))
    db = tmp_path / "s.sqlite"
    out = run(runner, db, "import", str(tmp_path))
    assert out.exit_code == 3, out.output
    assert "faster than any running (12.5 m/s)" in out.output and "far.tcx" in out.output
    assert len(stored(db)[0]) == 1
    assert_sane(db, runner)


def test_apple_negative_duration_and_inf_distance_refused_nan_distance_dropped(tmp_path, runner):
    path = tmp_path / "export.xml"
    path.write_text(apple_export(
        apple_workout("2024-05-01 07:00:00 +0200", "2024-05-01 06:00:00 +0200", active=""),  # ends before it starts
        apple_workout("2024-05-02 07:00:00 +0200", "2024-05-02 07:30:00 +0200", distance_km="inf"),
        apple_workout("2024-05-03 07:00:00 +0200", "2024-05-03 07:30:00 +0200", distance_km="nan"),
        apple_workout("2024-05-04 07:00:00 +0200", "2024-05-04 07:30:00 +0200"),
        apple_steps("2024-05-04", 8000), apple_steps("2024-05-05", 4_000_000_000),
    ))
    db = tmp_path / "s.sqlite"
    out = run(runner, db, "import", str(path))
    assert out.exit_code == 0, out.output
    assert "lasts more than 0 s" in out.output
    assert "its distance is inf m" in out.output
    assert "distance nan is impossible: left out" in out.output
    assert "4,000,000,000 steps in a day" in out.output
    sessions, days = stored(db)
    assert sorted(s[0][:10] for s in sessions) == ["2024-05-03", "2024-05-04"]
    assert days == [("2024-05-04", 8000)]
    assert_sane(db, runner)


def test_a_small_fit_with_100000_sessions_fails_with_one_line(tmp_path, runner):
    path = tmp_path / "many.fit"
    path.write_bytes(fit_many_sessions(100_000))
    (tmp_path / "ok.gpx").write_text(gpx(T0))
    db = tmp_path / "s.sqlite"
    out = run(runner, db, "import", str(tmp_path))
    assert out.exit_code == 3, out.output
    assert "holds 100,000 sessions, and one FIT recording holds at most 100" in out.output
    assert len(stored(db)[0]) == 1
    assert_sane(db, runner)
    again = run(runner, db, "import", str(path))  # refused, not remembered: the same line again
    assert again.exit_code == 1 and "holds 100,000 sessions" in again.output


def test_a_file_with_nothing_plausible_fails_with_one_line(tmp_path, runner):
    path = tmp_path / "old.gpx"
    path.write_text(gpx(datetime(1999, 12, 31, 7, tzinfo=UTC)))
    db = tmp_path / "s.sqlite"
    out = run(runner, db, "import", str(path))
    assert out.exit_code == 1
    assert "nothing plausible in it" in out.output and "before 2000" in out.output
    assert stored(db) == ([], [])


def test_impossible_hr_samples_are_dropped_and_counted(tmp_path, runner):
    text = gpx(T0, hr=150).replace("<gpxtpx:hr>150</gpxtpx:hr>", "<gpxtpx:hr>255</gpxtpx:hr>", 2)
    path = tmp_path / "strap.gpx"
    path.write_text(text)
    db = tmp_path / "s.sqlite"
    out = run(runner, db, "import", str(path))
    assert out.exit_code == 0 and "dropped 2 points with an impossible heart rate" in out.output
    ((_, _, _, avg_hr, max_hr, _),), _ = stored(db)
    assert avg_hr == 150.0 and max_hr == 150.0
    assert_sane(db, runner)


def test_logs_before_2000_are_refused(tmp_path, runner):
    db = tmp_path / "s.sqlite"
    out = run(runner, db, "log", "pain", "--date", "1970-01-01", "--where", "lower", "--level", "3")
    assert out.exit_code == 1 and "before 2000-01-01" in out.output


def test_the_store_refuses_what_the_gate_would(store):
    from loadwatch.errors import StoreError
    from loadwatch.models import Activity, ParsedFile

    bad = Activity(sport="running", start_utc=T0, utc_offset_s=0, duration_s=3600, distance_m=float("inf"))
    try:
        store.write_source(sha256="x", path="x", parsed=ParsedFile("test", [bad]), athlete="me", size_bytes=1)
    except StoreError as err:
        assert "inf" in str(err)
    else:
        raise AssertionError("stored an infinite distance")
    assert store.sessions().empty and store.sources().empty
