"""Apple Health import: peak memory and speed against healthkit-to-sqlite, on one generated export.

    python benchmarks/apple_health_memory.py            # a ~1 GB export.xml (a few minutes)
    python benchmarks/apple_health_memory.py --mb 100   # quick mode

1. Writes a synthetic export.xml of about --mb MB to benchmarks/_work/ (kept between runs for the
   same size): years of days, each with Apple Watch and iPhone step samples that overlap, heart
   rate every few minutes (every 5 s during workouts), active/basal energy and distance records
   (with device strings and metadata as real exports carry), and a run or walk every other day
   with WorkoutStatistics.
2. Imports it with loadwatch (`import_paths` into a fresh store) in a child process and reads that
   child's peak RSS from `os.wait4` (the same figure `getrusage(RUSAGE_CHILDREN)` reports);
   it must stay under 300 MB.
3. Zips the XML once (stored, no compression) and times `healthkit-to-sqlite` on it, installed
   into its own venv at benchmarks/_work/venv. It writes every record to SQLite while loadwatch
   keeps only steps, heart rate and workouts: that is the job each tool does for its users.

Prints both times, the ratio (loadwatch should be >= 2x faster) and both peak RSS figures.
Exit status 1 if loadwatch's peak RSS is 300 MB or more.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import venv
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORK = Path(__file__).parent / "_work"
RSS_LIMIT_MB = 300
WATCH = ('sourceName="Anna’s Apple Watch" sourceVersion="10.3" device="&lt;&lt;HKDevice: 0x3012772a0&gt;,'
         ' name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:10.3&gt;"')
PHONE = ('sourceName="Anna’s iPhone" sourceVersion="17.3" device="&lt;&lt;HKDevice: 0x300f1e0d0&gt;,'
         ' name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone14,5, software:17.3&gt;"')
HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 (synthetic, loadwatch benchmark) -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
]>
<HealthData locale="en_NL">
 <ExportDate value="2025-01-01 09:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1985-06-01"/>
"""


def _stamp(t: datetime, offset_h: int) -> str:
    return (t + timedelta(hours=offset_h)).strftime("%Y-%m-%d %H:%M:%S") + f" +0{offset_h}00"


def _record(kind: str, unit: str, src: str, start: str, end: str, value: str, meta: str = "") -> str:
    head = (f' <Record type="HKQuantityTypeIdentifier{kind}" {src} unit="{unit}" creationDate="{end}"'
            f' startDate="{start}" endDate="{end}" value="{value}"')
    return head + (f">\n  {meta}\n </Record>\n" if meta else "/>\n")


def _day(day: datetime, n: int) -> str:
    """One day of records (times in UTC, written with the Europe/Amsterdam-like offset)."""
    off = 2 if 4 <= day.month <= 10 else 1
    out: list[str] = []
    for i in range(96):  # watch steps every 10 min from ~06:00, phone samples overlapping half of them
        t = day + timedelta(hours=5, minutes=10 * i)
        a, b = _stamp(t, off), _stamp(t + timedelta(minutes=8), off)
        out.append(_record("StepCount", "count", WATCH, a, b, str(40 + (i * 37 + n) % 400)))
        if i % 2:
            c = _stamp(t + timedelta(minutes=4), off)
            d = _stamp(t + timedelta(minutes=14), off)
            out.append(_record("StepCount", "count", PHONE, c, d, str(30 + (i * 53 + n) % 300)))
        out.append(_record("ActiveEnergyBurned", "kcal", WATCH, a, b, f"{0.5 + (i % 7) * 0.31:.3f}"))
        out.append(_record("BasalEnergyBurned", "kcal", WATCH, a, b, f"{10.2 + (i % 5) * 0.1:.3f}"))
        out.append(_record("DistanceWalkingRunning", "km", WATCH, a, b, f"{0.03 + (i % 9) * 0.02:.5f}"))
    for i in range(240):  # background heart rate every 6 min
        t = day + timedelta(minutes=6 * i)
        s = _stamp(t, off)
        out.append(_record("HeartRate", "count/min", WATCH, s, s, str(55 + (i * 7 + n) % 40),
                           '<MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="1"/>'))
    if n % 2 == 0:  # a 40-minute run at 07:00 UTC with HR every 5 s
        start = day + timedelta(hours=7)
        for i in range(480):
            s = _stamp(start + timedelta(seconds=5 * i), off)
            out.append(_record("HeartRate", "count/min", WATCH, s, s, str(120 + (i * 3 + n) % 60),
                               '<MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="2"/>'))
        a, b = _stamp(start, off), _stamp(start + timedelta(minutes=40), off)
        kind = "Running" if n % 4 == 0 else "Walking"
        out.append(
            f' <Workout workoutActivityType="HKWorkoutActivityType{kind}" duration="39.5" durationUnit="min"'
            f' {WATCH} creationDate="{b}" startDate="{a}" endDate="{b}">\n'
            '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
            f'  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="{a}" endDate="{b}"'
            ' sum="412.5" unit="kcal"/>\n'
            f'  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="{a}"'
            f' endDate="{b}" sum="{7.1 + (n % 5) * 0.3:.2f}" unit="km"/>\n </Workout>\n')
    return "".join(out)


