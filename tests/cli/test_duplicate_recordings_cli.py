"""One run recorded twice is one session, and `forget` leaves the remaining file's values: through the CLI,
with real GPX files written in tmp_path and a real store.

The files: a watch's GPX (heart rate in Garmin's TrackPointExtension, creator "Garmin Forerunner 255") and a
phone's GPX of the same run (no heart rate, creator "Pixel 7"), started 20 s apart, 60 minutes each, the
phone's track 7 % longer. Before, they were two sessions and the week counted the run twice.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loadwatch.cli import cli

T0 = datetime(2024, 5, 6, 5, 30, tzinfo=UTC)


def gpx(creator: str, start: datetime, *, hr: int | None, step_deg: float, minutes: int = 60,
        offset: str = "+02:00") -> str:
    """A run: a point every 10 s going north by `step_deg` (0.00025 deg is ~27.8 m: ~10 km an hour)."""
    shift = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])) * (1 if offset[0] == "+" else -1)
    pts = []
    for k in range(minutes * 6 + 1):
        t = (start + shift + timedelta(seconds=10 * k)).strftime("%Y-%m-%dT%H:%M:%S") + offset
        ext = ("" if hr is None else "<extensions><gpxtpx:TrackPointExtension>"
               f"<gpxtpx:hr>{hr}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions>")
        pts.append(f'<trkpt lat="{46.0 + k * step_deg:.6f}" lon="14.0"><ele>300</ele><time>{t}</time>{ext}</trkpt>')
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<gpx version="1.1" creator="{creator}" xmlns="http://www.topografix.com/GPX/1/1"'
            ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
            f'<trk><name>Morning run</name><type>running</type><trkseg>{"".join(pts)}</trkseg></trk></gpx>')


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {
        "watch": ("watch/run.gpx", gpx("Garmin Forerunner 255", T0, hr=150, step_deg=0.00025)),
        "phone": ("phone/run.gpx", gpx("Pixel 7", T0 + timedelta(seconds=20), hr=None, step_deg=0.0002675)),
        # the same run as a broken strap recorded it (HR 205), and Strava's copy with HR 140, offset +01:00
        "broken": ("garmin/broken.gpx", gpx("Garmin Forerunner 255", T0, hr=205, step_deg=0.00025)),
        "strava": ("strava/run.gpx", gpx("StravaGPX", T0 + timedelta(seconds=5), hr=140, step_deg=0.00025,
                                          minutes=59, offset="+01:00")),
    }
    paths = {}
    for key, (rel, text) in out.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths[key] = path
    return paths


def sessions(runner, db: Path) -> list[dict[str, object]]:
    result = runner.invoke(cli, ["--db", str(db), "sessions", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        value = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    conn.close()
    return value


@pytest.mark.parametrize("order", [("phone", "watch"), ("watch", "phone")], ids=["phone-first", "watch-first"])
def test_a_watch_and_a_phone_recording_of_one_run_are_one_session_with_the_watch_values(
        runner, db_path: Path, files: dict[str, Path], order: tuple[str, str]) -> None:
    first = runner.invoke(cli, ["--db", str(db_path), "import", str(files[order[0]])])
    assert first.exit_code == 0, first.output
    second = runner.invoke(cli, ["--db", str(db_path), "import", str(files[order[1]])])
    assert second.exit_code == 0, second.output
    assert "0 new session(s)" in second.stdout and "1 duplicate(s)" in second.stdout
    other = files[order[0]].as_posix()
    assert (f"duplicate of {other}; kept the recording of {files['watch'].as_posix()} (Garmin Forerunner 255): "
            "it has heart rate") in second.stderr
    (run,) = sessions(runner, db_path)
    assert run["avg_hr"] == 150 and run["device"] == "Garmin Forerunner 255"
    assert integrity(db_path) == "ok"


def test_the_import_json_names_the_duplicate_and_the_kept_recording(runner, db_path: Path,
                                                                     files: dict[str, Path]) -> None:
    result = runner.invoke(cli, ["--db", str(db_path), "import", "--json", str(files["watch"]), str(files["phone"])])
    assert result.exit_code == 0, result.output
    by_path = {f["path"]: f for f in json.loads(result.stdout)["files"]}
    phone = by_path[str(files["phone"])]
    assert phone["status"] == "duplicate"
    (note,) = phone["notes"]
    assert note.startswith("running on 2024-05-06 07:30: duplicate of ")
    assert by_path[str(files["watch"])]["notes"] == []


def test_forgetting_the_broken_strap_file_leaves_the_strava_values(runner, db_path: Path,
                                                                   files: dict[str, Path]) -> None:
    for key in ("broken", "strava"):
        result = runner.invoke(cli, ["--db", str(db_path), "import", str(files[key])])
        assert result.exit_code == 0, result.output
    (run,) = sessions(runner, db_path)
    assert run["avg_hr"] == 205  # both have heart rate; the watch's is the longer recording
    forget = runner.invoke(cli, ["--db", str(db_path), "forget", "broken.gpx"])
    assert forget.exit_code == 0, forget.output
    assert "1 kept (also in another file)" in forget.stdout
    (run,) = sessions(runner, db_path)
    assert (run["avg_hr"], run["device"], run["utc_offset_s"]) == (140, "StravaGPX", 3600)
    assert run["duration_s"] == 59 * 60
    assert integrity(db_path) == "ok"
