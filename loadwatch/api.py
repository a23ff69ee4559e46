"""The application: a `Store` in, named results out; one call per command.

The CLI, the report and the notebooks call these functions, and nothing else puts the store and the
model together. Each reads what it needs from the store once, hands the frames to the pure model
(`loadwatch.model`) and returns a result type (`loadwatch.models`, or the model's own `Status`,
`Plan`). Errors are `LoadwatchError`s with a sentence that says what to do.

The heavy layers (pandas and the model, the importers, matplotlib) are imported inside the calls
that need them, so `import loadwatch.api` and `loadwatch --help` stay fast.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .config import Profile, ProfileView, stored_profile, updated_profile
from .errors import ConfigError, NoData, StoreError
from .files import file_sha256, write_text
from .models import (
    AppliedLogs,
    AthleteForgotten,
    AthleteSummary,
    DemoResult,
    ForgetOutcome,
    GoalDay,
    ImportResult,
    PainEntry,
    RpeEntry,
    SessionRecord,
    SourceRecord,
    StepDay,
    StrengthEntry,
)
from .store import Store

if TYPE_CHECKING:
    import pandas as pd

    from .model.plan import Plan
    from .model.squad import SquadRow
    from .model.status import Status
    from .model.strength import Exercise
    from .report.data import ReportData
    from .report.pdf import ReportResult
    from .report.squad import SquadReportResult

Progress = Callable[[int, int, str], None]  # (files done, files in all, current file)


# -- reading what is stored ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AthleteData:
    """One athlete's frames and profile, read from the store in one go."""

    sessions: pd.DataFrame
    steps: pd.DataFrame
    logs: pd.DataFrame
    profile: Profile
    resting_hr: pd.DataFrame | None = None  # day, bpm: the watch's or phone's resting HR (HRrest as of each day)


def athlete_data(store: Store, athlete: str) -> AthleteData:
    """The athlete's sessions (GPX/TCX ones placed in the profile's time zone), daily steps, logs, profile and
    resting-HR records."""
    profile = stored_profile(store.profile(athlete))
    return AthleteData(store.sessions(athlete, time_zone=profile.time_zone), store.daily_steps(athlete),
                       store.logs(athlete), profile, store.resting_hr(athlete))


def sessions(store: Store, athlete: str, *, since: date | None = None) -> list[SessionRecord]:
    """Stored sessions, oldest first, each with its load and what it rests on (`loadwatch sessions`)."""
    import pandas as pd

    from .model.load import session_loads

    profile = stored_profile(store.profile(athlete))
    # every session's thresholds rest on the history before it: the loads from all of it, then cut to --since
    frame, _ = session_loads(store.sessions(athlete, time_zone=profile.time_zone), profile,
                             resting_hr=store.resting_hr(athlete))
    if since is not None:
        frame = frame[frame["day"] >= since]

    def _opt(value: Any) -> float | None:
        return None if pd.isna(value) else float(value)

    def _str(value: Any) -> str | None:  # a NULL text among texts comes out of pandas as NaN
        return None if value is None or pd.isna(value) else str(value)

    return [SessionRecord(
        id=int(r.id), start_utc=r.start_utc, utc_offset_s=int(r.utc_offset_s), local_start=r.local_start,
        sport=r.sport, sub_sport=_str(r.sub_sport), duration_s=r.duration_s, moving_s=_opt(r.moving_s),
        distance_m=_opt(r.distance_m), ascent_m=_opt(r.ascent_m), avg_hr=_opt(r.avg_hr), max_hr=_opt(r.max_hr),
        steps=None if pd.isna(r.steps) else int(r.steps), calories=_opt(r.calories), device=_str(r.device),
        rpe=_opt(r.rpe), recovered=bool(r.recovered), source=r.source, load=_opt(r.load),
        load_source=str(r.load_source), offset_from=str(r.offset_from), loads=dict(r.loads),
    ) for r in frame.itertuples()]


def steps(store: Store, athlete: str, *, since: date | None = None) -> list[StepDay]:
    """Daily steps, one per local day from its primary source (`loadwatch steps`)."""
    frame = store.daily_steps(athlete, since=since)
    return [StepDay(r.day, int(r.steps), r.source) for r in frame.itertuples()]


