"""How fast `loadwatch import` reads a folder of FIT activities, against a plain fitparse loop.

Builds benchmarks/_work/import_speed/ with N FIT files made by repeating the real activity files of
tests/data/fit (each copy gets its own header profile version and a recomputed header/file CRC, so
its bytes and hash are distinct), then times:
  1. `import_paths` into a fresh store (the worker pool decodes FIT on all cores);
  2. the naive baseline: `fitparse.FitFile(path).get_messages()` over the files, one by one. It is
     slow, so it runs on the first files only until --baseline-seconds are spent, and its rate
     (data messages per second) is scaled to the whole folder;
  3. a re-import of the same folder (every file already imported).

Usage: python benchmarks/import_speed.py [--files 3000] [--baseline-seconds 20]
"""

from __future__ import annotations

import argparse
import shutil
import struct
import tempfile
import time
from pathlib import Path

import fitparse

from loadwatch.importers import fit, fit_decode
from loadwatch.ingest import import_paths
from loadwatch.store import Store

ROOT = Path(__file__).resolve().parent
DATA = ROOT.parent / "tests" / "data" / "fit"
WORK = ROOT / "_work" / "import_speed"
MAX_SOURCE_BYTES = 400_000  # keep the folder a realistic mix of short and long activities, not 2.4 MB rides


def sources() -> list[tuple[bytes, int]]:
    """(bytes, data messages) of each real single-part activity file under the size cap."""
    out = []
    for path in sorted(DATA.glob("*.fit")):
        data = path.read_bytes()
        if len(data) > MAX_SOURCE_BYTES:
            continue
        parsed = fit.read_bytes(data, name=path.name, strict=True)
        layout = fit_decode.split(data)
        if parsed.activities and len(layout.parts) == 1:
            out.append((data, parsed.n_records))
    return out


def variant(data: bytes, k: int) -> bytes:
    """The same file with profile version k in its header and the CRCs made right again."""
    b = bytearray(data)
    hsize = b[0]
    struct.pack_into("<H", b, 2, k & 0xFFFF)
    if hsize == 14:
        struct.pack_into("<H", b, 12, 0)  # header CRC 0: "not computed", allowed by the spec
    end = hsize + struct.unpack_from("<I", b, 4)[0]
    struct.pack_into("<H", b, end, fit_decode.crc16(bytes(b[:end])))
    return bytes(b)


def build(n: int) -> tuple[list[Path], int]:
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    src = sources()
    paths, messages = [], 0
    for i in range(n):
        data, n_msgs = src[i % len(src)]
        path = WORK / f"{i:05d}.fit"
        path.write_bytes(variant(data, 1000 + i))
        paths.append(path)
        messages += n_msgs
    return paths, messages


def baseline(paths: list[Path], budget_s: float) -> tuple[int, int, float]:
    """Plain fitparse loop until the budget is spent: (files, messages, seconds)."""
    t0 = time.perf_counter()
    files = messages = 0
    for path in paths:
        for _ in fitparse.FitFile(str(path)).get_messages():
            messages += 1
        files += 1
        if time.perf_counter() - t0 > budget_s:
            break
    return files, messages, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=3000, help="FIT files in the folder (default 3000)")
    ap.add_argument("--baseline-seconds", type=float, default=20.0, help="time budget of the fitparse loop")
    args = ap.parse_args()

    paths, messages = build(args.files)
    size_mb = sum(p.stat().st_size for p in paths) / 2**20
    print(f"folder: {len(paths)} FIT files, {size_mb:.0f} MB, {messages:,} data messages")

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.sqlite") as store:
        t0 = time.perf_counter()
        first = import_paths(store, [WORK])
        t_import = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = import_paths(store, [WORK])
        t_again = time.perf_counter() - t0
    statuses: dict[str, int] = {}
    for f in first.files:
        statuses[f.status] = statuses.get(f.status, 0) + 1
    print(f"loadwatch import: {t_import:.2f} s ({messages / t_import:,.0f} messages/s); statuses {statuses}")
    print(f"re-import:        {t_again:.2f} s (target < 2 s); "
          f"{again.count('already_imported')} of {len(again.files)} already imported")

    files, b_msgs, b_s = baseline(paths, args.baseline_seconds)
    rate = b_msgs / b_s
    est = messages / rate
    scaled = "" if files == len(paths) else f" (measured on {files} files, scaled per message to all {len(paths)})"
    print(f"fitparse loop:    {b_s:.2f} s for {b_msgs:,} messages = {rate:,.0f} messages/s; "
          f"whole folder ~{est:.1f} s{scaled}")
    print(f"speed-up: {est / t_import:.1f}x (target >= 10x)")
    shutil.rmtree(WORK)


if __name__ == "__main__":
    main()
