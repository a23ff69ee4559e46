"""Next week's plan: caps ("a little less than your head would like"), runs, step goals, strength.

Next week is the 7 days after `as_of` (as_of+1 .. as_of+7), so a plan made on any day covers a
full week. The caps (the most next week should hold and what we suggest: ramp, 4-week ramp, ACWR
and long-run ceilings, with their sources) are computed in `loadwatch.caps`. Recent pain: no
increase (the most = last week's, all runs easy); a red flag: the same, strength paused, "see a
doctor" first. Fewer than 28 days of runs: a cautious starting plan from what there is, and the
plan says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from .caps import CHRONIC_DAYS, Caps, Ceiling, _cap_notes, _num, _run_daily, compute_caps
from .caps import LONG_RUN_WINDOW_DAYS as LONG_RUN_WINDOW_DAYS  # re-exported: caps moved to caps.py
from .caps import SERIES as SERIES
from .config import Profile, load_profile
from .errors import NoData
from .flags import PainState, pain_state
from .goals import upcoming_goals
from .status import STALE_NOTE_START, Status, status_from_store
from .strength import Prescription, StrengthState, flexibility, progression, schedule

MAX_RUNS_PER_WEEK = 6
DEFAULT_LONG_RUN_WEEKDAY = 6  # Sunday
LONG_RUN_SHARE = 0.5  # with several runs, the long run takes at most half the week's distance


@dataclass(frozen=True, slots=True)
class PlanDay:
    """One day: run ("rest" | "easy" | "long"), its suggested distance/minutes, the step goal and
    why, the strength session (empty on other days) and when to do it, the stretches."""

    day: date
    run: str
    run_distance_m: float | None
    run_minutes: float | None
    step_goal: int | None
    step_why: str | None
    strength: list[Prescription]
    strength_timing: str | None
    flexibility: list[Prescription]

    def as_json(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "run": self.run, "run_distance_m": _num(self.run_distance_m),
                "run_minutes": _num(self.run_minutes), "step_goal": self.step_goal, "step_why": self.step_why,
                "strength": [p.as_json() for p in self.strength], "strength_timing": self.strength_timing,
                "flexibility": [p.as_json() for p in self.flexibility]}


@dataclass(frozen=True, slots=True)
class Plan:
    """Next week's guidance. mode: normal | starting | pain | red_flag | no_runs. `lead` is the line
    to show first (the doctor advice with a red flag), `notes` the reasons, in order."""

    as_of: date
    start: date
    end: date
    mode: str
    caps: Caps
    days: list[PlanDay]
    lead: str | None
    notes: list[str]
    strength: StrengthState | None

    def as_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "start": self.start.isoformat(), "end": self.end.isoformat(),
                "mode": self.mode, "lead": self.lead, "caps": self.caps.as_json(),
                "days": [d.as_json() for d in self.days], "notes": list(self.notes),
                "strength_changes": list(self.strength.changes) if self.strength else []}


# -- the numbers ---------------------------------------------------------------------------------
def _runs_per_week(daily: pd.DataFrame, history_days: int) -> int:
    window = min(CHRONIC_DAYS, max(history_days, 1))
    runs = float(daily["runs"].iloc[-window:].sum())
    if runs == 0:
        return 0
    return int(np.clip(round(runs * 7 / max(window, 7)), 1, MAX_RUNS_PER_WEEK))


def _long_weekday(daily: pd.DataFrame) -> int:
    """The weekday of most of the recent weeks' longest runs (Sunday when unknown)."""
    runs = daily[daily["long_run_m"] > 0]
    if runs.empty:
        return DEFAULT_LONG_RUN_WEEKDAY
    week = runs.index - pd.to_timedelta(runs.index.day_of_week, unit="D")
    longest = runs["long_run_m"].groupby(week).idxmax()
    return int(pd.Series([d.weekday() for d in longest]).mode().iloc[-1])


def run_days(start: date, n_runs: int, long_weekday: int) -> list[str]:
    """Run kinds for 7 days from `start`: one "long" (on its weekday), n_runs - 1 "easy" spread out
    (the widest gaps between all runs, the day after the long run kept free when possible)."""
    kinds = ["rest"] * 7
    if n_runs <= 0:
        return kinds
    long_i = next(i for i in range(7) if (start + timedelta(days=i)).weekday() == long_weekday)
    kinds[long_i] = "long"
    others = [i for i in range(7) if i != long_i]
    best: tuple[Any, ...] | None = None
    for combo in combinations(others, min(n_runs - 1, len(others))):
        days = sorted([long_i, *combo])
        gaps = [(b - a) % 7 or 7 for a, b in zip(days, days[1:] + days[:1], strict=True)] if len(days) > 1 else [7]
        after_long = (long_i + 1) % 7 in combo
        score = (min(gaps), not after_long, -sum(combo))
        if best is None or score > best[0]:
            best = (score, combo)
    for i in best[1] if best else ():
        kinds[i] = "easy"
    return kinds


