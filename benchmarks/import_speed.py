"""How fast `loadwatch import` reads a realistic multi-year Garmin archive, against fitparse and fitdecode loops.

    python benchmarks/import_speed.py                      # 5 years, 5 runs a week: ~1,305 runs, ~1,800 days
    python benchmarks/import_speed.py --quick              # 6 months, loops on 20+ files: a smoke run (~30 s)
    python benchmarks/import_speed.py --years 3 --runs-per-week 4 --seed 7
    python benchmarks/import_speed.py --full-loops         # time the fitparse/fitdecode loops on every file
    python benchmarks/import_speed.py --quick --baseline HEAD~3 --max-slowdown 0.15   # against an older loadwatch

1. Builds an archive of distinct files with the demo athlete's own generator (`sample_data/_runs.py`,
   `_steps.py`, `_fit_writer.py`, `make_demo.py`): every run is simulated on its own (its own start
   time, distance, pace, heart-rate and cadence stream, pauses) and written as a Forerunner 255
   activity file with a `record` message every second (timestamp, heart_rate, distance, speed,
   altitude, cadence), timer events, 1 km laps, session, activity (with local_timestamp), file_id;
   every local day the watch was worn is a monitoring_b file (monitoring_info, quarter-hour
   `monitoring` messages with cumulative steps per activity_type, heart rate in `monitoring`
   messages that carry only timestamp_16). No file is a copy of another. The archive is written to
   benchmarks/_work/ (gitignored), keyed by the parameters and the generator's sources, and reused
   by later runs; `rm -rf benchmarks/_work` to free the space.
2. Times, in one run and on the same files:
   a. the whole CLI, `python -m loadwatch --db NEW import ARCHIVE` in a child process (wall clock:
      interpreter start, imports, walking, hashing, decoding in loadwatch's worker pool on every
      core, writing the store);
   b. the same command again on the same store (every file already imported);
   c. with --one-core (default when `taskset` exists): (a) pinned to one CPU, so the comparison with
      the single-process loops below does not lean on the second core;
   d. a plain fitparse loop: `fitparse.FitFile(path).get_messages()`, every message consumed;
   e. a plain fitdecode loop: `fitdecode.FitReader(path)`, every frame consumed.
   The loops are slow (minutes on a full archive), so by default they run on a random sample
   stratified by kind (activities and monitoring files in the archive's proportions, fixed seed),
   of max(--sample-fraction of the files, --min-sample files); each kind's time is scaled to the
   whole archive by that kind's bytes. The output says what was measured and what was scaled.
   --full-loops times every file and scales nothing.
3. Prints the ratios loadwatch vs fitparse and vs fitdecode from these numbers only.
4. With --baseline REF: the same whole-CLI import (a) by the loadwatch of git revision REF (its `loadwatch/`
   folder, `git archive`d into benchmarks/_work/, run from there) and by this one, alternately, --pairs
   times on fresh stores; then the import alone (`ingest.import_paths` with workers=1: every file decoded in
   one process) timed in CPU seconds of that process, which other processes on the machine move far less
   than the wall clock, alternately as well. Prints this/baseline for both (ratios of the medians) and, with
   --max-slowdown F, exits 1 when the CPU ratio is above 1 + F. Both read the same archive in the same run.

The files are in the OS page cache for every timing (they were just written or read): no figure
here is a cold-disk figure. Other processes on the machine slow every timing; say so with the numbers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import multiprocessing
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
SAMPLE_DATA = REPO / "sample_data"
WORK = ROOT / "_work"
GENERATOR_VERSION = 1  # bump when the archive this script writes changes
GENERATOR_SOURCES = ("_fit_writer.py", "_runs.py", "_steps.py", "make_demo.py")

sys.dont_write_bytecode = True  # as make_demo.py: no __pycache__ inside sample_data/
# The demo's generator modules import each other by bare name (`from _fit_writer import ...`), so the
# folder itself goes on sys.path, as make_demo.py does.
sys.path.insert(0, str(SAMPLE_DATA))

import make_demo  # noqa: E402
from _runs import activity_fit, simulate  # noqa: E402
from _steps import build_day, monitoring_fit  # noqa: E402

TZ = make_demo.TZ
LAST_DAY = make_demo.LAST_DAY  # the demo's last day: the archive ends there
E, S, L = "easy", "steady", "long"
# (weekday 0=Mon, kind) for n runs a week, the demo's pattern extended both ways
WEEK_PATTERNS = {
    1: ((6, L),),
    2: ((2, E), (6, L)),
    3: ((1, E), (3, S), (6, L)),
    4: ((1, E), (3, S), (5, E), (6, L)),
    5: ((1, E), (2, E), (3, S), (5, E), (6, L)),
    6: ((0, E), (1, E), (2, E), (3, S), (5, E), (6, L)),
    7: ((0, E), (1, E), (2, E), (3, S), (4, E), (5, E), (6, L)),
}
KM = {E: (5.0, 10.0), S: (6.0, 10.0), L: (12.0, 21.0)}  # uniform, rounded to 0.5 km
WATCH_OFF_SHARE = 0.014  # days on the charger (no monitoring file), picked among days without a run


class PerSecond(random.Random):
    """`_runs.simulate` with the watch set to 1-second recording instead of smart recording.

    simulate() draws the gap to the next record with rng.choice((3, 4, 5)) / ((3, 4, 4, 5)); answering
    1 there makes it write a record every second of moving time (and nothing else changes). The
    archive check below fails loudly if simulate() ever stops drawing gaps that way."""

    def choice(self, seq):  # type: ignore[override]
        if tuple(seq) in ((3, 4, 5), (3, 4, 4, 5)):
            return 1
        return super().choice(seq)


@dataclass(frozen=True, slots=True)
class DayTask:
    day: date
    run: tuple[float, str, int] | None  # km, kind, training week within a 20-week block
    walking: int
    watch_on: bool


# -- the archive ------------------------------------------------------------------------------------
def plan(years: float, runs_per_week: float, seed: int) -> list[DayTask]:
    """Every local day of the archive: its run (if any), steps walked, and whether the watch was worn."""
    if not 0 < runs_per_week <= 7:
        raise SystemExit("--runs-per-week must be in (0, 7]")
    rng = random.Random(f"{seed}-plan")
    n_days = round(years * 365.25)
    first = LAST_DAY - timedelta(days=n_days - 1)
    runs: dict[date, tuple[float, str, int]] = {}
    monday = first - timedelta(days=first.weekday())
    week = 0
    while monday <= LAST_DAY:
        n = math.floor(runs_per_week) + (1 if rng.random() < runs_per_week % 1 else 0)
        for weekday, kind in WEEK_PATTERNS.get(n, ()):
            day = monday + timedelta(days=weekday)
            if first <= day <= LAST_DAY:
                lo, hi = KM[kind]
                runs[day] = (round(rng.uniform(lo, hi) * 2) / 2, kind, week % 20)
        monday += timedelta(days=7)
        week += 1
    days = [first + timedelta(days=i) for i in range(n_days)]
    rest = [d for d in days if d not in runs]
    off = set(rng.sample(rest, min(len(rest), round(WATCH_OFF_SHARE * n_days))))
    low = set(rng.sample(rest, min(len(rest), n_days // 18)))
    return [DayTask(d, runs.get(d), make_demo.walking_total(rng, d, low), d not in off) for d in days]


def _write_day(job: tuple[DayTask, int, str]) -> tuple[int, int, int, int]:
    """Simulate and write one day: (activity files, activity bytes, monitoring files, monitoring bytes)."""
    task, seed, out = job
    act_dir, mon_dir = Path(out) / "garmin" / "Activity", Path(out) / "garmin" / "Monitor"
    runs = []
    a_bytes = m_bytes = 0
    if task.run is not None:
        km, kind, week = task.run
        rng = PerSecond(f"{seed}-run-{task.day}")
        start = make_demo.start_time(rng, task.day, kind)
        run = simulate(rng, start, km, kind, week)
        gaps = {b[0] - a[0] for a, b in zip(run.records, run.records[1:], strict=False)}
        if min(gaps) != 1 or len(run.records) < run.timer_s:
            raise SystemExit(f"_runs.simulate no longer records every second (gaps {sorted(gaps)[:5]});"
                             " update PerSecond in benchmarks/import_speed.py")
        data = activity_fit(run, TZ)
        name = run.start_utc.astimezone(TZ).strftime("%Y-%m-%d-%H-%M-%S") + ".fit"
        (act_dir / name).write_bytes(data)
        a_bytes = len(data)
        runs.append(run)
    if task.watch_on:
        d = build_day(random.Random(f"{seed}-day-{task.day}"), task.day, runs, task.walking, TZ)
        data = monitoring_fit(d, TZ)
        (mon_dir / f"{task.day.isoformat()}.fit").write_bytes(data)
        m_bytes = len(data)
    return int(task.run is not None), a_bytes, int(task.watch_on), m_bytes


def archive_key(years: float, runs_per_week: float, seed: int) -> str:
    h = hashlib.sha256(str(GENERATOR_VERSION).encode())
    for name in GENERATOR_SOURCES:
        h.update((SAMPLE_DATA / name).read_bytes())
    return f"archive-{years:g}y-{runs_per_week:g}rpw-seed{seed}-{h.hexdigest()[:10]}"


def build_archive(years: float, runs_per_week: float, seed: int) -> tuple[Path, dict[str, object]]:
    """The archive folder (generated once per key, on every core) and its manifest."""
    folder = WORK / archive_key(years, runs_per_week, seed)
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        return folder / "devices", json.loads(manifest_path.read_text())
    if folder.exists():  # an interrupted generation
        shutil.rmtree(folder)
    devices = folder / "devices"
    (devices / "garmin" / "Activity").mkdir(parents=True)
    (devices / "garmin" / "Monitor").mkdir(parents=True)
    tasks = plan(years, runs_per_week, seed)
    t0 = time.perf_counter()
    totals = [0, 0, 0, 0]
    jobs = [(t, seed, str(devices)) for t in tasks]
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        for i, part in enumerate(pool.imap_unordered(_write_day, jobs, chunksize=8)):
            totals = [a + b for a, b in zip(totals, part, strict=True)]
            if (i + 1) % 200 == 0 and sys.stderr.isatty():
                print(f"  generating: {i + 1}/{len(jobs)} days", end="\r", file=sys.stderr, flush=True)
    manifest = {"years": years, "runs_per_week": runs_per_week, "seed": seed, "first_day": tasks[0].day.isoformat(),
                "last_day": tasks[-1].day.isoformat(), "days": len(tasks),
                "activities": totals[0], "activity_bytes": totals[1],
                "monitoring": totals[2], "monitoring_bytes": totals[3],
                "generated_in_s": round(time.perf_counter() - t0, 1)}
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"generated {folder.relative_to(REPO)} in {manifest['generated_in_s']} s on {os.cpu_count()} processes"
          " (kept for the next run)", flush=True)
    return devices, manifest


# -- timings ----------------------------------------------------------------------------------------
def run_cli(argv: list[str], prefix: tuple[str, ...] = ()) -> tuple[float, str]:
    """Wall seconds of one `python -m loadwatch ...` child, and its stdout."""
    cmd = [*prefix, sys.executable, "-m", "loadwatch", *argv]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout[-800:]}{done.stderr[-1500:]}")
    return elapsed, done.stdout.strip()


def fresh_db(name: str) -> Path:
    db = WORK / name
    for p in WORK.glob(name + "*"):
        p.unlink()
    return db


def store_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        files, messages = conn.execute("SELECT count(*), coalesce(sum(n_records), 0) FROM sources").fetchone()
        sessions = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
        days = conn.execute("SELECT count(DISTINCT day) FROM daily_steps").fetchone()[0]
    conn.close()
    return {"files": files, "messages": messages, "sessions": sessions, "days": days}


def fitparse_loop(paths: list[Path]) -> tuple[float, int]:
    """Seconds and messages of the plain fitparse loop over `paths`."""
    import fitparse

    n = 0
    t0 = time.perf_counter()
    for path in paths:
        for _ in fitparse.FitFile(str(path)).get_messages():
            n += 1
    return time.perf_counter() - t0, n


def fitdecode_loop(paths: list[Path]) -> tuple[float, int]:
    """Seconds and data messages of the plain fitdecode loop over `paths` (every frame is read)."""
    import fitdecode

    n = 0
    t0 = time.perf_counter()
    for path in paths:
        with fitdecode.FitReader(str(path)) as fit:
            for frame in fit:
                if frame.frame_type == fitdecode.FIT_FRAME_DATA:
                    n += 1
    return time.perf_counter() - t0, n


def sample(strata: dict[str, list[Path]], fraction: float, minimum: int, seed: int, full: bool
           ) -> dict[str, list[Path]]:
    """A random sample of each kind in the archive's proportions (all files when `full`)."""
    total = sum(len(v) for v in strata.values())
    want = total if full else min(total, max(math.ceil(fraction * total), minimum))
    rng = random.Random(f"{seed}-sample")
    out = {}
    for kind, files in strata.items():
        k = min(len(files), max(1, round(want * len(files) / total))) if files else 0
        out[kind] = sorted(rng.sample(files, k))
    return out