def sources(store: Store) -> list[SourceRecord]:
    """The import ledger, every athlete's files (`loadwatch sources`)."""
    out = []
    for row in store.source_rows():
        out.append(SourceRecord(
            sha256=str(row["sha256"]), path=str(row["path"]), format=_text(row["format"]),
            size_bytes=int(row["size_bytes"] or 0), imported_at=str(row["imported_at"]), status=str(row["status"]),
            error=_text(row["error"]), athlete=str(row["athlete"]), n_records=int(row["n_records"] or 0),
            n_sessions=int(row["n_sessions"] or 0), n_duplicates=int(row["n_duplicates"] or 0),
            n_days=int(row["n_days"] or 0), warnings=json.loads(str(row["warnings"])) if row["warnings"] else [],
        ))
    return out


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def athletes(store: Store) -> list[AthleteSummary]:
    """Every athlete in the store with their data range, by name (`loadwatch athletes`)."""
    return [AthleteSummary(athlete=name, sessions=sessions, step_days=step_days,
                           first_day=date.fromisoformat(first) if first else None,
                           last_day=date.fromisoformat(last) if last else None, last_import=at)
            for name, sessions, step_days, first, last, at in store.athlete_ranges()]


# -- importing -------------------------------------------------------------------------------------
def import_files(store: Store, paths: Iterable[str | Path], *, athlete: str = "me", strict: bool = False,
                 dry_run: bool = False, on_progress: Progress | None = None,
                 options: dict[str, object] | None = None) -> ImportResult:
    """Import every supported file under `paths` (`loadwatch import`); see `ingest.import_paths`."""
    from .ingest import import_paths

    return import_paths(store, paths, athlete=athlete, strict=strict, dry_run=dry_run, on_progress=on_progress,
                        options=options)


# -- the training state ----------------------------------------------------------------------------
def _require_data(data: AthleteData, athlete: str, as_of: date) -> None:
    if data.sessions.empty and data.steps.empty:
        raise NoData(f"no sessions or steps stored for athlete {athlete!r} yet; import your export first:"
                     " loadwatch import PATH")
    first = min(f["day"].min() for f in (data.sessions, data.steps) if len(f))
    if first > as_of:
        raise NoData(f"nothing stored for athlete {athlete!r} on or before {as_of.isoformat()} (the first day is"
                     f" {first.isoformat()}); choose a later --as-of")


def _status(data: AthleteData, athlete: str, *, as_of: date, weeks: int, metric: str, holds: bool = True) -> Status:
    from .model.status import compute_status

    _require_data(data, athlete, as_of)
    return compute_status(data.sessions, data.steps, data.logs, data.profile, as_of=as_of, weeks=weeks,
                          metric=metric, resting_hr=data.resting_hr, holds=holds)


# The days `--as-of` may name. Before the first day any data may have (plausible.EARLIEST_DAY) there is
# nothing to evaluate; the last keeps every week, plan and goal around the day inside pandas' dates (to 2262).
LATEST_AS_OF = date(2199, 12, 31)


def evaluation_day(as_of: date | None) -> date:
    """The day to evaluate as if it were today (`--as-of`, else today); ConfigError outside the days
    loadwatch can evaluate (9999-12-31 has no next week, 0001-01-01 no last one)."""
    from .plausible import EARLIEST_DAY

    day = as_of or date.today()
    if not EARLIEST_DAY <= day <= LATEST_AS_OF:
        raise ConfigError(f"--as-of {day.isoformat()} is outside the days loadwatch can evaluate "
                          f"({EARLIEST_DAY.isoformat()} to {LATEST_AS_OF.isoformat()}); give a day in that range")
    return day


def status(store: Store, athlete: str, *, as_of: date | None = None, weeks: int = 12,
           metric: str = "trimp") -> Status:
    """The status as of `as_of` (default today) over the last `weeks` ISO weeks (`loadwatch status`).

    NoData when nothing is stored for the athlete on or before that day."""
    return _status(athlete_data(store, athlete), athlete, as_of=evaluation_day(as_of), weeks=weeks, metric=metric)


def _plan(data: AthleteData, full: Status, goals: pd.DataFrame | None = None) -> Plan:
    """Next week's plan; `goals`: the step-goal history the caller has already (`_goal_history`), else worked out."""
    from .model.plan import next_week

    return next_week(full, data.steps, data.logs, data.profile, goals=goals)


def plan(store: Store, athlete: str, *, as_of: date | None = None, metric: str = "trimp") -> Plan:
    """Next week's plan: the 7 days after `as_of` (default today) (`loadwatch plan`)."""
    from .report.data import PLAN_WEEKS

    data = athlete_data(store, athlete)
    return _plan(data, _status(data, athlete, as_of=evaluation_day(as_of), weeks=PLAN_WEEKS, metric=metric))


