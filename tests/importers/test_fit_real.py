"""The FIT importer on 32 real files: a differential test against fitdecode on every file, the
fast path against the fitdecode fallback, hand-checked facts from tests/data/SOURCES.md, and the CRC
against the FIT SDK algorithm (the import of real files into a store: tests/ingest/test_import_paths.py)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import fitdecode
import pytest

from loadwatch.importers import fit
from loadwatch.importers.fit import decode as fit_decode
from loadwatch.importers.fit import fallback as fit_fallback
from tests.helpers import DATA

FIT_DIR = DATA / "fit"
FILES = sorted(p.name for p in FIT_DIR.glob("*.fit"))
SKIPPED = {"Settings2.fit": "a settings file", "FitFileParser_2023-01-13_heartratef.fit": "a workout file"}


def reference(data: bytes) -> dict[str, object]:
    """What fitdecode (the independent decoder) says: sessions, record and data-message counts."""
    sessions, n_records, n_messages, file_type = [], 0, 0, None
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.DISABLED) as reader:
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            n_messages += 1
            if frame.name == "record":
                n_records += 1
            elif frame.name == "file_id" and file_type is None:
                file_type = frame.get_value("type", fallback=None)
            elif frame.name == "session":
                sessions.append({k: frame.get_value(k, fallback=None) for k in (
                    "sport", "start_time", "total_distance", "total_elapsed_time", "total_timer_time")})
    return {"sessions": sessions, "records": n_records, "messages": n_messages, "type": file_type}


@pytest.mark.parametrize("name", FILES)
def test_fast_path_agrees_with_fitdecode(name: str) -> None:
    data = (FIT_DIR / name).read_bytes()
    ref = reference(data)
    collected = fit_decode.decode(data, fit_decode.split(data), strict=True)
    assert collected.decoder == "fast"
    assert collected.n_messages == ref["messages"]
    assert len(collected.rec_ts) == ref["records"]
    parsed = fit.read_bytes(data, name=name, strict=True)  # every real file passes its CRC checks
    assert parsed.n_records == ref["messages"]
    assert not parsed.recovered
    if name in SKIPPED:
        assert parsed.skip_reason == f"{SKIPPED[name]}, not an activity: skipped"
        assert not parsed.activities
        return
    assert parsed.skip_reason is None
    sessions = ref["sessions"]
    assert len(parsed.activities) == len(sessions)
    for act, s in zip(parsed.activities, sessions, strict=True):
        assert act.sport == (s["sport"] if isinstance(s["sport"], str) else f"sport_{s['sport']}")
        if isinstance(s["start_time"], datetime):  # not device system time (see compressed-speed-distance)
            assert act.start_utc == s["start_time"]
        assert act.duration_s == pytest.approx(s["total_elapsed_time"], abs=1e-3)
        assert act.moving_s == pytest.approx(s["total_timer_time"], abs=1e-3)
        if s["total_distance"] is None:
            assert act.distance_m is None
        else:
            assert act.distance_m == pytest.approx(s["total_distance"], abs=0.01)
        if act.hr_hist:  # the histogram never counts more time than the session lasted
            assert sum(act.hr_hist.values()) <= act.duration_s + 1


@pytest.mark.parametrize("name", [n for n in FILES if (FIT_DIR / n).stat().st_size < 100_000])
def test_fast_path_and_fitdecode_fallback_collect_the_same(name: str) -> None:
    data = (FIT_DIR / name).read_bytes()
    layout = fit_decode.split(data)
    fast = fit_decode.decode(data, layout, strict=True)
    slow = fit_fallback.decode(data, layout, strict=True)
    assert slow.decoder == "fitdecode"
    for attr in ("file_type", "file_id", "creator", "sessions", "laps", "activity", "n_messages", "n_headers",
                 "timer_start", "rec_ts", "rec_hr"):
        assert getattr(fast, attr) == getattr(slow, attr), attr


def test_hand_checked_facts() -> None:
    def read(name: str):
        return fit.read_bytes((FIT_DIR / name).read_bytes(), name=name)

    multi = read("activity-large-fenxi2-multisport.fit")
    assert [a.sport for a in multi.activities] == ["generic", "transition", "running", "transition", "running",
                                                   "transition", "cycling"]
    assert {a.utc_offset_s for a in multi.activities} == {7200}  # local_timestamp 16:06:12 - timestamp 14:06:12
    tri = read("triathlon_summary_first.fit")  # sessions come before the records in this file
    assert [a.sport for a in tri.activities] == ["swimming", "transition", "cycling", "transition", "running"]
    assert tri.activities[0].sub_sport == "open_water"
    assert tri.activities[4].hr_hist  # records after the summaries still fill each session's histogram
    chained = fit_decode.decode(data := (FIT_DIR / "event_timestamp.fit").read_bytes(), fit_decode.split(data),
                                strict=True)
    assert chained.n_headers == 5  # five FIT files back to back
    swim = read("event_timestamp.fit").activities
    assert [(a.sport, a.sub_sport) for a in swim] == [("swimming", "lap_swimming")]
    big = read("big_activity.fit")
    assert big.n_records == 100_002 and big.activities[0].duration_s == 30877.0  # 99,998 records, 8.6 h
    run = read("garmin-fenix-5-run.fit").activities[0]
    assert run.device == "Garmin fenix 5" and run.utc_offset_s == -7 * 3600  # Pacific daylight time
    # compressed timestamp headers, and a device clock that was never set (FIT "system time"):
    # activity.local_timestamp 2012-02-13 12:21:03 at system time 17221751; the session started at
    # 17217864, 3887 s earlier -> 11:16:16 on the watch's clock; 2531 strides x 2 = 5062 x 2 steps
    fr70 = read("compressed-speed-distance.fit")
    (a,) = fr70.activities
    assert a.start_utc == datetime(2012, 2, 13, 11, 16, 16, tzinfo=UTC) and a.utc_offset_s == 0
    assert a.steps == 5062 * 2 and a.avg_hr == 170.0
    assert any("clock was not set" in w for w in fr70.warnings)
    old = read("2013-02-06-12-11-14.fit")  # no activity.local_timestamp in this Forerunner 110 file
    assert old.activities[0].utc_offset_s == 0
    assert "no local time in the file; times shown as UTC" in old.warnings


def sdk_crc16(data: bytes) -> int:
    """FIT SDK FitCRC_Get16, nibble by nibble, exactly as the SDK's C code."""
    table = [0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
             0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400]
    crc = 0
    for byte in data:
        tmp = table[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[byte & 0xF]
        tmp = table[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[(byte >> 4) & 0xF]
    return crc


@pytest.mark.parametrize("name", ["garmin-fenix-5-walk.fit", "2015-10-13-08-43-15.fit", "hrv-activity.fit"])
def test_crc_is_the_fit_sdk_crc(name: str) -> None:
    data = (FIT_DIR / name).read_bytes()
    end = data[0] + int.from_bytes(data[4:8], "little")
    assert fit_decode.crc16(data[:end]) == sdk_crc16(data[:end]) == int.from_bytes(data[end:end + 2], "little")
