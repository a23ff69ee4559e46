"""The SQLite schema of the store: one migration per schema version (PRAGMA user_version).

Migration N (1-based) brings a store from user_version N-1 to N; `Store` runs the missing ones in
order when it opens a file. Never edit a released migration: append a new one.
"""

from __future__ import annotations

# `PRAGMA application_id` of every loadwatch store ("LdWt"), set in the store's first transaction: the
# mark that lets loadwatch tell its own files from another program's (`file(1)` shows it too).
APPLICATION_ID = 0x4C645774
# A store made before the mark is recognised by these tables (migration 1) at user_version >= 1.
LEGACY_TABLES = frozenset({"sources", "sessions", "session_sources", "daily_steps", "logs", "profile"})

MIGRATIONS: tuple[str, ...] = (
    # 1: the data model of DESIGN.md
    """
    CREATE TABLE sources (
        sha256 TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        format TEXT,
        size_bytes INTEGER,
        imported_at TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        n_records INTEGER NOT NULL DEFAULT 0,
        athlete TEXT NOT NULL DEFAULT 'me',
        n_sessions INTEGER NOT NULL DEFAULT 0,
        n_duplicates INTEGER NOT NULL DEFAULT 0,
        n_days INTEGER NOT NULL DEFAULT 0,
        warnings TEXT
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        athlete TEXT NOT NULL,
        source_sha256 TEXT NOT NULL REFERENCES sources(sha256),
        dedupe_key TEXT NOT NULL UNIQUE,
        sport TEXT NOT NULL,
        sub_sport TEXT,
        start_utc TEXT NOT NULL,
        start_epoch_s REAL NOT NULL,
        utc_offset_s INTEGER NOT NULL,
        duration_s REAL NOT NULL,
        moving_s REAL,
        distance_m REAL,
        ascent_m REAL,
        avg_hr REAL,
        max_hr REAL,
        hr_hist TEXT,
        steps INTEGER,
        calories REAL,
        device TEXT,
        rpe REAL,
        recovered INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX sessions_by_start ON sessions(athlete, start_epoch_s);
    CREATE TABLE session_sources (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        source_sha256 TEXT NOT NULL REFERENCES sources(sha256) ON DELETE CASCADE,
        PRIMARY KEY (session_id, source_sha256)
    );
    CREATE TABLE daily_steps (
        athlete TEXT NOT NULL,
        day TEXT NOT NULL,
        steps INTEGER NOT NULL,
        source TEXT NOT NULL,
        device_kind TEXT NOT NULL,
        priority INTEGER NOT NULL,
        source_sha256 TEXT NOT NULL REFERENCES sources(sha256) ON DELETE CASCADE,
        is_primary INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (athlete, day, source, source_sha256)
    );
    CREATE INDEX daily_steps_by_day ON daily_steps(athlete, day);
    CREATE TABLE logs (
        id INTEGER PRIMARY KEY,
        athlete TEXT NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX logs_by_day ON logs(athlete, day);
    CREATE TABLE profile (
        athlete TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (athlete, key)
    );
    """,
    # 2: each file's own version of a session (VERSION_COLUMNS as a JSON object), so a session is rebuilt
    # from the files that remain when one is forgotten, and the better of two recordings is kept. A link
    # made before this version knows only the owner's version: the session row as it was stored. The
    # indexes let each import count a file's sessions and links without reading every row.
    """
    ALTER TABLE session_sources ADD COLUMN activity TEXT;
    UPDATE session_sources SET activity = (
        SELECT json_object('sport', s.sport, 'sub_sport', s.sub_sport, 'start_utc', s.start_utc,
                           'start_epoch_s', s.start_epoch_s, 'utc_offset_s', s.utc_offset_s,
                           'duration_s', s.duration_s, 'moving_s', s.moving_s, 'distance_m', s.distance_m,
                           'ascent_m', s.ascent_m, 'avg_hr', s.avg_hr, 'max_hr', s.max_hr, 'hr_hist', s.hr_hist,
                           'steps', s.steps, 'calories', s.calories, 'device', s.device, 'recovered', s.recovered)
        FROM sessions s WHERE s.id = session_sources.session_id AND s.source_sha256 = session_sources.source_sha256
    );
    CREATE INDEX session_sources_by_source ON session_sources(source_sha256);
    CREATE INDEX sessions_by_source ON sessions(source_sha256);
    """,
    # 3: intensity without heart rate (issue 14): seconds per bin of grade-adjusted speed and of running power
    # and the best efforts, as JSON objects like hr_hist ({"33": 120.0}); the watch's own perceived effort
    # (CR-10); the resting heart rate a watch or phone worked out per day, per file like daily_steps. A
    # session stored before has none of them (NULL): its files would have to be imported again.
    """
    ALTER TABLE sessions ADD COLUMN gas_hist TEXT;
    ALTER TABLE sessions ADD COLUMN power_hist TEXT;
    ALTER TABLE sessions ADD COLUMN best_gas_m_s TEXT;
    ALTER TABLE sessions ADD COLUMN best_power_w TEXT;
    ALTER TABLE sessions ADD COLUMN device_rpe REAL;
    CREATE TABLE resting_hr (
        athlete TEXT NOT NULL,
        day TEXT NOT NULL,
        bpm REAL NOT NULL,
        device TEXT NOT NULL,
        sha256 TEXT NOT NULL REFERENCES sources(sha256) ON DELETE CASCADE,
        PRIMARY KEY (athlete, day, device, sha256)
    );
    CREATE INDEX resting_hr_by_source ON resting_hr(sha256);
    """,
)

# The columns of `sessions` that come from a file (not `rpe`, which the athlete logs): one file's version
# of a session, kept per file in `session_sources.activity` (migration 2 lists them too: never edit it).
# A version stored before migration 3 lacks the intensity columns: `versions.decode` reads them as None.
INTENSITY_COLUMNS = ("gas_hist", "power_hist", "best_gas_m_s", "best_power_w")  # JSON objects, int keys
VERSION_COLUMNS = (
    "sport", "sub_sport", "start_utc", "start_epoch_s", "utc_offset_s", "duration_s", "moving_s", "distance_m",
    "ascent_m", "avg_hr", "max_hr", "hr_hist", "steps", "calories", "device", "recovered", *INTENSITY_COLUMNS,
    "device_rpe",
)

# What the store hands out, in this order.
SESSION_COLUMNS = (
    "id", "athlete", "sport", "sub_sport", "start_utc", "utc_offset_s", "duration_s", "moving_s",
    "distance_m", "ascent_m", "avg_hr", "max_hr", "hr_hist", "steps", "calories", "device", "rpe",
    "recovered", "source", *INTENSITY_COLUMNS, "device_rpe",
)
SOURCE_COLUMNS = ("sha256", "path", "format", "size_bytes", "imported_at", "status", "error", "athlete", "n_records",
                  "n_sessions", "n_duplicates", "n_days", "warnings")
SOURCE_ORDER = "imported_at, path"

__all__ = ["APPLICATION_ID", "INTENSITY_COLUMNS", "LEGACY_TABLES", "MIGRATIONS", "SESSION_COLUMNS", "SOURCE_COLUMNS",
           "SOURCE_ORDER", "VERSION_COLUMNS"]