def _goal_holds(data: AthleteData, as_of: date, status: Status | None) -> list[date]:
    """The days that hold the step goals: pain logs and every caution/high flag of the history."""
    from .model.flags import goal_hold_days

    return goal_hold_days(status.hold_days if status is not None else [], data.logs, as_of)


def goals(store: Store, athlete: str, *, as_of: date | None = None, days: int = 14) -> list[GoalDay]:
    """The step goals for the `days` days after `as_of` (default today) (`loadwatch goals`)."""
    from .model.goals import goal_days, upcoming_goals
    from .report.data import PLAN_WEEKS

    as_of = evaluation_day(as_of)
    data = athlete_data(store, athlete)
    held = _status(data, athlete, as_of=as_of, weeks=PLAN_WEEKS, metric="trimp") if len(data.sessions) else None
    return goal_days(upcoming_goals(data.steps, data.profile, as_of=as_of, days=days,
                                    hold_on=_goal_holds(data, as_of, held)))


def goal_history(store: Store, athlete: str, *, as_of: date | None = None, days_ahead: int = 14,
                 metric: str = "trimp") -> pd.DataFrame | None:
    """Every day's step goal from the first step count through `as_of + days_ahead` (the frame of
    `model.goals.goal_series`, as the report draws it); None without step counts."""
    from .report.data import PLAN_WEEKS

    as_of = evaluation_day(as_of)
    data = athlete_data(store, athlete)
    full = _status(data, athlete, as_of=as_of, weeks=PLAN_WEEKS, metric=metric) if len(data.sessions) else None
    return _goal_history(data, as_of, full, days_ahead)


def _goal_history(data: AthleteData, as_of: date, status: Status | None, days_ahead: int) -> pd.DataFrame | None:
    from .model.goals import goal_series

    if not len(data.steps):
        return None
    try:
        return goal_series(data.steps, data.profile, as_of=as_of, days_ahead=days_ahead,
                           hold_on=_goal_holds(data, as_of, status))
    except NoData:
        return None


def write_goals_csv(goals: list[GoalDay], path: Path) -> None:
    """day,goal,why as CSV at `path` (written whole or not at all)."""
    from .report.calendar import goals_csv

    write_text(path, goals_csv(goals))


def write_goals_ics(goals: list[GoalDay], path: Path, *, athlete: str) -> None:
    """An iCalendar file with one all-day event per goal at `path`."""
    from .report.calendar import goals_ics

    write_text(path, goals_ics(goals, athlete=athlete))


def report(store: Store, athlete: str, path: Path | None = None, *, as_of: date | None = None, weeks: int = 12,
           metric: str = "trimp") -> ReportResult:
    """Write the six-page PDF (`loadwatch report`); `path` defaults to `default_filename` here, and a
    folder gets that name inside it."""
    from .report.data import GOAL_DAYS_AHEAD, PLAN_WEEKS, assemble, default_filename
    from .report.pdf import write_report

    as_of = evaluation_day(as_of)
    data = athlete_data(store, athlete)
    full = _status(data, athlete, as_of=as_of, weeks=max(weeks, PLAN_WEEKS), metric=metric)
    goal_history = _goal_history(data, as_of, full, GOAL_DAYS_AHEAD)
    report_data = assemble(athlete=athlete, as_of=as_of, weeks=weeks, full=full, plan=_plan(data, full, goal_history),
                           profile=data.profile, goals=goal_history, sources=store.sources(), logs=data.logs)
    target = Path(path) if path is not None else Path.cwd() / default_filename(athlete, as_of)
    try:
        is_dir = target.is_dir()
    except OSError:  # a path past the system's limit: writing it says so in one line
        is_dir = False
    if is_dir:
        target = target / default_filename(athlete, as_of)
    return write_report(report_data, target)


# -- what the athlete enters -----------------------------------------------------------------------
def log_rpe(store: Store, athlete: str, ref: str, rpe: str | float, *, today: date) -> RpeEntry:
    """Check, then set the session's RPE and add an `rpe` log {session_id, rpe} on its day (`log rpe`).

    `ref` is a session id or a YYYY-MM-DD day with one session."""
    from .model.logs import check_rpe, resolve_session

    value = check_rpe(rpe)
    zone = stored_profile(store.profile(athlete)).time_zone
    session_id, day = resolve_session(store.sessions(athlete, time_zone=zone), ref, today=today)
    store.set_session_rpe(session_id, value)
    store.add_log(athlete, day, "rpe", {"session_id": session_id, "rpe": value})
    return RpeEntry(session_id, day, value)


