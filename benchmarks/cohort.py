"""How fast `loadwatch cohort build` and `analyze` run on Dask, with 1 and with 2 local workers, and what a
RUNSAFE-size cohort (Frandsen et al., BJSM 2025: 5,205 runners, 588,071 sessions) would cost.

    python benchmarks/cohort.py                          # 12 athletes x 8 weeks (a few minutes here)
    python benchmarks/cohort.py --athletes 200 --years 1 # the issue's cohort (hours to generate and build)

1. Generates a cohort with the generator benchmarks/import_speed.py uses (the demo athlete's own:
   sample_data/_runs.py, _steps.py, _fit_writer.py): each athlete its own seed, so every run is simulated
   on its own (start, distance, pace, heart rate and cadence every second) and every worn day is its own
   monitoring file; no file is a copy of another. Kept in benchmarks/_work/ (gitignored) for the next run.
2. Builds the dataset from scratch and analyzes it on a local cluster of 1 worker, then of 2 workers
   (one thread each), timing each step's wall clock (cluster start-up excluded), and reads each worker's
   peak resident memory (ru_maxrss) after the step.
3. Times the parse of a sample of each kind of file in this process (`build.parse_path`, what a task runs),
   and from the 1-worker build's core-seconds per file projects the core-hours of a RUNSAFE-size cohort.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import import_speed  # noqa: E402  # the generator (and sample_data/ on sys.path)

from loadwatch.cohort.analyze import analyze  # noqa: E402
from loadwatch.cohort.build import build, parse_path  # noqa: E402
from loadwatch.cohort.cluster import connect  # noqa: E402
from loadwatch.ingest import DEFAULT_LIMITS  # noqa: E402

RUNSAFE_RUNNERS = 5_205
RUNSAFE_SESSIONS = 588_071
RUNSAFE_DAYS = 548  # ~18 months of follow-up per runner: the monitoring days, if the watch's were read too


def generate(athletes: int, years: float, runs_per_week: float, seed: int) -> Path:
    key = import_speed.archive_key(years, runs_per_week, seed).replace("archive-", f"cohort-{athletes}a-")
    folder = import_speed.WORK / key
    done = folder / "done"
    if done.exists():
        return folder / "root"
    shutil.rmtree(folder, ignore_errors=True)
    jobs = []
    for a in range(athletes):
        out = folder / "root" / f"runner{a:04d}"
        (out / "garmin" / "Activity").mkdir(parents=True)
        (out / "garmin" / "Monitor").mkdir(parents=True)
        jobs += [(t, seed * 100_003 + a, str(out)) for t in import_speed.plan(years, runs_per_week, seed * 7919 + a)]
    t0 = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        for _ in pool.imap_unordered(import_speed._write_day, jobs, chunksize=8):
            pass
    done.write_text("")
    print(f"generated {folder.relative_to(import_speed.REPO)} in {time.perf_counter() - t0:.0f} s", flush=True)
    return folder / "root"


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(root: Path, workers: int, work: Path) -> dict[str, float]:
    shutil.rmtree(work, ignore_errors=True)
    with connect(workers=workers) as client:
        t0 = time.perf_counter()
        built = build(root, work / "dataset", client=client)
        t_build = time.perf_counter() - t0
        rss_build = max(client.run(_peak_rss_mib).values())
        t0 = time.perf_counter()
        analyze(work / "dataset", work / "results", client=client)
        t_analyze = time.perf_counter() - t0
        rss_analyze = max(client.run(_peak_rss_mib).values())
    assert built.failed == 0, built.as_json()
    return {"files": built.files, "sessions": built.sessions, "build_s": t_build, "analyze_s": t_analyze,
            "rss_build": rss_build, "rss_analyze": rss_analyze}


def sample_costs(root: Path, n: int, seed: int) -> dict[str, float]:
    """Seconds per file of each kind, parsed in this process as a task parses it."""
    rng = random.Random(seed)
    out = {}
    for kind in ("Activity", "Monitor"):
        files = sorted(root.glob(f"*/garmin/{kind}/*.fit"))
        picked = rng.sample(files, min(n, len(files)))
        t0 = time.perf_counter()
        for f in picked:
            parse_path(str(f), frozenset(), False, DEFAULT_LIMITS)
        out[kind] = (time.perf_counter() - t0) / len(picked)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--athletes", type=int, default=12)
    ap.add_argument("--years", type=float, default=8 / 52)
    ap.add_argument("--runs-per-week", type=float, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample", type=int, default=40, help="files of each kind timed in this process")
    args = ap.parse_args(argv)
    root = generate(args.athletes, args.years, args.runs_per_week, args.seed)
    n_act = len(list(root.glob("*/garmin/Activity/*.fit")))
    n_mon = len(list(root.glob("*/garmin/Monitor/*.fit")))
    print(f"cohort: {args.athletes} athletes x {args.years * 52:.0f} weeks: {n_act:,} activity files (runs, 1 s"
          f" records), {n_mon:,} monitoring files; {os.cpu_count()} cores", flush=True)
    results = {}
    for workers in (1, 2):
        r = run(root, workers, import_speed.WORK / "cohort-run")
        results[workers] = r
        print(f"{workers} worker(s): build {r['build_s']:.1f} s = {r['files'] / r['build_s']:.1f} files/s,"
              f" {r['sessions'] / r['build_s']:.1f} sessions/s; analyze {r['analyze_s']:.1f} s ="
              f" {args.athletes / r['analyze_s']:.2f} athletes/s; peak memory per worker {r['rss_build']:.0f} MiB"
              f" (build), {r['rss_analyze']:.0f} MiB (after analyze)", flush=True)
    one, two = results[1], results[2]
    print(f"2-worker/1-worker speed-up: build {one['build_s'] / two['build_s']:.2f}x, analyze"
          f" {one['analyze_s'] / two['analyze_s']:.2f}x")
    costs = sample_costs(root, args.sample, args.seed)
    per_file = one["build_s"] / one["files"]  # core-seconds per file, everything included (1 worker)
    parse_total = n_act * costs["Activity"] + n_mon * costs["Monitor"]
    overhead = one["build_s"] / parse_total
    act_core_s = costs["Activity"] * overhead
    mon_core_s = costs["Monitor"] * overhead
    print(f"parse in-process: {costs['Activity'] * 1000:.0f} ms per activity file, {costs['Monitor'] * 1000:.0f} ms"
          f" per monitoring file; the 1-worker build costs {per_file * 1000:.0f} ms per file on average, x"
          f"{overhead:.2f} the parse alone (hashing, the store, Parquet, scheduling)")
    runs_h = RUNSAFE_SESSIONS * act_core_s / 3600
    mon_h = RUNSAFE_RUNNERS * RUNSAFE_DAYS * mon_core_s / 3600
    analyze_h = RUNSAFE_RUNNERS * one["analyze_s"] / args.athletes / 3600
    print(f"RUNSAFE-size cohort ({RUNSAFE_RUNNERS:,} runners, {RUNSAFE_SESSIONS:,} run files like these):"
          f" build ~{runs_h:.0f} core-hours; + ~{mon_h:.0f} core-hours if every runner's"
          f" {RUNSAFE_DAYS} monitoring days are read too; analyze ~{analyze_h:.1f} core-hours")


if __name__ == "__main__":
    main()