def time_loop(name: str, loop, strata: dict[str, list[Path]], picked: dict[str, list[Path]]) -> float:
    """Run `loop` on each kind's sample, print what was measured and scaled; the whole-archive estimate."""
    est = 0.0
    for kind, files in picked.items():
        if not files:
            continue
        seconds, messages = loop(files)
        sample_bytes = sum(p.stat().st_size for p in files)
        all_bytes = sum(p.stat().st_size for p in strata[kind])
        factor = all_bytes / sample_bytes
        est += seconds * factor
        scaled = ("every file, nothing scaled" if len(files) == len(strata[kind])
                  else f"scaled x{factor:.2f} by bytes to all {len(strata[kind]):,} -> {seconds * factor:7.1f} s")
        print(f"  {name:9} {kind:10}: measured {seconds:7.1f} s on {len(files):,} files ({sample_bytes / 2**20:.2f} MB,"
              f" {messages:,} messages, {messages / seconds:,.0f} msg/s, {sample_bytes / 2**20 / seconds:.2f} MB/s);"
              f" {scaled}")
    print(f"  {name:9} whole archive: {est:.1f} s" + ("" if all(len(picked[k]) == len(strata[k]) for k in picked)
                                                     else " (estimate: the sum of the scaled figures above)"))
    return est


