"""Forgetting what one source file (or one session) brought into the store, in one transaction.

`ForgetMixin` holds the `find_sources` / `forget_source` / `forget_session` methods of `Store`;
it relies on the store's `conn`, `transaction()` and `_recompute_primary`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import StoreError

if TYPE_CHECKING:
    from .store import WriteOutcome


@dataclass(slots=True)
class ForgetOutcome:
    """What `forget` removed: ledger paths, sessions deleted, sessions kept (re-pointed to another
    file that also held them), and (athlete, day) step rows changed."""

    sources: list[str]
    sessions_removed: int
    sessions_kept: int
    days_changed: int


class ForgetMixin:
    """The forgetting methods of `Store` (see loadwatch.store)."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:
        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        @staticmethod
        def _recompute_primary(conn: sqlite3.Connection, days: Iterable[tuple[str, str]]) -> None: ...

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

    def forget_source(self, sha256: str, *, dry_run: bool = False) -> ForgetOutcome:
        """Remove one source file and what came only from it, in one transaction.

        A session this file also reached through another file stays, re-pointed to that file
        (the one imported first). The file's daily steps go and each touched day's primary
        source is recomputed. Forgetting an archive forgets every member imported from it.
        """
        try:
            with self.transaction() as conn:
                row = conn.execute("SELECT path, status FROM sources WHERE sha256 = ?", (sha256,)).fetchone()
                if row is None:
                    raise StoreError(f"no imported file with sha256 {sha256}; see `loadwatch sources`")
                shas = [sha256]
                if row[1] == "archive":
                    shas += [r[0] for r in conn.execute(
                        "SELECT sha256 FROM sources WHERE substr(path, 1, ?) = ?", (len(row[0]) + 1, row[0] + "!"))]
                outcome = ForgetOutcome(sources=[], sessions_removed=0, sessions_kept=0, days_changed=0)
                for sha in shas:
                    self._forget_one(conn, sha, outcome)
                if dry_run:
                    raise _DryRun(outcome)  # type: ignore[arg-type]
            return outcome
        except _DryRun as done:
            return done.outcome  # type: ignore[return-value]

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

    def has_session(self, session_id: int) -> bool:
        return self.conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is not None

    def forget_session(self, session_id: int, *, dry_run: bool = False) -> ForgetOutcome:
        """Remove one session, whichever files reached it, in one transaction.

        The files stay in the ledger (their counts lowered) so re-importing them does not bring
        the session back; forget the file itself to allow that.
        """
        try:
            with self.transaction() as conn:
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
                outcome = ForgetOutcome(sources=[], sessions_removed=1, sessions_kept=0, days_changed=0)
                if dry_run:
                    raise _DryRun(outcome)  # type: ignore[arg-type]
            return outcome
        except _DryRun as done:
            return done.outcome  # type: ignore[return-value]


class _DryRun(Exception):
    """Raised inside a transaction to roll a dry run back; carries what would have been written."""

    def __init__(self, outcome: WriteOutcome) -> None:
        self.outcome = outcome


__all__ = ["ForgetMixin", "ForgetOutcome"]
