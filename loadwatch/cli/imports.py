"""`loadwatch import`, `sessions` and `steps`: getting data in and seeing what is stored."""

from __future__ import annotations

import shlex
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from .. import api
from ..errors import NoData
from ..importers.base import COLUMN_MAP_KEYS
from ..models import ImportResult
from ..wording import hms, number
from ._common import Context, echo_json


def _parse_map(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dict[str, str] | None:
    if not value:
        return None
    mapping: dict[str, str] = {}
    for part in value.split(","):
        key, sep, col = part.partition("=")
        if not sep or key.strip().lower() not in COLUMN_MAP_KEYS or not col.strip():
            raise click.BadParameter("use --map date=COL,steps=COL (optionally device=COL, order=dmy|mdy)")
        mapping[key.strip().lower()] = col.strip()
    return mapping


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object on stdout.")
@click.option("--dry-run", is_flag=True, help="Read and check everything, store nothing.")
@click.option("--strict", is_flag=True, help="Reject truncated files and files with a wrong checksum.")
@click.option("--map", "column_map", callback=_parse_map, metavar="date=COL,steps=COL",
              help="For a CSV step log whose columns loadwatch cannot tell: which column is which "
                   "(also device=COL, and order=dmy|mdy for dates like 03/04/2024).")
@click.option("--clock-date", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="The day of sessions recorded by a watch whose clock was never set (their day is unknown "
                   "and they are held back without this); their time of day is the watch's.")
@click.option("--per-folder", is_flag=True,
              help="PATH is a squad's folder: each folder directly under it is one athlete, named after the "
                   "folder, holding that athlete's files and exports (ROOT/anna/..., ROOT/ben/...).")
@click.pass_obj
def import_command(obj: Context, paths: tuple[Path, ...], as_json: bool, dry_run: bool, strict: bool,
                   column_map: dict[str, str] | None, clock_date: Any, per_folder: bool) -> None:
    """Import FIT/GPX/TCX files, folders and whole exports into the store.

    PATHS may be files (.fit, .fit.gz, .gpx, .tcx, .tcx.gz, Apple export.xml, Google Fit
    Takeout and Fitbit step files, CSV step logs), folders (searched recursively) or export
    archives (Garmin account export: its FIT files and its daily step summaries, Strava bulk
    export, Apple Health export.zip). Formats are
    recognised by content, not by name. Importing the same file twice does nothing; the same
    session reached through two files, or recorded twice (a watch and a phone), is stored once
    with the better recording's values (heart rate, then more of it, then longer); a note says which.

    \b
    Exit codes: 0 nothing failed (duplicates and skipped files are fine);
                3 some files failed, the others' data is in the store;
                1 files failed and nothing was imported; 2 usage error.

    A file can hold other athletes' data: a Fitabase CSV stores each Id as an athlete of
    that name. The summary then names them; read one with --athlete ID (e.g. loadwatch
    --athlete 1503960366 steps) and list them all with loadwatch athletes.

    \b
    --json prints {"imported": n, "duplicates": n, "already_imported": n, "skipped": n,
                   "failed": n, "dry_run": bool,
                   "athletes": {name: {"sessions": n, "days": n}},
                   "files": [{"path", "status", "sessions", "days", "error", ...}]}
    "athletes": whose data this import stored: new sessions and distinct days of steps
    per athlete (the --athlete given, or the Ids of a Fitabase file).

    \b
    --per-folder ROOT: each folder directly under ROOT is imported for the athlete named
    after it (the global --athlete does not apply); the summary says what each athlete
    received, and --json's "athletes" lists every folder's athlete (0 and 0 when all of its
    files were imported before), plus "left_out": the files directly under ROOT, not imported.
    """
    show_bar = not as_json and sys.stderr.isatty()
    bar: Any = None

    def progress(done: int, total: int, label: str) -> None:
        nonlocal bar
        if not show_bar or total < 2:
            return
        if bar is not None and bar.length != total:  # --per-folder: the next athlete's folder
            bar.__exit__(None, None, None)
            bar = None
        if bar is None:
            bar = click.progressbar(length=total, label="Importing", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    options: dict[str, object] = {"column_map": column_map} if column_map else {}
    if clock_date is not None:
        options["clock_date"] = clock_date.date()
    if per_folder and len(paths) != 1:
        raise click.UsageError("--per-folder takes one ROOT: the folder that holds one folder per athlete")
    squad = None
    try:
        if per_folder:
            squad = api.import_per_folder(obj.store, paths[0], strict=strict, dry_run=dry_run, on_progress=progress,
                                          options=options)
            result = squad.result
        else:
            result = api.import_files(obj.store, paths, athlete=obj.athlete, strict=strict, dry_run=dry_run,
                                      on_progress=progress, options=options)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if as_json:
        echo_json(squad.as_json() if squad is not None else result.as_json())
    elif squad is not None:
        print_summary(result, athlete=None)
        print_received(squad)
    else:
        print_summary(result, athlete=obj.athlete)
    if result.nothing_found:
        shown = ", ".join(str(p) for p in paths)
        raise NoData(f"no files found in {shown}; point loadwatch at a file, a folder of files or an export archive")
    sys.exit(exit_code(result))


def exit_code(result: ImportResult) -> int:
    """0 nothing failed; with failures: 3 when other files' data is in the store, 1 when none is."""
    if not result.failed:
        return 0
    return 3 if result.in_store else 1


NOTES_SHOWN = 20  # duplicate sessions named one by one; the rest are counted


def print_summary(result: ImportResult, *, athlete: str | None = "me") -> None:
    """The per-file errors and warnings on stderr, then one line of counts, then whom else's data was
    stored (a Fitabase cohort) and how to read it (athlete None: a squad's import, see `print_received`)."""
    for f in result.files:
        if f.status == "failed":
            click.echo(f"Error: {f.path}: {f.error}", err=True)
        elif f.status == "recovered":
            click.echo(f"Warning: {f.path}: truncated; imported the {f.sessions} session(s) readable before "
                       "the cut (use --strict to reject such files)", err=True)
        for w in f.warnings if f.status != "recovered" else []:
            click.echo(f"Warning: {f.path}: {w}", err=True)
    notes = [(f.path, n) for f in result.files for n in f.notes]
    for path, note in notes[:NOTES_SHOWN]:
        click.echo(f"Note: {path}: {note}", err=True)
    if len(notes) > NOTES_SHOWN:
        click.echo(f"Note: {len(notes) - NOTES_SHOWN} more duplicate session(s) like these (--json lists them all)",
                   err=True)
    counts = result.as_json()
    prefix = "Dry run, nothing stored: would import" if result.dry_run else "Imported"
    click.echo(
        f"{prefix} {counts['imported']} file(s) ({result.sessions} new session(s), {result.days} day(s) of steps); "
        f"{counts['already_imported']} already imported, {counts['duplicates']} duplicate(s), "
        f"{counts['skipped']} skipped, {counts['failed']} failed."
    )
    if result.duplicate_sessions:
        click.echo(f"{result.duplicate_sessions} session(s) were already stored from another file and were not"
                   " added again.")
    if athlete is not None:
        _print_athletes(result, athlete)


def print_received(squad: api.FolderImport) -> None:
    """What each athlete of a --per-folder import received, one line each, and the files left out."""
    received = squad.received
    width = max(len(name) for name in received)
    verb = "would receive" if squad.result.dry_run else "received"
    click.echo(f"{len(received)} athlete(s) {verb}:")
    for name, got in received.items():
        where = "" if name in squad.folders else "  (named inside a file)"
        click.echo(f"  {name:<{width}}  {got['sessions']:>6,} new session(s)  {got['days']:>6,} day(s) of steps{where}")
    if squad.left_out:
        shown = ", ".join(squad.left_out[:5]) + (f" and {len(squad.left_out) - 5} more" if len(squad.left_out) > 5
                                                 else "")
        click.echo(f"Left out {len(squad.left_out)} file(s) directly under the folder (no athlete's folder): {shown}. "
                   "Move each into its athlete's folder and import again.")
    click.echo("See them all with: loadwatch squad")


ATHLETES_SHOWN = 8  # names listed after an import that stored other athletes' data; `loadwatch athletes` has all


def _print_athletes(result: ImportResult, athlete: str) -> None:
    received = result.athletes
    others = [name for name in received if name != athlete]
    if not others:
        return

    def share(name: str) -> str:
        got = received[name]
        parts = [f"{got['sessions']:,} session(s)"] if got["sessions"] else []
        parts += [f"{got['days']:,} days of steps"] if got["days"] else []
        return f"{name} ({', '.join(parts)})"

    listed = ", ".join(share(name) for name in others[:ATHLETES_SHOWN])
    more = f" and {len(others) - ATHLETES_SHOWN} more" if len(others) > ATHLETES_SHOWN else ""
    verb = "Would store for" if result.dry_run else "Stored for"
    besides = f" besides {athlete}" if athlete in received else f", not for {athlete}"
    plural = "s" if len(others) != 1 else ""
    click.echo(f"{verb} {len(others)} other athlete{plural}{besides}: {listed}{more}.")
    example = others[0]
    what = "steps" if received[example]["days"] else "sessions"
    click.echo(f"Read one with --athlete, e.g. loadwatch --athlete {shlex.quote(example)} {what}; list them all with "
               "loadwatch athletes.")


def _since_option(fn: Any) -> Any:
    return click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
                        help="Only from this local date on (YYYY-MM-DD).")(fn)


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.command("sessions")
@_since_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of sessions on stdout.")
@click.pass_obj
def sessions_command(obj: Context, since: datetime | None, as_json: bool) -> None:
    """List stored sessions: local start, sport, duration, distance, average HR, load and its source.

    \b
    --json prints a list, oldest first, of {"id", "start_utc", "utc_offset_s", "local_start",
    "sport", "sub_sport", "duration_s", "moving_s", "distance_m", "ascent_m", "avg_hr",
    "max_hr", "steps", "calories", "device", "rpe", "recovered", "source", "load",
    "load_source", "offset_from", "loads"}.
    load: the session's load in TRIMP units; load_source: what it rests on, the first available
    of heart rate, power, pace, RPE, duration (profile load_priority changes the order): "trimp"
    (heart rate), "power" (running or cycling power against critical power), "pace" (grade-
    adjusted pace against critical speed), "srpe" (RPE x moving minutes: yours from log rpe,
    else the watch's), "duration" (moving minutes at a moderate effort); "hr+power", "hr+pace",
    "hr+rpe" or "hr+duration": heart rate for under 3/4 of the moving time, TRIMP for the
    covered part plus that source for the rest. Power and pace are mapped to TRIMP per athlete
    (status notes say how). loads: every source the session allows, in TRIMP, e.g. {"hr": 81.2,
    "pace": 77.9, "duration": 72.0} ("hr+pace" for a partial heart rate), to compare them.
    offset_from: where utc_offset_s comes from: "file" (the device), "profile" (GPX/TCX carry
    UTC only: the profile's time_zone), "nearest" (no time zone set: your nearest FIT or
    Apple session's offset) or "utc" (neither).
    """
    rows = api.sessions(obj.reader, obj.athlete, since=_day(since))
    if as_json:
        echo_json([r.as_json() for r in rows])
        return
    if not rows:
        click.echo("No sessions stored yet. Import some: loadwatch import PATH")
        return
    click.echo(f"{'local start':<17} {'sport':<16} {'duration':>8} {'km':>7} {'avg HR':>6} {'load':>6}  source")
    for r in rows:
        km = "" if r.distance_m is None else number(r.distance_m / 1000, ".2f")
        hr = "" if r.avg_hr is None else f"{r.avg_hr:.0f}"
        load = "" if r.load is None else f"{r.load:.0f}"
        click.echo(f"{r.local_start:%Y-%m-%d %H:%M} {r.sport[:16]:<16} {hms(r.duration_s):>8} {km:>7} {hr:>6}"
                   f" {load:>6}  {r.load_source or ''}".rstrip())
    click.echo(f"{len(rows)} session(s).")


@click.command("steps")
@_since_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of days on stdout.")
@click.pass_obj
def steps_command(obj: Context, since: datetime | None, as_json: bool) -> None:
    """List daily steps: one row per local day, from the day's primary source.

    When several sources report the same day (a watch and a phone), the watch counts over the
    phone and a manual entry only fills gaps: totals are never summed across sources.

    \b
    --json prints a list of {"day", "steps", "source"}.
    """
    days = api.steps(obj.reader, obj.athlete, since=_day(since))
    if as_json:
        echo_json([d.as_json() for d in days])
        return
    if not days:
        click.echo("No daily steps stored yet. Import a watch or phone export: loadwatch import PATH")
        return
    click.echo(f"{'day':<10} {'steps':>7}  source")
    for d in days:
        click.echo(f"{d.day.isoformat():<10} {d.steps:>7,}  {d.source}")
    click.echo(f"{len(days)} day(s).")