# -- the command ------------------------------------------------------------------------------------
def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--years", type=float, default=5.0, help="years of data in the archive (default 5)")
    ap.add_argument("--runs-per-week", type=float, default=5.0,
                    help="runs a week, up to 7 (default 5; a fraction mixes weeks, e.g. 4.5)")
    ap.add_argument("--quick", action="store_true",
                    help="a 6-month archive (overrides --years) and loops on >= 20 files: a smoke run")
    ap.add_argument("--seed", type=int, default=20261115, help="generation and sampling seed (default 20261115)")
    ap.add_argument("--sample-fraction", type=float, default=0.10,
                    help="share of the files the fitparse/fitdecode loops time (default 0.10)")
    ap.add_argument("--min-sample", type=int, default=None,
                    help="at least this many files in the loops (default 200; 20 with --quick)")
    ap.add_argument("--full-loops", action="store_true", help="time the loops on every file (nothing scaled)")
    ap.add_argument("--no-one-core", dest="one_core", action="store_false",
                    help="skip the import pinned to one CPU with taskset")
    ap.add_argument("--baseline", metavar="REF", default=None,
                    help="also time the import of git revision REF's loadwatch on the same archive and print the"
                         " ratio (this / baseline)")
    ap.add_argument("--pairs", type=int, default=1, help="alternating baseline/this runs with --baseline (default 1)")
    ap.add_argument("--max-slowdown", type=float, default=None, metavar="F",
                    help="with --baseline: exit 1 when this import is slower than the baseline by more than F"
                         " (0.15 = 15 %%)")
    ap.add_argument("--baseline-only", action="store_true",
                    help="with --baseline: only the comparison (no loops, no re-import)")


