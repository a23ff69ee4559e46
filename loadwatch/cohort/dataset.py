"""The cohort dataset on disk: the store's tables in Parquet, one folder per athlete, written atomically.

    DATASET/athlete=<name>/sources.parquet          the ledger: every file with its status and error
    DATASET/athlete=<name>/sessions.parquet         sessions, `hr_hist` a map bpm -> seconds
    DATASET/athlete=<name>/session_sources.parquet  each file's version of a session (the store's dedupe)
    DATASET/athlete=<name>/daily_steps.parquet      daily steps by source, `is_primary` marks the one counted
    DATASET/athlete=<name>/logs.parquet, profile.parquet, and any table a later schema gives an athlete

The columns are the store's own (`store/schema.py`), less `athlete`, which is the folder (hive
partitioning, the name URI-encoded): pandas, DuckDB (`read_parquet('DATASET/*/sessions.parquet',
hive_partitioning = true)`) or Spark read it as it is. A partition is written into DATASET/.tmp/ and
renamed into place, so a worker killed mid-write leaves no partition half written: at worst a folder in
.tmp/ (removed by the next build) and, when it replaced an older partition, none at all, which the next
build rebuilds from the files. Moving data between the dataset and a store is these two functions:
`tables_of` (a store -> Arrow tables) and `fill_store` (Arrow tables -> a store), so a partition reads
back into exactly what `loadwatch import` would have stored.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

if TYPE_CHECKING:
    import pyarrow as pa

    from ..store import Store

# In the order a store is filled (each table's references come before it).
TABLES = ("sources", "sessions", "session_sources", "daily_steps", "logs", "profile")
PREFIX = "athlete="
TMP = ".tmp"
FAILED = "failed"  # a ledger row of a file that could not be read: in the dataset, never in a store


def partition_name(athlete: str) -> str:
    return PREFIX + quote(athlete, safe="")


def partitions(root: Path) -> dict[str, Path]:
    """{athlete: folder} of every partition of the dataset at `root`, by name."""
    if not root.is_dir():
        return {}
    found = {unquote(p.name[len(PREFIX):]): p for p in root.iterdir() if p.name.startswith(PREFIX) and p.is_dir()}
    return dict(sorted(found.items()))


def clean(root: Path) -> None:
    """Remove what a killed build left in DATASET/.tmp/ (never a partition)."""
    shutil.rmtree(root / TMP, ignore_errors=True)


def _arrow_type(declared: str) -> pa.DataType:
    import pyarrow as pa

    declared = declared.upper()
    if "INT" in declared:
        return pa.int64()
    if "REAL" in declared:
        return pa.float64()
    return pa.string()


HR_HIST = "hr_hist"


def _hist_type() -> pa.DataType:
    import pyarrow as pa

    return pa.map_(pa.int32(), pa.float64())


def athlete_tables(conn: sqlite3.Connection) -> tuple[str, ...]:
    """TABLES, then any other table of the store's schema that holds an athlete's rows (a later migration's,
    e.g. resting_hr), in the schema's order."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
    more = [n for n in names if n not in TABLES and not n.startswith("sqlite_")
            and any(c[1] == "athlete" for c in conn.execute(f"PRAGMA table_info({n})"))]
    return (*TABLES, *more)


