"""Load without a heart-rate strap (issue 14): pace and power loads per bin, their mapping to TRIMP, the priority of
sources, a strap that dies halfway, the watch's own RPE. Sessions written to a real store and read back as frames.

Worked numbers. Profile: HRmax 200, HRrest 50, male, critical speed 3.95 m/s (so GAS bin 39, read at its middle
3.95 m/s, is IF 1). Points per bin = hours x (bin middle / CS)^2 x 100. With fewer than 10 sessions that have both
heart rate and pace, the generic mapping: 1 point = 60 x TRIMP rate at HRr 0.85 / 100
= 0.6 x 0.85 x 0.64 e^(1.92 x 0.85) = 0.6 x 0.85 x 0.64 x 5.11410 = 1.66924 TRIMP.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

import pytest

from loadwatch.config import Profile
from loadwatch.intensity import grade_factor
from loadwatch.model.load import session_loads
from loadwatch.store import Store
from tests.helpers import run_on, write

PROFILE = Profile(hr_max_bpm=200, hr_rest_bpm=50, sex="male", critical_speed_m_s=3.95)
K_GENERIC = 0.6 * 0.85 * 0.64 * math.exp(1.92 * 0.85)  # 1.66924 TRIMP per point
DAY = date(2024, 5, 6)


def _loads(store: Store, *acts, profile: Profile = PROFILE):
    write(store, acts)
    return session_loads(store.sessions("me"), profile)


def _run(minutes: float, gas: dict[int, float], day: date = DAY, **kw):
    return replace(run_on(day, 10, minutes), moving_s=minutes * 60, gas_hist=gas, **kw)


def test_at_the_same_duration_a_faster_run_scores_higher(store: Store) -> None:
    # 60 min in bin 29 (2.95 m/s): (2.95/3.95)^2 x 100 = 55.776 points; in bin 34 (3.45 m/s): 76.286 points
    out, notes = _loads(store, _run(60, {29: 3600.0}), _run(60, {34: 3600.0}, DAY + timedelta(days=1)))
    assert list(out["load_source"]) == ["pace", "pace"]
    assert out["load"].iloc[0] == pytest.approx(55.776 * K_GENERIC, abs=0.01)  # 93.10
    assert out["load"].iloc[1] == pytest.approx(76.286 * K_GENERIC, abs=0.01)  # 127.34
    assert out["load"].iloc[1] > out["load"].iloc[0]
    assert any("2 run(s) without heart rate: load from grade-adjusted pace" in n.text for n in notes)
    assert any("the generic mapping: fewer than 10 sessions have both" in n.text for n in notes)


def test_the_same_pace_uphill_scores_higher_than_on_the_flat(store: Store) -> None:
    # 3.0 m/s on the flat: GAS 3.0 -> bin 30 (3.05): (3.05/3.95)^2 x 100 = 59.622 points.
    # 3.0 m/s up 5 %: GAS = 3.0 x C(0.05)/C(0) = 3.0 x 4.6852/3.6 = 3.904 m/s -> bin 39 (3.95): 100 points.
    uphill_bin = math.floor(3.0 * grade_factor(0.05) / 0.1)
    assert uphill_bin == 39
    out, _ = _loads(store, _run(60, {30: 3600.0}), _run(60, {uphill_bin: 3600.0}, DAY + timedelta(days=1)))
    assert out["load"].iloc[0] == pytest.approx(59.622 * K_GENERIC, abs=0.01)
    assert out["load"].iloc[1] == pytest.approx(100.0 * K_GENERIC, abs=0.01)


def test_intervals_at_threshold_score_higher_than_a_steady_run_at_the_same_average(store: Store) -> None:
    # 10 x 3 min at CS (bin 39, 3.95 m/s) with 10 x 3 min jogs (bin 25, 2.55 m/s): average 3.25 m/s.
    # Intervals: 0.5 h x 1^2 x 100 + 0.5 h x (2.55/3.95)^2 x 100 = 50 + 20.838 = 70.838 points.
    # Steady hour at 3.25 m/s (bin 32): (3.25/3.95)^2 x 100 = 67.697 points.
    intervals = _run(60, {39: 1800.0, 25: 1800.0})
    steady = _run(60, {32: 3600.0}, DAY + timedelta(days=1))
    out, _ = _loads(store, intervals, steady)
    assert out["load"].iloc[0] == pytest.approx(70.838 * K_GENERIC, abs=0.01)  # 118.24
    assert out["load"].iloc[1] == pytest.approx(67.697 * K_GENERIC, abs=0.01)  # 113.00
    assert out["load"].iloc[0] > out["load"].iloc[1]


def test_a_strap_dying_halfway_is_heart_rate_for_the_first_half_and_pace_for_the_second(store: Store) -> None:
    # 60 moving minutes; heart rate for the first 30 (150 bpm: HRr 100/150 = 0.6667), pace all along (bin 34).
    # HR covers 30 < 0.75 x 60 min: TRIMP of the covered 30 min = 30 x 0.6667 x 0.64 e^(1.92 x 0.6667) = 46.037,
    # plus the pace load of the uncovered half: 76.286 points x 1.66924 x 30/60 = 63.670. Total 109.707.
    act = _run(60, {34: 3600.0}, hr_hist={150: 1800.0})
    out, notes = _loads(store, act)
    assert out["load_source"].iloc[0] == "hr+pace"
    assert out["load"].iloc[0] == pytest.approx(46.037 + 63.670, abs=0.01)
    assert out["loads"].iloc[0] == pytest.approx({"hr+pace": 109.707, "pace": 127.340,
                                                  "duration": 60 * 0.6 * 0.64 * math.exp(1.92 * 0.6)}, abs=0.01)
    assert any("hr+pace" in n.text for n in notes)


def test_heart_rate_wins_when_it_covers_the_run_and_every_source_is_listed(store: Store) -> None:
    # 60 min at 150 bpm: TRIMP 60 x 0.6667 x 0.64 e^1.28 = 92.074; pace 76.286 x 1.66924 = 127.340;
    # the duration estimate 60 x 0.6 x 0.64 e^1.152 = 72.906
    out, _ = _loads(store, _run(60, {34: 3600.0}, hr_hist={150: 3600.0}))
    assert out["load_source"].iloc[0] == "trimp"
    assert out["load"].iloc[0] == pytest.approx(92.074, abs=0.01)
    assert out["loads"].iloc[0] == pytest.approx({"hr": 92.074, "pace": 127.340, "duration": 72.906}, abs=0.01)


def test_a_profile_priority_per_sport_puts_pace_before_heart_rate_for_runs_only(store: Store) -> None:
    profile = replace(PROFILE, load_priority_running="pace,hr")
    ride = replace(run_on(DAY, 20, 60, sport="cycling"), moving_s=3600.0, hr_hist={150: 3600.0})
    out, _ = _loads(store, _run(60, {34: 3600.0}, hr_hist={150: 3600.0}), ride, profile=profile)
    by_sport = dict(zip(out["sport"], out["load_source"], strict=True))
    assert by_sport == {"running": "pace", "cycling": "trimp"}


def test_power_before_pace_against_critical_power(store: Store) -> None:
    # 60 min in power bin 50 (252.5 W) against CP 252.5 W: 100 points x 1.66924 = 166.924 TRIMP
    profile = replace(PROFILE, critical_power_w=252.5)
    act = _run(60, {34: 3600.0}, power_hist={50: 3600.0})
    out, notes = _loads(store, act, profile=profile)
    assert out["load_source"].iloc[0] == "power"
    assert out["load"].iloc[0] == pytest.approx(166.924, abs=0.01)
    assert set(out["loads"].iloc[0]) == {"power", "pace", "duration"}
    assert any("1 session(s) without heart rate: load from power" in n.text for n in notes)


def test_the_watchs_rpe_counts_and_a_logged_rpe_wins(store: Store) -> None:
    # No heart rate, no pace: the watch's RPE 6 over 40 min = 40 x 0.6 x 0.64 e^(1.92 x 0.6) = 48.604 TRIMP;
    # after `log rpe` 8: 40 x 0.8 x 0.64 e^1.536 = 20.48 x 4.64592 = 95.149 TRIMP (and srpe 8 x 40 = 320 AU)
    act = replace(run_on(DAY, 8, 40), device_rpe=6.0)
    out, _ = _loads(store, act)
    assert out["load_source"].iloc[0] == "srpe"
    assert out["load"].iloc[0] == pytest.approx(48.604, abs=0.01)
    assert out["load_srpe"].iloc[0] == pytest.approx(240.0)
    store.set_session_rpe(int(out["id"].iloc[0]), 8)
    logged, _ = session_loads(store.sessions("me"), PROFILE)
    assert logged["load"].iloc[0] == pytest.approx(95.149, abs=0.01)
    assert logged["load_srpe"].iloc[0] == pytest.approx(320.0)


def test_ten_sessions_with_both_fit_the_athletes_own_trimp_per_point(store: Store) -> None:
    # Ten runs with HR covering them: 60 min at 150 bpm (TRIMP 92.074) and 60 min in bin 34 (76.286 points):
    # ratio 92.074 / 76.286 = 1.20696 each, so from the 10th session on the fitted factor is 1.20696, not the
    # generic 1.66924. An 11th run without HR (bin 29: 55.776 points) scores 55.776 x 1.20696 = 67.320.
    runs = [_run(60, {34: 3600.0}, DAY + timedelta(days=i), hr_hist={150: 3600.0}) for i in range(10)]
    no_hr = _run(60, {29: 3600.0}, DAY + timedelta(days=10))
    out, notes = _loads(store, *runs, no_hr)
    assert out["load"].iloc[10] == pytest.approx(55.776 * 92.074 / 76.286, abs=0.01)
    assert any("fitted on your own 10 session(s) with both heart rate and pace" in n.text for n in notes)
    # on the 9th day only 9 have both: that day's own no-HR run would use the generic mapping
    early, _ = session_loads(store.sessions("me").iloc[:9].assign(hr_hist=[{}] + [{150: 3600.0}] * 8), PROFILE)
    assert early["load"].iloc[0] == pytest.approx(76.286 * K_GENERIC, abs=0.01)


def test_a_run_without_any_threshold_falls_back_to_rpe_then_duration(store: Store) -> None:
    # no critical speed set and no best efforts: the pace load cannot be made
    out, _ = _loads(store, _run(60, {34: 3600.0}), profile=replace(PROFILE, critical_speed_m_s=None))
    assert out["load_source"].iloc[0] == "duration"
    assert "pace" not in out["loads"].iloc[0]


def test_an_estimated_critical_speed_says_what_it_rests_on_and_when_it_is_thin(store: Store) -> None:
    # one run, no HR: bests 3 min 4.5 m/s, 12 min 4.0 m/s -> CS 2,070 / 540 = 3.8333 m/s (4:21 /km), from 1 run
    act = replace(_run(60, {34: 3600.0}), best_gas_m_s={180: 4.5, 720: 4.0})
    out, notes = _loads(store, act, profile=replace(PROFILE, critical_speed_m_s=None))
    assert out["load_source"].iloc[0] == "pace" and out["cs_m_s"].iloc[0] == pytest.approx(2070 / 540)
    (note,) = [n.text for n in notes if n.kind == "threshold"]
    assert note.startswith("Critical speed (running) not set: estimated 3.83 m/s (4:21 /km) as of 2024-05-06:"
                           " two-parameter critical speed fit over the best efforts of 3-20 min of 1 running")
    assert "Only 1 session(s) so far" in note and "loadwatch profile --set critical_speed_m_s=N" in note