def log_pain(store: Store, athlete: str, *, day: str | date | None, where: str, level: str | int,
             radiates: bool = False, numbness: bool = False, today: date) -> PainEntry:
    """Check and store a `pain` log (`log pain`); the entry carries the red flags of its episode."""
    from .model.flags import pain_state
    from .model.logs import check_pain

    when, payload = check_pain(day=day, where=where, level=level, radiates=radiates, numbness=numbness,
                               today=today)
    log_id = store.add_log(athlete, when, "pain", payload)
    state = pain_state(store.logs(athlete, "pain"), as_of=max(today, when),
                       profile=stored_profile(store.profile(athlete)))
    return PainEntry(log_id, when, where, int(payload["level"]), bool(radiates), bool(numbness),
                     tuple(state.reasons) if state.red_flag else ())


def log_strength(store: Store, athlete: str, exercise: str, dose: str, *, pain: bool = False,
                 day: str | date | None = None, rpe: float | None = None, minutes: float | None = None,
                 today: date) -> StrengthEntry:
    """Check and store one strength exercise done (`log strength`), with the progression it moved."""
    from .model.logs import parse_day
    from .model.strength import load_catalog, progression, strength_payload

    when = today if day is None else parse_day(day, today=today, what="strength date")
    ex = load_catalog().find(exercise)
    payload = strength_payload(ex, dose, pain=pain, rpe=rpe, minutes=minutes)
    store.add_log(athlete, when, "strength", payload)
    state = progression(store.logs(athlete, "strength"), as_of=max(today, when))
    changes = tuple(c for c in state.changes if c.day == when and ex.name in (c.exercise, c.to))
    return StrengthEntry(when, ex.name, payload["sets"], payload.get("reps"), payload.get("hold_s"), bool(pain),
                         changes)


def exercises() -> list[Exercise]:
    """The strength and stretch catalog, basic first (`plan --exercises`)."""
    from .model.strength import load_catalog

    return sorted(load_catalog().exercises.values(), key=lambda e: (e.level, e.id))


def profile(store: Store, athlete: str, *, as_of: date | None = None) -> ProfileView:
    """The athlete's profile, which values were set, and the thresholds their data give as of `as_of` (today by
    default): critical speed and power, HRmax, HRrest, each with what it rests on (`loadwatch profile`)."""
    stored = store.profile(athlete)
    view = ProfileView(athlete, stored_profile(stored), frozenset(stored))
    sessions = store.sessions(athlete, time_zone=view.profile.time_zone)
    if sessions.empty:
        return view
    from .model.thresholds import estimates

    found = estimates(sessions, view.profile, evaluation_day(as_of), store.resting_hr(athlete))
    return ProfileView(athlete, view.profile, view.stored, {key: e.as_json() for key, e in found.items()})


def set_profile(store: Store, athlete: str, assignments: Iterable[str], *, as_of: date | None = None) -> ProfileView:
    """Check every KEY=VALUE, then store them all in one transaction (`profile --set`)."""
    _, changes = updated_profile(stored_profile(store.profile(athlete)), list(assignments))
    store.set_profile(athlete, changes)
    return profile(store, athlete, as_of=as_of)


# -- your data -------------------------------------------------------------------------------------
def forget(store: Store, ref: str, *, dry_run: bool = False) -> ForgetOutcome:
    """Forget one imported file or one session (`loadwatch forget`).

    `ref` is a file's sha256 prefix (6+ hex digits), its path as imported, or a session id (`#12`
    when the digits could also start a sha256)."""
    ref = ref.strip()
    digits = ref.lstrip("#")
    session_id = int(digits) if digits.isdigit() and len(digits) < 12 else None
    matches = [] if ref.startswith("#") else store.find_sources(ref)
    session_exists = session_id is not None and store.has_session(session_id)
    if matches and session_exists:
        raise ConfigError(f"{ref!r} is both a session id and the start of a file's sha256; write #{ref} for the "
                          "session or more digits of the sha256")
    if len(matches) > 1:
        shown = ", ".join(f"{sha[:12]} {path}" for sha, path in matches[:5])
        raise ConfigError(f"{ref!r} matches {len(matches)} files ({shown}); give more of the sha256")
    if matches:
        return store.forget_source(matches[0][0], dry_run=dry_run)
    if session_id is not None:
        return store.forget_session(session_id, dry_run=dry_run)
    raise ConfigError(f"no imported file or session matches {ref!r}; see `loadwatch sources` and "
                      "`loadwatch sessions --json`")


