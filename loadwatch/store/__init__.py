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
from ..models import (
    DEVICE_PRIORITY,
    Activity,
    AthleteForgotten,
    AthleteShare,
    DailySteps,
    ForgetOutcome,
    ParsedFile,
    RestingHr,
    WriteOutcome,
)
from . import _open, versions
from .schema import APPLICATION_ID, MIGRATIONS, SOURCE_COLUMNS, SOURCE_ORDER, VERSION_COLUMNS
from .versions import (  # noqa: F401  # the dedupe rule's numbers live in versions.py; served here too
    DEDUPE_DISTANCE_TOLERANCE,
    DEDUPE_DURATION_TOLERANCE,
    DEDUPE_MIN_OVERLAP,
    DEDUPE_START_TOLERANCE_S,
    GENERIC_SPORTS,
)

if TYPE_CHECKING:
    import pandas as pd

BUSY_TIMEOUT_MS = 60_000



def _guard(parsed: ParsedFile) -> None:
    """The last line behind `plausible.screen`: nothing impossible, NaN or infinite is ever written."""
    for act in parsed.activities:
        if (why := plausible.unstorable(act)) is not None:
            raise StoreError(f"refusing to store a {act.sport} session: {why}")
    for day in parsed.daily_steps:
        if (why := plausible.steps_problem(day, None)) is not None:
            raise StoreError(f"refusing to store the steps of {day.day}: {why}")
    for rest in parsed.resting_hr:
        if (why := plausible.resting_hr_problem(rest, None)) is not None:
            raise StoreError(f"refusing to store the resting heart rate of {rest.day}: {why}")


def _shares(parsed: ParsedFile, athlete: str, fresh: dict[str, int]) -> dict[str, AthleteShare]:
    """Whose data one file stored: new sessions (`fresh`) and days of steps per athlete, by name; the
    athlete of the import unless a row names its own (a Fitabase Id)."""
    days: dict[str, set[date]] = {}
    for row in parsed.daily_steps:
        days.setdefault(row.athlete or athlete, set()).add(row.day)
    names = sorted({who for who, n in fresh.items() if n} | set(days))
    return {who: AthleteShare(fresh.get(who, 0), frozenset(days.get(who, ()))) for who in names}


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def dedupe_key(athlete: str, act: Activity) -> str:
    """Exact identity of a session; the same session recorded again is found by `versions.match`."""
    return _key(athlete, versions.version_of(act, False))


