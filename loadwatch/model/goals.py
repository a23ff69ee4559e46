"""Adaptive daily step goals: pure functions of the daily steps frame (the CSV and iCalendar files
are written by `report.calendar`).

The rule, day by day through the whole history (each goal uses only what was known before it):
1. raw: the `profile.step_percentile` percentile of the last `profile.step_window_days` days
   before the day (days with fewer than MIN_WORN_STEPS steps count as "not worn" and are
   skipped). Percentile-rank goals on a moving window: Adams et al., PLoS One 2013;8:e82901
   and BMC Public Health 2017 (WalkIT); the 9-day window is theirs, the percentile a setting.
2. ceiling: not pushed past 10,000 steps/day under 60 years, 8,000 from 60 (Paluch et al.,
   Lancet Public Health 2022;7:e219; age from `profile.birth_year`, unknown counts as under
   60), unless the person already walks more: when the window's median is above the ceiling,
   that median (their own level) is the goal.
3. weekly rise: a goal is never more than (1 + `profile.step_weekly_rise`) x the goal of the
   same weekday a week before (default +10 %).
4. hold: on days with a pain log or an overload flag within the last `profile.pain_recent_days`
   days the goal is not raised above the day before (it may still fall).
Goals are whole multiples of 10 steps and at least GOAL_FLOOR_STEPS. Future days carry the raw
value of the day after `as_of` forward and keep applying the weekly-rise cap.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from ..config import Profile
from ..errors import NoData
from ..models import GoalDay
from ..wording import ordinal

MIN_WORN_STEPS = 200  # a day below this is taken as "phone/watch not carried" and skipped
GOAL_FLOOR_STEPS = 1_000  # a goal never falls below this, so a non-wear stretch cannot zero it
ROUND_STEPS = 10  # goals are whole multiples of this

GOAL_COLUMNS = ["day", "steps", "raw", "level", "ceiling", "goal", "week_before", "change",
                "capped", "held", "at_ceiling", "own_level", "future", "why"]


def step_ceiling(profile: Profile, on: date) -> tuple[int, str]:
    """The Paluch 2022 ceiling (steps/day) for the athlete's age on `on`, and a short reason."""
    if profile.birth_year is None:
        return profile.step_ceiling_under_60, "age unknown, counted as under 60"
    age = on.year - profile.birth_year
    if age >= 60:
        return profile.step_ceiling_60_plus, "60 or older"
    return profile.step_ceiling_under_60, "under 60"


def held_mask(days: pd.DatetimeIndex, events: Iterable[date], window_days: int) -> np.ndarray:
    """True for each day with an event (pain log, overload flag) in the `window_days` days up to it."""
    event_days = pd.DatetimeIndex(sorted({pd.Timestamp(d) for d in events}))
    if len(days) == 0 or len(event_days) == 0:
        return np.zeros(len(days), dtype=bool)
    start = min(days[0], event_days[0])
    full = pd.date_range(start, max(days[-1], event_days[-1]), freq="D")
    hits = pd.Series(0, index=full)
    hits.loc[event_days] = 1
    recent = hits.rolling(window_days, min_periods=1).sum() > 0
    return recent.reindex(days).to_numpy(dtype=bool)


