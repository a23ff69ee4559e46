"""Adaptive daily step goals: pure functions of the daily steps frame (the CSV and iCalendar files
are written by `report.calendar`).

One goal a day from one rule, day by day through the whole history (each goal uses only what was
known on the morning of its day; "the window" is the `profile.step_window_days` days before it, and
days with fewer than MIN_WORN_STEPS steps count as "not worn" and are left out of it):
1. target: the `profile.step_percentile` percentile of the window (Adams et al., PLoS One
   2013;8:e82901 and BMC Public Health 2017 (WalkIT): percentile-rank goals on a moving 9-day
   window; the percentile is a setting).
2. floor: never below what the person already walks, the window's median (rounded up to whole tens;
   at least GOAL_FLOOR_STEPS). Adaptive goals work by sitting just above the recent level; a goal
   below it only asks for less (the issue-13 review: the old weekday chains averaged 5,817 steps on
   the demo while the runner walked 8,764).
3. ceiling: not pushed past 10,000 steps/day under 60 years, 8,000 from 60 (Paluch et al., Lancet
   Public Health 2022;7:e219; age from `profile.birth_year`, unknown counts as under 60), unless the
   person already walks more: then their own median is the goal.
4. gentle rise: above the floor a goal rises at most (1 + `profile.step_weekly_rise`) a week
   (default +10 %), as one chain through the days: at most (1 + rise) ** (1/7) x the day before's
   goal (rounded down to whole tens), so any 7 days rise by at most the weekly figure. There is one
   chain, not one per weekday; the floor may lift the goal at once (the person already walks that).
5. hold: on days with a pain log or an overload flag within the last `profile.pain_recent_days`
   days the goal is the same number as the day before: not raised and not cut (staying active helps
   the back). `held` is True only where holding changed the goal.
6. gaps: a day whose window holds no step count keeps the last goal; when counts come back the rule
   starts again from the new days (the floor, then the gentle rise), not from the goal before the gap.
Goals are whole multiples of 10 steps. Future days use the window of the day after `as_of` and keep
applying the rise, so the next days' goals climb as the history's would.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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
                "capped", "held", "hold", "at_ceiling", "own_level", "restart", "future", "set_by", "why"]

# What set a day's goal (the `set_by` column and JSON field): the percentile itself, what the person
# already walks (the window's median), the gentle rise, the age ceiling, their own level above that
# ceiling, the 1,000-step floor, a hold (pain or an overload flag), or no step count in the window.
SET_BY = ("percentile", "level", "rise", "ceiling", "own_level", "floor", "held", "no_data")


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


def _tens_up(value: float) -> int:
    return int(np.ceil(value / ROUND_STEPS - 1e-9)) * ROUND_STEPS


def _tens_down(value: float) -> int:
    return int(np.floor(value / ROUND_STEPS + 1e-9)) * ROUND_STEPS


def _tens(value: float) -> int:
    return int(np.floor(value / ROUND_STEPS + 0.5)) * ROUND_STEPS


@dataclass(frozen=True, slots=True)
class _Day:
    """One day's goal as the rule set it (see the module docstring)."""

    goal: int
    set_by: str
    capped: bool = False  # the gentle rise bound it
    held: bool = False  # the hold changed it
    restart: bool = False  # the first day after a gap (or of the history): the rule starts afresh
    week_high: bool = False  # a rise capped at the highest goal of the last 7 days (not the day before's)


