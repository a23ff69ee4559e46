"""Export everything in a store to JSON or CSV, so the data is never locked in.

All tables are read inside one read transaction (a consistent snapshot even while an import
writes). JSON keeps native types; CSV writes one file per table. Text cells of the CSV that a
spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR: OWASP "CSV
injection", `files.csv_safe`) get a leading `'`; numbers are written as numbers and never escaped,
so a negative UTC offset stays a number. The CSV files are written all or none (`files.atomic_files`).
"""

from __future__ import annotations

import json
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from .._version import __version__
from ..files import atomic_files, write_csv, write_error
from . import Store

EXPORT_FORMAT = "loadwatch-export"
EXPORT_VERSION = 1

# table -> (columns, ORDER BY); hr_hist and payload/warnings hold JSON text and are decoded for JSON
TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "sources": (("sha256", "path", "format", "size_bytes", "imported_at", "status", "error", "athlete",
                 "n_records", "n_sessions", "n_duplicates", "n_days", "warnings"), "imported_at, path"),
    "sessions": (("id", "athlete", "source_sha256", "sport", "sub_sport", "start_utc", "utc_offset_s",
                  "duration_s", "moving_s", "distance_m", "ascent_m", "avg_hr", "max_hr", "hr_hist", "steps",
                  "calories", "device", "rpe", "recovered", "gas_hist", "power_hist", "best_gas_m_s", "best_power_w",
                  "device_rpe"), "athlete, start_epoch_s, id"),
    "session_sources": (("session_id", "source_sha256"), "session_id, source_sha256"),
    "daily_steps": (("athlete", "day", "steps", "source", "device_kind", "priority", "is_primary",
                     "source_sha256"), "athlete, day, priority DESC, source"),
    "logs": (("id", "athlete", "day", "kind", "payload", "created_at"), "athlete, day, id"),
    "profile": (("athlete", "key", "value"), "athlete, key"),
    "resting_hr": (("athlete", "day", "bpm", "device", "sha256"), "athlete, day, device, sha256"),
}
JSON_COLUMNS = {("sessions", "hr_hist"), ("sessions", "gas_hist"), ("sessions", "power_hist"),
                ("sessions", "best_gas_m_s"), ("sessions", "best_power_w"), ("logs", "payload"),
                ("sources", "warnings")}
BOOL_COLUMNS = {("sessions", "recovered"), ("daily_steps", "is_primary")}


def collect(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as plain dicts (JSON text columns still as text)."""
    out: dict[str, list[dict[str, Any]]] = {}
    with store.snapshot() as conn:
        for table, (cols, order) in TABLES.items():
            rows = conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}").fetchall()
            out[table] = [dict(zip(cols, row, strict=True)) for row in rows]
    return out


def to_json_document(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The JSON export: {"format", "version", "loadwatch", "exported_at", <table>: [rows]}."""
    doc: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "loadwatch": __version__,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    for table, rows in tables.items():
        decoded = []
        for row in rows:
            item = dict(row)
            for col, value in row.items():
                if (table, col) in JSON_COLUMNS and isinstance(value, str):
                    item[col] = json.loads(value)
                elif (table, col) in BOOL_COLUMNS and value is not None:
                    item[col] = bool(value)
            decoded.append(item)
        doc[table] = decoded
    return doc


def export_json(store: Store, out: IO[str]) -> dict[str, int]:
    """Write the whole store as one JSON document; returns the row count per table."""
    tables = collect(store)
    json.dump(to_json_document(tables), out, indent=2, ensure_ascii=False)
    out.write("\n")
    return {t: len(rows) for t, rows in tables.items()}


def export_csv(store: Store, directory: Path) -> dict[str, int]:
    """Write one CSV per table (`sessions.csv`, `daily_steps.csv`, ...) into `directory`, all or none: a
    failure (a full disk) leaves the folder as it was, and removes it when this call made it."""
    made = not directory.exists()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise write_error(err, directory) from None
    tables = collect(store)
    try:
        with atomic_files([directory / f"{table}.csv" for table in tables], newline="") as handles:
            for fh, (table, rows) in zip(handles, tables.items(), strict=True):
                cols = TABLES[table][0]
                write_csv(fh, cols, (tuple(r[c] for c in cols) for r in rows))
    except BaseException:
        if made:
            with suppress(OSError):
                directory.rmdir()
        raise
    return {t: len(rows) for t, rows in tables.items()}


__all__ = ["EXPORT_FORMAT", "EXPORT_VERSION", "collect", "export_csv", "export_json", "to_json_document"]
