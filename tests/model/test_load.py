"""The load model on small series worked out by hand: TRIMP, PMC time constants, ACWR, monotony, spikes, DST."""

from __future__ import annotations

import math
import statistics
from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

from loadwatch.config import Profile
from loadwatch.model.load import daily_frame, session_loads, spikes, weekly_frame
from loadwatch.models import Activity
from loadwatch.store import Store
from tests.helpers import run_on, write

PROFILE = Profile(hr_max_bpm=200, hr_rest_bpm=50, sex="male")


def _stored(store: Store, acts: list[Activity]) -> pd.DataFrame:
    """The sessions as the model gets them: written through the real store and read back."""
    write(store, acts)
    return store.sessions("me")


def _daily(sessions: pd.DataFrame, start: date, end: date, metric: str = "duration") -> pd.DataFrame:
    empty = pd.DataFrame({"day": [], "steps": []})
    return daily_frame(sessions, empty, metric=metric, start=start, end=end, profile=PROFILE)


# --- per-session load -----------------------------------------------------------------------------
def test_trimp_from_histogram_male_and_female(store: Store) -> None:
    # 10 min at 150 bpm, HRmax 200, HRrest 50: HRr = 100/150 = 0.6667
    # male:   10 x 0.6667 x 0.64 e^(1.92 x 0.6667) = 10 x 0.42667 x 3.5966 = 15.345
    # female: 10 x 0.6667 x 0.86 e^(1.67 x 0.6667) = 10 x 0.57333 x 3.0445 = 17.455
    sessions = _stored(store, [run_on(date(2024, 5, 6), km=2, minutes=10, hr_hist={150: 600.0})])  # 2 km: a 5:00 pace
    male, notes = session_loads(sessions, PROFILE)
    assert male["load_trimp"].iloc[0] == pytest.approx(15.345, abs=1e-3)
    assert male["load"].iloc[0] == pytest.approx(15.345, abs=1e-3)
    assert male["load_source"].iloc[0] == "trimp"
    assert notes == []  # everything was set in the profile: no assumptions to report
    female, _ = session_loads(sessions, Profile(hr_max_bpm=200, hr_rest_bpm=50, sex="female"))
    assert female["load_trimp"].iloc[0] == pytest.approx(17.455, abs=1e-3)


def test_hr_above_max_is_clipped_and_unset_values_are_estimated_and_said(store: Store) -> None:
    # 5 min at 188 bpm and 5 min at 120 bpm; HRmax unset -> 188 (highest held bpm), HRrest -> 60
    sessions = _stored(store, [run_on(date(2024, 5, 6), km=2, minutes=10, hr_hist={188: 300.0, 120: 300.0})])
    out, notes = session_loads(sessions, Profile())
    assert "HRmax not set: estimated 188 bpm from your highest recorded heart rate" in notes[1].text
    assert notes[2].text.startswith("HRrest not set: assumed 60 bpm")
    assert notes[0].text.startswith("Sex not set: TRIMP uses the male coefficients")
    # HRr(188) = 1 -> 5 x 1 x 0.64 e^1.92 = 5 x 4.3645 = 21.823; HRr(120) = 60/128 = 0.46875
    # -> 5 x 0.46875 x 0.64 e^0.9 = 5 x 0.3 x 2.4596 = 3.6894; total 25.51
    by_formula = 5 * 0.64 * math.exp(1.92) + 5 * 0.3 * math.exp(1.92 * 0.46875)
    assert out["load"].iloc[0] == pytest.approx(by_formula, rel=1e-9)
    assert out["load"].iloc[0] == pytest.approx(25.51, abs=0.01)
    # a profile HRmax below the recorded 188 clips HRr at 1 (no load above the top of the scale)
    clipped, _ = session_loads(sessions, Profile(hr_max_bpm=180, hr_rest_bpm=60, sex="male"))
    assert clipped["load"].iloc[0] == pytest.approx(5 * 0.64 * math.exp(1.92) + 5 * 0.5 * 0.64 * math.exp(0.96))