def _limit(candidate: np.ndarray, held: np.ndarray, rise: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply the weekly-rise cap and the hold, in whole steps.

    Sequential on purpose: each goal depends on the (rounded) goal 7 days and 1 day before, so
    the cap is exact in the integers users see. Everything around it is vectorised; this is one
    pass of integer arithmetic (about a millisecond for ten years).
    """
    n = len(candidate)
    goal = np.zeros(n, dtype=np.int64)
    capped = np.zeros(n, dtype=bool)
    was_held = np.zeros(n, dtype=bool)
    cand = candidate.astype(np.int64).tolist()
    out = goal.tolist()
    for i in range(n):
        g = cand[i]
        if i >= 7:
            limit = int(out[i - 7] * (1.0 + rise) // ROUND_STEPS) * ROUND_STEPS
            if g > limit:
                g, capped[i] = limit, True
        if held[i] and i >= 1 and g > out[i - 1]:
            g, was_held[i] = out[i - 1], True
        out[i] = g
    return np.asarray(out, dtype=np.int64), capped, was_held


def goal_series(
    steps: pd.DataFrame,
    profile: Profile,
    *,
    as_of: date,
    days_ahead: int = 0,
    hold_on: Iterable[date] = (),
) -> pd.DataFrame:
    """One goal per day from the day after the first step record through `as_of + days_ahead`.

    steps: the store's `daily_steps()` frame (columns day, steps; one row per day). Rows after
    `as_of` are ignored. hold_on: days with pain logged or an overload flag.
    Returns GOAL_COLUMNS: steps (NaN when not worn or future), raw (percentile), level (window
    median), ceiling, goal (int steps), week_before (goal 7 days earlier), change (fraction),
    capped/held/at_ceiling/own_level/future (bool), why (the sentence).
    Raises NoData when no day with steps exists on or before `as_of`.
    """
    if steps.empty:
        raise NoData("no daily steps stored; import a phone or watch export that has step counts")
    days = pd.to_datetime(pd.Series(steps["day"]))
    counts = pd.Series(steps["steps"].to_numpy(dtype=float), index=pd.DatetimeIndex(days))
    counts = counts.groupby(level=0).max()
    counts = counts[counts.index <= pd.Timestamp(as_of)]
    counts = counts[counts >= MIN_WORN_STEPS]
    if counts.empty:
        raise NoData(f"no day with at least {MIN_WORN_STEPS} steps on or before {as_of}; "
                     "import a phone or watch export that has step counts")
    end = pd.Timestamp(as_of) + pd.Timedelta(days=days_ahead)
    index = pd.date_range(counts.index[0] + pd.Timedelta(days=1), max(end, pd.Timestamp(as_of)), freq="D")
    full = counts.reindex(pd.date_range(counts.index[0], index[-1], freq="D"))
    # the window of day t is t-W .. t-1: what was known on the morning of t
    before = full.shift(1)
    window = before.rolling(profile.step_window_days, min_periods=1)
    raw = window.quantile(profile.step_percentile / 100.0, interpolation="linear")
    level = window.median()
    known = full.index <= pd.Timestamp(as_of) + pd.Timedelta(days=1)
    raw = raw.where(known).ffill().reindex(index)  # gaps and the future: the last known value
    level = level.where(known).ffill().reindex(index)
    future = index > pd.Timestamp(as_of)

    ceilings = [step_ceiling(profile, d.date()) for d in index]
    ceiling = np.array([c for c, _ in ceilings], dtype=float)
    own_level = level.to_numpy() > ceiling
    target = np.where(own_level, level.to_numpy(), np.minimum(raw.to_numpy(), ceiling))
    at_ceiling = ~own_level & (raw.to_numpy() > ceiling)
    candidate = np.maximum(np.round(target / ROUND_STEPS) * ROUND_STEPS, GOAL_FLOOR_STEPS)

    held = held_mask(index, hold_on, profile.pain_recent_days)
    goal, capped, _ = _limit(candidate, held, profile.step_weekly_rise)
    week_before = pd.Series(goal, dtype=float).shift(7).to_numpy()
    frame = pd.DataFrame({
        "day": index.date,
        "steps": full.reindex(index).to_numpy(),
        "raw": raw.to_numpy(),
        "level": level.to_numpy(),
        "ceiling": ceiling.astype(int),
        "goal": goal,
        "week_before": week_before,
        "change": goal / week_before - 1.0,
        "capped": capped,
        "held": held,
        "at_ceiling": at_ceiling,
        "own_level": own_level,
        "future": future,
    })
    frame["why"] = _explain(frame, profile, as_of, [r for _, r in ceilings])
    return frame[GOAL_COLUMNS]


def _explain(frame: pd.DataFrame, profile: Profile, as_of: date, ceiling_reasons: list[str]) -> list[str]:
    """The sentence behind each goal, e.g. "9-day 60th percentile 7,840; +1.4% this week"."""
    pct = ordinal(f"{profile.step_percentile:g}")
    rise = f"{profile.step_weekly_rise:.0%}"
    out: list[str] = []
    for row, reason in zip(frame.itertuples(index=False), ceiling_reasons, strict=True):
        parts = [f"{profile.step_window_days}-day {pct} percentile {row.raw:,.0f}"]
        if row.week_before != row.week_before:  # NaN: no goal a week before
            parts.append("first week of goals")
        else:
            parts.append(f"{row.change:+.1%} this week")
        if row.own_level:
            parts.append(f"you already walk {row.level:,.0f} ({profile.step_window_days}-day median), above the "
                         f"{row.ceiling:,} ceiling: your own level holds")
        elif row.at_ceiling:
            parts.append(f"ceiling {row.ceiling:,} a day (Paluch 2022, {reason})")
        if row.capped:
            parts.append(f"rise held to +{rise} a week (goal a week before {row.week_before:,.0f})")
        if row.held:
            parts.append("held, not raised: pain or an overload flag in the last "
                         f"{profile.pain_recent_days} days")
        if row.goal == GOAL_FLOOR_STEPS and row.raw < GOAL_FLOOR_STEPS:
            parts.append(f"never below {GOAL_FLOOR_STEPS:,}")
        if row.future:
            parts.append(f"carried forward from {as_of.isoformat()}")
        out.append("; ".join(parts))
    return out


def upcoming_goals(
    steps: pd.DataFrame, profile: Profile, *, as_of: date, days: int = 14, hold_on: Iterable[date] = ()
) -> pd.DataFrame:
    """The goals for the `days` days after `as_of` (the tail of `goal_series`)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    series = goal_series(steps, profile, as_of=as_of, days_ahead=days, hold_on=hold_on)
    return series[series["future"]].reset_index(drop=True)


def goal_days(goals: pd.DataFrame) -> list[GoalDay]:
    """The rows of a `goal_series` frame as GoalDay results."""
    return [GoalDay(day=row.day, goal=int(row.goal), why=row.why,
                    week_before=None if row.week_before != row.week_before else int(row.week_before),
                    capped=bool(row.capped), held=bool(row.held), ceiling=int(row.ceiling))
            for row in goals.itertuples(index=False)]


__all__ = ["GOAL_COLUMNS", "GOAL_FLOOR_STEPS", "MIN_WORN_STEPS", "goal_days", "goal_series", "held_mask",
           "step_ceiling", "upcoming_goals"]
