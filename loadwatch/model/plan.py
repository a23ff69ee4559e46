"""Next week's plan: caps ("a little less than your head would like"), runs, step goals, strength.

Next week is the 7 days after `as_of` (as_of+1 .. as_of+7), so a plan made on any day covers a
full week. The caps (the most next week should hold and what we suggest: ramp, 4-week ramp, ACWR,
hold and long-run ceilings, with their sources) are computed in `model.caps`; the plan never goes
above a number an active flag quotes (`Flag.limit`).

The days: one long run on its usual weekday and easy runs spread out. The long run takes at most
half the week and its cap; each easy run is no longer than the runner's typical easy run
(`limits.typical_easy_run`, the median of the last 4 weeks' runs other than each week's longest) and
shorter than the long run (by the margin); what the easy runs cannot take goes to the long run up to
its cap. The days add up to "we suggest": where the runner's usual runs add up to less than the
ceiling's suggestion, the suggestion is lowered to what they add up to, and a note says so (no extra
runs to fill a ceiling).

Recent pain: no increase over the last 7 days or the usual week (whichever is less), every run easy
and no longer than a typical easy run, nothing hard. A red flag: "see a doctor" first, no running
volume proposed (the suggestions are None and the days carry no distance: what the doctor allows comes
first; the caps are the most if they allow running), strength paused. Fewer than 28 days of runs: a
starting plan from what the runner did, with a note of how many days it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from ..config import Profile
from ..errors import NoData
from ..wording import json_number, km
from .caps import Caps, cap_notes, compute_caps, run_frame
from .flags import PainState, goal_hold_days, pain_state
from .goals import upcoming_goals
from .limits import run_history_days, typical_easy_run
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
@dataclass(frozen=True, slots=True)
class _Week:
    """What next week's days and caps rest on: the run frame, the days of run history, the runs a week, the caps
    before and after the suggestion is fitted to the days (and the note saying so), the run kinds and their
    distances."""

    daily: pd.DataFrame
    history_days: int
    n_runs: int
    caps_before: Caps
    caps: Caps
    fitted: str | None
    kinds: list[str]
    distances: list[float | None]


def _week(status: Status, profile: Profile, pain: PainState) -> _Week:
    """Next week's caps and runs (`next_week` without the notes, step goals and strength)."""
    as_of = status.as_of
    daily = run_frame(status, as_of)
    history_days = run_history_days(status.sessions, as_of)
    easy_m = typical_easy_run(status.sessions, as_of)
    caps = compute_caps(daily, profile, unit=status.unit, history_days=history_days, pain=pain,
                        flags=status.flags, easy_run_m=easy_m)
    n_runs = _runs_per_week(daily, history_days)
    kinds = run_days(as_of + timedelta(days=1), n_runs, _long_weekday(daily))
    if pain.recent:
        kinds = ["easy" if k == "long" else k for k in kinds]
    distances = _run_distances(kinds, caps, pain.recent, easy_m, profile)
    fitted_caps, fitted = _fit_suggestion(caps, distances, red_flag=pain.red_flag)
    if pain.red_flag:
        distances = [None] * len(kinds)
    return _Week(daily, history_days, n_runs, caps, fitted_caps, fitted, kinds, distances)


def next_week_caps(status: Status, logs: pd.DataFrame, profile: Profile, *, pain: PainState | None = None) -> Caps:
    """Next week's caps exactly as `next_week` gives them (`Plan.caps`, the suggestion fitted to the days), without
    the days' step goals and strength: the squad's columns."""
    return _week(status, profile, pain or pain_state(logs, as_of=status.as_of, profile=profile)).caps


def next_week(status: Status, steps: pd.DataFrame, logs: pd.DataFrame, profile: Profile, *,
              pain: PainState | None = None, goals: pd.DataFrame | None = None) -> Plan:
    """Next week's plan from a status (`status.compute_status`), the daily steps frame and the logs.

    `goals`: the caller's `goals.goal_series` of these steps as of the status's day, through at least 7 days
    after it and held on `flags.goal_hold_days(status.hold_days, logs, as_of)` (the report has it already: the
    chain over the whole step history is worked out once); None: worked out here from `steps`.
    Pure: no store, no clock. The plan covers status.as_of + 1 .. + 7."""
    as_of = status.as_of
    start, end = as_of + timedelta(days=1), as_of + timedelta(days=7)
    pain = pain or pain_state(logs, as_of=as_of, profile=profile)
    week = _week(status, profile, pain)
    daily, caps = week.daily, week.caps
    mode, lead, notes = _mode(pain, week.n_runs, week.history_days)
    notes += status.notes_of("stale")
    notes += _history_notes(week.n_runs, week.history_days)
    if week.caps_before.weekly_max is not None or week.caps_before.distance_max_m is not None:
        notes += cap_notes(week.caps_before, profile, daily)  # no load at all: no ceilings to explain
    if week.fitted:  # never with a red flag: no suggestion to fit
        notes.append(week.fitted)
    day_goals = (_step_goals(steps, profile, as_of, goal_hold_days(status.hold_days, logs, as_of)) if goals is None
                 else _goals_between(goals, start, end))
    if not day_goals:
        notes.append("No daily steps stored: no step goals (import a phone or watch export with steps).")
    strength, session_days, strength_notes = _strength(week.kinds, logs, as_of, start, pain)
    notes += strength_notes
    days = _days(start, week.kinds, week.distances, _pace_s_per_m(daily), day_goals, strength, session_days)
    notes += [f.message for f in status.flags if f.severity in ("caution", "high")]
    return Plan(as_of, start, end, mode, caps, days, lead, notes, strength)