def export_json(store: Store, out: IO[str]) -> dict[str, int]:
    """Everything stored as one JSON document on `out`; the row count per table (`export --json -`)."""
    from .store.export import export_json as write

    return write(store, out)


def export_json_file(store: Store, path: Path) -> dict[str, int]:
    """Everything stored as one JSON document at `path`, written whole or not at all (`export --json FILE`)."""
    from .files import atomic_open

    try:
        with atomic_open(path) as fh:
            return export_json(store, fh)
    except OSError as err:
        raise ConfigError(f"{path}: cannot write the export ({err.strerror})") from err


def export_csv(store: Store, directory: Path) -> dict[str, int]:
    """One CSV per table in `directory`; the row count per table (`export --csv DIR`)."""
    from .store.export import export_csv as write

    try:
        return write(store, directory)
    except OSError as err:
        raise ConfigError(f"{directory}: cannot write the export ({err.strerror})") from err


# -- a coach's squad -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FolderImport:
    """`import --per-folder ROOT`: one import per folder directly under ROOT, each for the athlete named
    after it (`folders`, in name order), merged in `result`; `left_out` the files directly under ROOT
    (no athlete's, not imported)."""

    result: ImportResult
    folders: tuple[str, ...]
    left_out: tuple[str, ...]

    @property
    def received(self) -> dict[str, dict[str, int]]:
        """What each athlete received: {name: {"sessions", "days"}}, every folder's athlete (0 and 0 when its
        files were all known already) and anyone a file named itself (a Fitabase Id), by name."""
        got = self.result.athletes
        names = sorted(set(self.folders) | set(got))
        return {name: got.get(name, {"sessions": 0, "days": 0}) for name in names}

    def as_json(self) -> dict[str, object]:
        return {**self.result.as_json(), "athletes": self.received, "left_out": list(self.left_out)}


