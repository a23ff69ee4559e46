"""Each file's own version of a session, which recording of one session is kept, and when two are one.

A session reached through several files (a watch FIT, the Strava GPX of the same run, a phone's recording
of it) is one row of `sessions`; `session_sources` links it to every file that holds it, each link with
that file's version of the session (`schema.VERSION_COLUMNS` as a JSON object). The session row holds the
best version (`quality`); when its file is forgotten, it is rebuilt from the best version that remains. What the
kept version lacks (pace bins, power bins, the perceived effort) is lent by another version that has it (`fill`).

Two recordings are one session when they are the same sport (or one is generic) and either
- their starts are within DEDUPE_START_TOLERANCE_S and their durations and distances agree (a copy of
  one file: Strava's GPX of a watch's FIT), or
- their times overlap by at least DEDUPE_MIN_OVERLAP of the union of their times (a watch and a phone
  started 20 s apart: one body cannot run twice at once). Over the union rather than over the shorter: the
  kept recording's values replace the other's, so both must cover nearly the same time; a watch that
  died after 20 minutes of a 60-minute run is not interchangeable with the phone's whole run, and keeping
  either would lose the heart rate or 40 minutes. Distance is not compared: GPS tracks of one run differ
  by several per cent.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from ..models import Activity
from .schema import VERSION_COLUMNS

DEDUPE_START_TOLERANCE_S = 120.0
DEDUPE_DURATION_TOLERANCE = (60.0, 0.05)  # absolute seconds, or this fraction, whichever is larger
DEDUPE_DISTANCE_TOLERANCE = (100.0, 0.05)  # absolute metres, or this fraction
DEDUPE_MIN_OVERLAP = 0.8  # intersection over union of the two recordings' times
GENERIC_SPORTS = frozenset({"generic", "unknown", "other", ""})

Version = dict[str, Any]  # VERSION_COLUMNS -> the value as the sessions table stores it


def hist_json(hist: dict[int, float]) -> str | None:
    """A histogram or best-effort map as the store keeps it: a JSON object, keys sorted, values to 3 decimals
    (None when empty)."""
    return json.dumps({str(k): round(v, 3) for k, v in sorted(hist.items())}) if hist else None


def version_of(act: Activity, recovered: bool) -> Version:
    """The columns of `sessions` as this file's session fills them."""
    hist = hist_json(act.hr_hist)
    return {
        "sport": act.sport, "sub_sport": act.sub_sport, "start_utc": act.start_utc.astimezone(UTC).isoformat(),
        "start_epoch_s": act.start_utc.timestamp(), "utc_offset_s": act.utc_offset_s, "duration_s": act.duration_s,
        "moving_s": act.moving_s, "distance_m": act.distance_m, "ascent_m": act.ascent_m, "avg_hr": act.avg_hr,
        "max_hr": act.max_hr, "hr_hist": hist, "steps": act.steps, "calories": act.calories, "device": act.device,
        "recovered": int(recovered), "gas_hist": hist_json(act.gas_hist), "power_hist": hist_json(act.power_hist),
        "best_gas_m_s": hist_json(act.best_gas_m_s), "best_power_w": hist_json(act.best_power_w),
        "device_rpe": act.device_rpe,
    }


def encode(version: Version) -> str:
    return json.dumps({c: version[c] for c in VERSION_COLUMNS})


def decode(text: str | None) -> Version | None:
    """A stored version, or None for a link made before versions were kept (schema 1)."""
    if text is None:
        return None
    data = json.loads(text)
    return {c: data.get(c) for c in VERSION_COLUMNS}


def _within(a: float | None, b: float | None, tol: tuple[float, float]) -> bool:
    if a is None or b is None:
        return True
    return abs(a - b) <= max(tol[0], tol[1] * max(abs(a), abs(b)))


def overlap(a_start: float, a_duration: float, b_start: float, b_duration: float) -> float:
    """The two spans' intersection over their union, 0 to 1."""
    inter = min(a_start + a_duration, b_start + b_duration) - max(a_start, b_start)
    union = max(a_start + a_duration, b_start + b_duration) - min(a_start, b_start)
    return max(inter, 0.0) / union if union > 0 else 0.0


def match(stored: Version, new: Version) -> float | None:
    """How well `new` matches a stored session (higher is closer), or None when they are two sessions."""
    if not (stored["sport"] == new["sport"] or {stored["sport"], new["sport"]} & GENERIC_SPORTS):
        return None
    frac = overlap(stored["start_epoch_s"], stored["duration_s"], new["start_epoch_s"], new["duration_s"])
    copy = (
        abs(stored["start_epoch_s"] - new["start_epoch_s"]) <= DEDUPE_START_TOLERANCE_S
        and _within(stored["duration_s"], new["duration_s"], DEDUPE_DURATION_TOLERANCE)
        and _within(stored["distance_m"], new["distance_m"], DEDUPE_DISTANCE_TOLERANCE)
    )
    return frac if copy or frac >= DEDUPE_MIN_OVERLAP else None


def candidates(conn: sqlite3.Connection, athlete: str, new: Version, longest_s: float) -> list[tuple[int, Version]]:
    """Stored sessions of `athlete` that may be `new` recorded again (those whose times could meet)."""
    start, end = new["start_epoch_s"], new["start_epoch_s"] + new["duration_s"]
    cols = ", ".join(VERSION_COLUMNS)
    rows = conn.execute(
        f"SELECT id, {cols} FROM sessions WHERE athlete = ? AND start_epoch_s BETWEEN ? AND ?",
        (athlete, start - max(longest_s, DEDUPE_START_TOLERANCE_S), max(end, start + DEDUPE_START_TOLERANCE_S)),
    ).fetchall()
    return [(int(row[0]), dict(zip(VERSION_COLUMNS, row[1:], strict=True))) for row in rows]


