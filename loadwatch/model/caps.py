"""Next week's caps: the most it should hold and what we suggest, in load, run km and run minutes.

"Last week" is the 7 days ending on `as_of`, the same rolling windows as the coupled 7/28-day
ACWR and the 30-day long-run rule. Each rule gives a ceiling, in load units (the status metric),
run km and run minutes alike:
- ramp: (1 + ramp_caution) x last week; a down or missed week does not shrink the base below the
  4-week mean (base = max(last week, 28-day total / 4)).
- 4-week ramp: not above the 4-week mean x (1 + ramp_caution) by more than ramp_high - ramp_caution,
  i.e. <= mean x (1 + ramp_high) (30 %: Nielsen et al., JOSPT 2014, >30 % progression, HR 1.59).
  This bites after a spike week.
- ACWR: the week that keeps the coupled ACWR at the end of next week <= acwr_high (Gabbett 2016):
  A / ((A + P) / 4) <= h  <=>  A <= h P / (4 - h), with P the last 21 days.
- hold: after a week that was too much (a session spike in the last 7 days, or a weekly ramp flag),
  next week holds: at most the last 7 days, and at most the load of the flagged week (the number the
  ramp flag quotes). "Hold next week" never means a rise on the week that was too much.
- long run: <= long_run_cap x the longest run of the last 30 days that was not itself a spike
  (`limits.long_run_limit`, Frandsen et al., BJSM 2025): the number the spike flag quotes.
- pain: at most `limits.pain_ceiling` (the last 7 days or the usual week, the median of the last
  four, whichever is less: a spike week is not the ceiling), and the long run no longer than a
  typical easy run (`limits.typical_easy_run`).
The most = the lowest ceiling, never above a number an active flag tells the user to stay at or
under (`Flag.limit`); we suggest = the most x (1 - margin) (the plan may lower it to what its days
add up to). Fewer than 28 days of runs: a starting plan, at most (1 + ramp_caution) x the most
the runner did in any 7 days so far: never a cap below what they ran.
The week planner that uses these is `model.plan`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..config import Profile
from ..models import Flag
from ..wording import amount, json_number, km
from .flags import PainState
from .limits import LONG_RUN_WINDOW_DAYS, SERIES, long_run_limit, pain_ceiling, run_days
from .pmc import CHRONIC_DAYS
from .status import Status

HOLD_RULES = ("session_spike", "weekly_ramp")


@dataclass(frozen=True, slots=True)
class Ceiling:
    """One rule's ceiling for next week, in each series (NaN where the rule does not apply)."""

    rule: str
    load: float
    distance_m: float
    duration_s: float
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "load": json_number(self.load, 1), "distance_m": json_number(self.distance_m, 1),
                "duration_s": json_number(self.duration_s, 1), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Caps:
    """The most next week should hold and what we suggest (the most minus the margin).

    weekly_*: load units (`unit`); distance in metres; duration in seconds; long run in metres.
    None where there is nothing to base it on (no runs recorded), and the suggestions None where the
    plan proposes no volume (a red flag: what a doctor allows comes first)."""

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
    long_run_why: str = ""  # what holds the long run below the 1.10 rule, if anything ("" when nothing)

    def as_json(self) -> dict[str, Any]:
        keys = ("weekly_max", "weekly_suggested", "distance_max_m", "distance_suggested_m", "duration_max_s",
                "duration_suggested_s", "long_run_max_m", "long_run_suggested_m")
        out: dict[str, Any] = {k: json_number(getattr(self, k), 1) for k in keys}
        out.update({"unit": self.unit, "binding": self.binding, "ceilings": [c.as_json() for c in self.ceilings]})
        return out


def run_frame(status: Status, as_of: date) -> pd.DataFrame:
    """load (all sessions), distance_m and duration_s (runs only), the day's longest run and long-run
    base: one row per day up to as_of over the last 35 days (0 on days without); `limits.run_days`."""
    load = status.daily["load"] if len(status.daily) else None
    return run_days(status.sessions, as_of, load)