def test_athlete_without_hr_gets_srpe_or_duration_load_and_is_told(store: Store) -> None:
    sessions = _stored(store, [run_on(date(2024, 5, 6), minutes=30), run_on(date(2024, 5, 7), minutes=40)])
    store.set_session_rpe(int(sessions["id"].iloc[1]), 5)
    out, notes = session_loads(store.sessions("me"), Profile())
    assert list(out["load_source"]) == ["duration", "srpe"]
    # duration estimate: 30 min x TRIMP rate at HRr 0.6 = 30 x 0.6 x 0.64 e^1.152 = 30 x 1.2151 = 36.45
    assert out["load"].iloc[0] == pytest.approx(30 * 0.6 * 0.64 * math.exp(1.92 * 0.6))
    # sRPE (Foster 2001): 5 x 40 min = 200 AU; the default load converts it: 40 x 0.5 x 0.64 e^0.96 = 33.43
    assert out["load_srpe"].iloc[1] == 200
    assert out["load"].iloc[1] == pytest.approx(40 * 0.5 * 0.64 * math.exp(0.96))
    assert any("1 session(s) without heart rate: load from your RPE" in n.text for n in notes)
    assert any("1 session(s) without heart rate or RPE: load estimated from duration" in n.text for n in notes)
    assert not any("HRmax" in n.text for n in notes)  # no HR at all: nothing was estimated about it
    daily = _daily(out, date(2024, 5, 6), date(2024, 5, 7), metric="srpe")
    # srpe: RPE x minutes where logged; the day before the first RPE is unknown (NaN), not 0
    assert np.isnan(daily["load"].iloc[0]) and daily["load"].iloc[1] == 200.0


# --- PMC ------------------------------------------------------------------------------------------
def test_ctl_atl_time_constants_from_zero(store: Store) -> None:
    start = date(2024, 1, 1)
    sessions = _stored(store, [run_on(start + timedelta(days=i), minutes=100) for i in range(60)])
    daily = _daily(sessions, start, start + timedelta(days=59))
    # constant L = 100 min from 0: CTL after n days = L (1 - (41/42)^n), ATL = L (1 - (6/7)^n)
    # n = 10: 100 x (1 - 0.78589) = 21.41 ; ATL 100 x (1 - 0.21406) = 78.59
    n = np.arange(1, 61)
    assert np.allclose(daily["ctl"], 100 * (1 - (41 / 42) ** n))
    assert np.allclose(daily["atl"], 100 * (1 - (6 / 7) ** n))
    assert daily["ctl"].iloc[9] == pytest.approx(21.41, abs=0.01)
    assert daily["atl"].iloc[9] == pytest.approx(78.59, abs=0.01)
    # form is yesterday's CTL - ATL (TrainingPeaks, GoldenCheetah): 0 on the first day
    assert np.allclose(daily["tsb"], (daily["ctl"] - daily["atl"]).shift(1, fill_value=0.0))
    # 7-day CTL ramp on day 8 (index 7): CTL_8 - CTL_1 = 100 ((41/42) - (41/42)^8)
    assert daily["ctl_ramp"].iloc[7] == pytest.approx(100 * ((41 / 42) - (41 / 42) ** 8))


def test_step_change_decays_with_the_time_constants(store: Store) -> None:
    start = date(2024, 1, 1)
    # 400 days of 50 min (CTL ~ 50), then 7 rest days:
    # CTL 50 (41/42)^7 = 50 x 0.84477 = 42.24, ATL 50 (6/7)^7 = 50 x 0.33992 = 17.00
    # form on the 7th rest day is yesterday's: 50 (41/42)^6 - 50 (6/7)^6 = 43.27 - 19.83 = 23.44
    sessions = _stored(store, [run_on(start + timedelta(days=i), minutes=50) for i in range(400)])
    daily = _daily(sessions, start, start + timedelta(days=406))
    assert daily["ctl"].iloc[-1] == pytest.approx(50 * (41 / 42) ** 7, rel=1e-3)
    assert daily["atl"].iloc[-1] == pytest.approx(50 * (6 / 7) ** 7, rel=1e-3)
    assert daily["tsb"].iloc[-1] == pytest.approx(43.27 - 19.83, abs=0.02)


