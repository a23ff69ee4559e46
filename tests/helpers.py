"""Builders the tests share: sessions and step days written into a real store, synthetic GPX runs, and how
the subprocess tests start `loadwatch` in a child process.

The one place for a builder that more than one test module needs; a test module never imports another.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from loadwatch.models import Activity, DailySteps, ParsedFile
from loadwatch.store import Store

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


def write(store: Store, activities: Iterable[Activity] = (), steps: Iterable[DailySteps] = (), *,
          athlete: str = "me", tag: str | None = None) -> None:
    """Store the sessions and step days as one source file (the call `import_paths` makes)."""
    tag = tag or f"synthetic-{len(store.sources())}"
    store.write_source(sha256=tag, path=f"{tag}.test", parsed=ParsedFile("test", list(activities), list(steps)),
                       athlete=athlete, size_bytes=1)


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