def _key(athlete: str, version: versions.Version) -> str:
    dist = "-" if version["distance_m"] is None else f"{version['distance_m']:.0f}"
    return f"{athlete}|{version['sport']}|{version['start_epoch_s']:.0f}|{version['duration_s']:.0f}|{dist}"


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
            notes: list[str] = []
            fresh: dict[str, int] = {}  # new sessions per athlete
            touched = {sha256}  # files whose ledger counts change (an owner whose recording lost its place)
            for act in parsed.activities:
                is_new, note = self._insert_session(conn, sha256, path, act.athlete or athlete, act,
                                                    parsed.recovered, touched)
                new, dup = new + is_new, dup + (not is_new)
                fresh[act.athlete or athlete] = fresh.get(act.athlete or athlete, 0) + is_new
                if note:
                    notes.append(note)
            days = self._insert_steps(conn, sha256, athlete, parsed.daily_steps)
            if parsed.resting_hr:
                self._insert_resting_hr(conn, sha256, athlete, parsed.resting_hr)
            conn.execute("UPDATE sources SET n_days = ? WHERE sha256 = ?", (days, sha256))
            versions.recount(conn, touched)
        return WriteOutcome(new, dup, days, notes=tuple(notes), athletes=_shares(parsed, athlete, fresh))

    def _insert_session(
        self, conn: sqlite3.Connection, sha256: str, path: str, athlete: str, act: Activity, recovered: bool,
        touched: set[str],
    ) -> tuple[bool, str | None]:
        """Insert a session, or link the file to the stored session it records again, the session keeping
        the better recording's values (`versions.quality`). (True when the session is new, the note that
        says which file it duplicates and whose recording was kept.)"""
        mine = versions.version_of(act, recovered)
        best: tuple[float, int, versions.Version] | None = None
        for sid, stored in versions.candidates(conn, athlete, mine, plausible.MAX_SESSION_S):
            score = versions.match(stored, mine)
            if score is not None and (best is None or score > best[0]):
                best = (score, sid, stored)
        if best is None:
            cols = ", ".join(VERSION_COLUMNS)
            cur = conn.execute(
                f"INSERT INTO sessions (athlete, source_sha256, dedupe_key, {cols})"
                f" VALUES (?, ?, ?, {', '.join('?' * len(VERSION_COLUMNS))})",
                (athlete, sha256, _key(athlete, mine), *(mine[c] for c in VERSION_COLUMNS)),
            )
            conn.execute("INSERT INTO session_sources (session_id, source_sha256, activity) VALUES (?, ?, ?)",
                         (cur.lastrowid, sha256, versions.encode(mine)))
            return True, None
        _, sid, stored = best
        owner_sha, owner_path = conn.execute(
            "SELECT s.source_sha256, src.path FROM sessions s JOIN sources src ON src.sha256 = s.source_sha256"
            " WHERE s.id = ?", (sid,)).fetchone()
        linked = conn.execute("SELECT activity FROM session_sources WHERE session_id = ? AND source_sha256 = ?",
                              (sid, sha256)).fetchone()
        if linked is None:
            conn.execute("INSERT INTO session_sources (session_id, source_sha256, activity) VALUES (?, ?, ?)",
                         (sid, sha256, versions.encode(mine)))
        elif versions.quality(mine) > versions.quality(versions.decode(linked[0])):  # twice in one file
            conn.execute("UPDATE session_sources SET activity = ? WHERE session_id = ? AND source_sha256 = ?",
                         (versions.encode(mine), sid, sha256))
        better = versions.quality(mine) > versions.quality(stored)
        if better:
            versions.rebuild(conn, sid, sha256, mine, _key(athlete, mine))
            touched.add(owner_sha)
        versions.fill(conn, sid)
        if owner_sha == sha256:
            return False, None
        if better:
            return False, versions.note(mine, owner_path, mine, path, stored)
        return False, versions.note(mine, owner_path, stored, owner_path, mine)

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
    def _insert_resting_hr(conn: sqlite3.Connection, sha256: str, athlete: str, rows: Iterable[RestingHr]) -> None:
        """One row per (day, device) of this file; a day the file reports twice keeps its last value (a
        watch updates the day's resting heart rate as the day goes on)."""
        conn.executemany(
            "INSERT INTO resting_hr (athlete, day, bpm, device, sha256) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (athlete, day, device, sha256) DO UPDATE SET bpm = excluded.bpm",
            [(athlete, row.day.isoformat(), float(row.bpm), row.device, sha256) for row in rows])

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

        A session this file also reached through another file stays, rebuilt from the best recording
        that remains (`versions.quality`; the first imported among equals): its values, device and
        offset are that file's, never the forgotten one's. The file's daily steps go and each touched day's primary
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
        heirs: set[str] = set()
        owned = conn.execute("SELECT id, athlete FROM sessions WHERE source_sha256 = ?", (sha,)).fetchall()
        for sid, athlete in owned:
            others = conn.execute(
                "SELECT ss.source_sha256, ss.activity FROM session_sources ss"
                " JOIN sources src ON src.sha256 = ss.source_sha256"
                " WHERE ss.session_id = ? AND ss.source_sha256 != ? ORDER BY src.imported_at, src.path",
                (sid, sha),
            ).fetchall()
            if not others:
                conn.execute("DELETE FROM session_sources WHERE session_id = ?", (sid,))
                conn.execute("DELETE FROM sessions WHERE id = ?", (sid,))
                outcome.sessions_removed += 1
                continue
            # the best remaining recording now owns the session: it counts as that file's, not a duplicate
            heir, text = max(others, key=lambda r: versions.quality(versions.decode(r[1])))
            version = versions.decode(text)
            if version is None:  # linked before versions were kept (schema 1): its values are unknown
                conn.execute("UPDATE sessions SET source_sha256 = ? WHERE id = ?", (heir, sid))
            else:
                versions.rebuild(conn, sid, heir, version, _key(athlete, version))
                conn.execute("DELETE FROM session_sources WHERE session_id = ? AND source_sha256 = ?", (sid, sha))
                versions.fill(conn, sid)
            heirs.add(heir)
            outcome.sessions_kept += 1
        # sessions owned by another file that this one only duplicated: drop the link, and what it lent
        lent = [r[0] for r in conn.execute(
            "SELECT ss.session_id FROM session_sources ss JOIN sessions s ON s.id = ss.session_id"
            " WHERE ss.source_sha256 = ?1 AND s.source_sha256 != ?1", (sha,))]
        conn.execute("DELETE FROM session_sources WHERE source_sha256 = ?", (sha,))
        for sid in lent:
            versions.fill(conn, sid, reset=True)
        versions.recount(conn, heirs)
        days = conn.execute("SELECT DISTINCT athlete, day FROM daily_steps WHERE source_sha256 = ?", (sha,)).fetchall()
        conn.execute("DELETE FROM daily_steps WHERE source_sha256 = ?", (sha,))
        conn.execute("DELETE FROM resting_hr WHERE sha256 = ?", (sha,))
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

    # -- a squad's athletes: rename one, forget one --------------------------------------------------
    # every table with an athlete
    ATHLETE_TABLES = ("sessions", "daily_steps", "logs", "profile", "sources", "resting_hr")

    def has_athlete(self, athlete: str) -> bool:
        """Whether any table holds a row of `athlete` (data, logs, a profile or a file in the ledger)."""
        return any(self.conn.execute(f"SELECT 1 FROM {table} WHERE athlete = ? LIMIT 1", (athlete,)).fetchone()
                   for table in self.ATHLETE_TABLES)

    def rename_athlete(self, old: str, new: str) -> dict[str, int]:
        """Give every row of `old` the name `new`, in every table that holds an athlete, in one transaction;
        the rows changed per table. StoreError when `old` has nothing or `new` already has something (two
        athletes are never merged by a rename). The sessions' dedupe keys start with the name: renamed too."""
        with self.transaction() as conn:
            if not self.has_athlete(old):
                raise StoreError(f"no athlete {old!r} in this store; see `loadwatch athletes`")
            if self.has_athlete(new):
                raise StoreError(f"athlete {new!r} already exists; a rename never merges two athletes: choose "
                                 "another name, or forget one first (loadwatch forget --athlete NAME)")
            changed = {"sessions": conn.execute(
                "UPDATE sessions SET athlete = ?1, dedupe_key = ?1 || substr(dedupe_key, length(?2) + 1)"
                " WHERE athlete = ?2", (new, old)).rowcount}
            for table in self.ATHLETE_TABLES[1:]:
                changed[table] = conn.execute(f"UPDATE {table} SET athlete = ? WHERE athlete = ?", (new, old)).rowcount
        return changed

    def forget_athlete(self, athlete: str, *, dry_run: bool = False) -> AthleteForgotten:
        """Remove everything of `athlete` in one transaction (rolled back when `dry_run`): sessions, daily
        steps, logs, profile. A file in the ledger that held only their data (or nothing: a skipped file
        imported for them) leaves the ledger, so importing it again brings it back; a file that also holds
        another athlete's data (a Fitabase cohort) stays with that data, in the name of the first such
        athlete, its counts recomputed. An export archive imported for them goes when none of its members
        stays."""
        with self.transaction(rollback=dry_run) as conn:
            if not self.has_athlete(athlete):
                raise StoreError(f"no athlete {athlete!r} in this store; see `loadwatch athletes`")
            files = {r[0] for r in conn.execute(
                "SELECT source_sha256 FROM sessions WHERE athlete = ?1"
                " UNION SELECT ss.source_sha256 FROM session_sources ss JOIN sessions s ON s.id = ss.session_id"
                "  WHERE s.athlete = ?1"
                " UNION SELECT source_sha256 FROM daily_steps WHERE athlete = ?1"
                " UNION SELECT sha256 FROM resting_hr WHERE athlete = ?1"
                " UNION SELECT sha256 FROM sources WHERE athlete = ?1 AND status != 'archive'", (athlete,))}
            step_rows, step_days = conn.execute(
                "SELECT count(*), count(DISTINCT day) FROM daily_steps WHERE athlete = ?", (athlete,)).fetchone()
            conn.execute("DELETE FROM session_sources WHERE session_id IN (SELECT id FROM sessions WHERE athlete = ?)",
                         (athlete,))
            sessions = conn.execute("DELETE FROM sessions WHERE athlete = ?", (athlete,)).rowcount
            conn.execute("DELETE FROM daily_steps WHERE athlete = ?", (athlete,))
            conn.execute("DELETE FROM resting_hr WHERE athlete = ?", (athlete,))
            logs = conn.execute("DELETE FROM logs WHERE athlete = ?", (athlete,)).rowcount
            profile_keys = conn.execute("DELETE FROM profile WHERE athlete = ?", (athlete,)).rowcount
            removed, kept = [], []
            for sha in sorted(files):
                path = conn.execute("SELECT path FROM sources WHERE sha256 = ?", (sha,)).fetchone()[0]
                heirs = sorted(r[0] for r in conn.execute(
                    "SELECT athlete FROM sessions WHERE source_sha256 = ?1 UNION SELECT s.athlete FROM session_sources"
                    " ss JOIN sessions s ON s.id = ss.session_id WHERE ss.source_sha256 = ?1"
                    " UNION SELECT athlete FROM daily_steps WHERE source_sha256 = ?1"
                    " UNION SELECT athlete FROM resting_hr WHERE sha256 = ?1", (sha,)))
                if not heirs:
                    conn.execute("DELETE FROM sources WHERE sha256 = ?", (sha,))
                    removed.append(path)
                    continue
                conn.execute("UPDATE sources SET athlete = ? WHERE sha256 = ? AND athlete = ?",
                             (heirs[0], sha, athlete))
                conn.execute("UPDATE sources SET n_days = (SELECT count(*) FROM (SELECT DISTINCT athlete, day FROM"
                             " daily_steps WHERE source_sha256 = ?1)) WHERE sha256 = ?1", (sha,))
                kept.append(path)
            versions.recount(conn, [sha for sha in files if conn.execute(
                "SELECT 1 FROM sources WHERE sha256 = ?", (sha,)).fetchone()])
            for sha, path in conn.execute("SELECT sha256, path FROM sources WHERE athlete = ? AND status = 'archive'"
                                          " ORDER BY path", (athlete,)).fetchall():
                member = conn.execute("SELECT athlete FROM sources WHERE substr(path, 1, ?) = ? ORDER BY athlete"
                                      " LIMIT 1", (len(path) + 1, path + "!")).fetchone()
                if member is None:
                    conn.execute("DELETE FROM sources WHERE sha256 = ?", (sha,))
                    removed.append(path)
                else:
                    conn.execute("UPDATE sources SET athlete = ? WHERE sha256 = ?", (member[0], sha))
                    kept.append(path)
        return AthleteForgotten(athlete, dry_run, sessions, int(step_rows), int(step_days), logs, profile_keys,
                                tuple(sorted(removed)), tuple(sorted(kept)))

    # -- reading ---------------------------------------------------------------------------------
    def sessions(self, athlete: str = "me", since: date | None = None, *, time_zone: str | None = None
                 ) -> pd.DataFrame:
        """All sessions of `athlete` as a frame, oldest first (columns: `frames.sessions`); `time_zone` (the
        profile's) places the sessions whose files carry UTC only (`frames.place_utc_only`)."""
        from . import frames

        return frames.sessions(self.conn, athlete, since, time_zone=time_zone)

    def daily_steps(self, athlete: str = "me", since: date | None = None, *, all_sources: bool = False
                    ) -> pd.DataFrame:
        """Daily step totals, one row per local day (the primary source), oldest first; see `frames`."""
        from . import frames

        return frames.daily_steps(self.conn, athlete, since, all_sources=all_sources)

    def resting_hr(self, athlete: str = "me") -> pd.DataFrame:
        """The resting heart rate per local day the athlete's watch or phone recorded: day (date), bpm (float,
        the day's median over devices and files), oldest first; see `frames.resting_hr`."""
        from . import frames

        return frames.resting_hr(self.conn, athlete)

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

    def athlete_names(self) -> list[str]:
        """Every athlete with sessions, steps, logs or a profile, by name (an index read: no counts)."""
        rows = self.conn.execute("SELECT athlete FROM sessions UNION SELECT athlete FROM daily_steps"
                                 " UNION SELECT athlete FROM logs UNION SELECT athlete FROM profile ORDER BY 1")
        return [str(r[0]) for r in rows]

    def athlete_ranges(self) -> list[tuple[str, int, int, str | None, str | None, str | None]]:
        """Every athlete with anything stored (sessions, steps, logs or a profile), by name: (athlete,
        sessions, distinct days of steps, first and last local day with a session or steps, latest
        `imported_at` of the files that hold their sessions or steps). Plain rows, no pandas."""
        rows = self.conn.execute(
            "WITH s AS (SELECT athlete, count(*) AS n, min(date(start_epoch_s + utc_offset_s, 'unixepoch')) AS first,"
            "  max(date(start_epoch_s + utc_offset_s, 'unixepoch')) AS last FROM sessions GROUP BY athlete),"
            " d AS (SELECT athlete, count(DISTINCT day) AS n, min(day) AS first, max(day) AS last FROM daily_steps"
            "  GROUP BY athlete),"
            " imp AS (SELECT athlete, max(imported_at) AS at FROM ("
            "  SELECT s.athlete, src.imported_at FROM sessions s JOIN session_sources ss ON ss.session_id = s.id"
            "   JOIN sources src ON src.sha256 = ss.source_sha256"
            "  UNION ALL SELECT d.athlete, src.imported_at FROM daily_steps d JOIN sources src"
            "   ON src.sha256 = d.source_sha256) GROUP BY athlete),"
            " who AS (SELECT athlete FROM sessions UNION SELECT athlete FROM daily_steps UNION SELECT athlete FROM logs"
            "  UNION SELECT athlete FROM profile)"
            " SELECT who.athlete, coalesce(s.n, 0), coalesce(d.n, 0),"
            "  CASE WHEN s.first IS NULL THEN d.first WHEN d.first IS NULL THEN s.first ELSE min(s.first, d.first) END,"
            "  CASE WHEN s.last IS NULL THEN d.last WHEN d.last IS NULL THEN s.last ELSE max(s.last, d.last) END,"
            "  imp.at"
            " FROM who LEFT JOIN s USING (athlete) LEFT JOIN d USING (athlete) LEFT JOIN imp USING (athlete)"
            " ORDER BY who.athlete"
        )
        return [(str(a), int(n), int(k), first, last, at) for a, n, k, first, last, at in rows]

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

    def set_profiles(self, values: dict[str, dict[str, object]]) -> None:
        """Store several athletes' profile values ({athlete: {key: value}}) in one transaction."""
        with self.transaction():
            for athlete, changes in values.items():
                self._write_profile(athlete, changes)

    def set_profile(self, athlete: str, values: dict[str, object]) -> None:
        """Store profile values in one transaction; a None value clears its key."""
        with self.transaction():
            self._write_profile(athlete, values)

    def _write_profile(self, athlete: str, values: dict[str, object]) -> None:
        for key, value in values.items():
            if value is None:
                self.conn.execute("DELETE FROM profile WHERE athlete = ? AND key = ?", (athlete, key))
            else:
                self.conn.execute(
                    "INSERT INTO profile VALUES (?, ?, ?)"
                    " ON CONFLICT (athlete, key) DO UPDATE SET value = excluded.value",
                    (athlete, key, str(value)),
                )


__all__ = ["Store", "dedupe_key"]