def baseline_tree(ref: str) -> Path:
    """The `loadwatch/` package of git revision `ref`, extracted once into benchmarks/_work/baseline-<commit>/."""
    commit = subprocess.run(["git", "rev-parse", "--verify", f"{ref}^{{commit}}"], cwd=REPO, capture_output=True,
                            text=True, check=True).stdout.strip()
    folder = WORK / f"baseline-{commit[:12]}"
    if not (folder / "loadwatch" / "__init__.py").exists():
        folder.mkdir(parents=True, exist_ok=True)
        tar = subprocess.run(["git", "archive", commit, "loadwatch"], cwd=REPO, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(folder)], input=tar.stdout, check=True)
    return folder


# `python -c CPU_PROBE DB ARCHIVE`, run in a tree's folder: the CPU seconds (user + system) of one
# import_paths over ARCHIVE with every file decoded in this process (workers=1).
CPU_PROBE = """
import sys, time
from loadwatch.ingest import import_paths
from loadwatch.store import Store
with Store(sys.argv[1]) as store:
    t0 = time.process_time()
    import_paths(store, [sys.argv[2]], workers=1)
    print(time.process_time() - t0)
"""


def compare_with_baseline(archive: Path, ref: str, pairs: int, max_slowdown: float | None) -> float:
    """This loadwatch's whole-CLI import time over the baseline's (medians of `pairs` alternating runs)."""
    import statistics

    tree = baseline_tree(ref)
    wall: dict[str, list[float]] = {"baseline": [], "this": []}
    cpu: dict[str, list[float]] = {"baseline": [], "this": []}
    for i in range(pairs):
        for who, cwd in (("baseline", tree), ("this", REPO)):  # `python -m` finds the package in its cwd first
            db = fresh_db(f"import_speed_{who}.sqlite")
            cmd = [sys.executable, "-m", "loadwatch", "--db", str(db), "import", str(archive)]
            t0 = time.perf_counter()
            done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
            wall[who].append(time.perf_counter() - t0)
            if done.returncode != 0:
                raise SystemExit(f"{who} import exited {done.returncode}:\n{done.stderr[-1500:]}")
            fresh_db(f"import_speed_{who}.sqlite")
            db = fresh_db(f"import_speed_{who}_cpu.sqlite")
            done = subprocess.run([sys.executable, "-c", CPU_PROBE, str(db), str(archive)], cwd=cwd,
                                  capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"{who} import_paths exited {done.returncode}:\n{done.stderr[-1500:]}")
            cpu[who].append(float(done.stdout.split()[-1]))
            fresh_db(f"import_speed_{who}_cpu.sqlite")
            print(f"  pair {i + 1}: {who:8} CLI {wall[who][-1]:.2f} s wall; import_paths in one process"
                  f" {cpu[who][-1]:.2f} s CPU")
    ratios = {}
    for what, times in (("wall", wall), ("CPU", cpu)):
        base, this = statistics.median(times["baseline"]), statistics.median(times["this"])
        ratios[what] = this / base
        print(f"against {ref} ({tree.name}), {what}: this {this:.2f} s / baseline {base:.2f} s = {this / base:.3f}"
              f" (medians of {pairs} alternating pair(s), fresh stores, whole CLI)")
    if max_slowdown is not None:
        ratio = ratios["CPU"]
        verdict = "within" if ratio <= 1 + max_slowdown else "SLOWER than"
        print(f"  CPU ratio {verdict} the allowed {max_slowdown:.0%} slowdown")
        if ratio > 1 + max_slowdown:
            raise SystemExit(1)
    return ratios["CPU"]