def _ceiling(rule: str, values: pd.Series, reason: str) -> Ceiling:
    """A rule's ceiling from one value per SERIES."""
    return Ceiling(rule, float(values["load"]), float(values["distance_m"]), float(values["duration_s"]), reason)


def _ceilings(daily: pd.DataFrame, profile: Profile, history_days: int) -> list[Ceiling]:
    last7 = daily[list(SERIES)].iloc[-7:].sum()
    if history_days < CHRONIC_DAYS:
        # a starting plan from what the runner did: the most of any 7 days so far (never below it)
        most7 = daily[list(SERIES)].rolling(7, min_periods=1).sum().max()
        ramp = np.maximum(last7, most7) * (1 + profile.ramp_caution)
        days = f"{history_days} day{'s' if history_days != 1 else ''}"
        return [_ceiling("start", ramp, f"only {days} of runs: at most the most you did in any 7 "
                        f"days so far + {profile.ramp_caution:.0%}")]
    mean4 = daily[list(SERIES)].iloc[-CHRONIC_DAYS:].sum() / 4
    prior21 = daily[list(SERIES)].iloc[-21:].sum()
    h = profile.acwr_high
    ramp = np.maximum(last7, mean4) * (1 + profile.ramp_caution)
    ramp4 = mean4 * (1 + profile.ramp_high)
    acwr = prior21 * h / (4 - h)
    return [
        _ceiling("ramp", ramp, f"last 7 days + {profile.ramp_caution:.0%} (a down week counts as the "
                "4-week mean)"),
        _ceiling("ramp_4wk", ramp4, f"4-week mean + {profile.ramp_high:.0%} (Nielsen 2014)"),
        _ceiling("acwr", acwr, f"keeps the 7/28-day load ratio at or under {h:g} (Gabbett 2016; "
                "context only)"),
    ]


def _hold(daily: pd.DataFrame, flags: Sequence[Flag], unit: str) -> Ceiling | None:
    """The hold ceiling after a week that was too much: a session spike in the last 7 days or a weekly
    ramp flag. At most the last 7 days in every series, and the load at most each ramp flag's `limit`
    (the flagged finished week's load). None when no such flag is active."""
    as_of = daily.index[-1]
    recent = [f for f in flags if f.rule in HOLD_RULES and f.severity in ("caution", "high")
              and (f.rule != "session_spike" or (as_of - pd.Timestamp(f.day)).days < 7)]
    if not recent:
        return None
    hold = daily[list(SERIES)].iloc[-7:].sum()
    for f in recent:
        if f.rule == "weekly_ramp" and f.limit is not None and f.limit_unit == unit:
            hold["load"] = np.fmin(hold["load"], f.limit)
    what = " and ".join(sorted({"a session spike" if f.rule == "session_spike" else "a weekly ramp flag"
                                for f in recent}))
    return _ceiling("hold", hold, f"the last 7 days had {what}: hold, no rise on a week that was too much")


