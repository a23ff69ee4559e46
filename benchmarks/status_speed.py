"""How fast `status` computes on 10 years of daily data and 3,000 sessions, against a naive loop.

Synthetic frames shaped exactly like `Store.sessions()` / `daily_steps()` / `logs()`. The baseline is
what the load model would be with a Python loop per day (and per run for spikes), measured in the
same run on the same frames; the script prints both times and the ratio.

    python benchmarks/status_speed.py
"""

from __future__ import annotations

import math
import time
from datetime import date, timedelta

import numpy as np
import pandas as pd

from loadwatch.config import Profile
from loadwatch.model.pmc import acwr, pmc
from loadwatch.model.status import compute_status

DAYS = 3653
SESSIONS = 3000
START = date(2015, 1, 1)
PROFILE = Profile(hr_max_bpm=190, hr_rest_bpm=50, sex="male")


def synthetic() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(7)
    offsets = np.sort(rng.integers(0, DAYS, SESSIONS))
    start_utc = pd.to_datetime([START + timedelta(days=int(d)) for d in offsets]).tz_localize("UTC") \
        + pd.to_timedelta(rng.integers(5, 20, SESSIONS), unit="h")
    duration = rng.uniform(1200, 7200, SESSIONS)
    hists = []
    for dur in duration:
        centre = rng.integers(120, 165)
        bins = np.arange(centre - 25, centre + 25)
        weights = rng.dirichlet(np.ones(bins.size)) * dur
        hists.append({int(b): float(w) for b, w in zip(bins, weights, strict=True)})
    sessions = pd.DataFrame({
        "id": np.arange(1, SESSIONS + 1), "sport": rng.choice(["running", "cycling", "walking"], SESSIONS),
        "sub_sport": None, "start_utc": start_utc, "utc_offset_s": 3600, "duration_s": duration,
        "moving_s": duration * 0.95, "distance_m": duration * rng.uniform(2.2, 3.5, SESSIONS),
        "ascent_m": np.nan, "avg_hr": 145.0, "max_hr": 175.0, "hr_hist": hists, "steps": np.nan, "calories": np.nan,
        "device": "synthetic", "rpe": np.nan, "recovered": False, "source": "synthetic",
    })
    sessions["local_start"] = (sessions["start_utc"] + pd.Timedelta(hours=1)).dt.tz_localize(None)
    sessions["day"] = sessions["local_start"].dt.date
    steps = pd.DataFrame({"day": [START + timedelta(days=i) for i in range(DAYS)],
                          "steps": rng.integers(3000, 15000, DAYS), "source": "watch", "device_kind": "watch"})
    logs = pd.DataFrame({"id": [], "day": [], "kind": [], "payload": []})
    return sessions, steps, logs


def naive(sessions: pd.DataFrame, as_of: date) -> dict[str, float]:
    """The same quantities with a Python loop per day (and per run for the 30-day spike window)."""
    a, b = 0.64, 1.92
    loads: dict[date, float] = {}
    for row in sessions.itertuples():
        total = 0.0
        for bpm, secs in row.hr_hist.items():
            hrr = min(max((bpm - 50) / 140, 0.0), 1.0)
            total += secs / 60 * hrr * a * math.exp(b * hrr)
        loads[row.day] = loads.get(row.day, 0.0) + total
    first = min(loads)
    n = (as_of - first).days + 1
    series = [loads.get(first + timedelta(days=i), 0.0) for i in range(n)]
    ctl = atl = 0.0
    acute = chronic = sum(series[:28]) / 28
    out = {}
    for i, load in enumerate(series):
        ctl += (load - ctl) / 42
        atl += (load - atl) / 7
        acute += 0.25 * (load - acute)
        chronic += 2 / 29 * (load - chronic)
        if i >= 27:
            week = series[i - 6:i + 1]
            month = series[i - 27:i + 1]
            out["coupled"] = (sum(week) / 7) / (sum(month) / 28)
            mean = sum(week) / 7
            sd = (sum((x - mean) ** 2 for x in week) / 6) ** 0.5
            out["monotony"] = min(mean / sd, 10) if sd else 10
    runs = sessions[sessions["sport"] == "running"]
    times, dists = list(runs["start_utc"]), list(runs["distance_m"])
    window = pd.Timedelta(days=30)
    for i in range(len(times)):  # scan back only as far as the window reaches
        longest, j = 0.0, i - 1
        while j >= 0 and times[i] - times[j] <= window:
            longest, j = max(longest, dists[j]), j - 1
        out["spike"] = dists[i] / longest - 1 if longest else float("nan")
    out.update(ctl=ctl, atl=atl, ewma=acute / chronic)
    return out


def main() -> None:
    sessions, steps, logs = synthetic()
    as_of = START + timedelta(days=DAYS - 1)
    compute_status(sessions, steps, logs, PROFILE, as_of=as_of)  # warm-up (imports, caches)
    runs = 5
    t0 = time.perf_counter()
    for _ in range(runs):
        status = compute_status(sessions, steps, logs, PROFILE, as_of=as_of, weeks=12)
    fast = (time.perf_counter() - t0) / runs
    t0 = time.perf_counter()
    base = naive(sessions, as_of)
    slow = time.perf_counter() - t0
    last = status.daily.iloc[-1]
    assert abs(last["ctl"] - base["ctl"]) < 1e-6 * max(1.0, base["ctl"]), (last["ctl"], base["ctl"])
    assert abs(last["acwr_ewma"] - base["ewma"]) < 1e-9 + 1e-6 * base["ewma"]
    print(f"{DAYS} days, {SESSIONS} sessions ({int(sessions['hr_hist'].map(len).sum()):,} HR bins)")
    print(f"loadwatch compute_status (vectorised): {fast * 1000:8.1f} ms  (mean of {runs})")
    print(f"naive per-day Python loop baseline:    {slow * 1000:8.1f} ms")
    print(f"ratio: {slow / fast:.1f}x faster; CTL {last['ctl']:.2f} and EWMA ACWR {last['acwr_ewma']:.3f} agree")
    # like for like: only the daily recursions (PMC + three ACWRs) over the same 10-year series
    load = pd.Series(np.random.default_rng(1).uniform(0, 150, DAYS))
    t0 = time.perf_counter()
    for _ in range(runs):
        pmc(load).join(acwr(load))
    vec = (time.perf_counter() - t0) / runs
    t0 = time.perf_counter()
    loop_recursions(list(load))
    loop = time.perf_counter() - t0
    print(f"daily recursions only: pandas {vec * 1000:.1f} ms vs per-day loop {loop * 1000:.1f} ms,"
          f" ratio {loop / vec:.1f}x")


def loop_recursions(series: list[float]) -> list[tuple[float, ...]]:
    """CTL, ATL, TSB and the three ACWRs with a Python loop per day."""
    ctl = atl = 0.0
    acute = chronic = sum(series[:28]) / 28
    rows = []
    for i, load in enumerate(series):
        ctl += (load - ctl) / 42
        atl += (load - atl) / 7
        acute += 0.25 * (load - acute)
        chronic += 2 / 29 * (load - chronic)
        if i >= 27:
            week, month = sum(series[i - 6:i + 1]), sum(series[i - 27:i + 1])
            rows.append((ctl, atl, ctl - atl, (week / 7) / (month / 28), (week / 7) / ((month - week) / 21),
                         acute / chronic))
    return rows


if __name__ == "__main__":
    main()
