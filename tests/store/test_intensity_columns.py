"""Migration 3 (issue 14): a session's intensity without heart rate (seconds per grade-adjusted-speed and power
bin, best efforts), the file's own perceived effort, and the resting heart rate per day are stored, read back
as dicts and floats in the sessions frame, kept per file, and forgotten with their file."""

from __future__ import annotations

import math
from datetime import date

from loadwatch.models import ParsedFile, RestingHr
from loadwatch.store import Store
from tests.helpers import run_on, write

RUN = run_on(date(2024, 3, 5), 10, 60)


def _run(**values: object):
    from dataclasses import replace

    return replace(RUN, **values)  # type: ignore[arg-type]


def test_intensity_and_device_rpe_round_trip_through_the_sessions_frame(store: Store) -> None:
    act = _run(gas_hist={33: 1800.0, 34: 1200.5}, power_hist={50: 3000.0}, best_gas_m_s={60: 3.45, 600: 3.38},
               best_power_w={60: 262.0}, device_rpe=6.0)
    write(store, [act])
    row = store.sessions().iloc[0]
    assert row["gas_hist"] == {33: 1800.0, 34: 1200.5}
    assert row["power_hist"] == {50: 3000.0}
    assert row["best_gas_m_s"] == {60: 3.45, 600: 3.38}
    assert row["best_power_w"] == {60: 262.0}
    assert row["device_rpe"] == 6.0


def test_a_session_without_them_reads_empty_dicts_and_nan(store: Store) -> None:
    write(store, [RUN])
    row = store.sessions().iloc[0]
    assert row["gas_hist"] == {} and row["power_hist"] == {} and row["best_gas_m_s"] == {}
    assert row["best_power_w"] == {}
    assert math.isnan(row["device_rpe"])


def test_the_kept_recording_brings_its_own_intensity(store: Store) -> None:
    """Two files of one run: a phone GPX (no HR, pace bins) then the watch FIT (HR, its own pace bins). The
    watch's recording is kept (it has heart rate) with its bins; forgetting the watch's file rebuilds the
    session from the phone's version, bins included (each file's version holds them)."""
    phone = _run(gas_hist={30: 3600.0}, best_gas_m_s={60: 3.1})
    watch = _run(avg_hr=150.0, hr_hist={150: 3600.0}, gas_hist={31: 3600.0}, best_gas_m_s={60: 3.2})
    write(store, [phone], tag="phone")
    write(store, [watch], tag="watch")
    assert store.sessions().iloc[0]["gas_hist"] == {31: 3600.0}
    store.forget_source("watch")
    row = store.sessions().iloc[0]
    assert row["gas_hist"] == {30: 3600.0} and row["best_gas_m_s"] == {60: 3.1}


def test_resting_hr_is_stored_per_day_and_forgotten_with_its_file(store: Store) -> None:
    """Two files report 4 Mar: the watch 48 bpm, the phone 52 bpm -> the day's median 50; one file reports 5 Mar
    twice (a watch updates the day's value as the day goes on): its last value, 47, is kept."""
    watch = ParsedFile("fit", resting_hr=[RestingHr(date(2024, 3, 4), 48.0, "fenix"),
                                          RestingHr(date(2024, 3, 5), 49.0, "fenix"),
                                          RestingHr(date(2024, 3, 5), 47.0, "fenix")])
    phone = ParsedFile("apple_health", resting_hr=[RestingHr(date(2024, 3, 4), 52.0, "iPhone")])
    store.write_source(sha256="watch", path="w.fit", parsed=watch, athlete="me", size_bytes=1)
    store.write_source(sha256="phone", path="export.xml", parsed=phone, athlete="me", size_bytes=1)
    frame = store.resting_hr("me")
    assert list(frame.columns) == ["day", "bpm"]
    assert frame.to_dict("records") == [{"day": date(2024, 3, 4), "bpm": 50.0}, {"day": date(2024, 3, 5), "bpm": 47.0}]
    assert store.resting_hr("someone else").empty
    store.forget_source("watch")
    assert store.resting_hr("me").to_dict("records") == [{"day": date(2024, 3, 4), "bpm": 52.0}]


def test_forget_athlete_and_rename_take_the_resting_hr_along(store: Store) -> None:
    parsed = ParsedFile("fit", resting_hr=[RestingHr(date(2024, 3, 4), 48.0, "fenix")])
    store.write_source(sha256="watch", path="w.fit", parsed=parsed, athlete="ann", size_bytes=1)
    store.rename_athlete("ann", "anna")
    assert store.resting_hr("anna")["bpm"].tolist() == [48.0]
    store.forget_athlete("anna")
    assert store.resting_hr("anna").empty
    assert store.conn.execute("SELECT count(*) FROM resting_hr").fetchone()[0] == 0
