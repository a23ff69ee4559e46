"""Strava's bulk export `activities.csv`: only the perceived exertion of each activity file.

A Strava export holds `activities.csv` beside `activities/` (the recorded files, often gzipped). The CSV is
no format loadwatch imports on its own (its sessions come from the files themselves); the import reads two
of its columns, `Filename` (e.g. "activities/1234567.gpx.gz") and `Perceived Exertion` (Strava's 1-10
slider, read as the CR-10 RPE it mirrors), and gives each named file's sessions that effort as their
`device_rpe` (a user's `log rpe` still wins). Every other column is left unread.
"""

from __future__ import annotations

import csv
import io

NAME = "activities.csv"
MAX_BYTES = 64 * 2**20  # ten years of daily activities is ~5 MB
FILENAME, EXERTION = "filename", "perceived exertion"


def is_activities_csv(display: str) -> bool:
    """A leaf named activities.csv (the last part of its path or archive member name)."""
    return display.replace("!", "/").rsplit("/", 1)[-1].lower() == NAME


def perceived_exertion(data: bytes) -> dict[str, float]:
    """{Filename as written: perceived exertion} for the rows that have both, an effort on 0-10."""
    text = data.decode("utf-8-sig", errors="replace")
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if header is None:
        return {}
    names = [h.strip().lower() for h in header]
    if FILENAME not in names or EXERTION not in names:
        return {}
    i_file, i_rpe = names.index(FILENAME), names.index(EXERTION)  # the first of a repeated column
    out: dict[str, float] = {}
    for row in rows:
        if len(row) <= max(i_file, i_rpe) or not row[i_file].strip() or not row[i_rpe].strip():
            continue
        try:
            value = float(row[i_rpe])
        except ValueError:
            continue
        if 0 <= value <= 10:
            out[row[i_file].strip()] = value
    return out


def key(path: str) -> str:
    """A file's path as the efforts are matched: "/", no ".gz" (x.fit.gz imports as x.fit)."""
    path = path.replace("\\", "/")
    return path[:-3] if path.lower().endswith(".gz") else path


__all__ = ["MAX_BYTES", "NAME", "is_activities_csv", "key", "perceived_exertion"]