def _mode(pain: PainState, n_runs: int, history_days: int) -> tuple[str, str | None, list[str]]:
    """The plan's mode (red_flag | pain | no_runs | starting | normal), its lead line and first note."""
    if pain.red_flag:
        return "red_flag", (f"See a doctor first: you logged {', '.join(pain.reasons)}. This plan proposes no "
                            "running volume: run only as much as the doctor allows, and then only easy runs that "
                            "do not hurt, under the caps below; no strength session until the back has been "
                            "checked."), []
    if pain.recent:
        return "pain", None, [f"Pain logged on {pain.last_day}: easy runs only, none longer than a typical easy "
                              "run, nothing hard (no intervals, hills or races), and no increase: the most is the "
                              "last 7 days or your usual week, whichever is less, and the suggestion is lower."]
    if n_runs == 0:
        return "no_runs", None, []
    return ("starting" if history_days < CHRONIC_DAYS else "normal"), None, []


def _history_notes(n_runs: int, history_days: int) -> list[str]:
    if n_runs == 0:
        return ["No runs recorded in the last 4 weeks, so there are no run caps. If you start (again), "
                "begin with 2-3 easy runs of 20-30 minutes a week."]
    if history_days < CHRONIC_DAYS:
        days = f"{history_days} day{'s' if history_days != 1 else ''}"
        return [f"Only {days} of runs so far: this is a starting plan from what you did (at most the "
                "most you ran in any 7 days + 10 %, the long run 1.10 x your longest); the caps become personal "
                "after 4 weeks."]
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
    return _goals_between(upcoming, as_of + timedelta(days=1), as_of + timedelta(days=7))


def _goals_between(goals: pd.DataFrame, start: date, end: date) -> dict[date, tuple[int, str]]:
    """The goals and reasons of the days start..end of a `goals.goal_series` frame."""
    days = goals[(goals["day"] >= start) & (goals["day"] <= end)]
    return {r.day: (int(r.goal), r.why) for r in days.itertuples(index=False)}


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


def _run_distances(kinds: list[str], caps: Caps, pain: bool, easy_m: float | None, profile: Profile
                   ) -> list[float | None]:
    """Each day's run distance: see the module doc. `easy_m`: the typical easy run (None when unknown)."""
    n = sum(k != "rest" for k in kinds)
    total = caps.distance_suggested_m
    if n == 0 or total is None:
        return [None] * len(kinds)
    long_cap = caps.long_run_suggested_m or total
    if n == 1:
        only = min(total, long_cap)
        return [only if k != "rest" else None for k in kinds]
    if pain:  # every run easy: none longer than a typical easy run (the caps' long run with pain)
        each = min(total / n, easy_m or long_cap)
        return [each if k != "rest" else None for k in kinds]
    if "long" not in kinds:
        each = min(total / n, long_cap, easy_m or np.inf)
        return [each if k != "rest" else None for k in kinds]
    long_run = min(long_cap, total * LONG_RUN_SHARE)
    easy_cap = min(easy_m or np.inf, long_cap * (1 - profile.margin))
    easy = min((total - long_run) / (n - 1), easy_cap)
    long_run = min(long_cap, total - easy * (n - 1))  # what the easy runs cannot take, up to the long run's cap
    easy = min(easy, long_run * (1 - profile.margin))  # shorter than the long run
    return [long_run if k == "long" else easy if k == "easy" else None for k in kinds]


def _fit_suggestion(caps: Caps, distances: list[float | None], *, red_flag: bool) -> tuple[Caps, str | None]:
    """The caps with "we suggest" equal to what the days add up to where they add up to less (the load and
    time suggestions scaled alike), and the note saying so; with a red flag no suggestion at all."""
    if red_flag:
        return replace(caps, weekly_suggested=None, distance_suggested_m=None, duration_suggested_s=None,
                       long_run_suggested_m=None), None
    planned = sum(d for d in distances if d is not None)
    suggested = caps.distance_suggested_m
    if suggested is None or planned <= 0 or planned >= suggested * (1 - 1e-9):
        return caps, None
    ratio = planned / suggested
    fitted = replace(caps, distance_suggested_m=planned,
                     duration_suggested_s=None if caps.duration_suggested_s is None
                     else caps.duration_suggested_s * ratio,
                     weekly_suggested=None if caps.weekly_suggested is None else caps.weekly_suggested * ratio)
    note = (f"We suggest {km(planned)}, not {km(suggested)} (the lowest ceiling - the margin): your usual runs "
            f"(the long run at most {km(caps.long_run_suggested_m)}, easy runs no longer than your typical easy "
            "run and shorter than the long run) add up to that; do not add runs to fill the ceiling.")
    return fitted, note


def _pace_s_per_m(daily: pd.DataFrame) -> float | None:
    dist, dur = float(daily["distance_m"].sum()), float(daily["duration_s"].sum())
    return dur / dist if dist > 0 and dur > 0 else None


def _last_strength_offset(logs: pd.DataFrame, as_of: date, start: date) -> int | None:
    if logs is None or logs.empty:
        return None
    done = logs[(logs["kind"] == "strength") & (pd.to_datetime(logs["day"]) <= pd.Timestamp(as_of))]
    return (max(done["day"]) - start).days if len(done) else None


__all__ = ["Plan", "PlanDay", "next_week", "next_week_caps", "run_days"]