def athlete_folders(root: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """The folders directly under `root` as (athlete, folder), by name (hidden ones skipped), and the names
    of the files directly under it. ConfigError when `root` is not a folder or has no athlete folder."""
    root = Path(root)
    try:
        entries = sorted(root.iterdir(), key=lambda p: p.name)
    except NotADirectoryError:
        raise ConfigError(f"{root} is not a folder; --per-folder takes a folder holding one folder per athlete"
                          ) from None
    except OSError as err:
        raise ConfigError(f"cannot read {root} ({err.strerror}); --per-folder takes a folder holding one folder "
                          "per athlete") from None
    folders = [(p.name, p) for p in entries if not p.name.startswith(".") and p.is_dir()]
    loose = [p.name for p in entries if not p.name.startswith(".") and not p.is_dir()]
    if not folders:
        raise ConfigError(f"{root} holds no folder; --per-folder imports each folder under it as one athlete "
                          "(ROOT/anna/..., ROOT/ben/...)")
    return folders, loose


def import_per_folder(store: Store, root: str | Path, *, strict: bool = False, dry_run: bool = False,
                      on_progress: Progress | None = None, options: dict[str, object] | None = None) -> FolderImport:
    """Import each folder directly under `root` for the athlete named after it (`import --per-folder`)."""
    folders, loose = athlete_folders(Path(root))
    merged = ImportResult(dry_run=dry_run)
    for name, folder in folders:
        part = import_files(store, [folder], athlete=name, strict=strict, dry_run=dry_run, on_progress=on_progress,
                            options=options)
        merged.files.extend(part.files)
    return FolderImport(merged, tuple(name for name, _ in folders), tuple(loose))


def _athlete_name(name: str, what: str) -> str:
    clean = name.strip()
    if not clean:
        raise ConfigError(f"{what} must not be empty")
    return clean


def rename_athlete(store: Store, old: str, new: str) -> dict[str, int]:
    """Rename an athlete in every table, in one transaction (`athletes --rename OLD NEW`); the rows changed per
    table. StoreError when OLD is unknown or NEW exists."""
    return store.rename_athlete(_athlete_name(old, "the athlete to rename"), _athlete_name(new, "the new name"))


def forget_athlete(store: Store, athlete: str, *, dry_run: bool = False) -> AthleteForgotten:
    """Remove everything of one athlete in one transaction (`forget --athlete NAME`); see `Store.forget_athlete`."""
    return store.forget_athlete(_athlete_name(athlete, "the athlete to forget"), dry_run=dry_run)


SQUAD_STATUS_WEEKS = 12  # `status` and `report` show 12 weeks by default: the squad's status is theirs
PARALLEL_FROM = 3  # athletes: below this, a process pool costs more than it saves
# Who the athlete is, not how cautious to be: set per athlete (`--athlete NAME profile --set`), never squad-wide.
PERSONAL_KEYS = frozenset({"hr_max_bpm", "hr_rest_bpm", "sex", "birth_year", "time_zone", "critical_speed_m_s",
                           "critical_power_w", "critical_power_bike_w"})


@dataclass(frozen=True, slots=True)
class _SquadJob:
    db: Path
    athlete: str
    as_of: date
    report: bool  # also the report's data (page 1, and the other pages with --full)


def _squad_names(store: Store) -> list[str]:
    names = store.athlete_names()
    if not names:
        raise NoData("no athletes in this store yet; import a squad first: loadwatch import --per-folder ROOT")
    return names


def _squad_entry(job: _SquadJob) -> tuple[SquadRow, ReportData | None]:
    """One athlete's row (and report data): run in a worker process, on a store of its own opened for reading."""
    with Store(job.db, mode="read") as store:
        return _squad_entry_in(store, job)


def _squad_entry_in(store: Store, job: _SquadJob) -> tuple[SquadRow, ReportData | None]:
    from .model.plan import next_week_caps
    from .model.squad import NO_DATA_LINE, SquadRow, last_data_day, pain_7d, silent_flag, with_silent
    from .report.data import GOAL_DAYS_AHEAD, PLAN_WEEKS, assemble
    from .report.text import headline

    data = athlete_data(store, job.athlete)
    last = last_data_day(data.sessions, data.steps, job.as_of)
    silent = silent_flag(last, job.as_of)
    if last is None:
        return SquadRow(job.athlete, NO_DATA_LINE, "info", None, None, None, "TRIMP", None, None,
                        with_silent([], silent), pain_7d(data.logs, job.as_of), None, None, None), None
    full = _status(data, job.athlete, as_of=job.as_of, weeks=max(SQUAD_STATUS_WEEKS, PLAN_WEEKS), metric="trimp",
                   holds=job.report)  # the row sets no step goals: no hold days
    report_data = None
    if job.report:
        goals = _goal_history(data, job.as_of, full, GOAL_DAYS_AHEAD)
        plan = _plan(data, full, goals)
        caps = plan.caps
        report_data = assemble(athlete=job.athlete, as_of=job.as_of, weeks=SQUAD_STATUS_WEEKS, full=full, plan=plan,
                               profile=data.profile, goals=goals, sources=store.sources(), logs=data.logs)
    else:  # the row shows the plan's caps only: not its days' step goals and strength
        caps = next_week_caps(full, data.logs, data.profile)
    line = report_data.headline if report_data is not None else headline(full, data.profile)
    weeks = full.weeks
    long_runs = weeks["long_run_m"].iloc[-2:]
    return SquadRow(
        athlete=job.athlete, status_line=line.text, level=line.level, this_week=float(weeks["load"].iloc[-1]),
        last_week=float(weeks["load"].iloc[-2]) if len(weeks) > 1 else None, ramp=float(weeks["ramp"].iloc[-1]),
        unit=full.unit, long_run_m=float(long_runs.max()) if long_runs.max() > 0 else None,
        long_run_cap_m=caps.long_run_max_m, flags=with_silent(full.flags, silent), pain_7d=pain_7d(data.logs,
                                                                                                   job.as_of),
        next_week_max=caps.weekly_max, next_week_suggested=caps.weekly_suggested,
        days_since_data=(job.as_of - last).days,
    ), report_data


def _squad_entries(store: Store, as_of: date, *, report: bool, workers: int | None
                   ) -> list[tuple[SquadRow, ReportData | None]]:
    """Each athlete's row (and report data), most urgent first. The athletes are independent: with
    PARALLEL_FROM or more, a process pool (one worker per core, each opening the store read-only) does them."""
    import os

    from .model.squad import urgency

    jobs = [_SquadJob(store.path, name, as_of, report) for name in _squad_names(store)]
    n = min(workers if workers is not None else (os.cpu_count() or 1), len(jobs))
    pool = None
    if n >= 2 and len(jobs) >= PARALLEL_FROM:
        from .ingest import _make_pool  # the import's pool: workers ignore Ctrl-C and die with this process

        pool = _make_pool(n)
    if pool is None:
        entries = [_squad_entry_in(store, job) for job in jobs]
    else:
        with pool:
            entries = list(pool.map(_squad_entry, jobs))
    return sorted(entries, key=lambda e: urgency(e[0]))


def squad(store: Store, *, as_of: date | None = None, workers: int | None = None) -> list[SquadRow]:
    """Every athlete's row, most urgent first (`loadwatch squad`): the status line, loads, ramp, long run and
    its cap, top flag, pain, next week's caps and days since data, from the athlete's own status and plan."""
    return [row for row, _ in _squad_entries(store, evaluation_day(as_of), report=False, workers=workers)]


def set_squad_profile(store: Store, assignments: Iterable[str]) -> list[ProfileView]:
    """Set the same thresholds for every athlete (`squad --set KEY=VALUE`): each athlete's profile is checked
    with the values first (as `profile --set` checks them), and nothing is stored unless every one passes;
    then all are stored in one transaction. Personal values (HRmax, sex, ...) are refused: set them per athlete."""
    from .config import parse_assignments

    pairs = list(assignments)
    personal = sorted(set(parse_assignments(pairs)) & PERSONAL_KEYS)
    if personal:
        raise ConfigError(f"{', '.join(personal)} describe(s) one athlete, not the squad: set it per athlete with "
                          "loadwatch --athlete NAME profile --set KEY=VALUE")
    changes: dict[str, dict[str, object]] = {}
    for name in _squad_names(store):
        try:
            _, changes[name] = updated_profile(stored_profile(store.profile(name)), pairs)
        except ConfigError as err:
            raise ConfigError(f"{err} (athlete {name}); nothing was set for any athlete") from None
    store.set_profiles(changes)
    return [profile(store, name) for name in changes]


def squad_report(store: Store, path: Path | None = None, *, as_of: date | None = None, full: bool = False,
                 workers: int | None = None) -> SquadReportResult:
    """Write the squad's PDF (`report --squad`): page 1 the squad table, then each athlete's page 1 in the
    table's order (with `full`, each athlete's whole report). `path` defaults to `squad_filename` here; a
    folder gets that name inside it. The same store and options give the same bytes."""
    from .report.squad import squad_filename, write_squad_report

    as_of = evaluation_day(as_of)
    entries = _squad_entries(store, as_of, report=True, workers=workers)
    target = Path(path) if path is not None else Path.cwd() / squad_filename(as_of)
    try:
        is_dir = target.is_dir()
    except OSError:
        is_dir = False
    if is_dir:
        target = target / squad_filename(as_of)
    return write_squad_report(entries, target, as_of=as_of, full=full)


# -- the demo athlete ------------------------------------------------------------------------------
DEMO_FIRST_DAY = date(2026, 6, 29)  # Monday of ISO week 27
DEMO_LAST_DAY = date(2026, 11, 15)  # Sunday of ISO week 46: the demo's "today"
# The demo athlete's profile as sample_data/README.md states it (the Apple export's <Me> holds sex and
# birth date); set as `loadwatch profile --set` would, so TRIMP uses the real HRmax/HRrest.
DEMO_PROFILE = ("hr_max_bpm=186", "hr_rest_bpm=52", "sex=male", "birth_year=1987")
DEMO_LOG_KINDS = ("rpe", "pain", "strength")
_DEMO_WHERE = {"lower back": "lower", "upper back": "upper"}  # logs.json wording -> `log pain --where`


@dataclass(frozen=True, slots=True)
class DemoFiles:
    """Where the demo's inputs are: `devices` (the folder to import) and `logs` (logs.json)."""

    devices: Path
    logs: Path


def demo_files() -> DemoFiles:
    """The demo's files: packaged beside the code in a wheel, else `sample_data/` of the checkout."""
    here = Path(__file__).resolve().parent
    for root in (here / "sample_data", here.parent / "sample_data"):
        if (root / "devices").is_dir() and (root / "logs.json").is_file():
            return DemoFiles(root / "devices", root / "logs.json")
    raise ConfigError("the demo athlete's files are missing from this installation (sample_data/devices and "
                      "logs.json); reinstall loadwatch from a wheel or run it from a source checkout")


def read_demo_logs(path: Path) -> list[dict[str, Any]]:
    """logs.json: a list of {"kind", "day", ...payload}; ConfigError if it is not that."""
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ConfigError(f"cannot read the demo logs {path} ({err}); reinstall loadwatch") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and e.get("kind") in DEMO_LOG_KINDS and "day" in e
                                                for e in entries):
        raise ConfigError(f"{path} is not a list of rpe/pain/strength entries with a day; reinstall loadwatch")
    return entries


