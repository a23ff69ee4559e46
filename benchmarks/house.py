"""Every figure the README quotes about speed, in one run: start-up, `import` of one file, `status`,
and the import of a realistic multi-year archive against fitparse and fitdecode loops.

    python benchmarks/house.py              # startup.py, then import_speed.py at its defaults (5 years)
    python benchmarks/house.py --quick      # the same with a 6-month archive: a smoke run
    python benchmarks/house.py --repeat 15 --years 5 --runs-per-week 5 --seed 20261115

Takes every option of benchmarks/startup.py (--repeat) and benchmarks/import_speed.py (--years,
--runs-per-week, --quick, --seed, --sample-fraction, --min-sample, --full-loops, --no-one-core); each
section prints what it measured and the ratios measured in this same run (see those scripts'
docstrings for what is timed and how). Ends with a summary of the headline numbers.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_speed
import startup


def main(argv: list[str] | None = None) -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    startup.add_arguments(ap)
    import_speed.add_arguments(ap)
    args = ap.parse_args(argv)
    print("== start-up (benchmarks/startup.py)")
    s = startup.run(args)
    print()
    print("== import of a realistic archive (benchmarks/import_speed.py)")
    i = import_speed.run(args)
    print()
    print(f"== summary (this run; {os.cpu_count()} CPUs, load average now "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())})")
    print(f"  loadwatch --help {s['help_s'] * 1000:.0f} ms = {s['help_s'] / s['pass_s']:.1f}x `python -c pass`,"
          f" {s['help_s'] / s['pandas_s']:.2f}x `python -c \"import pandas\"`")
    print(f"  status {s['status_s'] * 1000:.0f} ms, {s['startup_s'] / s['status_s']:.0%} of it start-up")
    print(f"  archive import {i['import_s']:.1f} s: {i['fitparse_s'] / i['import_s']:.0f}x a fitparse loop,"
          f" {i['fitdecode_s'] / i['import_s']:.0f}x a fitdecode loop; re-import {i['reimport_s']:.2f} s")


if __name__ == "__main__":
    main()
