"""How fast `loadwatch report` writes the PDF for ten years of data, against `status` alone.

Builds a synthetic store in a temporary folder: ten years (3,650 days) of daily steps and ~3,000
sessions (a session with a heart-rate histogram on ~82 % of days, 85 % runs, the rest rides), then
times, in the same run:
  1. the baseline: `loadwatch.api.status` (what `loadwatch status` computes), and
  2. `loadwatch.api.report` (status, plan, step goals, six pages drawn and written), for --weeks 12 (the
     default) and --weeks 520 (all ten years on the charts),
and prints the wall time, the CPU time of this process and the ratio report / status. Also checks the
two writes give identical bytes. The target: under 3 s for the default report.

Usage: python benchmarks/report_speed.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from loadwatch import api
from loadwatch.models import Activity, DailySteps, ParsedFile
from loadwatch.store import Store

DAYS = 3650
END = date(2026, 11, 15)  # a Sunday


def build(db: Path) -> int:
    """Write ten years of data as one source; return the number of sessions."""
    rng = np.random.default_rng(7)
    start = END - timedelta(days=DAYS - 1)
    acts: list[Activity] = []
    for i in range(DAYS):
        day = start + timedelta(days=i)
        if rng.random() < 0.82:  # ~3,000 sessions in ten years
            km = float(np.clip(rng.normal(9, 3), 3, 32))
            sport = "running" if rng.random() < 0.85 else "cycling"
            dur = km * (330 if sport == "running" else 150)
            hist = {int(b): float(s) for b, s in zip(rng.integers(120, 175, 6), rng.dirichlet(np.ones(6)) * dur,
                                                    strict=True)}
            acts.append(Activity(sport, datetime(day.year, day.month, day.day, 6, tzinfo=UTC), 3600, dur,
                                 distance_m=km * 1000 * (1 if sport == "running" else 2.5), hr_hist=hist,
                                 avg_hr=150.0, max_hr=178.0))
    steps = [DailySteps(start + timedelta(days=i), int(rng.normal(8500, 2200)) if rng.random() > 0.03 else 50,
                        "Forerunner", "watch") for i in range(DAYS)]
    with Store(db) as store:
        store.write_source(sha256="bench", path="ten-years.fit", athlete="me", size_bytes=1,
                           parsed=ParsedFile("fit", activities=acts, daily_steps=steps, n_records=len(acts)))
    return len(acts)


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `repeat` calls."""
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        n = build(db)
        with Store(db) as store:
            print(f"store: {n:,} sessions, {DAYS:,} days of steps, as of {END}")
            # the first report imports matplotlib and fills the font cache (not timed: once per process)
            api.report(store, "me", Path(tmp) / "warm.pdf", as_of=END)
            base_w, base_c = timed(lambda: api.status(store, "me", as_of=END), args.repeat)
            print(f"baseline api.status:         wall {base_w:6.2f} s  cpu {base_c:6.2f} s")
            for weeks in (12, 520):
                out = Path(tmp) / f"r{weeks}.pdf"
                wall, cpu = timed(lambda w=weeks, o=out: api.report(store, "me", o, as_of=END, weeks=w),
                                  args.repeat)
                first = out.read_bytes()
                api.report(store, "me", out, as_of=END, weeks=weeks)
                same = "identical" if out.read_bytes() == first else "DIFFERENT"
                print(f"report --weeks {weeks:<4}        wall {wall:6.2f} s  cpu {cpu:6.2f} s  "
                      f"ratio to status {wall / base_w:5.1f}x wall, {cpu / base_c:5.1f}x cpu  "
                      f"{len(first) / 1024:,.0f} KiB, bytes {same}  target < 3 s: {'yes' if wall < 3 else 'NO'}")


if __name__ == "__main__":
    main()
