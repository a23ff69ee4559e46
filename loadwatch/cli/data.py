"""`loadwatch sources`, `forget` and `export`: see what is stored, remove a part, take it all out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import api
from ._common import Context, echo_json


@click.command("sources")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of imported files on stdout.")
@click.pass_obj
def sources_command(obj: Context, as_json: bool) -> None:
    """List every imported file (and archive member) with its status and what it added.

    Status is imported, recovered (a truncated file's readable part), skipped (recognised but
    nothing to import) or archive (a whole export, remembered so a re-import is instant).

    \b
    --json prints a list of {"sha256", "path", "format", "size_bytes", "imported_at", "status",
    "error" (why a file was skipped), "athlete", "n_records", "n_sessions", "n_duplicates",
    "n_days", "warnings"}.
    """
    rows = api.sources(obj.reader)
    if as_json:
        echo_json([r.as_json() for r in rows])
        return
    if not rows:
        click.echo("No files imported yet. Import some: loadwatch import PATH")
        return
    click.echo(f"{'sha256':<12} {'status':<9} {'format':<12} {'sessions':>8} {'dups':>5} {'days':>6}  path")
    for r in rows:
        click.echo(f"{r.sha256[:12]:<12} {r.status:<9} {r.format or '-':<12} {r.n_sessions:>8} "
                   f"{r.n_duplicates:>5} {r.n_days:>6}  {r.path}" + (f"  ({r.error})" if r.error else ""))
    click.echo(f"{len(rows)} file(s).")


@click.command("forget")
@click.argument("ref", metavar="SOURCE_OR_SESSION", required=False)
@click.option("--athlete", "athlete", metavar="NAME", default=None,
              help="Forget everything of one athlete instead: sessions, steps, logs, profile, their files.")
@click.option("--dry-run", is_flag=True, help="Show what would be removed, remove nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print what was removed as JSON on stdout.")
@click.pass_obj
def forget_command(obj: Context, ref: str | None, athlete: str | None, dry_run: bool, as_json: bool) -> None:
    """Remove one imported file, or one session, and what came only from it.

    SOURCE_OR_SESSION is a file's sha256 prefix (6+ hex digits, from `loadwatch sources`), its
    path as imported, or a session id (from `loadwatch sessions --json`). Forgetting a file
    removes its sessions and daily steps; a session that another file also holds stays, now
    credited to that file. Forgetting a session removes it but keeps its file in the ledger, so
    re-importing the file does not bring it back. One transaction: all of it or nothing.

    \b
    --json prints {"dry_run", "sources": [paths], "sessions_removed", "sessions_kept", "days_changed"}.

    forget --athlete NAME removes everything of one athlete, in one transaction: sessions,
    daily steps, logs and profile; a file that held only their data leaves the ledger (import
    it again to bring it back), a file that also holds another athlete's data keeps that.
    --dry-run shows the counts and removes nothing.

    \b
    --athlete --json prints {"athlete", "dry_run", "sessions", "step_rows", "step_days", "logs",
    "profile_keys", "sources_removed": [paths], "sources_kept": [paths]}.
    """
    if athlete is not None:
        if ref is not None:
            raise click.UsageError("give either SOURCE_OR_SESSION or --athlete NAME, not both")
        gone = api.forget_athlete(obj.store, athlete, dry_run=dry_run)
        if as_json:
            echo_json(gone.as_json())
            return
        verb = "Would forget" if dry_run else "Forgot"
        click.echo(f"{verb} athlete {gone.athlete}: {gone.sessions:,} session(s), {gone.step_days:,} day(s) of steps "
                   f"({gone.step_rows:,} row(s)), {gone.logs:,} log(s), {gone.profile_keys:,} profile value(s); "
                   f"{len(gone.sources_removed):,} file(s) leave the ledger, {len(gone.sources_kept):,} kept (they "
                   "hold another athlete's data).")
        for path in gone.sources_kept:
            click.echo(f"  kept: {path}")
        return
    if ref is None:
        raise click.UsageError("give SOURCE_OR_SESSION (a sha256 prefix, a path or a session id) or --athlete NAME")
    outcome = api.forget(obj.store, ref, dry_run=dry_run)
    if as_json:
        echo_json(outcome.as_json())
        return
    verb = "Would forget" if dry_run else "Forgot"
    what = f"{len(outcome.sources)} file(s)" if outcome.sources else "session " + ref.strip().lstrip("#")
    click.echo(f"{verb} {what}: {outcome.sessions_removed} session(s) removed, {outcome.sessions_kept} kept "
               f"(also in another file), {outcome.days_changed} day(s) of steps changed.")
    for path in outcome.sources:
        click.echo(f"  {path}")


@click.command("export")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              metavar="FILE|-", help="Write everything as one JSON document to FILE (- for stdout).")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write one CSV per table into DIR (created if missing).")
@click.pass_obj
def export_command(obj: Context, json_out: Path | None, csv_dir: Path | None) -> None:
    """Write everything stored out: sessions, daily steps, logs, profile and the import ledger.

    Every athlete in the store is included. CSV text cells that a spreadsheet would run as a
    formula (starting with = + - @, tab or CR) get a leading ' so opening the file is safe.

    \b
    JSON: {"format": "loadwatch-export", "version": 1, "loadwatch", "exported_at",
           "sources": [...], "sessions": [...], "session_sources": [...],
           "daily_steps": [...], "logs": [...], "profile": [...]}
    CSV:  DIR/sources.csv, sessions.csv, session_sources.csv, daily_steps.csv, logs.csv, profile.csv
    """
    if json_out is None and csv_dir is None:
        raise click.UsageError("give --json FILE (or - for stdout) and/or --csv DIR")
    to_stdout = json_out is not None and str(json_out) == "-"
    if json_out is not None:
        if to_stdout:
            api.export_json(obj.reader, sys.stdout)
        else:
            counts = api.export_json_file(obj.reader, json_out)
            click.echo(f"Wrote {json_out}: {_counts(counts)}.")
    if csv_dir is not None:
        counts = api.export_csv(obj.reader, csv_dir)
        click.echo(f"Wrote {len(counts)} CSV files to {csv_dir}: {_counts(counts)}.", err=to_stdout)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in counts.items())
