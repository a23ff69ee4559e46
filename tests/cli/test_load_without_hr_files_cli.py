"""Load without a heart-rate strap from the file to the number (issue 14): hand-made GPX and FIT runs imported with
`loadwatch import`, their loads read back with `loadwatch sessions --json`, each worked out by hand.

Profile for every test: HRmax 200, HRrest 50, male, critical speed 3.95 m/s. A GAS bin k is read at its middle,
(k + 0.5) x 0.1 m/s; points = hours x (middle / 3.95)^2 x 100; with fewer than 10 sessions that have both heart
rate and pace, 1 point = 0.6 x 0.85 x 0.64 e^(1.92 x 0.85) = 1.66924 TRIMP (the generic mapping).
Bin 30 (3.0 m/s on the flat): (3.05 / 3.95)^2 x 100 = 59.622 points an hour = 99.523 TRIMP an hour.
Bin 39 (3.0 m/s up 5 %: GAS 3.0 x C(0.05) / C(0) = 3.9043 m/s): (3.95 / 3.95)^2 x 100 = 100 points = 166.924 TRIMP.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loadwatch.cli import cli
from loadwatch.importers._intensity import ONE_DEGREE_M
from tests.helpers import fit_definition, fit_file, fit_message, fit_ts

T0 = datetime(2024, 3, 10, 7, 0, tzinfo=UTC)
K = 0.6 * 0.85 * 0.64 * math.exp(1.92 * 0.85)  # 1.66924 TRIMP per point
FLAT_HOUR = (3.05 / 3.95) ** 2 * 100 * K  # 99.523 TRIMP
PROFILE = ["--set", "hr_max_bpm=200", "--set", "hr_rest_bpm=50", "--set", "sex=male",
           "--set", "critical_speed_m_s=3.95"]


def _invoke(runner, db: Path, *args: str):
    result = runner.invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result


def _sessions(runner, db: Path, *files: Path) -> list[dict]:
    _invoke(runner, db, "profile", *PROFILE)
    _invoke(runner, db, "import", *map(str, files))
    return json.loads(_invoke(runner, db, "sessions", "--json").output)


def gpx(path: Path, *, seconds: int, grade: float = 0.0, hr_until: int | None = None, day: int = 0) -> Path:
    """A phone's run due north at 3.0 m/s, a point a second, the altitude rising `grade` m a metre; 150 bpm on the
    points before `hr_until` (a strap that died) where given."""
    start = T0 + timedelta(days=day)
    pts = []
    for k in range(seconds + 1):
        hr = ("<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>150</gpxtpx:hr></gpxtpx:TrackPointExtension>"
              "</extensions>") if hr_until is not None and k < hr_until else ""
        pts.append(f'<trkpt lat="{46.0 + k * 3.0 / ONE_DEGREE_M!r}" lon="14.0"><ele>{100 + grade * k * 3.0:.4f}</ele>'
                   f"<time>{start + timedelta(seconds=k):%Y-%m-%dT%H:%M:%SZ}</time>{hr}</trkpt>")
    path.write_bytes(('<?xml version="1.0"?><gpx version="1.1" creator="Strava"'
                      ' xmlns="http://www.topografix.com/GPX/1/1"'
                      ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"><trk>'
                      f"<type>running</type><trkseg>{''.join(pts)}</trkseg></trk></gpx>").encode())
    return path


def treadmill_fit(path: Path, *, seconds: int, speed: float = 3.0) -> Path:
    """A watch's treadmill run: records of timestamp, distance and speed, no position, no heart rate; the session
    says running / treadmill."""
    start = fit_ts(T0 + timedelta(days=2))
    body = fit_definition(0, 0, [(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84)]) + fit_message(0, "BHH", 4, 1, 3990)
    body += fit_definition(1, 20, [(253, 4, 0x86), (5, 4, 0x86), (6, 2, 0x84)])
    for k in range(seconds + 1):
        body += fit_message(1, "IIH", start + k, round(speed * k * 100), round(speed * 1000))
    body += fit_definition(2, 18, [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (8, 4, 0x86), (5, 1, 0x00),
                                   (6, 1, 0x00)])
    body += fit_message(2, "IIIIBB", start + seconds, start, seconds * 1000, seconds * 1000, 1, 1)
    path.write_bytes(fit_file(body))
    return path


def test_a_faster_run_scores_higher_and_the_same_pace_uphill_higher_than_flat(runner, db_path, tmp_path) -> None:
    flat = gpx(tmp_path / "flat.gpx", seconds=1800)
    uphill = gpx(tmp_path / "up.gpx", seconds=1800, grade=0.05, day=1)
    rows = _sessions(runner, db_path, flat, uphill)
    assert [r["load_source"] for r in rows] == ["pace", "pace"]
    # 30 min on the flat: 99.523 / 2 = 49.762 TRIMP; the same pace up 5 %: 166.924 / 2 = 83.462 TRIMP
    assert rows[0]["load"] == pytest.approx(FLAT_HOUR / 2, abs=0.01)
    assert rows[1]["load"] == pytest.approx(100 * K / 2, abs=0.01)


def test_a_treadmill_fit_without_gps_is_scored_from_its_speed(runner, db_path, tmp_path) -> None:
    rows = _sessions(runner, db_path, treadmill_fit(tmp_path / "treadmill.fit", seconds=1800))
    assert (rows[0]["sub_sport"], rows[0]["load_source"]) == ("treadmill", "pace")
    assert rows[0]["load"] == pytest.approx(FLAT_HOUR / 2, abs=0.01)  # 30 min at 3.0 m/s: 49.762 TRIMP
    # 4.0 m/s on the treadmill (bin 40, 4.05 m/s): (4.05 / 3.95)^2 x 100 / 2 x 1.66924 = 87.742 TRIMP
    faster = _sessions(runner, tmp_path / "other.sqlite", treadmill_fit(tmp_path / "fast.fit", seconds=1800, speed=4.0))
    assert faster[0]["load"] == pytest.approx((4.05 / 3.95) ** 2 * 100 / 2 * K, abs=0.01)


def test_a_strap_dying_halfway_is_heart_rate_then_pace(runner, db_path, tmp_path) -> None:
    # 1 h at 3.0 m/s; 150 bpm on the first 1,800 points. HR covers 30 of the 60 moving minutes (< 3/4):
    # TRIMP of the 30 min at HRr 100/150 = 30 x 0.6667 x 0.64 e^1.28 = 46.037, plus the pace load of the other
    # half, 99.523 / 2 = 49.762: 95.799 TRIMP
    rows = _sessions(runner, db_path, gpx(tmp_path / "strap.gpx", seconds=3600, hr_until=1800))
    assert rows[0]["load_source"] == "hr+pace"
    trimp = 30 * (100 / 150) * 0.64 * math.exp(1.92 * 100 / 150)
    assert rows[0]["load"] == pytest.approx(trimp + FLAT_HOUR / 2, abs=0.05)
    assert set(rows[0]["loads"]) == {"hr+pace", "pace", "duration"}
    assert rows[0]["loads"]["pace"] == pytest.approx(FLAT_HOUR, abs=0.05)