# -- the plan ------------------------------------------------------------------------------------
def next_week(status: Status, steps: pd.DataFrame, logs: pd.DataFrame, profile: Profile, *,
              pain: PainState | None = None) -> Plan:
    """Next week's plan from a status (`load.compute_status`), the daily steps frame and the logs.

    Pure: no store, no clock. The plan covers status.as_of + 1 .. + 7."""
    as_of = status.as_of
    start, end = as_of + timedelta(days=1), as_of + timedelta(days=7)
    pain = pain or pain_state(logs, as_of=as_of, profile=profile)
    daily = _run_daily(status, as_of)
    firsts = [d for d in (status.sessions["day"].min() if len(status.sessions) else None,) if d is not None]
    history_days = (as_of - min(firsts)).days + 1 if firsts else 0
    caps = compute_caps(daily, profile, unit=status.unit, history_days=history_days, pain=pain)
    n_runs = _runs_per_week(daily, history_days)
    notes: list[str] = []
    lead: str | None = None
    if pain.red_flag:
        mode = "red_flag"
        lead = (f"See a doctor first: you logged {', '.join(pain.reasons)}. This plan proposes no increase: "
                "easy runs only if they do not hurt, and no strength session until the back has been checked.")
    elif pain.recent:
        mode = "pain"
        notes.append(f"Pain logged on {pain.last_day}: easy runs only and no increase; the caps are last "
                     "week's and the suggestion is lower.")
    elif n_runs == 0:
        mode = "no_runs"
    elif history_days < CHRONIC_DAYS:
        mode = "starting"
    else:
        mode = "normal"
    notes += [n for n in status.notes if n.startswith(STALE_NOTE_START)]
    if n_runs == 0:
        notes.append("No runs recorded in the last 4 weeks, so there are no run caps. If you start (again), "
                     "begin with 2-3 easy runs of 20-30 minutes a week.")
    elif history_days < CHRONIC_DAYS:
        notes.append(f"Only {history_days} days of data so far: this is a cautious starting plan (at most last "
                     "week's amount + 10 %); the caps become personal after 4 weeks.")
    if caps.weekly_max is not None or caps.distance_max_m is not None:  # no load at all: no ceilings to explain
        notes += _cap_notes(caps, profile, daily)

    kinds = run_days(start, n_runs, _long_weekday(daily))
    if pain.recent:
        kinds = ["easy" if k == "long" else k for k in kinds]
    distances = _run_distances(kinds, caps, pain.recent)
    pace = _pace_s_per_m(daily)

    held = hold_days(status, logs, as_of)
    goals: dict[date, tuple[int, str]] = {}
    if steps is not None and len(steps):
        try:
            upcoming = upcoming_goals(steps, profile, as_of=as_of, days=7, hold_on=held)
            goals = {r.day: (int(r.goal), r.why) for r in upcoming.itertuples(index=False)}
        except NoData:
            goals = {}
    if not goals:
        notes.append("No daily steps stored: no step goals (import a phone or watch export with steps).")

    upper = _upper_back_pain(logs, as_of, profile)
    strength: StrengthState | None = None
    session_days: list[int] = []
    if pain.red_flag:
        notes.append("Strength sessions are paused until a doctor has seen the back; gentle stretches only "
                     "if they do not hurt.")
    else:
        strength = progression(logs, as_of=as_of, upper_back=upper)
        session_days = schedule(kinds, last_session_offset=_last_strength_offset(logs, as_of, start))
        notes += strength.notes
        if len(session_days) < 2:
            notes.append("This week has room for only one strength session 48 h from the others; "
                         "two a week is the aim (WHO 2020).")
    stretches = flexibility()
    days: list[PlanDay] = []
    for i, kind in enumerate(kinds):
        day = start + timedelta(days=i)
        dist = distances[i]
        minutes = dist * pace / 60 if dist is not None and pace is not None else None
        session = strength.session if strength and i in session_days else []
        timing = None
        if session:
            timing = "after your run, never before it" if kind != "rest" else "any time"
        goal = goals.get(day)
        days.append(PlanDay(day, kind, dist, minutes, goal[0] if goal else None, goal[1] if goal else None,
                            list(session), timing, stretches))
    if any(f.severity in ("caution", "high") for f in status.flags):
        notes += [f.message for f in status.flags if f.severity in ("caution", "high")]
    return Plan(as_of, start, end, mode, caps, days, lead, notes, strength)