def quality(version: Version | None) -> tuple[int, float, float]:
    """Which recording is better: heart rate present, then more heart-rate samples (seconds), then longer.
    An unknown version (a link from before versions were kept) is below every known one."""
    if version is None:
        return (-1, 0.0, 0.0)
    hist = version["hr_hist"]
    hr_seconds = sum(json.loads(hist).values()) if hist else 0.0
    has_hr = version["avg_hr"] is not None or hr_seconds > 0
    return (int(has_hr), round(hr_seconds), version["duration_s"])


def why_better(kept: Version, other: Version) -> str:
    k, o = quality(kept), quality(other)
    if k[0] != o[0]:
        return "it has heart rate"
    if k[1] != o[1]:
        return "it has more heart-rate samples"
    if k[2] != o[2]:
        return "it is longer"
    return "the two are alike and it was stored first"


def describe(version: Version) -> str:
    """"running on 2024-05-06 07:30" (local time)."""
    local = datetime.fromtimestamp(version["start_epoch_s"], UTC) + timedelta(seconds=version["utc_offset_s"])
    return f"{version['sport']} on {local:%Y-%m-%d %H:%M}"


def note(new: Version, other_path: str, kept: Version, kept_path: str, lost: Version) -> str:
    """One line for the import: which file the session duplicates and whose recording was kept."""
    device = f" ({kept['device']})" if kept["device"] else ""
    return (f"{describe(new)}: duplicate of {other_path}; kept the recording of {kept_path}{device}: "
            f"{why_better(kept, lost)}")


def rebuild(conn: sqlite3.Connection, session_id: int, sha256: str, version: Version, dedupe_key: str) -> None:
    """Give the session `version`'s values and make `sha256` its file; the athlete's RPE stays."""
    sets = ", ".join(f"{c} = ?" for c in VERSION_COLUMNS)
    values = [version[c] for c in VERSION_COLUMNS]
    try:
        conn.execute(f"UPDATE sessions SET {sets}, source_sha256 = ?, dedupe_key = ? WHERE id = ?",
                     (*values, sha256, dedupe_key, session_id))
    except sqlite3.IntegrityError:  # another session has that exact key: keep this one's old key
        conn.execute(f"UPDATE sessions SET {sets}, source_sha256 = ? WHERE id = ?", (*values, sha256, session_id))


# What one recording can lend the kept one when the kept one lacks it, in groups that travel together (the
# pace bins with their best efforts): the Strava copy's perceived exertion, a phone's pace beside a watch
# that kept heart rate only, an Apple workout's route.
FILL_GROUPS = (("gas_hist", "best_gas_m_s"), ("power_hist", "best_power_w"), ("device_rpe",))


def fill(conn: sqlite3.Connection, session_id: int, *, reset: bool = False) -> None:
    """Give the session, for each FILL_GROUPS group its kept version lacks (all NULL), the group of the best
    linked version that has it (`quality`, then the first linked). `reset`: first put back the kept version's
    own groups (a file that lent one was forgotten)."""
    if reset:
        own = conn.execute("SELECT ss.activity FROM session_sources ss JOIN sessions s ON s.id = ss.session_id"
                           " AND s.source_sha256 = ss.source_sha256 WHERE s.id = ?", (session_id,)).fetchone()
        version = decode(own[0]) if own is not None else None
        if version is not None:
            cols = [c for g in FILL_GROUPS for c in g]
            conn.execute(f"UPDATE sessions SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                         (*(version[c] for c in cols), session_id))
    row = conn.execute(f"SELECT {', '.join(c for g in FILL_GROUPS for c in g)} FROM sessions WHERE id = ?",
                       (session_id,)).fetchone()
    if row is None:
        return
    have = dict(zip((c for g in FILL_GROUPS for c in g), row, strict=True))
    missing = [g for g in FILL_GROUPS if all(have[c] is None for c in g)]
    if not missing:
        return
    linked = [v for (text,) in conn.execute("SELECT ss.activity FROM session_sources ss JOIN sources src ON"
                                            " src.sha256 = ss.source_sha256 WHERE ss.session_id = ?"
                                            " ORDER BY src.imported_at, src.path", (session_id,))
              if (v := decode(text)) is not None]
    linked.sort(key=quality, reverse=True)  # stable: among equals, the first linked
    for group in missing:
        donor = next((v for v in linked if any(v[c] is not None for c in group)), None)
        if donor is not None:
            conn.execute(f"UPDATE sessions SET {', '.join(f'{c} = ?' for c in group)} WHERE id = ?",
                         (*(donor[c] for c in group), session_id))


def recount(conn: sqlite3.Connection, shas: Iterable[str]) -> None:
    """Each file's ledger counts from the links: sessions whose values are its own, and duplicates (the
    sessions it holds whose values came from another file)."""
    for sha in set(shas):
        conn.execute(
            "UPDATE sources SET n_sessions = (SELECT count(*) FROM sessions WHERE source_sha256 = ?1),"
            " n_duplicates = (SELECT count(*) FROM session_sources ss JOIN sessions s ON s.id = ss.session_id"
            "  WHERE ss.source_sha256 = ?1 AND s.source_sha256 != ?1) WHERE sha256 = ?1",
            (sha,),
        )


__all__ = ["DEDUPE_DISTANCE_TOLERANCE", "DEDUPE_DURATION_TOLERANCE", "DEDUPE_MIN_OVERLAP", "DEDUPE_START_TOLERANCE_S",
           "FILL_GROUPS", "GENERIC_SPORTS", "Version", "candidates", "decode", "encode", "fill", "hist_json", "match",
           "note", "overlap", "quality", "rebuild", "recount", "version_of"]
