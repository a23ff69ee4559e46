"""The store's tables as pandas frames, for the model: read here, never on the import path."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd

from ..units import UTC_ONLY_WARNING
from .schema import INTENSITY_COLUMNS, SESSION_COLUMNS, SOURCE_COLUMNS, SOURCE_ORDER


def sessions(conn: sqlite3.Connection, athlete: str, since: date | None = None, *,
             time_zone: str | None = None) -> pd.DataFrame:
    """All sessions of `athlete`, oldest first.

    Columns: id, sport, sub_sport, start_utc (datetime64 UTC), utc_offset_s, local_start
    (naive local wall time), day (local date), duration_s, moving_s, distance_m, ascent_m,
    avg_hr, max_hr, hr_hist (dict bpm -> s), steps, calories, device, rpe, recovered, source,
    gas_hist (dict GAS bin -> s), power_hist (dict power bin -> s), best_gas_m_s (dict duration s -> m/s),
    best_power_w (dict duration s -> W), device_rpe (the file's own CR-10 effort, NaN without),
    offset_from: where utc_offset_s comes from (see `place_utc_only`).
    """
    rows = conn.execute(
        "SELECT s.id, s.athlete, s.sport, s.sub_sport, s.start_utc, s.utc_offset_s, s.duration_s,"
        " s.moving_s, s.distance_m, s.ascent_m, s.avg_hr, s.max_hr, s.hr_hist, s.steps, s.calories,"
        " s.device, s.rpe, s.recovered, src.path, s.gas_hist, s.power_hist, s.best_gas_m_s, s.best_power_w,"
        " s.device_rpe, coalesce(src.warnings LIKE ?, 0)"
        " FROM sessions s JOIN sources src ON src.sha256 = s.source_sha256"
        " WHERE s.athlete = ? ORDER BY s.start_epoch_s, s.id",
        (f"%{UTC_ONLY_WARNING}%", athlete),
    ).fetchall()
    frame = pd.DataFrame(rows, columns=[*SESSION_COLUMNS, "utc_only"])
    frame["start_utc"] = pd.to_datetime(frame["start_utc"], utc=True, format="ISO8601")
    frame["utc_offset_s"] = frame["utc_offset_s"].astype("int64")
    frame["offset_from"] = place_utc_only(frame, frame.pop("utc_only").astype(bool) & (frame["utc_offset_s"] == 0),
                                          time_zone)
    offset = pd.to_timedelta(frame["utc_offset_s"], unit="s")
    frame["local_start"] = (frame["start_utc"] + offset).dt.tz_localize(None)
    frame["day"] = frame["local_start"].dt.date
    for col in ("hr_hist", *INTENSITY_COLUMNS):
        frame[col] = _number_dicts(frame[col])
    frame["recovered"] = frame["recovered"].astype(bool)
    for col in ("duration_s", "moving_s", "distance_m", "ascent_m", "avg_hr", "max_hr", "calories", "rpe",
                "device_rpe"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    frame["steps"] = pd.to_numeric(frame["steps"], errors="coerce").astype("Float64")
    if since is not None:
        frame = frame[frame["day"] >= since].reset_index(drop=True)
    return frame.drop(columns=["athlete"])


def _number_dicts(column: pd.Series) -> list[dict[int, float]]:
    """Each row's JSON object of numbers as {int: float} ({} for NULL or empty: pandas turns a NULL into NaN
    when other rows hold text, so only strings are JSON). The column's objects are parsed as one JSON array,
    one call into the C parser instead of one per row."""
    texts = column.tolist()
    filled = [i for i, h in enumerate(texts) if isinstance(h, str) and h]
    out: list[dict[int, float]] = [{} for _ in texts]
    if not filled:
        return out
    try:
        parsed = json.loads("[" + ",".join(texts[i] for i in filled) + "]")
    except ValueError:
        parsed = []
    if len(parsed) != len(filled):  # a damaged row: parse one by one, so its own error is the one raised
        parsed = [json.loads(texts[i]) for i in filled]
    for i, numbers in zip(filled, parsed, strict=True):
        out[i] = {int(k): float(v) for k, v in numbers.items()}
    return out


def resting_hr(conn: sqlite3.Connection, athlete: str) -> pd.DataFrame:
    """The resting heart rate of each local day a watch or phone recorded one, oldest first.

    Columns: day (date), bpm (float): the median of the day's records (several devices, several files of one
    device: Garmin writes the day's value into each monitoring file)."""
    rows = conn.execute("SELECT day, bpm FROM resting_hr WHERE athlete = ? ORDER BY day", (athlete,)).fetchall()
    frame = pd.DataFrame(rows, columns=["day", "bpm"])
    frame["bpm"] = frame["bpm"].astype("float64")
    frame = frame.groupby("day", as_index=False, sort=True)["bpm"].median()
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame[["day", "bpm"]].reset_index(drop=True)