def _run_distances(kinds: list[str], caps: Caps, pain: bool) -> list[float | None]:
    n = sum(k != "rest" for k in kinds)
    total = caps.distance_suggested_m
    if n == 0 or total is None:
        return [None] * len(kinds)
    long_m = caps.long_run_suggested_m or 0.0
    if n == 1:
        only = min(total, long_m) if long_m else total
        return [only if k != "rest" else None for k in kinds]
    if pain or "long" not in kinds:
        each = min(total / n, long_m) if long_m else total / n
        return [each if k != "rest" else None for k in kinds]
    long_run = min(long_m, total * LONG_RUN_SHARE) if long_m else total * LONG_RUN_SHARE
    easy = min((total - long_run) / (n - 1), long_run)
    return [long_run if k == "long" else easy if k == "easy" else None for k in kinds]


def _pace_s_per_m(daily: pd.DataFrame) -> float | None:
    dist, dur = float(daily["distance_m"].sum()), float(daily["duration_s"].sum())
    return dur / dist if dist > 0 and dur > 0 else None


def _pain_days(logs: pd.DataFrame, as_of: date) -> list[date]:
    if logs is None or logs.empty:
        return []
    pain = logs[(logs["kind"] == "pain") & (pd.to_datetime(logs["day"]) <= pd.Timestamp(as_of))]
    return [d for d, p in zip(pain["day"], pain["payload"], strict=True) if float(p.get("level", 0) or 0) > 0]


def _upper_back_pain(logs: pd.DataFrame, as_of: date, profile: Profile) -> bool:
    if logs is None or logs.empty:
        return False
    since = as_of - timedelta(days=profile.pain_recent_days - 1)
    pain = logs[(logs["kind"] == "pain") & (pd.to_datetime(logs["day"]) >= pd.Timestamp(since))
                & (pd.to_datetime(logs["day"]) <= pd.Timestamp(as_of))]
    return any(p.get("where") == "upper" and float(p.get("level", 0) or 0) > 0 for p in pain["payload"])


def _last_strength_offset(logs: pd.DataFrame, as_of: date, start: date) -> int | None:
    if logs is None or logs.empty:
        return None
    done = logs[(logs["kind"] == "strength") & (pd.to_datetime(logs["day"]) <= pd.Timestamp(as_of))]
    return (max(done["day"]) - start).days if len(done) else None


def plan_from_store(store: Any, athlete: str, *, as_of: date | None = None, metric: str = "trimp") -> Plan:
    """Read the athlete's data and plan the 7 days after `as_of` (default today). NoData when empty."""
    status = status_from_store(store, athlete, as_of=as_of, weeks=6, metric=metric)
    profile = load_profile(store, athlete)
    return next_week(status, store.daily_steps(athlete), store.logs(athlete), profile)




def hold_days(status: Status | None, logs: pd.DataFrame, as_of: date) -> list[date]:
    """Days that hold step goals: pain logged (level > 0) and the days of every caution/high flag through
    the history (`Status.hold_days`), so the goals of past days are the ones shown on them."""
    flags = list(status.hold_days) if status is not None else []
    return _pain_days(logs, as_of) + flags


def goals_from_store(store: Any, athlete: str, *, as_of: date | None = None, days: int = 14) -> pd.DataFrame:
    """The step goals for the `days` days after `as_of` (default today), held on pain and flags."""
    as_of = as_of or date.today()
    logs = store.logs(athlete)
    steps = store.daily_steps(athlete)
    status = status_from_store(store, athlete, as_of=as_of, weeks=6) if len(store.sessions(athlete)) else None
    return upcoming_goals(steps, load_profile(store, athlete), as_of=as_of, days=days,
                          hold_on=hold_days(status, logs, as_of))


__all__ = ["Caps", "Ceiling", "Plan", "PlanDay", "compute_caps", "goals_from_store", "hold_days", "next_week",
           "plan_from_store", "run_days"]
