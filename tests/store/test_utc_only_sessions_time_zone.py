"""GPX and TCX carry UTC only (issue 13): the profile's IANA time zone, or else the offset of the athlete's nearest
FIT/Apple session, puts a 00:30 local run on its local day; applied when the store is read, so a profile change
re-days old GPX sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from loadwatch import api
from loadwatch.errors import ConfigError
from loadwatch.store import Store
from tests.helpers import run_on, write


def _gpx(path: Path, start_utc: datetime) -> Path:
    """A 20-minute GPX run (120 points, 10 s apart) whose times are UTC ("Z"), as Strava writes them."""
    pts = "".join(
        f'<trkpt lat="{46.05 + k * 0.0002:.5f}" lon="14.50000"><ele>300</ele>'
        f"<time>{(start_utc + timedelta(seconds=10 * k)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time></trkpt>"
        for k in range(120)
    )
    path.write_text('<?xml version="1.0"?><gpx version="1.1" creator="loadwatch-test" '
                    'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>night run</name><type>running</type>'
                    f"<trkseg>{pts}</trkseg></trk></gpx>")
    return path


def _gpx_session(store: Store):
    rows = [r for r in api.sessions(store, "me") if r.source.endswith(".gpx")]
    assert len(rows) == 1
    return rows[0]


def test_a_half_past_midnight_gpx_run_lands_on_its_local_day_with_the_profile_time_zone(store: Store,
                                                                                          tmp_path: Path) -> None:
    # 00:30 on Thu 2 July 2026 in Ljubljana (CEST, UTC+2) is 22:30 UTC on Wed 1 July
    _gpx(tmp_path / "night.gpx", datetime(2026, 7, 1, 22, 30, tzinfo=UTC))
    assert api.import_files(store, [tmp_path / "night.gpx"]).imported == 1
    row = _gpx_session(store)  # no time zone, no FIT: the UTC day, and a note says so
    assert (row.local_start.date(), row.utc_offset_s, row.offset_from) == (date(2026, 7, 1), 0, "utc")
    status = api.status(store, "me", as_of=date(2026, 7, 5))
    assert any("carry UTC times only and no file gives your offset" in n.text for n in status.notes)
    api.set_profile(store, "me", ["time_zone=Europe/Ljubljana"])
    row = _gpx_session(store)  # read again: the same stored row, now on its local day
    assert (row.local_start, row.utc_offset_s, row.offset_from) == (datetime(2026, 7, 2, 0, 30), 7200, "profile")
    assert row.as_json()["offset_from"] == "profile"
    status = api.status(store, "me", as_of=date(2026, 7, 5))
    assert status.sessions["day"].tolist() == [date(2026, 7, 2)]
    assert status.daily.loc["2026-07-02", "runs"] == 1 and status.daily.loc["2026-07-01", "runs"] == 0


def test_the_zone_follows_daylight_saving(store: Store, tmp_path: Path) -> None:
    # 00:30 on Fri 2 January 2026 in Ljubljana is CET, UTC+1: 23:30 UTC on 1 January
    _gpx(tmp_path / "winter.gpx", datetime(2026, 1, 1, 23, 30, tzinfo=UTC))
    api.import_files(store, [tmp_path / "winter.gpx"])
    api.set_profile(store, "me", ["time_zone=Europe/Ljubljana"])
    row = _gpx_session(store)
    assert (row.local_start, row.utc_offset_s) == (datetime(2026, 1, 2, 0, 30), 3600)


def test_without_a_time_zone_the_nearest_fit_offset_is_used_and_said(store: Store, tmp_path: Path) -> None:
    # a watch run on 28 June stored +02:00 (a FIT file's local offset); the GPX of 1 July 22:30 UTC takes it:
    # 00:30 on 2 July, inferred, and the status says so
    write(store, [run_on(date(2026, 6, 28), km=8, offset_h=2)])
    _gpx(tmp_path / "night.gpx", datetime(2026, 7, 1, 22, 30, tzinfo=UTC))
    api.import_files(store, [tmp_path / "night.gpx"])
    row = _gpx_session(store)
    assert (row.local_start, row.utc_offset_s, row.offset_from) == (datetime(2026, 7, 2, 0, 30), 7200, "nearest")
    status = api.status(store, "me", as_of=date(2026, 7, 5))
    assert any("UTC offset of your nearest FIT or Apple Health session" in n.text for n in status.notes)


def test_a_time_zone_must_be_an_iana_name(store: Store) -> None:
    with pytest.raises(ConfigError, match="time_zone: 'Mars/Olympus' is not valid"):
        api.set_profile(store, "me", ["time_zone=Mars/Olympus"])
    assert api.profile(store, "me").profile.time_zone is None
