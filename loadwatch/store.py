"""The SQLite store: open + migrate (PRAGMA user_version), one source file per transaction, frames out.

Design notes
- WAL mode and a busy timeout let a report read while an import writes; writes take
  `BEGIN IMMEDIATE` so two importers queue instead of failing with "database is locked".
- A source file is written whole or not at all: its `sources` ledger row, its sessions and its
  daily steps go in one transaction.
- The same session reached through two files (watch FIT + Strava copy) is stored once; the second
  file is linked to it in `session_sources` so `forget` can remove only what came from one file.
- The schema (migrations) is in `schema.py`; forgetting a file or a session is `forget.ForgetMixin`,
  mixed into `Store`.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from .errors import StoreError
from .forget import ForgetMixin, ForgetOutcome, _DryRun
from .models import DEVICE_PRIORITY, Activity, DailySteps, ParsedFile
from .schema import MIGRATIONS

BUSY_TIMEOUT_MS = 60_000

# Two records are one session when they start within this many seconds of each other, with the
# same (or an unknown) sport, and similar duration and distance.
DEDUPE_START_TOLERANCE_S = 120.0
DEDUPE_DURATION_TOLERANCE = (60.0, 0.05)  # absolute seconds, or this fraction, whichever is larger
DEDUPE_DISTANCE_TOLERANCE = (100.0, 0.05)  # absolute metres, or this fraction
GENERIC_SPORTS = frozenset({"generic", "unknown", "other", ""})

SESSION_COLUMNS = (
    "id", "athlete", "sport", "sub_sport", "start_utc", "utc_offset_s", "duration_s", "moving_s",
    "distance_m", "ascent_m", "avg_hr", "max_hr", "hr_hist", "steps", "calories", "device", "rpe",
    "recovered", "source",
)


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    """What one source file added: new sessions, sessions already stored via another file, days."""

    sessions: int
    duplicates: int
    days: int
    already_imported: bool = False


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def dedupe_key(athlete: str, act: Activity) -> str:
    """Exact identity of a session; near matches are found by `Store._find_duplicate`."""
    dist = "-" if act.distance_m is None else f"{act.distance_m:.0f}"
    return f"{athlete}|{act.sport}|{act.start_utc.timestamp():.0f}|{act.duration_s:.0f}|{dist}"


def _within(a: float | None, b: float | None, tol: tuple[float, float]) -> bool:
    if a is None or b is None:
        return True
    return abs(a - b) <= max(tol[0], tol[1] * max(abs(a), abs(b)))


class Store(ForgetMixin):
    """A loadwatch SQLite file. Use as a context manager or call `close()`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{self.path}: cannot open the store ({err}); is it a loadwatch database?") from err

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path}: made by a newer loadwatch (schema {version}); upgrade loadwatch")
        for number in range(version, len(MIGRATIONS)):
            with self.transaction():
                # re-check inside the write lock: another process may have migrated meanwhile
                if self.conn.execute("PRAGMA user_version").fetchone()[0] != number:
                    continue
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (including KeyboardInterrupt)."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise StoreError(f"{self.path}: the store is busy ({err}); try again") from err
                time.sleep(0.05)
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # -- writing one source file -----------------------------------------------------------------
    def has_source(self, sha256: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sources WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def known_sources(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT sha256 FROM sources")}

    def write_source(
        self,
        *,
        sha256: str,
        path: str,
        parsed: ParsedFile,
        athlete: str,
        size_bytes: int,
        status: str = "imported",
        dry_run: bool = False,
    ) -> WriteOutcome:
        """Store one parsed file and its ledger row in one transaction (rolled back when dry_run)."""
        try:
            return self._write_source(sha256, path, parsed, athlete, size_bytes, status, dry_run)
        except _DryRun as done:
            return done.outcome

    def _write_source(
        self, sha256: str, path: str, parsed: ParsedFile, athlete: str, size_bytes: int, status: str,
        dry_run: bool,
    ) -> WriteOutcome:
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM sources WHERE sha256 = ?", (sha256,)).fetchone():
                return WriteOutcome(0, 0, 0, already_imported=True)
            conn.execute(
                "INSERT INTO sources (sha256, path, format, size_bytes, imported_at, status, error, n_records,"
                " athlete, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (sha256, path, parsed.format, size_bytes, _now_iso(), status, parsed.skip_reason, parsed.n_records,
                 athlete, json.dumps(parsed.warnings) if parsed.warnings else None),
            )
            new = dup = 0
            for act in parsed.activities:
                if self._insert_session(conn, sha256, act.athlete or athlete, act, parsed.recovered):
                    new += 1
                else:
                    dup += 1
            days = self._insert_steps(conn, sha256, athlete, parsed.daily_steps)
            conn.execute(
                "UPDATE sources SET n_sessions = ?, n_duplicates = ?, n_days = ? WHERE sha256 = ?",
                (new, dup, days, sha256),
            )
            if dry_run:
                raise _DryRun(WriteOutcome(new, dup, days))
        return WriteOutcome(new, dup, days)

    def _find_duplicate(self, conn: sqlite3.Connection, athlete: str, act: Activity) -> int | None:
        start = act.start_utc.timestamp()
        rows = conn.execute(
            "SELECT id, sport, duration_s, distance_m FROM sessions"
            " WHERE athlete = ? AND start_epoch_s BETWEEN ? AND ?",
            (athlete, start - DEDUPE_START_TOLERANCE_S, start + DEDUPE_START_TOLERANCE_S),
        ).fetchall()
        for sid, sport, duration_s, distance_m in rows:
            same_sport = sport == act.sport or {sport, act.sport} & GENERIC_SPORTS
            if (
                same_sport
                and _within(duration_s, act.duration_s, DEDUPE_DURATION_TOLERANCE)
                and _within(distance_m, act.distance_m, DEDUPE_DISTANCE_TOLERANCE)
            ):
                return int(sid)
        return None

    def _insert_session(
        self, conn: sqlite3.Connection, sha256: str, athlete: str, act: Activity, recovered: bool
    ) -> bool:
        """Insert a session, or link the file to the stored twin. True when the session is new."""
        twin = self._find_duplicate(conn, athlete, act)
        if twin is not None:
            conn.execute("INSERT OR IGNORE INTO session_sources VALUES (?, ?)", (twin, sha256))
            return False
        hist = json.dumps({str(k): round(v, 3) for k, v in sorted(act.hr_hist.items())}) if act.hr_hist else None
        cur = conn.execute(
            "INSERT INTO sessions (athlete, source_sha256, dedupe_key, sport, sub_sport, start_utc,"
            " start_epoch_s, utc_offset_s, duration_s, moving_s, distance_m, ascent_m, avg_hr, max_hr,"
            " hr_hist, steps, calories, device, recovered)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (athlete, sha256, dedupe_key(athlete, act), act.sport, act.sub_sport,
             act.start_utc.astimezone(UTC).isoformat(), act.start_utc.timestamp(), act.utc_offset_s,
             act.duration_s, act.moving_s, act.distance_m, act.ascent_m, act.avg_hr, act.max_hr, hist,
             act.steps, act.calories, act.device, int(recovered)),
        )
        conn.execute("INSERT INTO session_sources VALUES (?, ?)", (cur.lastrowid, sha256))
        return True

    def _insert_steps(
        self, conn: sqlite3.Connection, sha256: str, athlete: str, rows: Iterable[DailySteps]
    ) -> int:
        touched: set[tuple[str, str]] = set()
        for row in rows:
            who = row.athlete or athlete
            day = row.day.isoformat()
            conn.execute(
                "INSERT INTO daily_steps (athlete, day, steps, source, device_kind, priority, source_sha256)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (athlete, day, source, source_sha256) DO UPDATE SET steps = max(steps, excluded.steps)",
                (who, day, int(row.steps), row.device, row.device_kind,
                 DEVICE_PRIORITY.get(row.device_kind, 0), sha256),
            )
            touched.add((who, day))
        self._recompute_primary(conn, touched)
        return len(touched)

    @staticmethod
    def _recompute_primary(conn: sqlite3.Connection, days: Iterable[tuple[str, str]]) -> None:
        """Mark one row per (athlete, day) primary: highest device priority, then most steps.

        A device reported by several files (Garmin writes many monitoring files a day, a
        re-export repeats a day) counts with its largest total, never the sum.
        """
        for athlete, day in days:
            conn.execute("UPDATE daily_steps SET is_primary = 0 WHERE athlete = ? AND day = ?", (athlete, day))
            conn.execute(
                "UPDATE daily_steps SET is_primary = 1 WHERE rowid = ("
                " SELECT rowid FROM daily_steps WHERE athlete = ? AND day = ?"
                " ORDER BY priority DESC, steps DESC, source LIMIT 1)",
                (athlete, day),
            )

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same committed state (WAL snapshot)."""
        self.conn.execute("BEGIN DEFERRED")
        try:
            yield self.conn
        finally:
            self.conn.execute("COMMIT")

    # -- reading ---------------------------------------------------------------------------------
    def sessions(self, athlete: str = "me", since: date | None = None) -> pd.DataFrame:
        """All sessions of `athlete` as a frame, oldest first.

        Columns: id, sport, sub_sport, start_utc (datetime64 UTC), utc_offset_s, local_start
        (naive local wall time), day (local date), duration_s, moving_s, distance_m, ascent_m,
        avg_hr, max_hr, hr_hist (dict bpm -> s), steps, calories, device, rpe, recovered, source.
        """
        rows = self.conn.execute(
            "SELECT s.id, s.athlete, s.sport, s.sub_sport, s.start_utc, s.utc_offset_s, s.duration_s,"
            " s.moving_s, s.distance_m, s.ascent_m, s.avg_hr, s.max_hr, s.hr_hist, s.steps, s.calories,"
            " s.device, s.rpe, s.recovered, src.path"
            " FROM sessions s JOIN sources src ON src.sha256 = s.source_sha256"
            " WHERE s.athlete = ? ORDER BY s.start_epoch_s, s.id",
            (athlete,),
        ).fetchall()
        frame = pd.DataFrame(rows, columns=list(SESSION_COLUMNS))
        frame["start_utc"] = pd.to_datetime(frame["start_utc"], utc=True, format="ISO8601")
        frame["utc_offset_s"] = frame["utc_offset_s"].astype("int64")
        offset = pd.to_timedelta(frame["utc_offset_s"], unit="s")
        frame["local_start"] = (frame["start_utc"] + offset).dt.tz_localize(None)
        frame["day"] = frame["local_start"].dt.date
        frame["hr_hist"] = [
            # pandas turns a NULL into NaN when other rows hold text: only strings are JSON
            {int(k): float(v) for k, v in json.loads(h).items()} if isinstance(h, str) and h else {}
            for h in frame["hr_hist"]
        ]
        frame["recovered"] = frame["recovered"].astype(bool)
        for col in ("duration_s", "moving_s", "distance_m", "ascent_m", "avg_hr", "max_hr", "calories", "rpe"):
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        frame["steps"] = pd.to_numeric(frame["steps"], errors="coerce").astype("Float64")
        if since is not None:
            frame = frame[frame["day"] >= since].reset_index(drop=True)
        return frame.drop(columns=["athlete"])

    def daily_steps(self, athlete: str = "me", since: date | None = None, *, all_sources: bool = False) -> pd.DataFrame:
        """Daily step totals, one row per local day (the primary source), oldest first.

        Columns: day (date), steps (int), source (device label), device_kind; with all_sources,
        every source's row per day plus `is_primary`.
        """
        where = "" if all_sources else " AND is_primary = 1"
        rows = self.conn.execute(
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

    def athletes(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT athlete FROM sessions UNION SELECT athlete FROM daily_steps"
            " UNION SELECT athlete FROM logs ORDER BY 1"
        )
        return [r[0] for r in rows]

    def sources(self) -> pd.DataFrame:
        """The import ledger: one row per imported file (or archive member); `error` holds a skip reason."""
        return pd.read_sql_query(
            "SELECT sha256, path, format, size_bytes, imported_at, status, error, athlete, n_records,"
            " n_sessions, n_duplicates, n_days, warnings FROM sources ORDER BY imported_at, path",
            self.conn,
        )

    # -- logs and profile ------------------------------------------------------------------------
    def add_log(self, athlete: str, day: date, kind: str, payload: dict[str, object]) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO logs (athlete, day, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)",
                (athlete, day.isoformat(), kind, json.dumps(payload, sort_keys=True), _now_iso()),
            )
            return int(cur.lastrowid or 0)

    def logs(self, athlete: str = "me", kind: str | None = None) -> pd.DataFrame:
        """Logged entries: id, day (date), kind (rpe|pain|strength|...), payload (dict)."""
        sql = "SELECT id, day, kind, payload FROM logs WHERE athlete = ?"
        args: tuple[object, ...] = (athlete,)
        if kind is not None:
            sql += " AND kind = ?"
            args += (kind,)
        frame = pd.DataFrame(self.conn.execute(sql + " ORDER BY day, id", args).fetchall(),
                             columns=["id", "day", "kind", "payload"])
        frame["day"] = pd.to_datetime(frame["day"]).dt.date
        frame["payload"] = [json.loads(p) for p in frame["payload"]]
        return frame

    def set_session_rpe(self, session_id: int, rpe: float | None) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE sessions SET rpe = ? WHERE id = ?", (rpe, session_id))

    def profile(self, athlete: str = "me") -> dict[str, str]:
        rows = self.conn.execute("SELECT key, value FROM profile WHERE athlete = ?", (athlete,))
        return dict(rows.fetchall())

    def set_profile(self, athlete: str, key: str, value: object) -> None:
        with self.transaction() as conn:
            if value is None:
                conn.execute("DELETE FROM profile WHERE athlete = ? AND key = ?", (athlete, key))
            else:
                conn.execute(
                    "INSERT INTO profile VALUES (?, ?, ?)"
                    " ON CONFLICT (athlete, key) DO UPDATE SET value = excluded.value",
                    (athlete, key, str(value)),
                )


__all__ = ["ForgetOutcome", "Store", "WriteOutcome", "dedupe_key"]
