"""The demo athlete's runs without heart rate (issue 14): two phone GPX runs and a gym treadmill's FIT beside the
Garmin's 87 runs, which now carry GPS positions (an outdoor run has them; a run without any is a treadmill's).
Each of the three is scored from its pace once imported."""

from __future__ import annotations

import fitdecode
import gpxpy

from loadwatch.api import import_files
from loadwatch.store import Store
from tests.helpers import REPO

DEVICES = REPO.resolve() / "sample_data" / "devices"


def _records(path):  # type: ignore[no-untyped-def]
    with fitdecode.FitReader(str(path)) as reader:
        msgs = [f for f in reader if isinstance(f, fitdecode.FitDataMessage)]
    return msgs


def test_every_watch_run_carries_positions() -> None:
    for path in sorted((DEVICES / "garmin" / "Activity").glob("*.fit"))[::10]:
        records = [m for m in _records(path) if m.name == "record"]
        assert all(m.get_value("position_lat") is not None for m in records), path.name


def test_the_phone_runs_are_gpx_tracks_without_heart_rate() -> None:
    paths = sorted((DEVICES / "phone").glob("*.gpx"))
    assert [p.name[:10] for p in paths] == ["2026-07-10", "2026-08-19"]
    for path in paths:
        gpx = gpxpy.parse(path.read_text(encoding="utf-8"))
        (track,) = gpx.tracks
        assert track.type == "running" and gpx.creator == "OpenTracks"
        points = [p for s in track.segments for p in s.points]
        assert all(p.time is not None and p.elevation is not None for p in points)
        assert not any(p.extensions for p in points)  # no heart rate


def test_the_treadmill_run_has_speed_but_no_position_and_no_heart_rate() -> None:
    (path,) = sorted((DEVICES / "treadmill").glob("*.fit"))
    msgs = _records(path)
    records = [m for m in msgs if m.name == "record"]
    (session,) = [m for m in msgs if m.name == "session"]
    assert (session.get_value("sport"), session.get_value("sub_sport")) == ("running", "treadmill")
    assert not any(m.has_field("position_lat") or m.has_field("heart_rate") for m in records)
    # 10 min at 2.8 m/s, 4 x (3 min at 3.3 + 2 min at 2.8), 10 min at 2.8: 1680 + 4 x (594 + 336) + 1680 m
    assert session.get_value("total_distance") == 7080.0 and session.get_value("total_elapsed_time") == 2400.0


def test_imported_they_are_scored_from_their_pace(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Store(tmp_path / "s.sqlite") as store:
        import_files(store, [DEVICES / "phone", DEVICES / "treadmill"])
        frame = store.sessions()
    assert len(frame) == 3 and frame["avg_hr"].isna().all()
    treadmill = frame[frame["sub_sport"] == "treadmill"].iloc[0]
    # flat (no position): 1,200 s + 4 x 120 s at 2.8 m/s = 1,680 s in bin 28, 4 x 180 s at 3.3 m/s = 720 s in bin 33
    assert treadmill["gas_hist"] == {28: 1680.0, 33: 720.0}
    assert treadmill["best_gas_m_s"][180] == 3.3
    for hist in frame["gas_hist"]:
        assert sum(hist.values()) > 1500  # every run's moving time is in the pace bins
