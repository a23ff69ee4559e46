"""Next week's plan: caps ("a little less than your head would like"), runs, step goals, strength.

Next week is the 7 days after `as_of` (as_of+1 .. as_of+7), so a plan made on any day covers a
full week; "last week" is the 7 days ending on `as_of`, the same rolling windows as the coupled
7/28-day ACWR and the 30-day long-run rule. Each rule gives a ceiling, in load units (the status
metric), run km and run minutes alike:
- ramp: (1 + ramp_caution) x last week; a down or missed week does not shrink the base below the
  4-week mean (base = max(last week, 28-day total / 4)).
- 4-week ramp: not above the 4-week mean x (1 + ramp_caution) by more than ramp_high - ramp_caution,
  i.e. <= mean x (1 + ramp_high) (30 %: Nielsen et al., JOSPT 2014, >30 % progression, HR 1.59).
  This bites after a spike week.
- ACWR: the week that keeps the coupled ACWR at the end of next week <= acwr_high (Gabbett 2016):
  A / ((A + P) / 4) <= h  <=>  A <= h P / (4 - h), with P the last 21 days.
- long run: <= long_run_cap x the longest run of the last 30 days (Frandsen et al., BJSM 2025),
  leaving out runs that were themselves spikes (so it agrees with the spike flag's advice).
The most = the lowest ceiling; we suggest = the most x (1 - margin). Recent pain: no increase (the
most = last week's, all runs easy); a red flag: the same, strength paused, "see a doctor" first.
Fewer than 28 days of runs: a cautious starting plan from what there is, and the plan says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from .config import Profile, load_profile
from .errors import NoData
from .flags import PainState, pain_state
from .goals import upcoming_goals
from .load import STALE_NOTE_START, Status, is_run, status_from_store
from .strength import Prescription, StrengthState, flexibility, progression, schedule

CHRONIC_DAYS = 28
LONG_RUN_WINDOW_DAYS = 30
MAX_RUNS_PER_WEEK = 6
DEFAULT_LONG_RUN_WEEKDAY = 6  # Sunday
LONG_RUN_SHARE = 0.5  # with several runs, the long run takes at most half the week's distance
SERIES = ("load", "distance_m", "duration_s")


@dataclass(frozen=True, slots=True)
class Ceiling:
    """One rule's ceiling for next week, in each series (NaN where the rule does not apply)."""

    rule: str
    load: float
    distance_m: float
    duration_s: float
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "load": _num(self.load), "distance_m": _num(self.distance_m),
                "duration_s": _num(self.duration_s), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Caps:
    """The most next week should hold and what we suggest (the most minus the margin).

    weekly_*: load units (`unit`); distance in metres; duration in seconds; long run in metres.
    None where there is nothing to base it on (no runs recorded)."""

    unit: str
    weekly_max: float | None
    weekly_suggested: float | None
    distance_max_m: float | None
    distance_suggested_m: float | None
    duration_max_s: float | None
    duration_suggested_s: float | None
    long_run_max_m: float | None
    long_run_suggested_m: float | None
    binding: str
    ceilings: list[Ceiling] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        keys = ("weekly_max", "weekly_suggested", "distance_max_m", "distance_suggested_m", "duration_max_s",
                "duration_suggested_s", "long_run_max_m", "long_run_suggested_m")
        out: dict[str, Any] = {k: _num(getattr(self, k)) for k in keys}
        out.update({"unit": self.unit, "binding": self.binding, "ceilings": [c.as_json() for c in self.ceilings]})
        return out


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


def _num(value: float | None) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), 1)


def _km(metres: float) -> str:
    return f"{metres / 1000:.1f} km"


# -- the numbers ---------------------------------------------------------------------------------
def _run_daily(status: Status, as_of: date) -> pd.DataFrame:
    """load (all sessions), distance_m and duration_s (runs only), longest run: one row per day up
    to as_of over the last 35 days (0 on days without)."""
    days = pd.date_range(as_of - timedelta(days=34), as_of, freq="D")
    out = pd.DataFrame(index=days)
    out["load"] = status.daily["load"].reindex(days).fillna(0.0) if len(status.daily) else 0.0
    sessions = status.sessions
    runs = sessions[is_run(sessions["sport"])] if len(sessions) else sessions
    rday = pd.to_datetime(runs["day"]) if len(runs) else pd.Series(dtype="datetime64[ns]")
    for col in ("distance_m", "duration_s"):
        out[col] = runs[col].fillna(0.0).groupby(rday).sum().reindex(days, fill_value=0.0) if len(runs) else 0.0
    out["long_run_m"] = runs["distance_m"].fillna(0.0).groupby(rday).max().reindex(days, fill_value=0.0) \
        if len(runs) else 0.0
    # the long-run base leaves out runs that were themselves spikes (> 10 % over their own 30-day
    # longest), so one jump is not the platform for the next: the same cap `status` gives
    spike = runs["spike_class"].fillna("none").isin(["small", "moderate", "large"]) \
        if len(runs) and "spike_class" in runs else pd.Series(False, index=runs.index)
    base = runs[~spike.to_numpy()] if len(runs) else runs
    bday = pd.to_datetime(base["day"]) if len(base) else pd.Series(dtype="datetime64[ns]")
    out["long_base_m"] = base["distance_m"].fillna(0.0).groupby(bday).max().reindex(days, fill_value=0.0) \
        if len(base) else 0.0
    out["runs"] = runs.groupby(rday).size().reindex(days, fill_value=0) if len(runs) else 0
    return out


