"""How fast a coach's view is: `squad` and `report --squad` for 30 athletes with 5 years each, against 30 runs of
`status` (the baseline a coach had: one `loadwatch --athlete NAME status` per athlete), in one run.

Builds a synthetic store in a temporary folder: 30 athletes, each with five years (1,826 days) of daily steps
and ~1,500 sessions (a session with a heart-rate histogram on ~82 % of days, 85 % runs), written with
`Store.write_source` as `benchmarks/report_speed.py` does; a few athletes get a spike week, pain logs, or stop
recording 3 weeks before the as-of day, so the rows differ. Then times, in this process:
  1. the baseline: `api.status` once per athlete (30 runs, one after the other),
  2. `api.squad` with the process pool (one worker per core) and with one process (workers=1),
  3. `api.squad_report` (the table and 30 page-1s) with the pool and with one process,
  4. the commands end to end, start-up included: 30 x `loadwatch --athlete NAME status`, then `loadwatch squad`
     and `loadwatch report --squad`,
and prints the wall time in total and per athlete, the ratio to the 30 status runs, and whether two writes
of the squad report give the same bytes. Targets (on two cores): squad under 3 s, report --squad under 15 s.

Usage: python benchmarks/squad_speed.py [--athletes 30] [--years 5] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from loadwatch import api
from loadwatch.models import Activity, DailySteps, ParsedFile
from loadwatch.store import Store

END = date(2026, 11, 15)  # a Sunday


def build(db: Path, athletes: int, years: int) -> int:
    """Write `athletes` synthetic histories, one source each; return the number of sessions."""
    days = round(365.25 * years)
    start = END - timedelta(days=days - 1)
    total = 0
    with Store(db) as store:
        for k in range(athletes):
            name = f"athlete-{k:02d}"
            rng = np.random.default_rng(k)
            silent = 21 if k % 10 == 3 else 0  # every tenth stops recording three weeks before the end
            acts: list[Activity] = []
            for i in range(days - silent):
                day = start + timedelta(days=i)
                if rng.random() < 0.82:
                    km = float(np.clip(rng.normal(9, 3), 3, 32))
                    if k % 5 == 1 and i >= days - 7:  # a spike week for every fifth
                        km *= 1.8
                    sport = "running" if rng.random() < 0.85 else "cycling"
                    dur = km * (330 if sport == "running" else 150)
                    hist = {int(b): float(s) for b, s in zip(rng.integers(120, 175, 6),
                                                            rng.dirichlet(np.ones(6)) * dur, strict=True)}
                    acts.append(Activity(sport, datetime(day.year, day.month, day.day, 6, tzinfo=UTC), 3600, dur,
                                         distance_m=km * 1000 * (1 if sport == "running" else 2.5), hr_hist=hist,
                                         avg_hr=150.0, max_hr=178.0))
            steps = [DailySteps(start + timedelta(days=i), int(rng.normal(8500, 2200)), "Forerunner", "watch")
                     for i in range(days - silent)]
            store.write_source(sha256=f"bench-{k}", path=f"{name}.fit", athlete=name, size_bytes=1,
                               parsed=ParsedFile("fit", activities=acts, daily_steps=steps, n_records=len(acts)))
            if k % 7 == 2:  # pain for every seventh
                store.add_log(name, END - timedelta(days=2), "pain", {"where": "lower", "level": 4,
                                                                     "radiates": False, "numbness": False})
            total += len(acts)
    return total


def _run(argv: list[str]) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def cpu_s() -> float:
    """CPU seconds of this process and of its finished children (the pool's workers, once joined)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `repeat` calls (CPU with the workers': on a busy machine the wall time
    waits for other processes, the CPU time does not)."""
    walls, cpus = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), cpu_s()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(cpu_s() - c)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, default=30)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    n = args.athletes
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "squad.sqlite"
        t = time.perf_counter()
        sessions = build(db, n, args.years)
        print(f"store: {n} athletes x {args.years} years, {sessions:,} sessions (built in "
              f"{time.perf_counter() - t:.1f} s); as of {END}; {os.cpu_count()} core(s)")
        with Store(db, mode="read") as store:
            names = [a.athlete for a in api.athletes(store)]
            api.squad_report(store, Path(tmp) / "warm.pdf", as_of=END)  # matplotlib and its font cache, once
            base, base_cpu = timed(lambda: [api.status(store, a, as_of=END) for a in names], args.repeat)
            print(f"baseline {n} x api.status        wall {base:6.2f} s {base / n * 1000:5.0f} ms/athlete   "
                  f"cpu {base_cpu:6.2f} s {base_cpu / n * 1000:5.0f} ms/athlete")
            for label, fn, target in (
                ("api.squad (pool)", lambda: api.squad(store, as_of=END), 3.0),
                ("api.squad (1 process)", lambda: api.squad(store, as_of=END, workers=1), 3.0),
                ("api.squad_report (pool)", lambda: api.squad_report(store, Path(tmp) / "s.pdf", as_of=END), 15.0),
                ("api.squad_report (1 proc.)",
                 lambda: api.squad_report(store, Path(tmp) / "s1.pdf", as_of=END, workers=1), 15.0),
            ):
                wall, cpu = timed(fn, args.repeat)
                print(f"{label:<31} wall {wall:6.2f} s {wall / n * 1000:5.0f} ms/athlete   cpu {cpu:6.2f} s "
                      f"{cpu / n * 1000:5.0f} ms/athlete   ratio to {n} x status: wall {wall / base:4.2f}, cpu "
                      f"{cpu / base_cpu:4.2f}   target < {target:g} s: {'yes' if wall < target else 'NO'}")
            # the commands a coach types, end to end (Python start-up and imports included), against the 30
            # `loadwatch --athlete NAME status` a coach ran before
            cli = [sys.executable, "-m", "loadwatch", "--db", str(db), "--as-of", END.isoformat()]
            base_cli, _ = timed(lambda: [_run([*cli, "--athlete", a, "status"]) for a in names], args.repeat)
            print(f"baseline {n} x loadwatch status  wall {base_cli:6.2f} s {base_cli / n * 1000:5.0f} ms/athlete")
            pdf = str(Path(tmp) / "c.pdf")
            for label, argv, target in (("loadwatch squad", ["squad"], 3.0),
                                        ("loadwatch report --squad", ["report", "--squad", "-o", pdf], 15.0)):
                wall, cpu = timed(lambda argv=argv: _run([*cli, *argv]), args.repeat)
                print(f"{label:<31} wall {wall:6.2f} s {wall / n * 1000:5.0f} ms/athlete   cpu {cpu:6.2f} s "
                      f"{cpu / n * 1000:5.0f} ms/athlete   ratio to {n} x loadwatch status: wall {wall / base_cli:4.2f}"
                      f"   target < {target:g} s: {'yes' if wall < target else 'NO'}")
            first = (Path(tmp) / "s.pdf").read_bytes()
            api.squad_report(store, Path(tmp) / "s.pdf", as_of=END)
            same = "identical" if (Path(tmp) / "s.pdf").read_bytes() == first else "DIFFERENT"
            one = "identical" if (Path(tmp) / "s1.pdf").read_bytes() == first else "DIFFERENT"
            print(f"load average while timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} core(s)")
            print(f"squad report: {len(first) / 1024:,.0f} KiB; a second write: {same}; pool vs one process: {one}")


if __name__ == "__main__":
    main()