def _check_demo_store(store: Store, devices: Path) -> None:
    """Refuse a store that holds anything but the demo's own files: the demo must not mix into real data."""
    stored = store.known_sources()
    if not stored:
        return
    demo = {file_sha256(p) for p in devices.rglob("*") if p.is_file()}
    if stored - demo:
        raise StoreError(f"{store.path} already holds other imports; the demo needs a new or demo-only store:"
                         " give --db with a new file, or leave --db out for a temporary one")


def apply_demo_logs(store: Store, athlete: str, entries: list[dict[str, Any]], *,
                    today: date = DEMO_LAST_DAY) -> AppliedLogs:
    """Add the entries through the validated writers, as `loadwatch log rpe|pain|strength` would.

    An entry already stored identically (same day, kind and payload) is skipped, so running the demo
    twice on one store does not double its logs. Raises ConfigError on an invalid entry.
    """
    from .model.logs import parse_day
    from .model.strength import load_catalog, strength_payload

    catalog = load_catalog()
    logs = store.logs(athlete)
    seen = {(d.isoformat(), k, json.dumps(p, sort_keys=True))
            for d, k, p in zip(logs["day"], logs["kind"], logs["payload"], strict=True)}
    counts = dict.fromkeys(DEMO_LOG_KINDS, 0)
    skipped = 0
    for entry in entries:
        kind, day = entry["kind"], parse_day(entry["day"], today=today, what=f"demo {entry['kind']} date")
        if kind == "rpe":
            if any(k == "rpe" and d == day.isoformat() for d, k, _ in seen):
                skipped += 1
                continue
            log_rpe(store, athlete, day.isoformat(), entry["rpe"], today=today)
        elif kind == "pain":
            where = _DEMO_WHERE.get(entry["where"], entry["where"])
            payload = {"where": where, "level": entry["level"], "radiates": bool(entry["radiates"]),
                       "numbness": bool(entry["numbness"])}
            if (day.isoformat(), "pain", json.dumps(payload, sort_keys=True)) in seen:
                skipped += 1
                continue
            log_pain(store, athlete, day=day, where=where, level=entry["level"], radiates=entry["radiates"],
                     numbness=entry["numbness"], today=today)
        else:
            exercise = catalog.find(entry["exercise"])
            payload = strength_payload(exercise, f"{entry['sets']}x{entry['reps']}", pain=not entry["pain_free"])
            key = (day.isoformat(), "strength", json.dumps(payload, sort_keys=True))
            if key in seen:
                skipped += 1
                continue
            store.add_log(athlete, day, "strength", payload)
            seen.add(key)
        counts[kind] += 1
    return AppliedLogs(counts["rpe"], counts["pain"], counts["strength"], skipped)


