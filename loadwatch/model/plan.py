"""Next week's plan: caps ("a little less than your head would like"), runs, step goals, strength.

Next week is the 7 days after `as_of` (as_of+1 .. as_of+7), so a plan made on any day covers a
full week. The caps (the most next week should hold and what we suggest: ramp, 4-week ramp, ACWR
and long-run ceilings, with their sources) are computed in `model.caps`. Recent pain: no
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

from ..config import Profile
from ..errors import NoData
from ..wording import json_number
from .caps import Caps, cap_notes, compute_caps, run_frame
from .flags import PainState, goal_hold_days, pain_state
from .goals import upcoming_goals
from .load import week_start
from .pmc import CHRONIC_DAYS
from .status import Status
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
        return {"day": self.day.isoformat(), "run": self.run, "run_distance_m": json_number(self.run_distance_m, 1),
                "run_minutes": json_number(self.run_minutes, 1), "step_goal": self.step_goal,
                "step_why": self.step_why,
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
                "strength_changes": [str(c) for c in self.strength.changes] if self.strength else []}


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
    week = week_start(runs.index)
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
    """Next week's plan from a status (`status.compute_status`), the daily steps frame and the logs.

    Pure: no store, no clock. The plan covers status.as_of + 1 .. + 7."""
    as_of = status.as_of
    start, end = as_of + timedelta(days=1), as_of + timedelta(days=7)
    pain = pain or pain_state(logs, as_of=as_of, profile=profile)
    daily = run_frame(status, as_of)
    firsts = [d for d in (status.sessions["day"].min() if len(status.sessions) else None,) if d is not None]
    history_days = (as_of - min(firsts)).days + 1 if firsts else 0
    caps = compute_caps(daily, profile, unit=status.unit, history_days=history_days, pain=pain)
    n_runs = _runs_per_week(daily, history_days)
    mode, lead, notes = _mode(pain, n_runs, history_days)
    notes += status.notes_of("stale")
    notes += _history_notes(n_runs, history_days)
    if caps.weekly_max is not None or caps.distance_max_m is not None:  # no load at all: no ceilings to explain
        notes += cap_notes(caps, profile, daily)

    kinds = run_days(start, n_runs, _long_weekday(daily))
    if pain.recent:
        kinds = ["easy" if k == "long" else k for k in kinds]
    goals = _step_goals(steps, profile, as_of, goal_hold_days(status.hold_days, logs, as_of))
    if not goals:
        notes.append("No daily steps stored: no step goals (import a phone or watch export with steps).")
    strength, session_days, strength_notes = _strength(kinds, logs, as_of, start, pain)
    notes += strength_notes
    days = _days(start, kinds, _run_distances(kinds, caps, pain.recent), _pace_s_per_m(daily), goals, strength,
                 session_days)
    notes += [f.message for f in status.flags if f.severity in ("caution", "high")]
    return Plan(as_of, start, end, mode, caps, days, lead, notes, strength)


def _mode(pain: PainState, n_runs: int, history_days: int) -> tuple[str, str | None, list[str]]:
    """The plan's mode (red_flag | pain | no_runs | starting | normal), its lead line and first note."""
    if pain.red_flag:
        return "red_flag", (f"See a doctor first: you logged {', '.join(pain.reasons)}. This plan proposes no "
                            "increase: easy runs only if they do not hurt, and no strength session until the back "
                            "has been checked."), []
    if pain.recent:
        return "pain", None, [f"Pain logged on {pain.last_day}: easy runs only and no increase; the caps are last "
                              "week's and the suggestion is lower."]
    if n_runs == 0:
        return "no_runs", None, []
    return ("starting" if history_days < CHRONIC_DAYS else "normal"), None, []


def _history_notes(n_runs: int, history_days: int) -> list[str]:
    if n_runs == 0:
        return ["No runs recorded in the last 4 weeks, so there are no run caps. If you start (again), "
                "begin with 2-3 easy runs of 20-30 minutes a week."]
    if history_days < CHRONIC_DAYS:
        return [f"Only {history_days} days of data so far: this is a cautious starting plan (at most last "
                "week's amount + 10 %); the caps become personal after 4 weeks."]
    return []


def _step_goals(steps: pd.DataFrame | None, profile: Profile, as_of: date, held: list[date]
                ) -> dict[date, tuple[int, str]]:
    """The next 7 days' step goals and their reasons ({} without step data)."""
    if steps is None or not len(steps):
        return {}
    try:
        upcoming = upcoming_goals(steps, profile, as_of=as_of, days=7, hold_on=held)
    except NoData:
        return {}
    return {r.day: (int(r.goal), r.why) for r in upcoming.itertuples(index=False)}


def _strength(kinds: list[str], logs: pd.DataFrame, as_of: date, start: date, pain: PainState
              ) -> tuple[StrengthState | None, list[int], list[str]]:
    """The strength session, the days it goes on, and the notes (paused with a red flag)."""
    if pain.red_flag:
        return None, [], ["Strength sessions are paused until a doctor has seen the back; gentle stretches only "
                          "if they do not hurt."]
    strength = progression(logs, as_of=as_of, upper_back=pain.upper_back)
    session_days = schedule(kinds, last_session_offset=_last_strength_offset(logs, as_of, start))
    notes = list(strength.notes)
    if len(session_days) < 2:
        notes.append("This week has room for only one strength session 48 h from the others; "
                     "two a week is the aim (WHO 2020).")
    return strength, session_days, notes


def _days(start: date, kinds: list[str], distances: list[float | None], pace: float | None,
          goals: dict[date, tuple[int, str]], strength: StrengthState | None, session_days: list[int]
          ) -> list[PlanDay]:
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
    return days


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


def _last_strength_offset(logs: pd.DataFrame, as_of: date, start: date) -> int | None:
    if logs is None or logs.empty:
        return None
    done = logs[(logs["kind"] == "strength") & (pd.to_datetime(logs["day"]) <= pd.Timestamp(as_of))]
    return (max(done["day"]) - start).days if len(done) else None


__all__ = ["Plan", "PlanDay", "next_week", "run_days"]
