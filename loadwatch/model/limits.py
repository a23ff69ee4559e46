"""The numbers the advice quotes, each computed by one function here: the flags (`model.flags`) put them
in their sentences and their `limit`, the caps (`model.caps`) and the day plan (`model.plan`) obey them,
so a flag, a plan line and a report page never give two numbers for one rule.

- The last 35 days as one row a day (`run_days`): load (all sessions), run distance and time, the day's
  longest run and its *long-run base*: the longest run that was not itself a spike (Frandsen 2025: a run
  more than 10 % over the longest of the 30 days before it).
- The long-run limit (`long_run_limit`): long_run_cap (1.10) x the longest run of the last 30 days that
  was not itself a spike. One spike is not the platform for the next: after 12 km long runs, a 17.5 km
  spike and a 25 km spike, the next long run is at most 1.10 x 12 = 13.2 km, not 1.10 x 17.5 (the
  spike's own Frandsen reference, which includes the earlier spike). This is the conservative reading,
  and the spike flag quotes it. Where every run of the 30 days was a spike, the base is the smallest of
  their references (what the runner was used to before the spikes began).
- The usual week (`usual_week`): the median of the last four 7-day totals (of the weeks with history),
  so one spike week does not become the pain ceiling; `pain_ceiling` = min(last 7 days, usual week).
- The typical easy run (`typical_easy_run`): the median of the last 28 days' runs other than each 7-day
  block's longest; easy runs are planned no longer than this, and with pain no run is.

Days are 7-day blocks ending on `as_of` (the same rolling windows as the caps), not ISO weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from ..config import Profile
from .load import is_run, is_spike

FRAME_DAYS = 35
LONG_RUN_WINDOW_DAYS = 30
USUAL_WEEKS = 4
SERIES = ("load", "distance_m", "duration_s")


def _runs(sessions: pd.DataFrame) -> pd.DataFrame:
    if not len(sessions):
        return sessions
    runs = sessions[is_run(sessions["sport"])]
    return runs


def run_days(sessions: pd.DataFrame, as_of: date, load: pd.Series | None = None) -> pd.DataFrame:
    """One row per day over the FRAME_DAYS days ending on `as_of` (0 on days without): load (the given
    daily load, all sessions; 0 without), distance_m and duration_s (runs only), runs, long_run_m (the
    day's longest run), long_base_m (the same, leaving out runs that were spikes) and spike_ref_m (the
    smallest 30-day reference of the day's spike runs, NaN without)."""
    days = pd.date_range(as_of - timedelta(days=FRAME_DAYS - 1), as_of, freq="D")
    out = pd.DataFrame(index=days)
    out["load"] = load.reindex(days).fillna(0.0) if load is not None and len(load) else 0.0
    runs = _runs(sessions)
    at = np.zeros(0, dtype=np.int64)
    if len(runs):  # each run's row in the frame; only the frame's days count
        at = (pd.to_datetime(runs["day"]) - days[0]).dt.days.to_numpy(dtype=np.int64)
        inside = (at >= 0) & (at < FRAME_DAYS)
        runs, at = runs[inside], at[inside]
    dist = runs["distance_m"].astype(float).fillna(0.0).to_numpy() if len(runs) else np.zeros(0)
    spike = (is_spike(runs["spike_class"].fillna("none")).to_numpy(dtype=bool) if len(runs) and "spike_class" in runs
             else np.zeros(len(runs), dtype=bool))
    ref = (runs["longest_prior_30d_m"].astype(float).to_numpy() if "longest_prior_30d_m" in runs
           else np.full(len(runs), np.nan))
    out["distance_m"] = np.bincount(at, weights=dist, minlength=FRAME_DAYS).astype(float)  # int when empty
    out["duration_s"] = np.bincount(at, weights=runs["duration_s"].astype(float).fillna(0.0).to_numpy()
                                    if len(runs) else None, minlength=FRAME_DAYS).astype(float)
    longest, base, smallest = np.zeros(FRAME_DAYS), np.zeros(FRAME_DAYS), np.full(FRAME_DAYS, np.inf)
    np.maximum.at(longest, at, dist)  # distances are never negative (plausible): 0 is "no run"
    np.maximum.at(base, at[~spike], dist[~spike])
    np.fmin.at(smallest, at[spike], ref[spike])  # NaN references left out, as a groupby min leaves them
    out["long_run_m"], out["long_base_m"] = longest, base
    out["spike_ref_m"] = np.where(np.isfinite(smallest), smallest, np.nan)
    out["runs"] = np.bincount(at, minlength=FRAME_DAYS).astype(np.int64)
    return out


@dataclass(frozen=True, slots=True)
class LongRunLimit:
    """limit_m = cap x base_m; base_m: the longest non-spike run of the 30 days (see the module doc);
    longest_m: the longest run of the 30 days, spikes included (> base_m when a spike was left out)."""

    limit_m: float
    base_m: float
    longest_m: float

    @property
    def spiked(self) -> bool:
        return self.longest_m > self.base_m


def long_run_limit(days: pd.DataFrame, profile: Profile) -> LongRunLimit | None:
    """The next long run's limit from a `run_days` frame (last row = as_of); None without runs in 30 days."""
    window = days.iloc[-LONG_RUN_WINDOW_DAYS:]
    longest = float(window["long_run_m"].max()) if len(window) else 0.0
    if not longest > 0:
        return None
    base = float(window["long_base_m"].max())
    if not base > 0:  # every run of the 30 days was a spike: what the runner was used to before them
        refs = window["spike_ref_m"].dropna() if "spike_ref_m" in window else pd.Series(dtype=float)
        base = float(refs[refs > 0].min()) if (refs > 0).any() else longest
    return LongRunLimit(base * profile.long_run_cap, base, longest)


def blocks(days: pd.DataFrame, n: int = USUAL_WEEKS) -> pd.DataFrame:
    """The sums of SERIES over the last `n` 7-day blocks ending on the frame's last day, newest first."""
    rows = [days[list(SERIES)].iloc[len(days) - 7 * (k + 1): len(days) - 7 * k].sum() for k in range(n)]
    return pd.DataFrame(rows).reset_index(drop=True)


def usual_week(days: pd.DataFrame, history_days: int) -> pd.Series:
    """The median of the last four 7-day totals, of the blocks inside the history (at least one)."""
    n = int(np.clip(-(-max(history_days, 1) // 7), 1, USUAL_WEEKS))
    return blocks(days, n).median()


def pain_ceiling(days: pd.DataFrame, history_days: int) -> pd.Series:
    """While pain is logged, next week's most: no more than the last 7 days and no more than the usual
    week (so a spike week is not the ceiling)."""
    return np.minimum(blocks(days, 1).iloc[0], usual_week(days, history_days))


def typical_easy_run(sessions: pd.DataFrame, as_of: date) -> float | None:
    """The median distance of the last 28 days' runs other than each 7-day block's longest (None
    without such runs: one run a week is all long runs)."""
    runs = _runs(sessions)
    if not len(runs):
        return None
    back = (pd.Timestamp(as_of) - pd.to_datetime(runs["day"])).dt.days.to_numpy()
    dist = runs["distance_m"].astype(float).to_numpy()
    recent = (back >= 0) & (back < 7 * USUAL_WEEKS) & (dist > 0)
    if not recent.any():
        return None
    block, m = back[recent] // 7, dist[recent]
    by_block = np.lexsort((np.arange(len(m)), -m, block))  # per block, its longest first (the earliest of ties)
    longest = by_block[np.r_[True, block[by_block][1:] != block[by_block][:-1]]]
    easy = np.delete(m, longest)
    return float(np.median(easy)) if len(easy) else None


def run_history_days(sessions: pd.DataFrame, as_of: date) -> int:
    """Days from the first run (else the first session) to `as_of`, inclusive; 0 without sessions."""
    if not len(sessions):
        return 0
    runs = _runs(sessions)
    first = (runs if len(runs) else sessions)["day"].min()
    return (as_of - first).days + 1


__all__ = ["FRAME_DAYS", "LONG_RUN_WINDOW_DAYS", "SERIES", "USUAL_WEEKS", "LongRunLimit", "blocks",
           "long_run_limit", "pain_ceiling", "run_days", "run_history_days", "typical_easy_run", "usual_week"]
