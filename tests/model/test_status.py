"""The status as of a day on frames: the weeks table, logged strength as sessions, the stale-data note."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from loadwatch.config import Profile
from loadwatch.errors import ConfigError
from loadwatch.model.plan import next_week
from loadwatch.model.status import STALE_AFTER_DAYS, WEEK_JSON_COLUMNS, compute_status, stale_note, strength_sessions
from loadwatch.models import Note
from loadwatch.report.data import PLAN_WEEKS
from loadwatch.store import Store
from tests.helpers import run_on, steps_days, write

PROFILE = Profile(hr_max_bpm=200, hr_rest_bpm=50, sex="male")
NO_STEPS = pd.DataFrame({"day": [], "steps": []})
NO_LOGS = pd.DataFrame({"id": [], "day": [], "kind": [], "payload": []})
SESSION_COLUMNS = ["id", "sport", "sub_sport", "start_utc", "utc_offset_s", "local_start", "day", "duration_s",
                   "moving_s", "distance_m", "avg_hr", "max_hr", "hr_hist", "rpe", "source"]


# --- the weeks table ------------------------------------------------------------------------------
def test_weeks_table_holds_the_json_columns_by_hand(store: Store) -> None:
    # Mon/Wed/Fri 5 km runs: 30 min each in the week of Mon 6 May, 40 min each in the week of 13 May;
    # 7,000 steps a day on all 14 days. Metric duration: the load is the minutes.
    monday = date(2024, 5, 6)
    runs = [run_on(monday + timedelta(days=d), km=5, minutes=30) for d in (0, 2, 4)]
    runs += [run_on(monday + timedelta(days=7 + d), km=5, minutes=40) for d in (0, 2, 4)]
    write(store, runs, steps_days(14, monday + timedelta(days=13)))
    status = compute_status(store.sessions("me"), store.daily_steps("me"), store.logs("me"), PROFILE,
                            as_of=date(2024, 5, 19), weeks=2, metric="duration")
    weeks = status.weeks
    assert set(WEEK_JSON_COLUMNS) <= set(weeks.columns)
    assert list(weeks.index) == [pd.Timestamp(2024, 5, 6), pd.Timestamp(2024, 5, 13)]
    assert list(weeks["days"]) == [7, 7]
    assert list(weeks["load"]) == [90, 120]  # 3 x 30 min, 3 x 40 min
    assert list(weeks["distance_m"]) == [15_000, 15_000] and list(weeks["long_run_m"]) == [5_000, 5_000]
    assert list(weeks["duration_s"]) == [5_400, 7_200] and list(weeks["runs"]) == [3, 3]
    assert list(weeks["steps"]) == [49_000, 49_000]  # 7 x 7,000
    assert np.isnan(weeks["ramp"].iloc[0])  # the week before holds no data: no base
    assert weeks["ramp"].iloc[1] == pytest.approx(120 / 90 - 1)  # +33.3 %
    assert weeks["steps_ramp"].iloc[1] == pytest.approx(0.0)
    assert np.isnan(weeks["base_4wk"]).all()  # not 4 whole weeks before either
    # the JSON rows: the week's Monday, then exactly these columns, NaN -> None, steps as a whole number
    rows = status.as_json()["weeks"]
    assert [list(r) for r in rows] == [["week", *WEEK_JSON_COLUMNS]] * 2
    assert rows[1]["week"] == "2024-05-13" and rows[1]["load"] == 120.0 and rows[1]["ramp"] == 0.3333
    assert rows[0]["ramp"] is None and rows[0]["steps"] == 49_000 and isinstance(rows[0]["steps"], int)


def test_weeks_must_be_at_least_one() -> None:
    with pytest.raises(ConfigError, match="--weeks must be at least 1, not 0"):
        compute_status(pd.DataFrame(columns=SESSION_COLUMNS), NO_STEPS, NO_LOGS, PROFILE, as_of=date(2024, 5, 1),
                       weeks=0)


def test_future_sessions_do_not_change_a_past_report(store: Store) -> None:
    write(store, [run_on(date(2024, 4, 15), km=20, sport="cycling")])  # 30 days of history before the 40 km
    write(store, [run_on(date(2024, 5, 1) + timedelta(days=2 * i), km=8 + i % 3) for i in range(20)])
    sessions = store.sessions("me")
    before = compute_status(sessions, NO_STEPS, NO_LOGS, PROFILE, as_of=date(2024, 5, 20)).as_json()
    write(store, [run_on(date(2024, 5, 22), km=40)])
    sessions = store.sessions("me")
    after = compute_status(sessions, NO_STEPS, NO_LOGS, PROFILE, as_of=date(2024, 5, 20)).as_json()
    assert after == before
    later = compute_status(sessions, NO_STEPS, NO_LOGS, PROFILE, as_of=date(2024, 5, 22))
    assert later.flags[0].rule == "session_spike"  # and on the day itself, it shows


# --- logged strength as sessions ------------------------------------------------------------------
def test_strength_logged_with_rpe_counts_once_per_day_as_session_rpe_load() -> None:
    """Two exercises logged on one day with RPE 6 and 30 min are one strength session.

    By hand: sRPE = 6 x 30 = 180 AU; as TRIMP (male) = 30 min x 0.6 x 0.64 e^(1.92 x 0.6) = 36.5.
    """
    day = date(2024, 5, 8)
    logs = pd.DataFrame({
        "id": [1, 2, 3], "day": [day, day, day], "kind": ["strength", "strength", "pain"],
        "payload": [{"exercise": "superman", "sets": 3, "reps": 10, "rpe": 6, "minutes": 30},
                    {"exercise": "beetle", "sets": 3, "reps": 10, "rpe": 5, "minutes": 20},
                    {"where": "lower", "level": 2}],
    })
    strength = strength_sessions(logs)
    assert len(strength) == 1 and strength.iloc[0]["duration_s"] == 1800.0 and strength.iloc[0]["rpe"] == 6
    empty_sessions = pd.DataFrame(columns=SESSION_COLUMNS)
    steps = pd.DataFrame({"day": [day], "steps": [8000], "source": ["x"]})
    status = compute_status(empty_sessions, steps, logs, Profile(), as_of=day, metric="srpe")
    assert status.daily.loc[pd.Timestamp(day), "load"] == pytest.approx(180.0)
    assert status.daily.loc[pd.Timestamp(day), "runs"] == 0
    trimp = compute_status(empty_sessions, steps, logs, Profile(), as_of=day)
    assert trimp.daily.loc[pd.Timestamp(day), "load"] == pytest.approx(30 * 0.6 * 0.64 * math.exp(1.92 * 0.6))


def test_strength_sessions_one_per_day_with_rpe_and_minutes_only() -> None:
    # 8 May: two exercises (RPE 6/30 min and RPE 7/20 min) -> one session, the largest of each: RPE 7, 30 min;
    # 9 May: logged without RPE/minutes -> no load to count, no session; 10 May: RPE 4, 15 min
    logs = pd.DataFrame({
        "id": [4, 5, 6, 7], "day": [date(2024, 5, 8), date(2024, 5, 8), date(2024, 5, 9), date(2024, 5, 10)],
        "kind": ["strength"] * 4,
        "payload": [{"exercise": "superman", "sets": 3, "reps": 8, "rpe": 6, "minutes": 30},
                    {"exercise": "dead_bug", "sets": 3, "reps": 8, "rpe": 7, "minutes": 20},
                    {"exercise": "superman", "sets": 3, "reps": 10},
                    {"exercise": "superman", "sets": 3, "reps": 12, "rpe": 4, "minutes": 15}],
    })
    out = strength_sessions(logs)
    assert list(out.columns) == SESSION_COLUMNS
    assert list(out["day"]) == [date(2024, 5, 8), date(2024, 5, 10)]
    assert list(out["rpe"]) == [7, 4] and list(out["duration_s"]) == [1_800.0, 900.0]
    assert list(out["id"]) == [-5, -7]  # negative: never a stored session's id
    assert (out["sport"] == "strength").all() and out["distance_m"].isna().all()
    assert list(out["start_utc"]) == [datetime(2024, 5, 8, 18, tzinfo=UTC), datetime(2024, 5, 10, 18, tzinfo=UTC)]
    # nothing to count: no logs, or strength logged without RPE and minutes
    assert strength_sessions(NO_LOGS).empty and list(strength_sessions(NO_LOGS).columns) == SESSION_COLUMNS
    assert strength_sessions(logs.iloc[2:3]).empty


# --- stale data -----------------------------------------------------------------------------------
def test_stale_note_after_more_than_nine_days() -> None:
    assert STALE_AFTER_DAYS == 9
    steps = pd.DataFrame({"day": [date(2021, 2, 16), date(2021, 2, 17)], "steps": [8000, 8000]})
    no_sessions = pd.DataFrame({"day": []})
    # 17 Feb + 9 days = 26 Feb: still within the step window; 27 Feb is 10 days later: stale
    assert stale_note(no_sessions, steps, date(2021, 2, 26)) is None
    note = stale_note(no_sessions, steps, date(2021, 2, 27))
    assert note == Note("stale", "Nothing imported after 2021-02-17 (10 days before 2021-02-27): the days since count"
                        " as rest and step goals carry that time forward. Import newer data, or look back with"
                        " --as-of 2021-02-17.")
    # the newest of sessions and steps counts: a session on 20 Feb makes 27 Feb only 7 days later
    assert stale_note(pd.DataFrame({"day": [date(2021, 2, 20)]}), steps, date(2021, 2, 27)) is None
    assert stale_note(no_sessions, pd.DataFrame({"day": [], "steps": []}), date(2021, 2, 27)) is None


def test_stale_data_is_said_in_status_and_plan(store: Store) -> None:
    """Steps end on 2021-02-17; asked on 2021-03-01 (12 days later) both status and plan say so."""
    last = date(2021, 2, 17)
    write(store, steps=steps_days(30, last, 8000))
    sessions, steps, logs = store.sessions("me"), store.daily_steps("me"), store.logs("me")

    def status(as_of: date, weeks: int = 12):
        return compute_status(sessions, steps, logs, Profile(), as_of=as_of, weeks=weeks)

    note = ("Nothing imported after 2021-02-17 (12 days before 2021-03-01): the days since count as rest and step"
            " goals carry that time forward. Import newer data, or look back with --as-of 2021-02-17.")
    assert status(date(2021, 3, 1)).notes_of("stale") == [note]
    plan = next_week(status(date(2021, 3, 1), PLAN_WEEKS), steps, logs, Profile())
    assert note in plan.notes
    # within the 9-day step window nothing is said
    assert not status(last).notes_of("stale")
    assert not status(last + timedelta(days=9)).notes_of("stale")
