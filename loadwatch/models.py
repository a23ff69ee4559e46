"""Named, frozen result types shared by importers, store and CLI. SI units in every name."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Device kinds and their priority when two sources report steps for the same day: a watch
# worn all day counts over a phone left on a desk, a manual entry only fills gaps.
DEVICE_PRIORITY: dict[str, int] = {"watch": 3, "tracker": 3, "phone": 2, "manual": 1, "unknown": 0}


@dataclass(frozen=True, slots=True)
class Activity:
    """One training session as a device recorded it.

    `start_utc` is timezone-aware UTC; `utc_offset_s` is the local offset at the start, so the
    local start is `start_utc + utc_offset_s`. `hr_hist` maps bpm -> seconds spent at it.
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


@dataclass(frozen=True, slots=True)
class Flag:
    """One overload warning. `severity` is info | caution | high; `value` and `threshold` are in the
    rule's own unit (fractions for ramps and spikes: 0.32 = 32 %); `evidence` names the study and how
    strong it is; `message` is a plain sentence a runner can act on."""

    rule: str
    severity: str
    day: date
    value: float
    threshold: float
    message: str
    evidence: str

    def as_json(self) -> dict[str, object]:
        return {"rule": self.rule, "severity": self.severity, "day": self.day.isoformat(),
                "value": self.value, "threshold": self.threshold, "message": self.message,
                "evidence": self.evidence}


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
        }


@dataclass(slots=True)
class ImportResult:
    """The outcome of `import_paths`: one FileResult per file, plus the counts."""

    files: list[FileResult] = field(default_factory=list)
    dry_run: bool = False

    def count(self, *statuses: str) -> int:
        return sum(1 for f in self.files if f.status in statuses)

    @property
    def imported(self) -> int:
        return self.count("imported", "recovered")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def exit_code(self) -> int:
        """0 nothing failed; with failures: 3 when other files' data is in the store, 1 when none is.

        A file counts as in the store when it was imported now or before, or all its sessions were
        already there (a duplicate); a skipped file (settings, a readme in a zip) does not.
        """
        if not self.failed:
            return 0
        good = self.count("imported", "recovered", "already_imported", "duplicate")
        return 3 if good else 1

    def as_json(self) -> dict[str, object]:
        return {
            "imported": self.imported,
            "duplicates": self.count("duplicate"),
            "already_imported": self.count("already_imported"),
            "skipped": self.count("skipped"),
            "failed": self.failed,
            "dry_run": self.dry_run,
            "files": [f.as_json() for f in self.files],
        }
