"""Conventions a coach would recognise (issue 13): form is yesterday's CTL - ATL, minutes are moving minutes, a
session with HR for only part of it is partly estimated, missing is not zero, the weekly ACWR does not depend on
the long run's weekday, and a week that is over is not "so far"."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from loadwatch.config import Profile
from loadwatch.model.load import daily_frame, session_loads, weekly_frame
from loadwatch.model.status import compute_status
from loadwatch.models import Activity, DailySteps
from loadwatch.store import Store
from tests.helpers import run_on, write

PROFILE = Profile(hr_max_bpm=200, hr_rest_bpm=50, sex="male")
NO_STEPS = pd.DataFrame({"day": [], "steps": []})
RATE_06 = 0.6 * 0.64 * math.exp(1.92 * 0.6)  # TRIMP a minute at HRr 0.6: 0.384 e^1.152 = 1.21517 (duration estimate)
RATE_05 = 0.5 * 0.64 * math.exp(1.92 * 0.5)  # at HRr 0.5 (RPE 5): 0.32 e^0.96 = 0.83574
RATE_150 = (100 / 150) * 0.64 * math.exp(1.92 * 100 / 150)  # 150 bpm, HRmax 200, HRrest 50: HRr 2/3 -> 1.53457


def _session(day: date, minutes: float, moving: float | None, *, hist: dict[int, float] | None = None,
             sport: str = "cycling") -> Activity:
    return Activity(sport, datetime(day.year, day.month, day.day, 7, tzinfo=UTC), 0, minutes * 60,
                    moving_s=None if moving is None else moving * 60, distance_m=10_000, hr_hist=hist or {})


def _status(store: Store, as_of: date, metric: str, steps: pd.DataFrame = NO_STEPS):
    return compute_status(store.sessions("me"), steps, store.logs("me"), PROFILE, as_of=as_of, metric=metric)


# --- form is yesterday's fitness minus yesterday's fatigue -----------------------------------------------
def test_form_on_a_long_sunday_is_yesterdays_fitness_minus_fatigue(store: Store) -> None:
    # 400 days of 50 min (CTL = ATL = 50 to 1e-4), then 120 min on the 401st day (a Sunday long session):
    # today's values: CTL 50 + 70/42 = 51.667, ATL 50 + 70/7 = 60; the old form held today's session:
    # 51.667 - 60 = -8.33; TrainingPeaks / GoldenCheetah show yesterday's: 50 - 50 = 0. The day after (rest):
    # yesterday's = -8.33.
    start = date(2023, 1, 1)
    acts = [run_on(start + timedelta(days=i), minutes=50 if i < 400 else 120, km=5) for i in range(401)]
    write(store, acts)
    end = start + timedelta(days=401)
    daily = daily_frame(store.sessions("me"), NO_STEPS, metric="duration", start=end - timedelta(days=2), end=end,
                        profile=PROFILE)
    sunday, monday = daily.iloc[-2], daily.iloc[-1]
    assert sunday["ctl"] - sunday["atl"] == pytest.approx(-70 * 5 / 42, abs=0.01)  # -8.33, the old form
    assert sunday["tsb"] == pytest.approx(0.0, abs=0.01)
    assert monday["tsb"] == pytest.approx(-70 * 5 / 42, abs=0.01)


# --- one time basis: moving minutes ------------------------------------------------------------------
def test_rpe_srpe_and_the_duration_estimate_count_moving_minutes(store: Store) -> None:
    # 60 min elapsed, 50 min moving (a 10-minute stop):
    # no HR, no RPE: 50 x 1.21517 = 60.76 TRIMP (elapsed gave 60 x 1.21517 = 72.91)
    # RPE 6: sRPE 6 x 50 = 300 AU (elapsed gave 360); as TRIMP 50 x 0.6 x 0.64 e^(1.152) = 60.76
    # no moving time in the file: the elapsed 40 min, 40 x 1.21517 = 48.61
    write(store, [_session(date(2024, 5, 6), 60, 50), _session(date(2024, 5, 7), 60, 50),
                  _session(date(2024, 5, 8), 40, None)])
    sessions = store.sessions("me")
    store.set_session_rpe(int(sessions["id"].iloc[1]), 6)
    out, _ = session_loads(store.sessions("me"), PROFILE)
    assert list(out["load_source"]) == ["duration", "srpe", "duration"]
    assert out["load"].iloc[0] == pytest.approx(50 * RATE_06)
    assert out["load_srpe"].iloc[1] == pytest.approx(300.0)
    assert out["load"].iloc[1] == pytest.approx(50 * RATE_06)
    assert out["load"].iloc[2] == pytest.approx(40 * RATE_06)


# --- HR for part of a session --------------------------------------------------------------------
def test_a_ride_with_one_second_of_heart_rate_is_partly_estimated(store: Store) -> None:
    # a 38-min ride with 1 s at 150 bpm scored 0.026 TRIMP. Now: the covered second 1/60 x 1.53457 = 0.02558
    # plus the duration estimate for the other 37.983 min: 37.983 x 1.21517 = 46.156 -> 46.182, "hr+duration";
    # with RPE 5 the rest is 37.983 x 0.83574 = 31.744 -> 31.770, "hr+rpe".
    # 29 of 38 min covered (76 % >= 75 %): plain TRIMP 29 x 1.53457 = 44.50; 28 min (74 %): 28 x 1.53457
    # + 10 x 1.21517 = 42.968 + 12.152 = 55.12
    day = date(2024, 5, 6)
    write(store, [_session(day, 38, 38, hist={150: 1.0}), _session(day + timedelta(days=1), 38, 38, hist={150: 1.0}),
                  _session(day + timedelta(days=2), 38, 38, hist={150: 29 * 60.0}),
                  _session(day + timedelta(days=3), 38, 38, hist={150: 28 * 60.0})])
    store.set_session_rpe(int(store.sessions("me")["id"].iloc[1]), 5)
    out, notes = session_loads(store.sessions("me"), PROFILE)
    assert list(out["load_source"]) == ["hr+duration", "hr+rpe", "trimp", "hr+duration"]
    assert out["load"].iloc[0] == pytest.approx(RATE_150 / 60 + (38 - 1 / 60) * RATE_06)
    assert out["load"].iloc[0] == pytest.approx(46.182, abs=1e-3)
    assert out["load"].iloc[1] == pytest.approx(31.770, abs=1e-3)
    assert out["load"].iloc[2] == pytest.approx(29 * RATE_150)
    assert out["load"].iloc[3] == pytest.approx(28 * RATE_150 + 10 * RATE_06)
    assert any("3 session(s) with heart rate for less than 75%" in n.text for n in notes)


# --- missing is not zero -----------------------------------------------------------------------------
def test_a_day_without_a_step_count_is_unknown_not_zero(store: Store) -> None:
    # 10,000 steps a day, Mon 6 May to Sun 19 May 2024, but no count on Wed 8 May:
    # week 1 = 6 known days of 10,000 -> counted as the week's mean day: 10,000 x 7 = 70,000 (it was 60,000);
    # week 2 = 70,000 -> ramp 0 (it was +16.7 %: a caution made by the watch left at home).
    # fitness holds through the unknown day: CTL on Thu 9 May (3 known days) = 10,000 (1 - (41/42)^3) = 697.3;
    # a 0 on Wednesday gave 10,000 (1 - (41/42)^2) = 470.5, x 41/42 = 459.3, + (10,000 - 459.3)/42 = 686.5
    days = [date(2024, 5, 6) + timedelta(days=i) for i in range(14)]
    steps = pd.DataFrame({"day": [d for d in days if d != date(2024, 5, 8)], "steps": 10_000})
    write(store, [], [DailySteps(d, 10_000, "Pixel", "phone") for d in days if d != date(2024, 5, 8)])
    status = _status(store, date(2024, 5, 19), "steps", steps)
    weeks = status.weeks.iloc[-2:]
    assert list(weeks["load"]) == [70_000, 70_000]
    assert weeks["ramp"].iloc[-1] == pytest.approx(0.0)
    assert "weekly_ramp" not in [f.rule for f in status.flags]
    thursday = status.daily.loc[pd.Timestamp(2024, 5, 9)]
    assert np.isnan(status.daily.loc[pd.Timestamp(2024, 5, 8), "load"])
    assert thursday["ctl"] == pytest.approx(10_000 * (1 - (41 / 42) ** 3))  # 697.3
    assert any("1 day(s) without a step count are unknown, not 0" in n.text for n in status.notes)


def test_sessions_without_rpe_are_not_zero_srpe_load(store: Store) -> None:
    # a 30-min run every day from Mon 6 May; RPE 4 logged on Mon, Wed, Fri of week 1 and every day of week 2:
    # 4 x 30 = 120 AU a logged session. Week 1 = 3 known days of 120 and 4 unknown -> 120 x 7 = 840 (it was
    # 360); week 2 = 7 x 120 = 840 -> ramp 0 (it was 840 / 360 - 1 = +133 %: HIGH, made by starting to log)
    days = [date(2024, 5, 6) + timedelta(days=i) for i in range(14)]
    write(store, [run_on(d, km=5, minutes=30) for d in days])
    ids = list(store.sessions("me")["id"])
    for i, session_id in enumerate(ids):
        if i >= 7 or i in (0, 2, 4):
            store.set_session_rpe(int(session_id), 4)
    status = _status(store, date(2024, 5, 19), "srpe")
    assert list(status.weeks["load"].iloc[-2:]) == [840, 840]
    assert status.weeks["ramp"].iloc[-1] == pytest.approx(0.0)
    assert "weekly_ramp" not in [f.rule for f in status.flags]
    assert any("no RPE logged: their days' load is unknown, not 0" in n.text for n in status.notes)


def test_strain_is_null_where_monotony_is(store: Store) -> None:
    # one 60-min run on Mon 6 May, then a week of rest: week 2 has no load -> monotony NaN, strain NaN (was 0)
    write(store, [run_on(date(2024, 5, 6), km=10, minutes=60)])
    daily = daily_frame(store.sessions("me"), NO_STEPS, metric="duration", start=date(2024, 5, 6),
                        end=date(2024, 5, 19), profile=PROFILE)
    weeks = weekly_frame(daily)
    assert np.isnan(weeks["monotony"].iloc[1]) and np.isnan(weeks["strain"].iloc[1])


# --- the weekly ACWR --------------------------------------------------------------------------------
def _block(long_weekday: int, weeks: int = 12, end: date = date(2024, 3, 31)) -> list[Activity]:
    """`weeks` steady weeks to Sun `end`: two 8 km runs (40 min) and a 14 km long run (70 min) a week, the
    long run on `long_weekday` (6 = Sunday), the others on the two weekdays after it."""
    acts = []
    for i in range(weeks * 7):
        day = end - timedelta(days=i)
        offset = (day.weekday() - long_weekday) % 7
        if offset == 0:
            acts.append(run_on(day, 14, 70))
        elif offset in (2, 4):
            acts.append(run_on(day, 8, 40))
    return acts


@pytest.mark.parametrize("long_weekday", [6, 2])
def test_a_steady_block_reads_one_whichever_day_the_long_run_falls(store: Store, long_weekday: int) -> None:
    # 150 min a week in the same pattern every week: the 7-day mean of the daily EWMA ratio is the mean over
    # one period of a periodic series, so it is the same whichever day the period starts; acute and chronic
    # EWMAs average the same 150/7 min a day, so it is 1.00 (+- 0.05). The Sunday EWMA value alone read
    # 1.21-1.27 with a Sunday long run.
    write(store, _block(long_weekday))
    status = _status(store, date(2024, 3, 31), "duration")
    later = status.weeks["acwr"].iloc[6:]  # past the 28-day start
    assert later.between(0.95, 1.05).all(), list(later)
    sunday = status.daily["acwr_ewma"].iloc[-1]
    if long_weekday == 6:
        assert sunday > 1.15  # the day's own value swings with the long run
    assert status.weeks["acwr"].iloc[-1] == pytest.approx(status.daily["acwr_ewma"].iloc[-7:].mean())


def test_the_weekly_acwr_is_the_same_for_a_sunday_and_a_wednesday_long_run(tmp_path) -> None:
    values = []
    for weekday in (6, 2):
        store = Store(tmp_path / f"{weekday}.sqlite")
        write(store, _block(weekday))
        values.append(_status(store, date(2024, 3, 31), "duration").weeks["acwr"].iloc[-1])
    assert values[0] == pytest.approx(values[1], abs=0.01)


# --- a week that is over ----------------------------------------------------------------------------
def test_on_sunday_the_ramp_flag_speaks_of_a_finished_week(store: Store) -> None:
    # weeks (Mon): 29 Apr 100 min, 6 May 125 min: +25 % (caution). As of Sun 12 May that week is over: no
    # "so far", no "keep the rest of the week easy"
    write(store, [run_on(date(2024, 4, 29), minutes=100, km=5), run_on(date(2024, 5, 6), minutes=125, km=5)])
    flags = [f for f in _status(store, date(2024, 5, 12), "duration").flags if f.rule == "weekly_ramp"]
    assert [(f.severity, f.day) for f in flags] == [("caution", date(2024, 5, 12))]
    assert flags[0].message.startswith("This week's load (125 min) was 25% above the week before (100).")
    assert "so far" not in flags[0].message and "rest of the week" not in flags[0].message
    # on Saturday it is still in progress
    saturday = [f for f in _status(store, date(2024, 5, 11), "duration").flags if f.rule == "weekly_ramp"]
    assert "so far" in saturday[0].message


def test_srpe_history_starts_at_the_first_rpe_and_unknown_weeks_print_as_a_dash(store: Store, capsys) -> None:
    # 30-min runs on Mon 6, Wed 8 and Sat 11 May, RPE 4 logged only on Saturday's (120 AU): the week's days
    # before the first RPE are no history, so the week's load is Sat 120 + Sun 0 = 120 over 2 days (a mean
    # of 60 over 7 days would say 420); the week before has no known day: load unknown, printed "-"
    from loadwatch.cli.status import print_status

    write(store, [run_on(date(2024, 4, 29), km=5, minutes=30)] +
          [run_on(d, km=5, minutes=30) for d in (date(2024, 5, 6), date(2024, 5, 8), date(2024, 5, 11))])
    store.set_session_rpe(int(store.sessions("me")["id"].iloc[-1]), 4)
    status = _status(store, date(2024, 5, 12), "srpe")
    assert status.weeks["load"].iloc[-1] == pytest.approx(120.0)
    assert np.isnan(status.weeks["load"].iloc[-2]) and status.as_json()["weeks"][-2]["load"] is None
    # a week with 2 days of history is no base for the next week's ramp (the demo's srpe table read +221 %
    # against a week with one logged day): the next week, 2 x 120 = 240, has no ramp (it read +100 %)
    for day in (date(2024, 5, 13), date(2024, 5, 15)):
        write(store, [run_on(day, km=5, minutes=30)], tag=f"next-{day}")
        store.set_session_rpe(int(store.sessions("me")["id"].iloc[-1]), 4)
    later = _status(store, date(2024, 5, 19), "srpe")
    assert later.weeks["load"].iloc[-1] == pytest.approx(240.0) and np.isnan(later.weeks["ramp"].iloc[-1])
    print_status(status)
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("2024-04-29"))
    assert row.split()[1] == "-"  # the load column (it printed "nan", or 0 before)
