"""The bundled demo athlete (sample_data/): reproducible, decodable by two FIT libraries, and it
holds the story the README promises (ramp week, spike run, DST, watch + phone steps, logs)."""

from __future__ import annotations

import hashlib
import itertools
import json
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import defusedxml.ElementTree as DET
import fitdecode
import fitparse
import pytest

from loadwatch.api import import_files
from tests.helpers import REPO

SAMPLE = REPO.resolve() / "sample_data"
DEVICES = SAMPLE / "devices"
FIRST_DAY, LAST_DAY = date(2026, 6, 29), date(2026, 11, 15)
WATCH_OFF = {date(2026, 7, 10), date(2026, 8, 18), date(2026, 8, 19), date(2026, 8, 20),
             date(2026, 9, 4), date(2026, 10, 16)}
N_RUNS = 87  # the Garmin's runs (devices/garmin/Activity); 3 more without heart rate (issue 14):
N_NO_HR = 3  # 2 phone GPX (devices/phone) and 1 treadmill FIT (devices/treadmill), each its own session

def _files(root: Path) -> dict[str, str]:
    """{relative path: sha256} of the generated files (devices/ and logs.json)."""
    paths = [*sorted((root / "devices").rglob("*")), root / "logs.json"]
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


@dataclass
class Run:
    file: str
    local_start: datetime  # naive wall clock
    offset_s: int
    session: dict[str, object]
    records: list[dict[str, object]]


@dataclass
class Decoded:
    runs: list[Run] = field(default_factory=list)
    watch_steps: dict[date, dict[str, int]] = field(default_factory=dict)  # day -> activity type -> steps
    monitor_offsets: dict[date, int] = field(default_factory=dict)
    timestamp_16: int = 0


def _messages(path: Path) -> list[fitdecode.FitDataMessage]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any fitdecode warning fails the test
        with fitdecode.FitReader(str(path), check_crc=fitdecode.CrcCheck.RAISE) as reader:
            return [f for f in reader if isinstance(f, fitdecode.FitDataMessage)]


def _values(msg: fitdecode.FitDataMessage) -> dict[str, object]:
    return {f.name: f.value for f in msg.fields}


@pytest.fixture(scope="module")
def decoded() -> Decoded:
    """Every FIT file of the demo decoded once with fitdecode (CRC checked, warnings are errors)."""
    out = Decoded()
    for path in sorted((DEVICES / "garmin" / "Activity").glob("*.fit")):
        msgs = _messages(path)
        file_id = _values(next(m for m in msgs if m.name == "file_id"))
        assert (file_id["type"], file_id["manufacturer"], file_id["garmin_product"]) == ("activity", "garmin", "fr255")
        assert any(m.name == "device_info" for m in msgs)
        (session,) = [_values(m) for m in msgs if m.name == "session"]
        (activity,) = [_values(m) for m in msgs if m.name == "activity"]
        offset = round((activity["local_timestamp"] - activity["timestamp"]).total_seconds())
        local = (session["start_time"] + timedelta(seconds=offset)).replace(tzinfo=None)
        records = [_values(m) for m in msgs if m.name == "record"]
        out.runs.append(Run(path.name, local, offset, session, records))
    for path in sorted((DEVICES / "garmin" / "Monitor").glob("*.fit")):
        msgs = _messages(path)
        assert _values(msgs[0])["type"] == "monitoring_b"
        info = _values(next(m for m in msgs if m.name == "monitoring_info"))
        day = info["local_timestamp"].date()
        out.monitor_offsets[day] = round((info["local_timestamp"] - info["timestamp"]).total_seconds())
        steps: dict[str, int] = defaultdict(int)
        for m in msgs:
            if m.name != "monitoring":
                continue
            v = _values(m)
            if "timestamp_16" in v:
                out.timestamp_16 += 1
            if "steps" in v:
                kind = v["activity_type"]
                assert v["steps"] >= steps[kind], f"{path.name}: cumulative steps went down"
                steps[kind] = v["steps"]
        out.watch_steps[day] = dict(steps)
    return out