def generate(path: Path, mb: int) -> tuple[int, int]:
    """Write about `mb` MB of export; returns (bytes, days)."""
    target = mb * 2**20
    day = datetime(2019, 1, 1, tzinfo=UTC)
    n = 0
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        while size < target:
            text = _day(day, n)
            fh.write(text)
            size += len(text.encode())
            day += timedelta(days=1)
            n += 1
        fh.write("</HealthData>\n")
    return path.stat().st_size, n


def run_child(argv: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of one child process, from os.wait4's rusage."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {err.decode()[-800:]}")
    return elapsed, usage.ru_maxrss / 1024, out.decode()  # ru_maxrss is in KiB on Linux


LOADWATCH_CHILD = """
import sys
from loadwatch.ingest import import_paths
from loadwatch.store import Store
with Store(sys.argv[2]) as store:
    f = import_paths(store, [sys.argv[1]], workers=1).files[0]
print(f.status, f.sessions, f.days, f.error or "")
"""


def peer_venv() -> Path | None:
    """healthkit-to-sqlite in its own venv (created once); None when it cannot be installed."""
    bin_dir = WORK / "venv" / "bin"
    exe = bin_dir / "healthkit-to-sqlite"
    if not exe.exists():
        venv.create(WORK / "venv", with_pip=True)
        done = subprocess.run([str(bin_dir / "pip"), "install", "-q", "healthkit-to-sqlite"], check=False)
        if done.returncode != 0:
            return None
    return exe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=1024, help="size of the generated export.xml (default 1024)")
    parser.add_argument("--no-peer", action="store_true", help="skip the healthkit-to-sqlite timing")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    xml = WORK / f"export_{args.mb}mb.xml"
    if not xml.exists():
        t = time.perf_counter()
        size, days = generate(xml, args.mb)
        print(f"generated {xml.name}: {size / 2**20:.0f} MB, {days} days, in {time.perf_counter() - t:.1f} s")
    db = WORK / "loadwatch.sqlite"
    for p in WORK.glob("loadwatch.sqlite*"):
        p.unlink()
    # loadwatch first: its child is the only one measured before any venv or pip children run
    lw_s, lw_mb, out = run_child([sys.executable, "-c", LOADWATCH_CHILD, str(xml), str(db)])
    print(f"loadwatch:           {lw_s:7.1f} s, peak RSS {lw_mb:6.0f} MB  ({out.strip()})")
    ok = lw_mb < RSS_LIMIT_MB
    print(f"peak RSS under {RSS_LIMIT_MB} MB: {'yes' if ok else 'NO'}")
    if not args.no_peer:
        exe = peer_venv()
        if exe is None:
            print("healthkit-to-sqlite: could not be installed; no comparison")
        else:
            archive = WORK / f"export_{args.mb}mb.zip"
            if not archive.exists():
                with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
                    z.write(xml, "apple_health_export/export.xml")
            peer_db = WORK / "healthkit.db"
            if peer_db.exists():
                peer_db.unlink()
            hk_s, hk_mb, _ = run_child([str(exe), str(archive), str(peer_db), "--silent"])
            print(f"healthkit-to-sqlite: {hk_s:7.1f} s, peak RSS {hk_mb:6.0f} MB")
            print(f"loadwatch is {hk_s / lw_s:.1f}x faster (aim: >= 2x)")
            peer_db.unlink()
    for p in WORK.glob("loadwatch.sqlite*"):
        p.unlink()
    if shutil.disk_usage(WORK).free < 2 * 2**30:
        print("note: less than 2 GB free; delete benchmarks/_work/ when done")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
