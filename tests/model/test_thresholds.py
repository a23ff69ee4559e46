"""Thresholds as of each day (issue 14): critical speed from best efforts by the two-parameter model, HRmax robust to
one artefact spike, HRrest from resting-HR records; each from the data up to the day only, a profile value wins."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import pytest

from loadwatch.config import Profile
from loadwatch.model.load import session_loads
from loadwatch.model.thresholds import critical_fit, estimates, session_thresholds
from loadwatch.store import Store
from tests.helpers import run_on, write

DAY = date(2024, 5, 6)
PROFILE = Profile(hr_max_bpm=200, hr_rest_bpm=50, sex="male")


def _effort(day: date, best: dict[int, float], gas: dict[int, float] | None = None):
    return replace(run_on(day, 10, 60), moving_s=3600.0, gas_hist=gas or {34: 3600.0}, best_gas_m_s=best)


def test_critical_speed_is_the_slope_of_distance_over_time() -> None:
    # 3 min at 4.5 m/s = 810 m, 12 min at 4.0 m/s = 2,880 m: CS = (2,880 - 810) / (720 - 180) = 3.8333 m/s,
    # D' = 810 - 3.8333 x 180 = 120 m. Durations outside 3-20 min (60 s, 1 h) are not in the fit.
    cs, d_prime = critical_fit({60: 6.0, 180: 4.5, 720: 4.0, 3600: 3.0})
    assert cs == pytest.approx(2070 / 540)
    assert d_prime == pytest.approx(120.0)
    # three points: 3 min 4.5, 5 min 4.3, 20 min 3.9 -> d = 810, 1290, 4680 m at t = 180, 300, 1200 s;
    # least squares: t mean 560, d mean 2260; slope = sum((t-560)(d-2260)) / sum((t-560)^2)
    # = (380 x 1450 + 260 x 970 + 640 x 2420) / (380^2 + 260^2 + 640^2) = 2,352,000 / 621,600 = 3.7838
    cs3, _ = critical_fit({180: 4.5, 300: 4.3, 1200: 3.9})
    assert cs3 == pytest.approx(2_352_000 / 621_600)
    assert critical_fit({180: 4.5}) is None  # one duration makes no line
    # efforts that were not all-out (the same speed at every duration: D' would be 0 or negative): what was held
    # 3 min and 20 min both at 3.0 m/s: slope 3.0, D' 0 -> (3.0, 0.0); 3.0 then 3.2 m/s (not all-out at 3 min):
    # the line's D' = 540 - 3.2353 x 180 < 0 -> the speed held over the longest, 3.2 m/s
    assert critical_fit({180: 3.0, 1200: 3.0}) == pytest.approx((3.0, 0.0))
    assert critical_fit({180: 3.0, 1200: 3.2}) == (3.2, 0.0)


def test_a_later_best_never_changes_a_past_weeks_thresholds_or_loads(store: Store) -> None:
    early = [_effort(DAY + timedelta(days=7 * i), {180: 4.5, 720: 4.0}) for i in range(3)]
    write(store, early)
    before, _ = session_loads(store.sessions("me"), PROFILE)
    write(store, [_effort(DAY + timedelta(days=21), {180: 5.5, 720: 5.0})])  # a race: CS jumps
    after, _ = session_loads(store.sessions("me"), PROFILE)
    # the first three runs: CS 3.8333 m/s as of their days, before and after the race was imported
    assert list(after["cs_m_s"].iloc[:3]) == pytest.approx([2070 / 540] * 3)
    assert list(after["load"].iloc[:3]) == list(before["load"])
    # the race's own day: bests of the window are 3 min 5.5 (990 m), 12 min 5.0 (3,600 m): CS = 2,610/540 = 4.8333
    assert after["cs_m_s"].iloc[3] == pytest.approx(2610 / 540)


def test_best_efforts_older_than_90_days_drop_out(store: Store) -> None:
    write(store, [_effort(DAY, {180: 5.0, 720: 4.5}), _effort(DAY + timedelta(days=90), {180: 4.5, 720: 4.0})])
    bounds = session_thresholds(store.sessions("me"), PROFILE)
    # the first run is 90 days before the second: outside its window (the 90 days ending on the day, inclusive)
    assert bounds["cs_m_s"].iloc[1] == pytest.approx(2070 / 540)
    # 89 days later it would still count: 3 min 5.0 (900 m), 12 min 4.5 (3,240 m): CS = 2,340 / 540 = 4.3333
    frame = store.sessions("me")
    frame.loc[1, "day"] = DAY + timedelta(days=89)
    assert session_thresholds(frame, PROFILE)["cs_m_s"].iloc[1] == pytest.approx(2340 / 540)


def test_a_profile_value_wins_over_the_estimate(store: Store) -> None:
    write(store, [_effort(DAY, {180: 4.5, 720: 4.0})])
    bounds = session_thresholds(store.sessions("me"), replace(PROFILE, critical_speed_m_s=3.5))
    assert bounds["cs_m_s"].iloc[0] == 3.5
    est = estimates(store.sessions("me"), replace(PROFILE, critical_speed_m_s=3.5), DAY)
    assert est["critical_speed_m_s"].source == "profile"


def test_hrmax_ignores_one_artefact_spike_and_is_as_of_the_day(store: Store) -> None:
    # session maxima (held >= 5 s): 186 and 185 on the first two days, then a GPX with 203 held for 10 s.
    # As of day 3: 203 stands 17 > 10 bpm above the next (186): an artefact, HRmax 186. As of day 1: 186 alone.
    acts = [replace(run_on(DAY + timedelta(days=i), 10, 60), hr_hist={140: 3000.0, top: held})
            for i, (top, held) in enumerate([(186, 600.0), (185, 600.0), (203, 10.0)])]
    write(store, acts)
    frame = store.sessions("me")
    bounds = session_thresholds(frame, Profile())
    assert list(bounds["hr_max_bpm"]) == [186.0, 186.0, 186.0]
    est = estimates(frame, Profile(), DAY + timedelta(days=2))["hr_max_bpm"]
    assert est.value == 186.0 and "203 bpm, stands more than 10 bpm above all others" in est.basis
    # another athlete: a real new maximum within 10 bpm of the next is taken, from its day on (192 after 186, 185)
    acts = [replace(run_on(DAY + timedelta(days=i), 10, 60), hr_hist={140: 3000.0, top: 60.0})
            for i, top in enumerate([186, 185, 192])]
    write(store, acts, athlete="other")
    assert list(session_thresholds(store.sessions("other"), Profile())["hr_max_bpm"]) == [186.0, 186.0, 192.0]


def test_hrrest_is_the_median_of_the_last_30_days_of_resting_hr_records(store: Store) -> None:
    write(store, [replace(run_on(DAY, 10, 60), hr_hist={150: 3600.0})])
    frame = store.sessions("me")
    # records: 60 days before (70 bpm, outside the 30 days), then 48, 50, 53 in the last 30 days: median 50
    rest = pd.DataFrame({"day": [DAY - timedelta(days=60), DAY - timedelta(days=20), DAY - timedelta(days=10), DAY],
                         "bpm": [70.0, 48.0, 53.0, 50.0]})
    assert session_thresholds(frame, Profile(), rest)["hr_rest_bpm"].iloc[0] == 50.0
    est = estimates(frame, Profile(), DAY, rest)["hr_rest_bpm"]
    assert est.n == 3 and est.first == DAY - timedelta(days=20) and "resting-HR record" in est.basis
    # no record in the 30 days: the 30 days up to the latest record (60 days before: 70 bpm)
    assert session_thresholds(frame, Profile(), rest.iloc[:1])["hr_rest_bpm"].iloc[0] == 70.0
    # none at all: today's rule (no held bpm below 60 in the sessions: 60 bpm)
    assert session_thresholds(frame, Profile())["hr_rest_bpm"].iloc[0] == 60.0
    # the profile wins
    assert session_thresholds(frame, Profile(hr_rest_bpm=45), rest)["hr_rest_bpm"].iloc[0] == 45.0


def test_resting_hr_changes_the_trimp(store: Store) -> None:
    # 60 min at 150 bpm, HRmax 200: HRrest 60 (no records) -> HRr 90/140 = 0.642857, TRIMP = 60 x 0.642857 x
    # 0.64 e^(1.92 x 0.642857) = 24.686 x 3.4360 = 84.821; HRrest 50 from records -> HRr 0.6667: TRIMP 92.074
    write(store, [replace(run_on(DAY, 10, 60), hr_hist={150: 3600.0})])
    frame = store.sessions("me")
    plain, _ = session_loads(frame, Profile(hr_max_bpm=200, sex="male"))
    rest = pd.DataFrame({"day": [DAY], "bpm": [50.0]})
    with_records, notes = session_loads(frame, Profile(hr_max_bpm=200, sex="male"), resting_hr=rest)
    assert plain["load"].iloc[0] == pytest.approx(84.821, abs=0.01)
    assert with_records["load"].iloc[0] == pytest.approx(92.074, abs=0.01)
    assert any("HRrest not set: assumed 50 bpm" in n.text and "resting-HR record" in n.text for n in notes)