# --- ACWR -----------------------------------------------------------------------------------------
def test_constant_load_has_acwr_one_every_way(store: Store) -> None:
    start = date(2024, 1, 1)
    sessions = _stored(store, [run_on(start + timedelta(days=i), minutes=45) for i in range(60)])
    daily = _daily(sessions, start, start + timedelta(days=59))
    assert daily[["acwr_coupled", "acwr_uncoupled", "acwr_ewma"]].iloc[:27].isna().all().all()  # no 28-day base
    for col in ("acwr_coupled", "acwr_uncoupled", "acwr_ewma"):
        assert np.allclose(daily[col].iloc[27:], 1.0), col


def test_acwr_after_a_doubled_week(store: Store) -> None:
    start = date(2024, 1, 1)
    # 28 days of 60 min, then 7 days of 120 min
    acts = [run_on(start + timedelta(days=i), minutes=60 if i < 28 else 120) for i in range(35)]
    daily = _daily(_stored(store, acts), start, start + timedelta(days=34))
    last = daily.iloc[-1]
    # coupled: acute 120 / chronic (21 x 60 + 7 x 120)/28 = 75 -> 1.6; uncoupled: 120 / 60 = 2.0
    assert last["acwr_coupled"] == pytest.approx(1.6)
    assert last["acwr_uncoupled"] == pytest.approx(2.0)
    # EWMA seeded at 60: acute 60 + 60 (1 - 0.75^7) = 111.99; chronic 60 + 60 (1 - (27/29)^7) = 83.62 -> 1.339
    acute = 60 + 60 * (1 - 0.75**7)
    chronic = 60 + 60 * (1 - (27 / 29) ** 7)
    assert last["acwr_ewma"] == pytest.approx(acute / chronic)
    assert last["acwr_ewma"] == pytest.approx(1.339, abs=1e-3)


# --- weekly: ramp, monotony, strain ---------------------------------------------------------------
def test_monotony_and_strain_of_a_known_week(store: Store) -> None:
    monday = date(2024, 5, 6)
    acts = [run_on(monday + timedelta(days=i), minutes=60) for i in (0, 2, 4, 6)]  # 60,0,60,0,60,0,60 min
    weeks = weekly_frame(_daily(_stored(store, acts), monday, monday + timedelta(days=6)))
    # mean 240/7 = 34.29, sample SD 32.07 -> monotony 1.069; strain 240 x 1.069 = 256.6
    loads = [60, 0, 60, 0, 60, 0, 60]
    expected = statistics.mean(loads) / statistics.stdev(loads)
    assert weeks["monotony"].iloc[0] == pytest.approx(expected)
    assert weeks["monotony"].iloc[0] == pytest.approx(1.069, abs=1e-3)
    assert weeks["strain"].iloc[0] == pytest.approx(240 * expected)
    assert weeks.index[0] == pd.Timestamp(monday)


def test_identical_days_cap_monotony_at_ten(store: Store) -> None:
    monday = date(2024, 5, 6)
    weeks = weekly_frame(_daily(_stored(store, [run_on(monday + timedelta(days=i), minutes=30) for i in range(7)]),
                                monday, monday + timedelta(days=6)))
    assert weeks["monotony"].iloc[0] == 10.0  # SD = 0: capped (fellrnr)
    assert weeks["strain"].iloc[0] == 210 * 10.0