def import_demo(store: Store, athlete: str = "me", *, on_progress: Progress | None = None) -> DemoResult:
    """Import the demo's device files into `store` for `athlete`, set its profile (`DEMO_PROFILE`) and
    apply its logs (`loadwatch demo`).

    Refuses (StoreError) a store holding other imports. Importing into a store that already holds the
    demo is a no-op (files already imported, identical logs skipped).
    """
    files = demo_files()
    _check_demo_store(store, files.devices)
    entries = read_demo_logs(files.logs)
    result = import_files(store, [files.devices], athlete=athlete, on_progress=on_progress)
    set_profile(store, athlete, DEMO_PROFILE)
    return DemoResult(result, apply_demo_logs(store, athlete, entries, today=DEMO_LAST_DAY))


__all__ = [
    "DEMO_FIRST_DAY",
    "DEMO_LAST_DAY",
    "DEMO_PROFILE",
    "LATEST_AS_OF",
    "AthleteData",
    "DemoFiles",
    "FolderImport",
    "apply_demo_logs",
    "athlete_data",
    "demo_files",
    "evaluation_day",
    "exercises",
    "export_csv",
    "export_json",
    "export_json_file",
    "forget",
    "forget_athlete",
    "goal_history",
    "goals",
    "import_demo",
    "import_files",
    "import_per_folder",
    "log_pain",
    "log_rpe",
    "log_strength",
    "plan",
    "profile",
    "read_demo_logs",
    "rename_athlete",
    "report",
    "sessions",
    "set_profile",
    "set_squad_profile",
    "sources",
    "squad",
    "squad_report",
    "status",
    "steps",
    "write_goals_csv",
    "write_goals_ics",
]