def place_utc_only(frame: pd.DataFrame, utc_only: pd.Series, time_zone: str | None) -> pd.Series:
    """Give the sessions whose file carried UTC only (GPX, TCX: `UTC_ONLY_WARNING` in their ledger row) a
    local offset, in place in frame["utc_offset_s"], and say where each offset came from:

    "file" (the device stored it), "profile" (the profile's IANA `time_zone`, its offset at that instant,
    daylight saving included), "nearest" (no time zone set: the offset of the athlete's nearest session in
    time whose file stored one, a FIT or Apple Health recording), or "utc" (neither: the UTC day).
    Done when read, not at import, so setting or changing the time zone re-days old GPX/TCX sessions.
    """
    source = pd.Series("file", index=frame.index, dtype=object)
    if not utc_only.any():
        return source
    starts = frame.loc[utc_only, "start_utc"]
    if time_zone:
        local = starts.dt.tz_convert(ZoneInfo(time_zone)).dt.tz_localize(None)
        offsets = (local - starts.dt.tz_localize(None)).dt.total_seconds().round().astype("int64")
        frame.loc[utc_only, "utc_offset_s"] = offsets
        source[utc_only] = "profile"
        return source
    known = frame.loc[~utc_only, ["start_utc", "utc_offset_s"]].sort_values("start_utc")
    if known.empty:
        source[utc_only] = "utc"
        return source
    wanted = pd.DataFrame({"start_utc": starts, "row": starts.index}).sort_values("start_utc")
    near = pd.merge_asof(wanted, known, on="start_utc", direction="nearest")
    frame.loc[near["row"].to_numpy(), "utc_offset_s"] = near["utc_offset_s"].to_numpy(dtype="int64")
    source[utc_only] = "nearest"
    return source


def daily_steps(conn: sqlite3.Connection, athlete: str, since: date | None = None, *,
                all_sources: bool = False) -> pd.DataFrame:
    """Daily step totals, one row per local day (the primary source), oldest first.

    Columns: day (date), steps (int), source (device label), device_kind; with all_sources,
    every source's row per day plus `is_primary`.
    """
    where = "" if all_sources else " AND is_primary = 1"
    rows = conn.execute(
        "SELECT day, source, device_kind, max(steps), max(is_primary) FROM daily_steps"
        f" WHERE athlete = ?{where} GROUP BY day, source ORDER BY day, source",
        (athlete,),
    ).fetchall()
    frame = pd.DataFrame(rows, columns=["day", "source", "device_kind", "steps", "is_primary"])
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    frame["steps"] = frame["steps"].astype("int64")
    frame["is_primary"] = frame["is_primary"].astype(bool)
    if since is not None:
        frame = frame[frame["day"] >= since].reset_index(drop=True)
    cols = ["day", "steps", "source", "device_kind"] + (["is_primary"] if all_sources else [])
    return frame[cols]


def logs(conn: sqlite3.Connection, athlete: str, kind: str | None = None) -> pd.DataFrame:
    """Logged entries: id, day (date), kind (rpe|pain|strength|...), payload (dict)."""
    sql = "SELECT id, day, kind, payload FROM logs WHERE athlete = ?"
    args: tuple[object, ...] = (athlete,)
    if kind is not None:
        sql += " AND kind = ?"
        args += (kind,)
    frame = pd.DataFrame(conn.execute(sql + " ORDER BY day, id", args).fetchall(),
                         columns=["id", "day", "kind", "payload"])
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    frame["payload"] = [json.loads(p) for p in frame["payload"]]
    return frame


def sources(conn: sqlite3.Connection) -> pd.DataFrame:
    """The import ledger: one row per imported file (or archive member); `error` holds a skip reason."""
    return pd.read_sql_query(f"SELECT {', '.join(SOURCE_COLUMNS)} FROM sources ORDER BY {SOURCE_ORDER}", conn)


__all__ = ["daily_steps", "logs", "place_utc_only", "resting_hr", "sessions", "sources"]
