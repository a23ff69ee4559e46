"""How long the `loadwatch` command takes to start, against bare Python and `import pandas`, and how much
of `loadwatch status` is start-up.

    python benchmarks/startup.py             # best of 7 rounds
    python benchmarks/startup.py --repeat 15

Times child processes (wall clock, `time.perf_counter` around `subprocess.run`), interleaved round by
round so that a burst of load from other processes hits every command alike, and prints the best and the
median of --repeat rounds of:

    python -c pass                                   the interpreter alone
    python -c "import pandas"                        the interpreter and pandas (what a pandas tool pays)
    python -m loadwatch --help
    python -m loadwatch --version
    python -m loadwatch --db NEW import ONE.fit      one new FIT file (a demo run from sample_data/) into a
                                                     fresh store: a new store file every round
    python -m loadwatch --db DEMO --as-of 2026-11-15 status
                                                     the demo athlete, imported once with api.import_demo
    python -c "import <what status imports>"         status's start-up, see below

and the ratios help/pass, help/pandas, version/pass, and the share of `status` spent starting up.

What "start-up" means here: the interpreter starting plus every module the `status` run imports, and
nothing else (no store opened, nothing computed or printed). The module list is taken from one
`python -X importtime -m loadwatch ... status` run (every top-level entry it reports, which includes
the imports done lazily inside `api.status`); the child then imports exactly those modules. That
child's best time over the status command's best time is the share. `-X importtime`'s own total for
the status run (the lowest of 3 runs) is printed too, as a cross-check: it counts only the time spent
inside imports (not the interpreter's own initialisation) and is instrumented (a line per module), so
it is near, not equal to, the start-up child's time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-15"  # the demo's last day


def one_fit_file() -> Path:
    files = sorted((REPO / "sample_data" / "devices" / "garmin" / "Activity").glob("*.fit"))
    if not files:
        raise SystemExit("no demo FIT file under sample_data/devices/garmin/Activity")
    return files[0]


def build_demo_store(db: Path) -> str:
    from loadwatch import api
    from loadwatch.store import Store

    with Store(db) as store:
        result = api.import_demo(store)
    return f"{result.imported.sessions} sessions, {result.imported.days} days of steps"


def status_modules(status_cmd: list[str], runs: int = 3) -> tuple[list[str], float]:
    """The top-level modules a status run imports (from -X importtime), and importtime's total in s
    (the lowest of `runs` runs)."""
    totals = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", *status_cmd[1:]], capture_output=True, text=True,
                              check=True)
        names: list[str] = []
        total_us = 0
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "imported package" in line:
                continue
            _, cumulative, name = line[len("import time:"):].split("|")
            if name.startswith(" ") and not name.startswith("  "):  # level 0: one space after the bar
                names.append(name.strip())
                total_us += int(cumulative)
        totals.append(total_us / 1e6)
    return [n for n in names if "__main__" not in n], min(totals)


def timed(cmd: list[str], before: object = None) -> float:
    if callable(before):
        before()
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, check=False)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode()[-800:]}")
    return elapsed


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--repeat", type=int, default=7, help="rounds; the best and the median are shown (default 7)")


def run(args: argparse.Namespace) -> dict[str, float]:
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="loadwatch-startup-") as tmp:
        demo_db = Path(tmp) / "demo.sqlite"
        held = build_demo_store(demo_db)
        new_db = Path(tmp) / "new.sqlite"
        fit_file = one_fit_file()

        def fresh_store() -> None:
            for p in Path(tmp).glob("new.sqlite*"):
                p.unlink()

        status_cmd = [py, "-m", "loadwatch", "--db", str(demo_db), "--as-of", AS_OF, "status"]
        modules, importtime_s = status_modules(status_cmd)
        import_only = f"import importlib\nfor m in {modules!r}:\n    importlib.import_module(m)\n"
        commands: dict[str, tuple[list[str], object]] = {
            "python -c pass": ([py, "-c", "pass"], None),
            'python -c "import pandas"': ([py, "-c", "import pandas"], None),
            "loadwatch --help": ([py, "-m", "loadwatch", "--help"], None),
            "loadwatch --version": ([py, "-m", "loadwatch", "--version"], None),
            "loadwatch import ONE.fit (fresh store)": ([py, "-m", "loadwatch", "--db", str(new_db), "import",
                                                        str(fit_file)], fresh_store),
            f"loadwatch --as-of {AS_OF} status (demo)": (status_cmd, None),
            "status's start-up (its imports only)": ([py, "-c", import_only], None),
        }
        for cmd, before in commands.values():  # warm the OS caches once, untimed
            timed(cmd, before)
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(args.repeat):
            for label, (cmd, before) in commands.items():
                times[label].append(timed(cmd, before))

    best = {k: min(v) for k, v in times.items()}
    print(f"start-up: best and median of {args.repeat} interleaved rounds, wall clock, {sys.executable}")
    print(f"machine: {os.cpu_count()} CPUs, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
          " (other processes slow every figure)")
    print(f"  one new file: {fit_file.relative_to(REPO)} ({fit_file.stat().st_size:,} bytes);"
          f" demo store: {held}")
    for label, values in times.items():
        print(f"  {label:42} best {best[label] * 1000:7.1f} ms   median {statistics.median(values) * 1000:7.1f} ms")
    k = list(commands)
    pass_s, pandas_s, help_s, version_s, _, status_s, startup_s = (best[x] for x in k)
    print("ratios (best times, this run):")
    print(f"  --help / python -c pass:      {help_s / pass_s:5.2f}x")
    print(f"  --help / import pandas:       {help_s / pandas_s:5.2f}x")
    print(f"  --version / python -c pass:   {version_s / pass_s:5.2f}x")
    print(f"  status: start-up {startup_s * 1000:.0f} ms of {status_s * 1000:.0f} ms = {startup_s / status_s:.0%}"
          f" (interpreter alone {pass_s / status_s:.0%}); the rest, {(status_s - startup_s) * 1000:.0f} ms, opens"
          " the store, computes and prints")
    shown = ", ".join(m for m in modules if "." in m or m == "loadwatch")
    print(f"  cross-check: -X importtime sums {importtime_s * 1000:.0f} ms of imports in a status run (best of 3;"
          f" imports only, instrumented); top-level modules: {shown}")
    return {"pass_s": pass_s, "pandas_s": pandas_s, "help_s": help_s, "version_s": version_s, "status_s": status_s,
            "startup_s": startup_s}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(ap)
    run(ap.parse_args(argv))


if __name__ == "__main__":
    main()
