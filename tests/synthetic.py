"""Inputs the subprocess tests build at run time, and how they start `loadwatch` in a child process."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).parent.parent


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