def test_weekly_ramp_and_four_week_ramp(store: Store) -> None:
    monday = date(2024, 4, 1)
    minutes = [100, 120, 80, 100, 132]  # week loads in minutes
    acts = [run_on(monday + timedelta(weeks=w), minutes=m) for w, m in enumerate(minutes)]
    weeks = weekly_frame(_daily(_stored(store, acts), monday, monday + timedelta(weeks=4, days=6)))
    assert list(weeks["load"]) == minutes
    assert weeks["ramp"].iloc[-1] == pytest.approx(0.32)  # 132 / 100 - 1
    assert weeks["ramp_4wk"].iloc[-1] == pytest.approx(0.32)  # 132 / mean(100, 120, 80, 100) - 1
    assert weeks["ramp"].iloc[1] == pytest.approx(0.2)
    assert np.isnan(weeks["ramp"].iloc[0]) and np.isnan(weeks["ramp_4wk"].iloc[3])


# --- spikes ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("km", "cls"), [(11.0, "none"), (11.001, "small"), (13.0, "small"), (13.01, "moderate"),
                                         (20.0, "moderate"), (20.01, "large"), (9.0, "none")])
def test_spike_classes_at_the_boundaries(store: Store, km: float, cls: str) -> None:
    # longest run in the prior 30 days: 10 km; 11 km is exactly +10 % -> none, just above -> small
    # (a ride on 1 April gives the 10 May run its 30 days of history; a ride is no run, so no row)
    sessions = _stored(store, [run_on(date(2024, 4, 1), km=20, sport="cycling"), run_on(date(2024, 5, 1), km=10),
                               run_on(date(2024, 5, 10), km=km)])
    out = spikes(sessions)
    assert out["spike_class"].iloc[1] == cls
    assert out["spike"].iloc[1] == pytest.approx(km / 10 - 1)
    assert np.isnan(out["spike"].iloc[0]) and out["spike_class"].iloc[0] == "none"  # no prior run


def test_spike_window_is_thirty_days_and_runs_only(store: Store) -> None:
    acts = [run_on(date(2024, 5, 1), km=20), run_on(date(2024, 5, 20), km=30, sport="cycling"),
            run_on(date(2024, 5, 25), km=10), run_on(date(2024, 6, 5), km=12)]
    out = spikes(_stored(store, acts))
    assert len(out) == 3  # the ride is not a run
    # on 5 June the 20 km of 1 May is 35 days back: longest prior is 10 km -> +20 % small
    assert out["longest_prior_30d_m"].iloc[-1] == 10_000
    assert out["spike_class"].iloc[-1] == "small"


# --- days and time --------------------------------------------------------------------------------
def test_dst_week_sessions_near_midnight_stay_on_their_local_day(store: Store) -> None:
    # Europe/Berlin, DST starts Sun 31 Mar 2024 02:00 (+1 -> +2)
    cet, cest = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))
    local = [datetime(2024, 3, 30, 23, 30, tzinfo=cet),  # Sat, 22:30 UTC Sat
             datetime(2024, 3, 31, 0, 30, tzinfo=cet),  # Sun before the change: 23:30 UTC *Saturday*
             datetime(2024, 3, 31, 23, 45, tzinfo=cest),  # Sun after it: 21:45 UTC Sunday
             datetime(2024, 4, 1, 0, 15, tzinfo=cest)]  # Mon: 22:15 UTC *Sunday*, next ISO week
    acts = [Activity("running", t.astimezone(UTC), int(t.utcoffset().total_seconds()), 1800, distance_m=5000)
            for t in local]
    sessions = _stored(store, acts)
    assert list(sessions["day"]) == [date(2024, 3, 30), date(2024, 3, 31), date(2024, 3, 31), date(2024, 4, 1)]
    daily = _daily(sessions, date(2024, 3, 25), date(2024, 4, 7))
    assert daily.loc["2024-03-30", "load"] == 30 and daily.loc["2024-03-31", "load"] == 60
    assert daily.loc["2024-04-01", "load"] == 30 and len(daily) == 14  # one row per day, none doubled
    weeks = weekly_frame(daily)
    assert list(weeks["load"]) == [90, 30]
    assert list(weeks["runs"]) == [3, 1]
