"""Shared by tests/system/test_fuzz.py (a short run) and tests/system/fuzz/run.py (a long run by hand).

Seeds are real files from tests/data (FIT, GPX, TCX, Apple XML, CSV and JSON step logs) plus a
zip and a .gz built from them. A case is a seed with a few byte-level mutations (flip, cut,
insert, duplicate or delete a chunk, set a byte to an edge value). `check_case` imports it into
a fresh in-memory Store through the real `import_paths` and returns a failure description, or
None when loadwatch behaved: only its own errors, one-line messages, nothing partial stored.
"""

from __future__ import annotations

import gzip
import io
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

from loadwatch.ingest import import_paths
from loadwatch.store import Store
from tests.helpers import DATA

HANG_S = 20.0  # far above any seed (< 0.1 s each): only a runaway parser gets here
OPS = ("flip", "cut", "insert", "dup", "delete", "set")
EDGE_BYTES = (0x00, 0xFF, 0x7F, 0x80, 0x3C, 0x0A, 0x22)  # 0, max, sign edges, '<', newline, '"'

SEED_FILES = {
    "fit": ["fit/garmin-fenix-5-run.fit", "fit/garmin-edge-820-bike.fit", "fit/2015-10-13-08-43-15.fit",
            "fit/compressed-speed-distance.fit", "fit/Settings2.fit"],
    "gpx": ["gpx/togeojson_strava.gpx", "gpx/gpxpy_track_with_speed.gpx"],
    "tcx": ["tcx/togeojson_sample.tcx"],
    "apple": ["apple_health/healthkit-to-sqlite_export.xml"],
    "csv": ["fitbit/dailySteps_merged.csv", "google_fit/Daily activity metrics.csv"],
    "json": ["fitbit/fitbit-activities-steps-timeseries.json", "google_fit/googlefit-merge-step-deltas.json"],
}
CSV_LINES = 30  # the CSV seeds are cut to their first lines: mutations then hit header and rows alike

Op = tuple[str, float, int, int]  # (kind, position as a fraction of the length, length, byte)


def seeds() -> dict[str, list[tuple[str, bytes]]]:
    """kind -> [(file name, bytes)], only for seed files present in tests/data."""
    out: dict[str, list[tuple[str, bytes]]] = {}
    for kind, rels in SEED_FILES.items():
        for rel in rels:
            path = DATA / rel
            if not path.exists():
                continue
            data = path.read_bytes()
            if kind == "csv":
                data = b"\n".join(data.splitlines()[:CSV_LINES]) + b"\n"
            out.setdefault(kind, []).append((path.name, data))
    fits = out.get("fit", [])
    gpxs = out.get("gpx", [])
    if fits and gpxs:
        raw = io.BytesIO()
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("activities/run.fit", fits[0][1])
            z.writestr("activities/ride.gpx", gpxs[0][1])
        out["zip"] = [("export.zip", raw.getvalue())]
        out["gz"] = [(fits[0][0] + ".gz", gzip.compress(fits[0][1], mtime=0))]
    return out


def mutate(data: bytes, ops: Sequence[Op]) -> bytes:
    """Apply byte-level mutations in order; positions are fractions so ops fit any length."""
    buf = bytearray(data)
    for kind, frac, n, byte in ops:
        pos = min(int(frac * len(buf)), max(len(buf) - 1, 0))
        if kind == "flip" and buf:
            for i in range(pos, min(pos + max(n // 8, 1), len(buf))):
                buf[i] ^= 1 << (byte % 8)
        elif kind == "cut":
            del buf[pos:]
        elif kind == "insert":
            buf[pos:pos] = bytes([byte]) * n
        elif kind == "dup":
            buf[pos:pos] = buf[pos:pos + n * 16]
        elif kind == "delete":
            del buf[pos:pos + n]
        elif kind == "set" and buf:
            buf[pos] = EDGE_BYTES[byte % len(EDGE_BYTES)]
    return bytes(buf)


def check_case(name: str, data: bytes, workdir: Path) -> str | None:
    """Import one case into a fresh in-memory store; a failure description or None."""
    path = workdir / name
    path.write_bytes(data)
    store = Store(":memory:")
    started = time.monotonic()
    try:
        result = import_paths(store, [path], workers=1)
    except BaseException as err:
        if isinstance(err, KeyboardInterrupt):
            raise
        return f"import_paths raised {type(err).__name__}: {err}"
    finally:
        elapsed = time.monotonic() - started
    try:
        if elapsed > HANG_S:
            return f"took {elapsed:.1f} s (a parser running away)"
        for f in result.files:
            if f.error and "please report this file" in f.error:
                return f"reader bug: {f.path}: {f.error}"
            if f.error and ("\n" in f.error or not f.error.strip()):
                return f"error message not one line: {f.error!r}"
        return _check_store(store, {f.path for f in result.files if f.status == "failed"})
    finally:
        store.close()


def _check_store(store: Store, failed: set[str]) -> str | None:
    q = store.conn.execute
    if q("PRAGMA integrity_check").fetchone()[0] != "ok":
        return "integrity_check failed"
    stored = {p for (p,) in q("SELECT path FROM sources")}
    if stored & failed:
        return f"a failed file has a ledger row: {sorted(stored & failed)}"
    for sha, path, n_sessions, n_days in q("SELECT sha256, path, n_sessions, n_days FROM sources").fetchall():
        owned = q("SELECT count(*) FROM sessions WHERE source_sha256 = ?", (sha,)).fetchone()[0]
        days = q("SELECT count(DISTINCT athlete || day) FROM daily_steps WHERE source_sha256 = ?", (sha,)).fetchone()[0]
        if (owned, days) != (n_sessions, n_days):
            return f"{path}: ledger says {n_sessions} sessions/{n_days} days, store holds {owned}/{days}"
    orphans = q("SELECT count(*) FROM sessions WHERE source_sha256 NOT IN (SELECT sha256 FROM sources)").fetchone()[0]
    if orphans:
        return f"{orphans} session(s) without their source"
    bad = q("SELECT count(*) FROM sessions WHERE duration_s < 0 OR duration_s != duration_s"
            " OR distance_m < 0 OR avg_hr < 0").fetchone()[0]
    if bad:
        return f"{bad} session(s) with negative or NaN duration, distance or HR"
    return None


def save_reproducer(folder: Path, name: str, data: bytes, ops: Sequence[Op], failure: str) -> Path:
    """Write the failing bytes and how they were made; returns the bytes' path."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{len(list(folder.iterdir())) // 2:04d}-{name}"
    case = folder / stem
    case.write_bytes(data)
    (folder / (stem + ".txt")).write_text(
        f"seed: {name}\nops: {list(ops)!r}\nfailure: {failure}\n"
        f"reproduce: loadwatch --db /tmp/fuzz.sqlite import '{case}'\n", encoding="utf-8")
    return case
