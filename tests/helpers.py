"""Builders the tests share: sessions and step days written into a real store, synthetic GPX runs, and how
the subprocess tests start `loadwatch` in a child process.

The one place for a builder that more than one test module needs; a test module never imports another.
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from loadwatch.importers.fit.decode import crc16
from loadwatch.models import Activity, DailySteps, ParsedFile, WriteOutcome
from loadwatch.store import Store
from loadwatch.units import FIT_EPOCH_S

REPO = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"


# -- sessions and step days into a real store -------------------------------------------------------
def run_on(day: date, km: float | None = 10, minutes: float = 60, *, sport: str = "running", hour: int = 7,
           offset_h: int = 0, avg_hr: float | None = None, hr_hist: dict[int, float] | None = None) -> Activity:
    """A session that starts at `hour` local time on `day` (local offset `offset_h` hours)."""
    start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=offset_h)
    return Activity(sport, start, offset_h * 3600, minutes * 60, distance_m=None if km is None else km * 1000,
                    avg_hr=avg_hr, hr_hist=hr_hist or {})


def steps_days(n: int, end: date, value: int = 7000, device: str = "Pixel", kind: str = "phone") -> list[DailySteps]:
    """`n` days of `value` steps ending on `end`."""
    return [DailySteps(end - timedelta(days=i), value, device, kind) for i in range(n)]


def steady_weeks(weeks: int = 8, end: date = date(2024, 3, 3), spike_last: bool = False) -> list[Activity]:
    """`weeks` weeks ending on `end` (default Sun 3 Mar 2024) of Tue 8 km, Thu 8 km, Sun 14 km: 30 km a week at
    5:00 min/km, 08:00 local (+01:00, 07:00 UTC), avg HR 145; the last 7 days doubled with spike_last."""
    acts = []
    for i in range(weeks * 7):
        day = end - timedelta(days=i)
        km = {1: 8.0, 3: 8.0, 6: 14.0}.get(day.weekday())
        if km:
            km *= 2 if spike_last and i < 7 else 1
            acts.append(run_on(day, km, km * 5, hour=8, offset_h=1, avg_hr=145.0))
    return acts


def easy_run(day: date, km: float) -> Activity:
    """A run at 5:00 min/km and a steady 145 bpm, 08:00 local (+01:00): its TRIMP is proportional to its km."""
    return run_on(day, km, km * 5, hour=8, offset_h=1, avg_hr=145.0)


def weeks_of(runs: dict[int, float], n: int, last_sunday: date) -> list[Activity]:
    """`n` weeks ending on `last_sunday`, each with an `easy_run` on these weekdays (0 = Monday): km."""
    acts = []
    for w in range(n):
        monday = last_sunday - timedelta(days=6 + 7 * w)
        acts += [easy_run(monday + timedelta(days=wd), km) for wd, km in runs.items()]
    return acts


def write(store: Store, activities: Iterable[Activity] = (), steps: Iterable[DailySteps] = (), *,
          athlete: str = "me", tag: str | None = None) -> WriteOutcome:
    """Store the sessions and step days as one source file (the call `import_paths` makes); its counts."""
    tag = tag or f"synthetic-{len(store.sources())}"
    parsed = ParsedFile("test", list(activities), list(steps))
    return store.write_source(sha256=tag, path=f"{tag}.test", parsed=parsed, athlete=athlete, size_bytes=1)


# -- a coach's squad: several athletes in one store -------------------------------------------------
SQUAD_AS_OF = date(2024, 3, 3)  # a Sunday: the last day of steady_weeks' default history
SQUAD_FIT_FILES = ("activity-small-fenix2-run.fit", "FitFileParser_running.fit", "garmin-fenix-5-run.fit")


def squad_root(root: Path) -> Path:
    """A coach's folder `root`: fitfan/ holds three real FIT runs (15 Aug 2015 9.0 km, 11 Jun 2017 0.2 km,
    20 Oct 2018 18.7 km: silent by 2024), walker/steps.csv 6,500 steps a day for the 60 days to Fri 1 Mar 2024
    (steps only), and notes.txt lies loose under `root` (no athlete's)."""
    import shutil

    (root / "fitfan").mkdir(parents=True)
    (root / "walker").mkdir()
    for name in SQUAD_FIT_FILES:
        shutil.copy(DATA / "fit" / name, root / "fitfan" / name)
    end = date(2024, 3, 1)
    rows = "".join(f"{end - timedelta(days=i)},6500\n" for i in range(60))
    (root / "walker" / "steps.csv").write_text("Date,Steps\n" + rows, encoding="utf-8")
    (root / "notes.txt").write_text("the squad's folder\n", encoding="utf-8")
    return root


def write_squad_histories(store: Store) -> None:
    """Two hand-made athletes: steady (steady_weeks: 8 weeks of Tue 8, Thu 8, Sun 14 km to Sun 3 Mar 2024, 7,000
    steps a day) and spiky (the same, the last 7 days doubled: 16, 16, 28 km, and lower-back pain 5 on Sat 2 Mar)."""
    from loadwatch import api

    write(store, steady_weeks(), steps_days(56, SQUAD_AS_OF), athlete="steady", tag="steady")
    write(store, steady_weeks(spike_last=True), athlete="spiky", tag="spiky")
    api.log_pain(store, "spiky", day=date(2024, 3, 2), where="lower", level=5, today=SQUAD_AS_OF)


# -- FIT files byte by byte (FIT SDK protocol 2.0 layout) --------------------------------------------
def fit_ts(dt: datetime) -> int:
    """A FIT timestamp: seconds since the FIT epoch, 1989-12-31 00:00 UTC."""
    return int(dt.timestamp()) - FIT_EPOCH_S


def fit_definition(local: int, gmn: int, fields: list[tuple[int, int, int]], *, big: bool = False,
                   dev: list[tuple[int, int, int]] | None = None) -> bytes:
    """A definition message: local type `local` is global message `gmn` with `fields` (number, size, base
    type); `big` for big-endian, `dev` for developer fields (number, size, developer index)."""
    head = 0x40 | local | (0x20 if dev is not None else 0)
    out = struct.pack(">BBBHB" if big else "<BBBHB", head, 0, 1 if big else 0, gmn, len(fields))
    out += b"".join(bytes(f) for f in fields)
    if dev is not None:
        out += bytes([len(dev)]) + b"".join(bytes(f) for f in dev)
    return out


def fit_message(local: int, fmt: str, *values: object, big: bool = False) -> bytes:
    """A data message of local type `local`, its values packed with struct format `fmt`."""
    return bytes([local]) + struct.pack((">" if big else "<") + fmt, *values)


def fit_file(body: bytes) -> bytes:
    """`body` (definitions and messages) wrapped in a 14-byte header and the file CRC."""
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", crc16(header))
    return header + body + struct.pack("<H", crc16(header + body))


def one_error_line(result: object, code: int = 1) -> str:
    """The one line a failing command prints on stderr (a CliRunner result or a finished child process),
    after checking its exit code and that no traceback was printed."""
    exit_code = getattr(result, "exit_code", getattr(result, "returncode", None))
    stderr = str(getattr(result, "stderr", ""))
    assert exit_code == code, (exit_code, getattr(result, "output", getattr(result, "stdout", "")), stderr)
    exception = getattr(result, "exception", None)
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def small_history_store(path: Path) -> Path:
    """A store at `path` with 14 runs every other day from Mon 5 Feb 2024 (avg HR 150) and 40 days of
    7,000 steps to Sun 3 Mar 2024: enough for every command to have something to write."""
    with Store(path) as store:
        write(store, [run_on(date(2024, 2, 5) + timedelta(days=i), avg_hr=150.0) for i in range(0, 28, 2)],
              steps_days(40, date(2024, 3, 3)))
    return path


# -- files the subprocess tests import ---------------------------------------------------------------
def gpx_run(i: int) -> str:
    """A 10-minute run on day i of 2023 (60 points, 10 s apart, ~20 m apart), local offset +02:00."""
    t0 = datetime(2023, 1, 1, 7, 0, tzinfo=UTC) + timedelta(days=i)
    pts = "".join(
        f'<trkpt lat="{46.0 + k * 0.0002:.5f}" lon="{14.0 + i * 0.001:.5f}"><ele>300</ele>'
        f"<time>{(t0 + timedelta(seconds=10 * k)).strftime('%Y-%m-%dT%H:%M:%S')}+02:00</time></trkpt>"
        for k in range(60)
    )
    return ('<?xml version="1.0"?><gpx version="1.1" creator="loadwatch-test" '
            f'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>run {i}</name><type>running</type>'
            f"<trkseg>{pts}</trkseg></trk></gpx>")


def child_env() -> dict[str, str]:
    """The environment for a `python -m loadwatch` child: this checkout first on the path."""
    return {**os.environ, "PYTHONPATH": str(REPO)}


def loadwatch_cmd(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "loadwatch", "--db", str(db), *args]
