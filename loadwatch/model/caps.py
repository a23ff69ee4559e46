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
- long run: <= long_run_cap x the longest run of the last 30 days (Frandsen et al., BJSM 2025),
  leaving out runs that were themselves spikes (so it agrees with the spike flag's advice).
The most = the lowest ceiling; we suggest = the most x (1 - margin). Recent pain: no increase (the
most = last week's). Fewer than 28 days of data: at most last week's amount + ramp_caution.
The week planner that uses these is `model.plan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..config import Profile
from ..wording import json_number, km
from .flags import PainState
from .load import is_run, is_spike
from .pmc import CHRONIC_DAYS
from .status import Status

LONG_RUN_WINDOW_DAYS = 30
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
        return {"rule": self.rule, "load": json_number(self.load, 1), "distance_m": json_number(self.distance_m, 1),
                "duration_s": json_number(self.duration_s, 1), "reason": self.reason}


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
        out: dict[str, Any] = {k: json_number(getattr(self, k), 1) for k in keys}
        out.update({"unit": self.unit, "binding": self.binding, "ceilings": [c.as_json() for c in self.ceilings]})
        return out


def run_frame(status: Status, as_of: date) -> pd.DataFrame:
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
    spike = is_spike(runs["spike_class"].fillna("none")) \
        if len(runs) and "spike_class" in runs else pd.Series(False, index=runs.index)
    base = runs[~spike.to_numpy()] if len(runs) else runs
    bday = pd.to_datetime(base["day"]) if len(base) else pd.Series(dtype="datetime64[ns]")
    out["long_base_m"] = base["distance_m"].fillna(0.0).groupby(bday).max().reindex(days, fill_value=0.0) \
        if len(base) else 0.0
    out["runs"] = runs.groupby(rday).size().reindex(days, fill_value=0) if len(runs) else 0
    return out


def _ceiling(rule: str, values: pd.Series, reason: str) -> Ceiling:
    """A rule's ceiling from one value per SERIES."""
    return Ceiling(rule, float(values["load"]), float(values["distance_m"]), float(values["duration_s"]), reason)


def _ceilings(daily: pd.DataFrame, profile: Profile, history_days: int) -> list[Ceiling]:
    last7 = daily[list(SERIES)].iloc[-7:].sum()
    if history_days < CHRONIC_DAYS:
        ramp = last7 * (1 + profile.ramp_caution)
        return [_ceiling("start", ramp, f"only {history_days} days of data: at most last week's "
                        f"amount + {profile.ramp_caution:.0%}")]
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


def compute_caps(daily: pd.DataFrame, profile: Profile, *, unit: str, history_days: int,
                 pain: PainState) -> Caps:
    """Caps from a `run_frame` (last row = as_of)."""
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
        ceilings = [*ceilings, _ceiling(binding, last7, "pain logged: no increase over the last 7 days")]
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
            lower = f" would be {km(rule)}; held to {why}"
        notes.append(f"long run: at most {km(caps.long_run_max_m)} ({profile.long_run_cap:.2f} x your {what}, "
                     f"{km(longest)}{lower}; Frandsen 2025)")
    notes.append(f"we suggest the lowest ceiling - {profile.margin:.0%}: a little less than your head would like")
    return notes


__all__ = ["LONG_RUN_WINDOW_DAYS", "SERIES", "Caps", "Ceiling", "cap_notes", "compute_caps", "run_frame"]