def _rule(worn: np.ndarray, raw: np.ndarray, level: np.ndarray, ceiling: np.ndarray, hold: np.ndarray,
          daily_rise: float) -> list[_Day]:
    """The goals in order, one chain. Sequential on purpose: each goal depends on the (rounded) goal
    of the day before, so the limits are exact in the integers users see (a millisecond for ten years)."""
    out: list[_Day] = []
    prev: int | None = None
    since = 0  # the first day of the current run of goals (after a gap, the rule starts again)
    for i in range(len(worn)):
        if worn[i] == 0:  # no step count in the window: keep the last goal
            out.append(_Day(prev if prev is not None else GOAL_FLOOR_STEPS, "no_data"))
            since = i + 1
            continue
        restart = prev is None or worn[i - 1] == 0
        floor = max(_tens_up(level[i]), GOAL_FLOOR_STEPS)
        top = int(ceiling[i])
        target = min(_tens(raw[i]), max(top, floor))
        week_high = 0
        if restart or prev is None:
            rise_cap = _tens_down(floor * daily_rise)
        else:  # a goal of the last 7 days may come back; above them it rises one day's share of the week
            week_high = max(d.goal for d in out[max(since, i - 7):i])
            rise_cap = max(week_high, _tens_down(prev * daily_rise))
        free = max(floor, min(target, rise_cap))
        why = _why_free(free, floor, target, rise_cap, top)
        if not restart and prev is not None and hold[i] and free != prev:
            out.append(_Day(prev, "held", held=True))
        else:
            out.append(_Day(free, why, capped=why == "rise", restart=restart,
                            week_high=why == "rise" and free == week_high))
        prev = out[-1].goal
    return out