def run(args: argparse.Namespace) -> dict[str, float]:
    years = 0.5 if args.quick else args.years
    WORK.mkdir(exist_ok=True)
    archive, m = build_archive(years, args.runs_per_week, args.seed)
    strata = {"activities": sorted((archive / "garmin" / "Activity").glob("*.fit")),
              "monitoring": sorted((archive / "garmin" / "Monitor").glob("*.fit"))}
    n_files = sum(len(v) for v in strata.values())
    mb = (int(m["activity_bytes"]) + int(m["monitoring_bytes"])) / 2**20  # type: ignore[call-overload]
    print(f"archive: {archive.relative_to(REPO)}  {m['first_day']} .. {m['last_day']} ({m['days']:,} days)")
    print(f"  {m['activities']:,} activity files (distinct runs, a record every second,"
          f" {int(m['activity_bytes']) / 2**20:.1f} MB) + {m['monitoring']:,} monitoring files"  # type: ignore[call-overload]
          f" ({int(m['monitoring_bytes']) / 2**20:.1f} MB) = {n_files:,} files, {mb:.1f} MB")  # type: ignore[call-overload]
    print(f"machine: {os.cpu_count()} CPUs, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
          " at the start (other processes slow every figure)")
    ratio = math.nan
    if args.baseline:
        ratio = compare_with_baseline(archive, args.baseline, max(args.pairs, 1), args.max_slowdown)
        if args.baseline_only:
            return {"baseline_ratio": ratio}

    db = fresh_db("import_speed.sqlite")
    t_import, out = run_cli(["--db", str(db), "import", str(archive)])
    counts = store_counts(db)
    print(f"loadwatch import (whole CLI, fresh store, {os.cpu_count()} worker processes): {t_import:.2f} s wall")
    print(f"  CLI said: {out.splitlines()[-1] if out else '(nothing)'}")
    print(f"  store: {counts['files']:,} files, {counts['sessions']:,} sessions, {counts['days']:,} days of steps,"
          f" {counts['messages']:,} data messages read ({counts['messages'] / t_import:,.0f} msg/s,"
          f" {mb / t_import:.1f} MB/s)")
    if counts["sessions"] != m["activities"] or counts["days"] < int(m["monitoring"]):  # type: ignore[call-overload]
        raise SystemExit(f"the store does not hold the archive: {counts} vs {m}")
    t_again, out = run_cli(["--db", str(db), "import", str(archive)])
    print(f"re-import (same store, every file already imported): {t_again:.2f} s wall")
    print(f"  CLI said: {out.splitlines()[-1] if out else '(nothing)'}")
    t_one = None
    if args.one_core and shutil.which("taskset"):
        db1 = fresh_db("import_speed_1cpu.sqlite")
        t_one, _ = run_cli(["--db", str(db1), "import", str(archive)], prefix=("taskset", "-c", "0"))
        print(f"loadwatch import pinned to one CPU (taskset -c 0, fresh store): {t_one:.2f} s wall")
        fresh_db("import_speed_1cpu.sqlite")
    fresh_db("import_speed.sqlite")

    minimum = args.min_sample if args.min_sample is not None else 20 if args.quick else 200
    picked = sample(strata, args.sample_fraction, minimum, args.seed, args.full_loops)
    n_picked = sum(len(v) for v in picked.values())
    how = ("every file" if n_picked == n_files else
           f"a random sample of {n_picked:,} of {n_files:,} files (seed {args.seed}; "
           + ", ".join(f"{len(picked[k]):,} {k}" for k in picked) + "), each kind scaled by its bytes")
    print(f"plain loops, one process, {how}:")
    fp = time_loop("fitparse", fitparse_loop, strata, picked)
    fd = time_loop("fitdecode", fitdecode_loop, strata, picked)

    est = "" if n_picked == n_files else "estimated "
    print(f"ratios ({est}loop time / loadwatch whole-CLI import time, same archive, this run):")
    print(f"  vs fitparse:  {fp / t_import:6.1f}x   ({est}{fp:.1f} s / {t_import:.2f} s)")
    print(f"  vs fitdecode: {fd / t_import:6.1f}x   ({est}{fd:.1f} s / {t_import:.2f} s)")
    if t_one is not None:
        print(f"  on one CPU:   {fp / t_one:6.1f}x fitparse, {fd / t_one:6.1f}x fitdecode   (loadwatch {t_one:.2f} s,"
              " pinned with taskset; the loops use one CPU anyway)")
    print(f"  re-import:    {t_again:.2f} s for {n_files:,} files")
    return {"import_s": t_import, "reimport_s": t_again, "fitparse_s": fp, "fitdecode_s": fd,
            "one_cpu_s": t_one or math.nan, "baseline_ratio": ratio}


def main(argv: list[str] | None = None) -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress in order when piped
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(ap)
    run(ap.parse_args(argv))


if __name__ == "__main__":
    main()