def test_generator_is_deterministic_and_the_committed_files_are_its_output(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(SAMPLE / "make_demo.py"), "--out", str(tmp_path)],
                          capture_output=True, text=True, check=True, timeout=120)
    summary = json.loads(done.stdout)
    assert (summary["runs"], summary["runs_without_hr"]) == (N_RUNS, N_NO_HR)
    assert _files(tmp_path) == _files(SAMPLE)
    assert not list(SAMPLE.rglob("__pycache__")), "the demo folder must hold only importable data and scripts"


def test_small_enough_to_ship() -> None:
    total = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert total < 5 * 2**20


def test_every_fit_file_decodes_with_fitdecode(decoded: Decoded) -> None:
    assert len(decoded.runs) == N_RUNS
    # 140 days (20 weeks) minus the 6 days the watch was on the charger
    assert len(decoded.watch_steps) == 140 - len(WATCH_OFF)
    assert decoded.timestamp_16 > 0


def test_fitparse_reads_the_same_sessions() -> None:
    paths = sorted((DEVICES / "garmin" / "Activity").glob("*.fit"))[::8]
    paths += [DEVICES / "garmin" / "Monitor" / "2026-10-25.fit"]
    for path in paths:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fit = fitparse.FitFile(str(path), check_crc=True)
            messages = list(fit.get_messages())
        names = {m.name for m in messages}
        assert "file_id" in names
        if "session" in names:
            (session,) = [m for m in messages if m.name == "session"]
            ours = _values(next(m for m in _messages(path) if m.name == "session"))
            assert session.get_value("total_distance") == ours["total_distance"]
            assert session.get_value("total_timer_time") == ours["total_timer_time"]


def test_twenty_weeks_of_three_to_five_runs_ending_sunday(decoded: Decoded) -> None:
    days = sorted(r.local_start.date() for r in decoded.runs)
    assert days[0] >= FIRST_DAY and days[-1] == LAST_DAY and LAST_DAY.weekday() == 6
    per_week: dict[date, int] = defaultdict(int)
    for d in days:
        per_week[d - timedelta(days=d.weekday())] += 1
    assert len(per_week) == 20
    assert all(3 <= n <= 5 for n in per_week.values())
    assert min(decoded.watch_steps) == FIRST_DAY and max(decoded.watch_steps) == LAST_DAY
    for r in decoded.runs:  # session fields the importers rely on
        s = r.session
        assert s["sport"] == "running"
        assert s["total_elapsed_time"] >= s["total_timer_time"] > 0
        assert s["total_strides"] > 0 and s["total_calories"] > 0 and s["total_ascent"] >= 0
        assert {"heart_rate", "distance", "cadence", "speed", "timestamp"} <= set(r.records[-1])
        assert r.records[-1]["distance"] == s["total_distance"]


def _weekly_km(decoded: Decoded) -> dict[date, float]:
    weeks: dict[date, float] = defaultdict(float)
    for r in decoded.runs:
        d = r.local_start.date()
        weeks[d - timedelta(days=d.weekday())] += r.session["total_distance"] / 1000
    return dict(sorted(weeks.items()))


def test_one_week_ramps_more_than_30_percent(decoded: Decoded) -> None:
    weeks = _weekly_km(decoded)
    starts = list(weeks)
    ramps = {w: weeks[w] / weeks[p] - 1 for p, w in itertools.pairwise(starts)}
    big = {w: r for w, r in ramps.items() if r > 0.30}
    # 8.0 + 10.0 + 8.0 + 6.0 + 15.0 = 47.0 km after 6.5 + 7.5 + 6.0 + 14.0 = 34.0 km: 47/34 - 1 = 0.382
    assert list(big) == [date(2026, 10, 26)]
    assert weeks[date(2026, 10, 26)] == pytest.approx(47.0)
    assert weeks[date(2026, 10, 19)] == pytest.approx(34.0)
    assert big[date(2026, 10, 26)] == pytest.approx(13 / 34)


