"""Named, frozen result types shared by importers, store and CLI. SI units in every name."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from .wording import json_number

# Device kinds and their priority when two sources report steps for the same day: a watch
# worn all day counts over a phone left on a desk, a manual entry only fills gaps.
DEVICE_PRIORITY: dict[str, int] = {"watch": 3, "tracker": 3, "phone": 2, "manual": 1, "unknown": 0}
PAIN_WHERE = ("lower", "upper", "other")  # where a pain log says it hurts (`log pain --where`)


@dataclass(frozen=True, slots=True)
class Activity:
    """One training session as a device recorded it.

    `start_utc` is timezone-aware UTC; `utc_offset_s` is the local offset at the start, so the
    local start is `start_utc + utc_offset_s`. `hr_hist` maps bpm -> seconds spent at it.

    Intensity without heart rate (`loadwatch.intensity`): `gas_hist` maps floor(GAS / GAS_BIN_M_S) -> moving
    seconds at that grade-adjusted speed (key 33: 3.3-3.4 m/s), `power_hist` floor(W / POWER_BIN_W) -> moving
    seconds at that running power; `best_gas_m_s` and `best_power_w` the best mean over each of
    BEST_EFFORT_S (seconds of moving time) the session covers. `device_rpe` is the effort the watch or the
    export recorded (FIT workout_rpe, Strava's perceived exertion, Apple's workout effort) on the CR-10 scale;
    a user's `log rpe` wins over it.
    """

    sport: str
    start_utc: datetime
    utc_offset_s: int
    duration_s: float
    sub_sport: str | None = None
    moving_s: float | None = None
    distance_m: float | None = None
    ascent_m: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    hr_hist: dict[int, float] = field(default_factory=dict)
    steps: int | None = None
    calories: float | None = None
    device: str | None = None
    athlete: str | None = None  # None: the athlete named on the command line
    clock_unset: bool = False  # the device clock was never set: the day is unknown (plausible.screen)
    gas_hist: dict[int, float] = field(default_factory=dict)
    power_hist: dict[int, float] = field(default_factory=dict)
    best_gas_m_s: dict[int, float] = field(default_factory=dict)
    best_power_w: dict[int, float] = field(default_factory=dict)
    device_rpe: float | None = None


@dataclass(frozen=True, slots=True)
class DailySteps:
    """The step total of one local calendar day from one device.

    `device` names the source (e.g. "Garmin fenix 5", "Apple Watch"); `device_kind` is one of
    DEVICE_PRIORITY's keys and decides which source is primary for a day.
    """

    day: date
    steps: int
    device: str
    device_kind: str = "unknown"
    athlete: str | None = None


@dataclass(frozen=True, slots=True)
class RestingHr:
    """A resting heart rate the device or phone worked out for one local day (FIT monitoring, Apple Health
    RestingHeartRate), in bpm."""

    day: date
    bpm: float
    device: str


@dataclass(slots=True)
class ParsedFile:
    """Everything one source file holds, parsed in full before anything is written."""

    format: str
    activities: list[Activity] = field(default_factory=list)
    daily_steps: list[DailySteps] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    recovered: bool = False  # a truncated file whose readable part was imported on purpose
    skip_reason: str | None = None  # recognised, but holds nothing to import (settings, course, ...)
    n_records: int = 0  # data messages / rows / samples read
    bad_rows: int = 0  # rows that could not be used (counted and reported, the rest imported)
    resting_hr: list[RestingHr] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Flag:
    """One overload warning. `severity` is info | caution | high; `value` and `threshold` are in the
    rule's own unit (fractions for ramps and spikes: 0.32 = 32 %); `evidence` names the study and how
    strong it is; `message` is a plain sentence a runner can act on.

    `limit` is the number the message tells the user to stay at or under, the very value the plan's caps
    obey (`model.limits`), in `limit_unit`: "m" for a run or week distance, the metric's unit for a load
    (TRIMP, ...); `limit_of` says what it bounds: "long_run" (the next long run) or "week" (the next 7
    days). All three are None where the flag advises no number (the ACWR, form, a red flag)."""

    rule: str
    severity: str
    day: date
    value: float
    threshold: float
    message: str
    evidence: str
    limit: float | None = None
    limit_unit: str | None = None
    limit_of: str | None = None

    def as_json(self) -> dict[str, object]:
        return {"rule": self.rule, "severity": self.severity, "day": self.day.isoformat(),
                "value": json_number(self.value, 4), "threshold": json_number(self.threshold, 4),
                "message": self.message, "evidence": self.evidence, "limit": json_number(self.limit, 1),
                "limit_unit": self.limit_unit if self.limit is not None else None,
                "limit_of": self.limit_of if self.limit is not None else None}


@dataclass(frozen=True, slots=True)
class Note:
    """A sentence the status adds about what it assumed or could not know. `kind` says what it is
    about (stale | hr | sex | load_source | metric | no_sessions | acwr), so a reader picks notes
    by kind, never by their words."""

    kind: str
    text: str


@dataclass(slots=True)
class FileResult:
    """What happened to one file (or archive member) in an import.

    status: imported | recovered | already_imported | duplicate | skipped | failed
    """

    path: str
    status: str
    format: str | None = None
    sessions: int = 0
    days: int = 0
    duplicates: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. which of two recordings of one session was kept
    athletes: dict[str, AthleteShare] = field(default_factory=dict)  # whose data it stored (ImportResult.athletes)

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "status": self.status,
            "format": self.format,
            "sessions": self.sessions,
            "days": self.days,
            "duplicates": self.duplicates,
            "error": self.error,
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


@dataclass(slots=True)
class ImportResult:
    """The outcome of `import_paths`: one FileResult per file, plus the counts."""

    files: list[FileResult] = field(default_factory=list)
    dry_run: bool = False

    @property
    def nothing_found(self) -> bool:
        """No file at all was found under the paths given (an empty folder)."""
        return not self.files

    @property
    def sessions(self) -> int:
        return sum(f.sessions for f in self.files)

    @property
    def days(self) -> int:
        return sum(f.days for f in self.files)

    @property
    def duplicate_sessions(self) -> int:
        return sum(f.duplicates for f in self.files)

    def count(self, *statuses: str) -> int:
        return sum(1 for f in self.files if f.status in statuses)

    @property
    def imported(self) -> int:
        return self.count("imported", "recovered")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def in_store(self) -> int:
        """Files whose data is in the store: imported now or before, or whose sessions all were already
        there (a duplicate); a skipped file (settings, a readme in a zip) does not count."""
        return self.count("imported", "recovered", "already_imported", "duplicate")

    @property
    def athletes(self) -> dict[str, dict[str, int]]:
        """Whose data this import stored: {athlete: {"sessions": new sessions, "days": distinct days of steps}},
        by name; a Fitabase cohort fills one athlete per Id, everything else the athlete of the command."""
        sessions: dict[str, int] = {}
        days: dict[str, set[date]] = {}
        for f in self.files:
            for who, share in f.athletes.items():
                sessions[who] = sessions.get(who, 0) + share.sessions
                days.setdefault(who, set()).update(share.days)
        return {who: {"sessions": sessions[who], "days": len(days[who])} for who in sorted(sessions)}

    def as_json(self) -> dict[str, object]:
        return {
            "imported": self.imported,
            "duplicates": self.count("duplicate"),
            "already_imported": self.count("already_imported"),
            "skipped": self.count("skipped"),
            "failed": self.failed,
            "dry_run": self.dry_run,
            "athletes": self.athletes,
            "files": [f.as_json() for f in self.files],
        }


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    """What one source file added: new sessions, sessions already stored via another file, days; a note
    per duplicate saying which file it duplicates and whose recording was kept."""

    sessions: int
    duplicates: int
    days: int
    already_imported: bool = False
    notes: tuple[str, ...] = ()
    athletes: dict[str, AthleteShare] = field(default_factory=dict)  # what it stored for whom


@dataclass(frozen=True, slots=True)
class AthleteShare:
    """What one file stored for one athlete: its new sessions and the local days it gave steps for."""

    sessions: int = 0
    days: frozenset[date] = frozenset()


@dataclass(slots=True)
class ForgetOutcome:
    """What `forget` removed: ledger paths, sessions deleted, sessions kept (re-pointed to another
    file that also held them), and (athlete, day) step rows changed."""

    dry_run: bool = False
    sources: list[str] = field(default_factory=list)
    sessions_removed: int = 0
    sessions_kept: int = 0
    days_changed: int = 0

    def as_json(self) -> dict[str, object]:
        return {"dry_run": self.dry_run, "sources": list(self.sources), "sessions_removed": self.sessions_removed,
                "sessions_kept": self.sessions_kept, "days_changed": self.days_changed}


@dataclass(frozen=True, slots=True)
class AthleteForgotten:
    """What `forget --athlete` removed (or would, on a dry run): the athlete's sessions, step rows (one per
    day and source), logs and profile values; the ledger rows removed (files that held nothing of anyone
    else's, so they can be imported again) and those kept (files holding another athlete's data too, now
    in that athlete's name)."""

    athlete: str
    dry_run: bool
    sessions: int
    step_rows: int
    step_days: int
    logs: int
    profile_keys: int
    sources_removed: tuple[str, ...]
    sources_kept: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"athlete": self.athlete, "dry_run": self.dry_run, "sessions": self.sessions,
                "step_rows": self.step_rows, "step_days": self.step_days, "logs": self.logs,
                "profile_keys": self.profile_keys, "sources_removed": list(self.sources_removed),
                "sources_kept": list(self.sources_kept)}


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One stored session as `loadwatch sessions` lists it (local_start is the naive local wall time)."""

    id: int
    start_utc: datetime
    utc_offset_s: int
    local_start: datetime
    sport: str
    sub_sport: str | None
    duration_s: float
    moving_s: float | None
    distance_m: float | None
    ascent_m: float | None
    avg_hr: float | None
    max_hr: float | None
    steps: int | None
    calories: float | None
    device: str | None
    rpe: float | None
    recovered: bool
    source: str
    load: float | None = None  # the session's load in TRIMP units (`model.load.session_loads`)
    # trimp (heart rate) | power | pace | srpe (RPE: logged, else the watch's) | duration, or a heart rate that
    # covers part of the session plus another source for the rest: hr+power | hr+pace | hr+rpe | hr+duration
    load_source: str | None = None
    offset_from: str = "file"  # file | profile | nearest | utc: where utc_offset_s comes from
    # every source the session allows, in TRIMP units: {"hr", "power", "pace", "rpe", "duration"} (a partial
    # heart rate under its load_source, e.g. "hr+pace"), so the sources can be compared
    loads: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        out: dict[str, Any] = asdict(self)
        out["start_utc"], out["local_start"] = self.start_utc.isoformat(), self.local_start.isoformat()
        for key in ("duration_s", "moving_s", "distance_m", "ascent_m", "avg_hr", "max_hr", "calories", "rpe",
                    "load"):
            value = json_number(out[key])
            out[key] = None if value is None else float(value)
        out["loads"] = {k: float(v) for k, v in ((k, json_number(v, 1)) for k, v in self.loads.items())
                        if v is not None}
        return out


@dataclass(frozen=True, slots=True)
class StepDay:
    """One local day's step total from its primary source."""

    day: date
    steps: int
    source: str

    def as_json(self) -> dict[str, object]:
        return {"day": self.day.isoformat(), "steps": self.steps, "source": self.source}