def compute_caps(daily: pd.DataFrame, profile: Profile, *, unit: str, history_days: int,
                 pain: PainState, flags: Sequence[Flag] = (), easy_run_m: float | None = None) -> Caps:
    """Caps from a `run_frame` (last row = as_of), the active flags (`Status.flags`: the hold and
    their limits) and the typical easy run (`limits.typical_easy_run`: the long run's limit with pain)."""
    ceilings = _ceilings(daily, profile, history_days)
    hold = _hold(daily, flags, unit)
    if hold is not None:
        ceilings.append(hold)
    long_limit = long_run_limit(daily, profile)
    long_max = long_limit.limit_m if long_limit else np.nan
    long_why = ""
    if pain.recent:
        rule = "red_flag" if pain.red_flag else "pain"
        ceilings.append(_ceiling(rule, pain_ceiling(daily, history_days),
                                 "pain logged: no increase, no more than the last 7 days or your usual week "
                                 "(the median of the last 4), whichever is less"))
        held = easy_run_m if easy_run_m else float(daily["long_run_m"].iloc[-7:].max())
        if held < long_max:
            long_max, long_why = held, ("your typical easy run, while pain is logged" if easy_run_m
                                        else "the last 7 days' longest run, while pain is logged")
    table = pd.DataFrame([[c.load, c.distance_m, c.duration_s] for c in ceilings], columns=list(SERIES),
                         index=[c.rule for c in ceilings])
    binding = ceilings[0].rule
    column = "load" if table["load"].notna().any() else "distance_m"
    lowest = table[column].min()
    for c in reversed(ceilings):  # on a tie the later rule (pain, hold) is the reason
        if getattr(c, column) <= lowest * (1 + 1e-9):
            binding = c.rule
            break
    most = table.min()
    for f in flags:  # never above a number an active flag tells the user to stay at or under
        if f.limit is None:
            continue
        if f.limit_of == "long_run":
            long_max = float(np.fmin(long_max, f.limit))
        elif f.limit_of == "week" and f.limit_unit == "m":
            most["distance_m"] = np.fmin(most["distance_m"], f.limit)
        elif f.limit_of == "week" and f.limit_unit == unit:
            most["load"] = np.fmin(most["load"], f.limit)
    keep = 1 - profile.margin
    has_runs = float(daily["distance_m"].sum() + daily["duration_s"].sum()) > 0

    def pick(value: float) -> float | None:
        return float(value) if has_runs and np.isfinite(value) and value > 0 else None

    def sug(value: float | None) -> float | None:
        return None if value is None else value * keep

    load_max = float(most["load"]) if np.isfinite(most["load"]) and most["load"] > 0 else None
    dist, dur, long_m = pick(most["distance_m"]), pick(most["duration_s"]), pick(long_max)
    if dist is not None and long_m is not None and dist < long_m:
        long_m = dist  # a sparse history: one long run 5 weeks back must not outgrow the week
        long_why = long_why or "the week's distance cap"
    return Caps(unit, load_max, sug(load_max), dist, sug(dist), dur, sug(dur), long_m, sug(long_m), binding,
                ceilings, long_why)


def cap_notes(caps: Caps, profile: Profile, daily: pd.DataFrame) -> list[str]:
    """One sentence per ceiling (the binding one marked), the long-run rule and the margin."""
    notes = []
    for c in caps.ceilings:
        parts = []
        if caps.distance_max_m is not None and np.isfinite(c.distance_m):
            parts.append(km(c.distance_m))
        if caps.duration_max_s is not None and np.isfinite(c.duration_s):
            parts.append(f"{c.duration_s / 60:.0f} min")
        if np.isfinite(c.load):
            parts.append(amount(c.load, caps.unit))
        mark = " <- the lowest" if c.rule == caps.binding else ""
        notes.append(f"{c.rule} ceiling {' / '.join(parts)}: {c.reason}{mark}")
    limit = long_run_limit(daily, profile)
    if caps.long_run_max_m is not None and limit is not None:
        what = "longest run of the last 30 days that was not itself a spike" if limit.spiked \
            else "longest run of the last 30 days"
        lower = f" would be {km(limit.limit_m)}; held to {caps.long_run_why}" if caps.long_run_why else ""
        notes.append(f"long run: at most {km(caps.long_run_max_m)} ({profile.long_run_cap:.2f} x your {what}, "
                     f"{km(limit.base_m)}{lower}; Frandsen 2025)")
    if caps.distance_suggested_m is not None:
        notes.append(f"we suggest the lowest ceiling - {profile.margin:.0%}: a little less than your head would "
                     "like")
    return notes


__all__ = ["HOLD_RULES", "LONG_RUN_WINDOW_DAYS", "SERIES", "Caps", "Ceiling", "cap_notes", "compute_caps", "run_frame"]
