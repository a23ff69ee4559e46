"""`loadwatch cohort summary`: the cohort in numbers, from the RESULTS that `cohort analyze` wrote.

Read here, in this process (pandas over the Parquet files): athletes, sessions, athlete-weeks, runs in
each of Frandsen's four spike states (BJSM 2025: regression or <= 10 %, small > 10 %, moderate > 30 %,
large > 100 %; runs without a whole 30-day window before them have no verdict and are counted apart),
the distribution of weekly ramps, the share of athletes with each flag, and the data-quality counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import NoData
from ..files import shown
from .analyze import RESULT_TABLES

SPIKE_STATES = {"none": "regression or <= 10 %", "small": "small (> 10 %)", "moderate": "moderate (> 30 %)",
                "large": "large (> 100 %)"}
RAMP_BINS = ((-float("inf"), -0.10, "below -10 %"), (-0.10, 0.10, "-10 % to +10 %"), (0.10, 0.30, "+10 % to +30 %"),
             (0.30, 1.00, "+30 % to +100 %"), (1.00, float("inf"), "above +100 %"))
QUALITY = ("files", "files_failed", "files_skipped", "files_recovered", "files_duplicate", "sessions_without_hr",
           "sessions_day_inferred")


def _read(results: Path, table: str) -> Any:
    import pandas as pd

    folder = results / table
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not files:
        raise NoData(f"{shown(results)} holds no {table} results; run: loadwatch cohort analyze DATASET --out"
                     f" {shown(results)}")
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def summarize(results: str | Path) -> dict[str, Any]:
    """The summary as a JSON-ready dict (fractions are fractions: 0.32 = 32 %)."""
    from ..wording import json_number

    results = Path(results)
    athletes, weekly, sessions, flags = (_read(results, t) for t in ("athletes", "weekly", "sessions", "flags"))
    n = len(athletes)
    verdict = sessions[sessions["spike"].notna()]
    spikes = {label: int((verdict["spike_class"] == cls).sum()) for cls, label in SPIKE_STATES.items()}
    ramps = weekly["ramp"].dropna() if "ramp" in weekly else weekly.iloc[0:0]
    bins = {label: int(((ramps > lo) & (ramps <= hi)).sum()) if lo != -float("inf") else int((ramps <= hi).sum())
            for lo, hi, label in RAMP_BINS}
    quantiles = {f"p{int(q * 100)}": json_number(ramps.quantile(q), 4) if len(ramps) else None
                 for q in (0.05, 0.25, 0.5, 0.75, 0.95)}
    share = {}
    if len(flags):
        for rule, who in flags.groupby("rule")["athlete"]:
            share[str(rule)] = json_number(who.nunique() / n, 4) if n else None
    return {
        "athletes": n,
        "athletes_with_data": int((athletes["status"] == "ok").sum()),
        "sessions": len(sessions),
        "athlete_weeks": len(weekly),
        "runs_with_spike_verdict": len(verdict),
        "runs_without_verdict": int((sessions["spike"].isna() & sessions["spike_class"].notna()).sum()),
        "spike_states": spikes,
        "weekly_ramp": {"weeks": len(ramps), "quantiles": quantiles, "bins": bins},
        "flag_share": dict(sorted(share.items())),
        "quality": {k: int(athletes[k].sum()) for k in QUALITY if k in athletes},
    }


__all__ = ["RESULT_TABLES", "SPIKE_STATES", "summarize"]