@dataclass(frozen=True, slots=True)
class AthleteSummary:
    """One athlete of a store, as `loadwatch athletes` lists them: sessions, distinct days of steps, the first
    and last local day with a session or steps (None without either), and when the latest file that gave them
    data was imported (ISO UTC, None when none did: a profile or logs only)."""

    athlete: str
    sessions: int
    step_days: int
    first_day: date | None
    last_day: date | None
    last_import: str | None

    def as_json(self) -> dict[str, object]:
        return {"athlete": self.athlete, "sessions": self.sessions, "step_days": self.step_days,
                "first_day": self.first_day.isoformat() if self.first_day else None,
                "last_day": self.last_day.isoformat() if self.last_day else None, "last_import": self.last_import}


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One row of the import ledger. `error` holds why a file was skipped; `warnings` what was odd."""

    sha256: str
    path: str
    format: str | None
    size_bytes: int
    imported_at: str
    status: str
    error: str | None
    athlete: str
    n_records: int
    n_sessions: int
    n_duplicates: int
    n_days: int
    warnings: list[str]

    def as_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class GoalDay:
    """One day's step goal: the goal, the sentence behind it, the goal a week before (None in the
    first week), whether the gentle rise set it (`capped`), whether a hold changed it (`held`: the
    day before's goal kept while pain or an overload flag is active), the age ceiling, what set it
    (`set_by`, one of `model.goals.SET_BY`) and what the person already walks (`level`: the window's
    median in steps, None when the window holds no count)."""

    day: date
    goal: int
    why: str
    week_before: int | None
    capped: bool
    held: bool
    ceiling: int
    set_by: str = "percentile"
    level: int | None = None

    def as_json(self) -> dict[str, object]:
        return {"day": self.day.isoformat(), "goal": self.goal, "why": self.why, "week_before": self.week_before,
                "capped": self.capped, "held": self.held, "ceiling": self.ceiling, "set_by": self.set_by,
                "level": self.level}


@dataclass(frozen=True, slots=True)
class RpeEntry:
    """A checked RPE log: the session it belongs to, its local day and the CR-10 value."""

    session_id: int
    day: date
    rpe: float


@dataclass(frozen=True, slots=True)
class PainEntry:
    """A stored pain log, and the red flags of the pain episode it belongs to (empty: none)."""

    log_id: int
    day: date
    where: str
    level: int
    radiates: bool
    numbness: bool
    red_flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StrengthChange:
    """A step of the strength progression: on `day`, `exercise` moved `kind` = "harder" | "easier"
    to `to`, or stayed ("stuck": it hurt and there is nothing easier). `dose` is the top dose done."""

    day: date
    exercise: str
    kind: str
    to: str | None = None
    dose: str | None = None

    @property
    def sentence(self) -> str:
        """The change as a sentence without its day, e.g. "Glute bridge hurt, back to Superman"."""
        if self.kind == "harder":
            return f"{self.exercise} done at {self.dose} without pain twice, on to {self.to}"
        if self.kind == "easier":
            return f"{self.exercise} hurt, back to {self.to}"
        return (f"{self.exercise} hurt; no easier exercise left, so it stays at the lowest dose: go slowly and stop "
                "if it hurts")

    def __str__(self) -> str:
        return f"{self.day}: {self.sentence}"


@dataclass(frozen=True, slots=True)
class StrengthEntry:
    """A stored strength log, and the progression changes it caused."""

    day: date
    exercise: str
    sets: int
    reps: int | None
    hold_s: int | None
    pain: bool
    changes: tuple[StrengthChange, ...] = ()


@dataclass(frozen=True, slots=True)
class AppliedLogs:
    """How many log entries of each kind were added (`skipped`: already in the store, identical)."""

    rpe: int = 0
    pain: int = 0
    strength: int = 0
    skipped: int = 0

    @property
    def added(self) -> int:
        return self.rpe + self.pain + self.strength


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What `import_demo` did: the import result of the device files and the logs applied."""

    imported: ImportResult
    logs: AppliedLogs