def test_one_long_run_spikes_more_than_30_percent_over_the_30_day_longest(decoded: Decoded) -> None:
    runs = sorted(decoded.runs, key=lambda r: r.local_start)
    spikes = {}
    for r in runs:
        prior = [p.session["total_distance"] for p in runs
                 if r.local_start - timedelta(days=30) <= p.local_start < r.local_start]
        if prior:
            spikes[r.local_start.date()] = (r.session["total_distance"], max(prior))
    over = {d: v for d, v in spikes.items() if v[0] / v[1] - 1 > 0.30}
    # 21.0 km on Sunday 2026-11-08; the longest of the 30 days before: 15.0 km on 2026-11-01 -> +40 %
    assert over == {date(2026, 11, 8): (21000.0, 15000.0)}
    small = [d for d, (dist, longest) in spikes.items() if dist / longest - 1 > 0.10]
    assert small == [date(2026, 11, 8)]  # no other run is even a "small" spike


def test_local_offsets_cross_the_end_of_summer_time(decoded: Decoded) -> None:
    # Europe/Berlin: CEST (+02:00) until Sunday 2026-10-25 03:00, then CET (+01:00)
    for r in decoded.runs:
        assert r.offset_s == (7200 if r.local_start.date() < date(2026, 10, 25) else 3600), r.file
    assert decoded.monitor_offsets[date(2026, 10, 25)] == 7200  # its midnight was still summer time
    assert decoded.monitor_offsets[date(2026, 10, 26)] == 3600
    assert decoded.monitor_offsets[FIRST_DAY] == 7200


