"""The SQLite store: open + migrate (PRAGMA user_version), one source file per transaction, frames out.

Design notes
- WAL mode and a busy timeout let a report read while an import writes; writes take
  `BEGIN IMMEDIATE` so two importers queue instead of failing with "database is locked".
- A source file is written whole or not at all: its `sources` ledger row, its sessions and its
  daily steps go in one transaction. A dry run is the same transaction rolled back.
- The same session reached through two files (watch FIT + Strava copy) is stored once; the second
  file is linked to it in `session_sources` so `forget_source` can remove only what came from one file.
- Writing and forgetting need only sqlite3; the read methods hand out pandas frames (`frames.py`),
  built on first use so an import never loads pandas.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .. import plausible
from ..errors import StoreError
from ..files import write_error
from ..models import DEVICE_PRIORITY, Activity, DailySteps, ForgetOutcome, ParsedFile, WriteOutcome
from . import _open
from .schema import APPLICATION_ID, MIGRATIONS, SOURCE_COLUMNS, SOURCE_ORDER

if TYPE_CHECKING:
    import pandas as pd

BUSY_TIMEOUT_MS = 60_000

# Two records are one session when they start within this many seconds of each other, with the
# same (or an unknown) sport, and similar duration and distance.
DEDUPE_START_TOLERANCE_S = 120.0
DEDUPE_DURATION_TOLERANCE = (60.0, 0.05)  # absolute seconds, or this fraction, whichever is larger
DEDUPE_DISTANCE_TOLERANCE = (100.0, 0.05)  # absolute metres, or this fraction
GENERIC_SPORTS = frozenset({"generic", "unknown", "other", ""})


def _guard(parsed: ParsedFile) -> None:
    """The last line behind `plausible.screen`: nothing impossible, NaN or infinite is ever written."""
    for act in parsed.activities:
        if (why := plausible.unstorable(act)) is not None:
            raise StoreError(f"refusing to store a {act.sport} session: {why}")
    for day in parsed.daily_steps:
        if (why := plausible.steps_problem(day, None)) is not None:
            raise StoreError(f"refusing to store the steps of {day.day}: {why}")


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


class Store:
    """A loadwatch SQLite file. Use as a context manager or call `close()`."""

    def __init__(self, path: str | Path, mode: Literal["read", "write"] = "write") -> None:
        """Open the store at `path`, for "write" (create and migrate it when new) or "read" (never
        create, migrate or write it; works on a read-only medium). A file that is not a loadwatch store
        is refused unchanged (`_open.classify`)."""
        self.path = Path(path)
        self.mode = mode
        kind = _open.classify(self.path)
        if mode == "read":
            if kind == _open.NEW:
                raise _open.no_store_yet(self.path)
            self.conn = _open.connect_for_reading(self.path, BUSY_TIMEOUT_MS / 1000)
            try:
                self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                if self._check_version() < len(MIGRATIONS):
                    self._read_a_migrated_copy()
            except BaseException:
                self.conn.close()
                raise
            return
        if kind == _open.OURS and not _open.writable(self.path):
            raise _open.read_only_error(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise write_error(err, self.path) from None
        try:
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as err:
            raise _open.sqlite_error(err, self.path, "open") from None
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._check_version()  # a newer loadwatch's store is refused before anything is set on it
            if kind == _open.NEW:  # the first transaction writes the mark with the schema
                self._migrate()
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as err:
            self.conn.close()
            raise _open.sqlite_error(err, self.path, "open") from None
        except BaseException:
            self.conn.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_version(self) -> int:
        version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path}: made by a newer loadwatch (schema {version}); upgrade loadwatch")
        return version

    def _read_a_migrated_copy(self) -> None:
        """A store an older loadwatch made, opened for reading: the file is left as it is (a read never
        migrates; it may be on a read-only medium) and the reads go to a copy in memory, migrated there.
        The next command that writes migrates the file itself."""
        copy = sqlite3.connect(":memory:", isolation_level=None)
        self.conn.backup(copy)
        self.conn.close()
        self.conn = copy
        self.mode = "write"
        try:
            self._migrate()
        finally:
            self.mode = "read"
        self.conn.execute("PRAGMA query_only = ON")

    def _migrate(self) -> None:
        version = self._check_version()
        for number in range(version, len(MIGRATIONS)):
            with self.transaction() as conn:
                # re-check inside the write lock: another process may have migrated meanwhile
                if conn.execute("PRAGMA user_version").fetchone()[0] != number:
                    continue
                if number == 0:  # the file is still ours to claim only if nobody put a table in it
                    if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                        raise _open.not_ours(self.path, "a SQLite database with tables of its own")
                    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number + 1}")
        if self.conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            with self.transaction() as conn:  # a store made before the mark: mark it
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    @contextmanager
    def transaction(self, *, rollback: bool = False) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (including KeyboardInterrupt).

        `rollback=True` rolls back at the end too: a dry run that does every write and keeps none.
        """
        if self.mode == "read":
            raise StoreError(f"{self.path} was opened for reading; open it with Store(path, mode='write') to write")
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    if "locked" not in str(err):
                        raise _open.sqlite_error(err, self.path, "write") from None
                    raise StoreError(f"{self.path}: the store is busy ({err}); try again") from err
                time.sleep(0.05)
        try:
            yield self.conn
            self.conn.execute("ROLLBACK" if rollback else "COMMIT")
        except BaseException as err:
            if self.conn.in_transaction:  # SQLite may have rolled back already (a full disk)
                with suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            if isinstance(err, sqlite3.Error) and _open.is_storage_error(err):
                raise _open.sqlite_error(err, self.path, "write") from None
            raise

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same committed state (WAL snapshot)."""
        self.conn.execute("BEGIN DEFERRED")
        try:
            yield self.conn
        finally:
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
        _guard(parsed)
        with self.transaction(rollback=dry_run) as conn:
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

    # -- forgetting ------------------------------------------------------------------------------
    def find_sources(self, ref: str) -> list[tuple[str, str]]:
        """The (sha256, path) of ledger rows matching `ref`: a sha256 prefix (6+ hex digits), an
        exact stored path, or a path ending in `/ref`."""
        rows: list[tuple[str, str]] = []
        low = ref.lower()
        if len(low) >= 6 and all(c in "0123456789abcdef" for c in low):
            rows = self.conn.execute(
                "SELECT sha256, path FROM sources WHERE substr(sha256, 1, ?) = ? ORDER BY path",
                (len(low), low),
            ).fetchall()
        if not rows:
            rows = self.conn.execute("SELECT sha256, path FROM sources WHERE path = ?", (ref,)).fetchall()
        if not rows:
            rows = [(sha, path) for sha, path in self.conn.execute("SELECT sha256, path FROM sources ORDER BY path")
                    if path.endswith("/" + ref) or path.endswith("!" + ref)]
        return [(str(a), str(b)) for a, b in rows]

    def has_session(self, session_id: int) -> bool:
        return self.conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is not None

    def forget_source(self, sha256: str, *, dry_run: bool = False) -> ForgetOutcome:
        """Remove one source file and what came only from it, in one transaction.

        A session this file also reached through another file stays, re-pointed to that file
        (the one imported first). The file's daily steps go and each touched day's primary
        source is recomputed. Forgetting an archive forgets every member imported from it.
        """
        outcome = ForgetOutcome(dry_run=dry_run)
        with self.transaction(rollback=dry_run) as conn:
            row = conn.execute("SELECT path, status FROM sources WHERE sha256 = ?", (sha256,)).fetchone()
            if row is None:
                raise StoreError(f"no imported file with sha256 {sha256}; see `loadwatch sources`")
            shas = [sha256]
            if row[1] == "archive":
                shas += [r[0] for r in conn.execute(
                    "SELECT sha256 FROM sources WHERE substr(path, 1, ?) = ?", (len(row[0]) + 1, row[0] + "!"))]
            for sha in shas:
                self._forget_one(conn, sha, outcome)
        return outcome

    def _forget_one(self, conn: sqlite3.Connection, sha: str, outcome: ForgetOutcome) -> None:
        outcome.sources.append(conn.execute("SELECT path FROM sources WHERE sha256 = ?", (sha,)).fetchone()[0])
        for (sid,) in conn.execute("SELECT id FROM sessions WHERE source_sha256 = ?", (sha,)).fetchall():
            heir = conn.execute(
                "SELECT ss.source_sha256 FROM session_sources ss JOIN sources src ON src.sha256 = ss.source_sha256"
                " WHERE ss.session_id = ? AND ss.source_sha256 != ? ORDER BY src.imported_at, src.path LIMIT 1",
                (sid, sha),
            ).fetchone()
            if heir is None:
                conn.execute("DELETE FROM session_sources WHERE session_id = ?", (sid,))
                conn.execute("DELETE FROM sessions WHERE id = ?", (sid,))
                outcome.sessions_removed += 1
            else:  # the other file now owns the session: it counts as its session, not a duplicate
                conn.execute("UPDATE sessions SET source_sha256 = ? WHERE id = ?", (heir[0], sid))
                conn.execute("UPDATE sources SET n_sessions = n_sessions + 1, n_duplicates = max(n_duplicates - 1, 0)"
                             " WHERE sha256 = ?", (heir[0],))
                outcome.sessions_kept += 1
        # sessions owned by another file that this one only duplicated: drop the link
        conn.execute("DELETE FROM session_sources WHERE source_sha256 = ?", (sha,))
        days = conn.execute("SELECT DISTINCT athlete, day FROM daily_steps WHERE source_sha256 = ?", (sha,)).fetchall()
        conn.execute("DELETE FROM daily_steps WHERE source_sha256 = ?", (sha,))
        self._recompute_primary(conn, days)
        outcome.days_changed += len(days)
        conn.execute("DELETE FROM sources WHERE sha256 = ?", (sha,))

    def forget_session(self, session_id: int, *, dry_run: bool = False) -> ForgetOutcome:
        """Remove one session, whichever files reached it, in one transaction.

        The files stay in the ledger (their counts lowered) so re-importing them does not bring
        the session back; forget the file itself to allow that.
        """
        with self.transaction(rollback=dry_run) as conn:
            row = conn.execute("SELECT source_sha256 FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise StoreError(f"no session with id {session_id}; see `loadwatch sessions --json`")
            links = [r[0] for r in conn.execute(
                "SELECT source_sha256 FROM session_sources WHERE session_id = ?", (session_id,))]
            conn.execute("UPDATE sources SET n_sessions = max(n_sessions - 1, 0) WHERE sha256 = ?", (row[0],))
            for sha in links:
                if sha != row[0]:
                    conn.execute("UPDATE sources SET n_duplicates = max(n_duplicates - 1, 0) WHERE sha256 = ?",
                                 (sha,))
            conn.execute("DELETE FROM session_sources WHERE session_id = ?", (session_id,))
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return ForgetOutcome(dry_run=dry_run, sessions_removed=1)

    # -- reading ---------------------------------------------------------------------------------
    def sessions(self, athlete: str = "me", since: date | None = None) -> pd.DataFrame:
        """All sessions of `athlete` as a frame, oldest first (columns: `frames.sessions`)."""
        from . import frames

        return frames.sessions(self.conn, athlete, since)

    def daily_steps(self, athlete: str = "me", since: date | None = None, *, all_sources: bool = False
                    ) -> pd.DataFrame:
        """Daily step totals, one row per local day (the primary source), oldest first; see `frames`."""
        from . import frames

        return frames.daily_steps(self.conn, athlete, since, all_sources=all_sources)

    def logs(self, athlete: str = "me", kind: str | None = None) -> pd.DataFrame:
        """Logged entries: id, day (date), kind (rpe|pain|strength|...), payload (dict)."""
        from . import frames

        return frames.logs(self.conn, athlete, kind)

    def sources(self) -> pd.DataFrame:
        """The import ledger: one row per imported file (or archive member); `error` holds a skip reason."""
        from . import frames

        return frames.sources(self.conn)

    def source_rows(self) -> list[dict[str, Any]]:
        """The import ledger as plain rows (no pandas), in `schema.SOURCE_COLUMNS` order."""
        rows = self.conn.execute(f"SELECT {', '.join(SOURCE_COLUMNS)} FROM sources ORDER BY {SOURCE_ORDER}")
        return [dict(zip(SOURCE_COLUMNS, row, strict=True)) for row in rows]

    def athletes(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT athlete FROM sessions UNION SELECT athlete FROM daily_steps"
            " UNION SELECT athlete FROM logs ORDER BY 1"
        )
        return [r[0] for r in rows]

    # -- logs and profile ------------------------------------------------------------------------
    def add_log(self, athlete: str, day: date, kind: str, payload: dict[str, object]) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO logs (athlete, day, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)",
                (athlete, day.isoformat(), kind, json.dumps(payload, sort_keys=True), _now_iso()),
            )
            return int(cur.lastrowid or 0)

    def set_session_rpe(self, session_id: int, rpe: float | None) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE sessions SET rpe = ? WHERE id = ?", (rpe, session_id))

    def profile(self, athlete: str = "me") -> dict[str, str]:
        rows = self.conn.execute("SELECT key, value FROM profile WHERE athlete = ?", (athlete,))
        return dict(rows.fetchall())

    def set_profile(self, athlete: str, values: dict[str, object]) -> None:
        """Store profile values in one transaction; a None value clears its key."""
        with self.transaction() as conn:
            for key, value in values.items():
                if value is None:
                    conn.execute("DELETE FROM profile WHERE athlete = ? AND key = ?", (athlete, key))
                else:
                    conn.execute(
                        "INSERT INTO profile VALUES (?, ?, ?)"
                        " ON CONFLICT (athlete, key) DO UPDATE SET value = excluded.value",
                        (athlete, key, str(value)),
                    )


__all__ = ["Store", "dedupe_key"]