def _ceilings(daily: pd.DataFrame, profile: Profile, history_days: int) -> list[Ceiling]:
    last7 = daily[list(SERIES)].iloc[-7:].sum()
    if history_days < CHRONIC_DAYS:
        ramp = last7 * (1 + profile.ramp_caution)
        return [Ceiling("start", *ramp, reason=f"only {history_days} days of data: at most last week's "
                        f"amount + {profile.ramp_caution:.0%}")]
    mean4 = daily[list(SERIES)].iloc[-CHRONIC_DAYS:].sum() / 4
    prior21 = daily[list(SERIES)].iloc[-21:].sum()
    h = profile.acwr_high
    ramp = np.maximum(last7, mean4) * (1 + profile.ramp_caution)
    ramp4 = mean4 * (1 + profile.ramp_high)
    acwr = prior21 * h / (4 - h)
    return [
        Ceiling("ramp", *ramp, reason=f"last 7 days + {profile.ramp_caution:.0%} (a down week counts as the "
                "4-week mean)"),
        Ceiling("ramp_4wk", *ramp4, reason=f"4-week mean + {profile.ramp_high:.0%} (Nielsen 2014)"),
        Ceiling("acwr", *acwr, reason=f"keeps the 7/28-day load ratio at or under {h:g} (Gabbett 2016; "
                "context only)"),
    ]


def compute_caps(daily: pd.DataFrame, profile: Profile, *, unit: str, history_days: int,
                 pain: PainState) -> Caps:
    """Caps from a `_run_daily`-shaped frame (last row = as_of)."""
    ceilings = _ceilings(daily, profile, history_days)
    table = pd.DataFrame([[c.load, c.distance_m, c.duration_s] for c in ceilings], columns=list(SERIES),
                         index=[c.rule for c in ceilings])
    binding = str(table["load"].idxmin()) if table["load"].notna().any() else ceilings[0].rule
    most = table.min()
    longest30 = float(daily["long_base_m"].iloc[-LONG_RUN_WINDOW_DAYS:].max())
    long_max = longest30 * profile.long_run_cap
    if pain.recent:
        last7 = daily[list(SERIES)].iloc[-7:].sum()
        most = np.minimum(most, last7)
        long_max = min(long_max, float(daily["long_run_m"].iloc[-7:].max()))
        binding = "red_flag" if pain.red_flag else "pain"
        ceilings = [*ceilings, Ceiling(binding, *last7, reason="pain logged: no increase over the last 7 days")]
    keep = 1 - profile.margin
    has_runs = float(daily["distance_m"].sum() + daily["duration_s"].sum()) > 0

    def pick(value: float) -> float | None:
        return float(value) if has_runs and np.isfinite(value) and value > 0 else None

    def sug(value: float | None) -> float | None:
        return None if value is None else value * keep

    load_max = float(most["load"]) if np.isfinite(most["load"]) and most["load"] > 0 else None
    dist, dur, long_m = pick(most["distance_m"]), pick(most["duration_s"]), pick(long_max)
    if dist is not None and long_m is not None:
        long_m = min(long_m, dist)  # a sparse history: one long run 5 weeks back must not outgrow the week
    return Caps(unit, load_max, sug(load_max), dist, sug(dist), dur, sug(dur), long_m, sug(long_m), binding,
                ceilings)


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


def _cap_notes(caps: Caps, profile: Profile, daily: pd.DataFrame) -> list[str]:
    notes = []
    for c in caps.ceilings:
        parts = []
        if caps.distance_max_m is not None and np.isfinite(c.distance_m):
            parts.append(_km(c.distance_m))
        if caps.duration_max_s is not None and np.isfinite(c.duration_s):
            parts.append(f"{c.duration_s / 60:.0f} min")
        if np.isfinite(c.load):
            parts.append(f"{c.load:.0f} {caps.unit}")
        mark = " <- the lowest" if c.rule == caps.binding else ""
        notes.append(f"{c.rule} ceiling {' / '.join(parts)}: {c.reason}{mark}")
    if caps.long_run_max_m is not None:
        longest = float(daily["long_base_m"].iloc[-LONG_RUN_WINDOW_DAYS:].max())
        spiked = float(daily["long_run_m"].iloc[-LONG_RUN_WINDOW_DAYS:].max()) > longest
        what = "longest run in 30 days that was not itself a spike" if spiked else "longest run in 30 days"
        rule = longest * profile.long_run_cap
        lower = ""
        if caps.long_run_max_m < rule - 1:  # pain or the week's distance cap binds before the 1.10 rule
            why = "the last 7 days' longest run, while pain is logged" if caps.binding in ("pain", "red_flag") \
                else "the week's distance cap"
            lower = f" would be {_km(rule)}; held to {why}"
        notes.append(f"long run: at most {_km(caps.long_run_max_m)} ({profile.long_run_cap:.2f} x your {what}, "
                     f"{_km(longest)}{lower}; Frandsen 2025)")
    notes.append(f"we suggest the lowest ceiling - {profile.margin:.0%}: a little less than your head would like")
    return notes


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