def tables_of(conn: sqlite3.Connection, athlete: str, failed: list[dict[str, Any]] | None = None
              ) -> dict[str, pa.Table]:
    """The store's rows of `athlete` as Arrow tables (no `athlete` column); `failed` ledger rows (files that
    could not be read, which a store does not keep) are added to `sources` with status "failed"."""
    import pyarrow as pa

    out = {}
    for table in athlete_tables(conn):
        columns = [(row[1], row[2]) for row in conn.execute(f"PRAGMA table_info({table})")]
        names = [name for name, _ in columns if name != "athlete"]
        if table == "session_sources":
            sql = (f"SELECT {', '.join('ss.' + n for n in names)} FROM session_sources ss JOIN sessions s"
                   " ON s.id = ss.session_id WHERE s.athlete = ? ORDER BY ss.session_id, ss.source_sha256")
        else:
            sql = f"SELECT {', '.join(names)} FROM {table} WHERE athlete = ? ORDER BY rowid"
        rows = [dict(zip(names, row, strict=True)) for row in conn.execute(sql, (athlete,))]
        if table == "sources":
            rows += [{n: r.get(n) for n in names} for r in failed or []]
        fields = []
        for name, declared in columns:
            if name == "athlete":
                continue
            if table == "sessions" and name == HR_HIST:
                fields.append(pa.field(name, _hist_type()))
                for r in rows:
                    r[name] = [(int(k), float(v)) for k, v in json.loads(r[name]).items()] if r[name] else None
            else:
                fields.append(pa.field(name, _arrow_type(declared)))
        out[table] = pa.Table.from_pylist(rows, schema=pa.schema(fields))
    return out


def fill_store(store: Store, athlete: str, tables: dict[str, pa.Table]) -> None:
    """Put a partition's rows back into a (new, empty) store, in one transaction: the store is then what
    importing the partition's files had made (failed ledger rows stay out, as an import keeps them out)."""
    with store.transaction() as conn:
        for table in athlete_tables(conn):
            data = tables.get(table)
            if data is None or data.num_rows == 0:
                continue
            rows = data.to_pylist()
            if table == "sources":
                rows = [r for r in rows if r["status"] != FAILED]
            if table == "sessions":
                for r in rows:
                    hist = r[HR_HIST]
                    # as versions.version_of wrote it: sorted keys, values as stored
                    r[HR_HIST] = json.dumps({str(k): v for k, v in sorted(hist)}) if hist else None
            names = list(data.column_names) + ([] if table == "session_sources" else ["athlete"])
            values = [[*r.values(), *([] if table == "session_sources" else [athlete])] for r in rows]
            if values:
                conn.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                                 values)


def read_partition(folder: Path) -> dict[str, pa.Table]:
    """Every table of a partition, by name."""
    import pyarrow.parquet as pq

    return {p.stem: pq.read_table(p) for p in sorted(folder.glob("*.parquet"))}


def known_files(folder: Path) -> set[str]:
    """The sha256 of every file in a partition's ledger that was read (failed files are tried again)."""
    import pyarrow.parquet as pq

    path = folder / "sources.parquet"
    if not path.exists():
        return set()
    ledger = pq.read_table(path, columns=["sha256", "status"]).to_pylist()
    return {r["sha256"] for r in ledger if r["sha256"] and r["status"] != FAILED}


def write_partition(root: Path, athlete: str, tables: dict[str, pa.Table]) -> Path:
    """Write a partition whole, or leave the one before it (or none): files into DATASET/.tmp/, renamed."""
    import pyarrow.parquet as pq

    work = root / TMP / f"{uuid.uuid4().hex}"
    work.mkdir(parents=True)
    for name, data in tables.items():
        pq.write_table(data, work / f"{name}.parquet")
    final = root / partition_name(athlete)
    if final.exists():  # rename(2) does not replace a folder that holds files: move the old one aside first
        old = root / TMP / f"old-{uuid.uuid4().hex}"
        os.rename(final, old)
        os.rename(work, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(work, final)
    return final


def write_file_atomically(data: pa.Table, path: Path) -> None:
    """One Parquet file, written under a temporary name beside it and renamed over `path`."""
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(data, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_table(root: Path, table: str) -> pa.Table:
    """One table of every partition, with its `athlete` column (the partition's name)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = []
    for athlete, folder in partitions(root).items():
        path = folder / f"{table}.parquet"
        if path.exists():
            data = pq.read_table(path)
            parts.append(data.append_column("athlete", pa.array([athlete] * data.num_rows, pa.string())))
    return pa.concat_tables(parts) if parts else pa.table({})


__all__ = ["FAILED", "TABLES", "clean", "fill_store", "known_files", "partition_name", "partitions", "read_partition",
           "read_table", "tables_of", "write_file_atomically", "write_partition"]