def _why_free(goal: int, floor: int, target: int, rise_cap: int, ceiling: int) -> str:
    """The `set_by` code of a goal the rule set without a hold."""
    if goal == floor and (floor > min(target, rise_cap) or target == floor):
        if floor == GOAL_FLOOR_STEPS and target <= floor:
            return "floor"
        return "own_level" if floor > ceiling else "level"
    if goal == rise_cap and rise_cap < target:
        return "rise"
    return "ceiling" if target == ceiling else "percentile"


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
    Returns GOAL_COLUMNS: steps (NaN when not worn or future), raw (the window's percentile, NaN when
    the window holds no count), level (the window's median), ceiling, goal (int steps), week_before
    (goal 7 days earlier), change (fraction), capped (the gentle rise set it), held (a hold changed
    it), hold (a hold was active), at_ceiling, own_level (median above the ceiling), restart (the
    rule started afresh: first day or after a gap), future (bool), set_by (SET_BY), why (the sentence).
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
    window = full.shift(1).rolling(profile.step_window_days, min_periods=1)
    stats = pd.DataFrame({"raw": window.quantile(profile.step_percentile / 100.0, interpolation="linear"),
                          "level": window.median(), "worn": window.count()})
    # future days (after as_of + 1) use the window of as_of + 1: nothing after as_of is known
    last_known = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    stats = stats.reindex(index.where(index <= last_known, last_known))
    raw, level = stats["raw"].to_numpy(), stats["level"].to_numpy()
    worn = stats["worn"].fillna(0).to_numpy(dtype=int)
    future = index > pd.Timestamp(as_of)

    ceilings = [step_ceiling(profile, d.date()) for d in index]
    ceiling = np.array([c for c, _ in ceilings], dtype=float)
    hold = held_mask(index, hold_on, profile.pain_recent_days)
    daily_rise = (1.0 + profile.step_weekly_rise) ** (1.0 / 7.0)
    rule = _rule(worn, raw, level, ceiling, hold, daily_rise)
    goal = np.array([d.goal for d in rule], dtype=np.int64)
    week_before = pd.Series(goal, dtype=float).shift(7).to_numpy()
    own_level = (worn > 0) & (level > ceiling)
    frame = pd.DataFrame({
        "day": index.date,
        "steps": full.reindex(index).to_numpy(),
        "raw": raw,
        "level": level,
        "ceiling": ceiling.astype(int),
        "goal": goal,
        "week_before": week_before,
        "change": goal / week_before - 1.0,
        "capped": [d.capped for d in rule],
        "held": [d.held for d in rule],
        "hold": hold,
        "at_ceiling": [d.set_by == "ceiling" for d in rule],
        "own_level": own_level,
        "restart": [d.restart for d in rule],
        "future": future,
        "set_by": [d.set_by for d in rule],
    })
    frame["why"] = _explain(frame, profile, as_of, [r for _, r in ceilings], [d.week_high for d in rule])
    return frame[GOAL_COLUMNS]


def _explain(frame: pd.DataFrame, profile: Profile, as_of: date, ceiling_reasons: list[str],
             from_week: list[bool]) -> list[str]:
    """The sentence behind each goal: what set it, e.g. "what you already walk: 9-day median 8,760" or
    "rising at most +10% a week toward your 9-day 60th percentile 9,890 (the day before: 9,120)".
    A held goal never speaks of a rise; a goal below the person's median says why."""
    w = profile.step_window_days
    pct = f"{w}-day {ordinal(f'{profile.step_percentile:g}')} percentile"
    rise = f"+{profile.step_weekly_rise:.0%} a week"
    out: list[str] = []
    last_count: date | None = None  # the last day with a step count before the row
    gap_from: date | None = None  # the last count before the current gap
    restarted: tuple[date, int] | None = None  # the last restart: its day, the days without counts
    prev: int | None = None
    for row, reason, back in zip(frame.itertuples(index=False), ceiling_reasons, from_week, strict=True):
        level = f"{w}-day median {row.level:,.0f}" if row.level == row.level else ""
        if row.set_by == "no_data":
            if gap_from is None:
                gap_from = last_count
            since = f" since {gap_from:%a %d %b %Y}" if gap_from is not None else ""
            text = (f"no step count{since} (the last {w} days hold none): the last goal is kept; when counts "
                    "come back the goal starts again from the new days")
        elif row.set_by == "held":
            text = (f"held at the day before's {row.goal:,}: pain or an overload flag in the last "
                    f"{profile.pain_recent_days} days keeps the goal (not raised, not cut: staying active helps)")
            if row.goal < row.level:
                text += f"; below what you already walk ({level}) only while it holds"
        elif row.set_by == "rise":
            if row.restart or prev is None:
                start = f"starting from what you already walk, {level}"
            elif back:
                start = "back to the highest goal of the last 7 days"
            else:
                start = f"the day before: {prev:,}"
            text = f"rising at most {rise} toward your {pct} {row.raw:,.0f} ({start})"
        elif row.set_by == "level":
            text = f"what you already walk: {level}"
            if round(row.raw) > round(row.level):
                text += f" (your {pct} is {row.raw:,.0f})"
        elif row.set_by == "own_level":
            text = f"you already walk {row.level:,.0f} ({w}-day median), above the {row.ceiling:,} ceiling: " \
                   "your own level holds"
        elif row.set_by == "floor":
            text = f"never below {GOAL_FLOOR_STEPS:,} ({level})"
        elif row.set_by == "ceiling":
            text = f"ceiling {row.ceiling:,} a day (Paluch 2022, {reason}); your {pct} is {row.raw:,.0f}"
        else:
            text = f"your {pct} {row.raw:,.0f}"
        if row.restart and gap_from is not None and last_count is not None:
            restarted = (row.day, (last_count - gap_from).days - 1)
            gap_from = None
        if restarted is not None and row.set_by != "no_data" and (row.day - restarted[0]).days < w:
            text += f"; started again on {restarted[0]:%a %d %b %Y} after {restarted[1]} days without a step count"
        if row.future:
            text += f"; from the steps up to {as_of.isoformat()}"
        out.append(text)
        if row.steps == row.steps:  # a count (frame steps are NaN when not worn)
            last_count = row.day
        prev = int(row.goal)
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
                    capped=bool(row.capped), held=bool(row.held), ceiling=int(row.ceiling), set_by=str(row.set_by),
                    level=None if row.level != row.level else round(float(row.level)))
            for row in goals.itertuples(index=False)]


__all__ = ["GOAL_COLUMNS", "GOAL_FLOOR_STEPS", "MIN_WORN_STEPS", "SET_BY", "goal_days", "goal_series", "held_mask",
           "step_ceiling", "upcoming_goals"]