def test_heart_rate_is_believable(decoded: Decoded) -> None:
    for r in decoded.runs:
        s = r.session
        assert 52 < s["avg_heart_rate"] < s["max_heart_rate"] <= 186
        if r.local_start.weekday() == 6 and s["total_distance"] >= 12000:  # long runs drift upward
            hrs = [rec["heart_rate"] for rec in r.records]
            first, second = hrs[len(hrs) // 10: len(hrs) // 2], hrs[len(hrs) // 2:]
            assert sum(second) / len(second) > sum(first) / len(first) + 3, r.file
        elif s["total_distance"] <= 7000 and r.local_start.weekday() != 3:  # easy runs
            assert 135 <= s["avg_heart_rate"] <= 150, r.file


def test_watch_steps_count_the_runs_and_look_like_a_person(decoded: Decoded) -> None:
    by_day = {r.local_start.date(): r for r in decoded.runs}
    for day, run in by_day.items():
        if day in decoded.watch_steps:  # the watch's running steps are the run's strides x 2
            assert decoded.watch_steps[day].get("running") == 2 * run.session["total_strides"]
    totals = [sum(v.values()) for v in decoded.watch_steps.values()]
    assert 7000 <= sum(totals) / len(totals) <= 9000
    assert sum(t < 3000 for t in totals) >= 5  # some low days


def _step_records() -> list[ET.Element]:
    root = ET.parse(DEVICES / "apple_health_export" / "export.xml").getroot()
    assert root.tag == "HealthData" and root.get("locale") == "de_DE"
    assert root.find("ExportDate") is not None and root.find("Me") is not None
    return [r for r in root.iter("Record") if r.get("type") == "HKQuantityTypeIdentifierStepCount"]


def test_apple_export_parses_and_overlaps_the_watch_days(decoded: Decoded) -> None:
    text = (DEVICES / "apple_health_export" / "export.xml").read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [')
    DET.fromstring(text.encode())  # defusedxml's defaults accept Apple's internal DTD (no entities)
    rows = _step_records()
    sources = {r.get("sourceName") for r in rows}
    assert sources == {"Demo's iPhone", "Demo's Apple Watch"}
    days: dict[str, set[date]] = defaultdict(set)
    offsets = set()
    for r in rows:
        start = datetime.strptime(r.get("startDate"), "%Y-%m-%d %H:%M:%S %z")
        end = datetime.strptime(r.get("endDate"), "%Y-%m-%d %H:%M:%S %z")
        assert start <= end and int(r.get("value")) > 0
        offsets.add(r.get("startDate")[-5:])
        days[r.get("sourceName")].add(start.date())
    assert offsets == {"+0200", "+0100"}
    phone = days["Demo's iPhone"]
    assert phone == {FIRST_DAY + timedelta(days=i) for i in range(140)}
    assert phone - set(decoded.watch_steps) == WATCH_OFF  # the phone fills the days the watch was off
    assert days["Demo's Apple Watch"] == {date(2026, 8, 18), date(2026, 8, 19)}


def test_logs_follow_the_documented_schema(decoded: Decoded) -> None:
    logs = json.loads((SAMPLE / "logs.json").read_text(encoding="utf-8"))
    run_days = {r.local_start.date() for r in decoded.runs}
    kinds: dict[str, list[dict[str, object]]] = defaultdict(list)
    for entry in logs:
        day = date.fromisoformat(entry["day"])
        assert FIRST_DAY <= day <= LAST_DAY
        kinds[entry["kind"]].append(entry)
        if entry["kind"] == "rpe":
            assert day in run_days and 0 <= entry["rpe"] <= 10
        elif entry["kind"] == "strength":
            assert day not in run_days and entry["sets"] == 3 and 8 <= entry["reps"] <= 12
            assert isinstance(entry["pain_free"], bool)
        else:
            assert entry["kind"] == "pain"
            assert set(entry) == {"kind", "day", "where", "level", "radiates", "numbness"}
    assert {"Superman", "Beetle (dead bug)", "Single-leg balance & reach", "High-plank leg lifts"} == {
        e["exercise"] for e in kinds["strength"]}
    pain = kinds["pain"]
    assert [p["day"] for p in pain] == ["2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12"]
    assert all(p["level"] in (3, 4) and not p["radiates"] and not p["numbness"] for p in pain)
    assert {"day": "2026-11-08", "kind": "rpe", "rpe": 8} in kinds["rpe"]


def test_the_whole_demo_imports(store, decoded: Decoded) -> None:
    result = import_files(store, [DEVICES])
    assert result.failed == 0 and result.imported == N_RUNS + len(decoded.watch_steps) + 1 + N_NO_HR
    sessions = store.sessions("me")
    assert len(sessions) == N_RUNS + N_NO_HR
    assert sessions["distance_m"].max() == 21000.0
    primary = store.daily_steps("me")
    assert len(primary) == 140
    garmin = primary[primary["device_kind"].eq("watch") & primary["source"].str.contains("Garmin")]
    assert set(garmin["day"]) == set(decoded.watch_steps)  # the watch wins every day it was worn
    for day, steps in zip(garmin["day"], garmin["steps"], strict=True):
        assert steps == sum(decoded.watch_steps[day].values()), day  # DST days too: see the next test
    assert not set(primary["day"]) - set(garmin["day"]) - WATCH_OFF


DST_DAYS = (date(2026, 10, 25), date(2026, 10, 26))


def test_the_25_hour_day_keeps_its_last_hour(store, decoded: Decoded) -> None:
    import_files(store, [DEVICES / "garmin" / "Monitor" / f"{d}.fit" for d in DST_DAYS])
    steps = store.daily_steps("me").set_index("day")["steps"]
    # the watch's cumulative counters reset at local midnight: 10-25 walking 5,362 + running 13,488
    assert steps[DST_DAYS[0]] == sum(decoded.watch_steps[DST_DAYS[0]].values()) == 18850
    assert steps[DST_DAYS[1]] == sum(decoded.watch_steps[DST_DAYS[1]].values()) == 5103
