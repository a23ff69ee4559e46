"""`loadwatch sources`, `forget` and `export`: see what is stored, remove a part, take it all out."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import pandas as pd

from ..errors import ConfigError
from ..export import export_csv, export_json
from ..store import ForgetOutcome, Store
from . import cli
from ._common import Context, echo_json


@cli.command("sources")
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
    frame = obj.store.sources()
    rows = [_source_json(r) for r in frame.to_dict("records")]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No files imported yet. Import some: loadwatch import PATH")
        return
    click.echo(f"{'sha256':<12} {'status':<9} {'format':<12} {'sessions':>8} {'dups':>5} {'days':>6}  path")
    for r in rows:
        click.echo(f"{r['sha256'][:12]:<12} {r['status']:<9} {r['format'] or '-':<12} {r['n_sessions']:>8} "
                   f"{r['n_duplicates']:>5} {r['n_days']:>6}  {r['path']}"
                   + (f"  ({r['error']})" if r.get("error") else ""))
    click.echo(f"{len(rows)} file(s).")


def _source_json(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: (None if _isna(v) else v) for k, v in row.items()}
    for key in ("size_bytes", "n_records", "n_sessions", "n_duplicates", "n_days"):
        out[key] = 0 if out[key] is None else int(out[key])
    out["warnings"] = json.loads(out["warnings"]) if out["warnings"] else []
    return out


def _isna(value: Any) -> bool:
    return not isinstance(value, (list, dict, str)) and bool(pd.isna(value))


@cli.command("forget")
@click.argument("ref", metavar="SOURCE_OR_SESSION")
@click.option("--dry-run", is_flag=True, help="Show what would be removed, remove nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print what was removed as JSON on stdout.")
@click.pass_obj
def forget_command(obj: Context, ref: str, dry_run: bool, as_json: bool) -> None:
    """Remove one imported file, or one session, and what came only from it.

    SOURCE_OR_SESSION is a file's sha256 prefix (6+ hex digits, from `loadwatch sources`), its
    path as imported, or a session id (from `loadwatch sessions --json`). Forgetting a file
    removes its sessions and daily steps; a session that another file also holds stays, now
    credited to that file. Forgetting a session removes it but keeps its file in the ledger, so
    re-importing the file does not bring it back. One transaction: all of it or nothing.

    \b
    --json prints {"dry_run", "sources": [paths], "sessions_removed", "sessions_kept", "days_changed"}.
    """
    store = obj.store
    outcome = _forget(store, ref, dry_run)
    if as_json:
        echo_json({"dry_run": dry_run, "sources": outcome.sources, "sessions_removed": outcome.sessions_removed,
                   "sessions_kept": outcome.sessions_kept, "days_changed": outcome.days_changed})
        return
    verb = "Would forget" if dry_run else "Forgot"
    what = f"{len(outcome.sources)} file(s)" if outcome.sources else "session " + ref.lstrip("#")
    click.echo(f"{verb} {what}: {outcome.sessions_removed} session(s) removed, {outcome.sessions_kept} kept "
               f"(also in another file), {outcome.days_changed} day(s) of steps changed.")
    for path in outcome.sources:
        click.echo(f"  {path}")


def _forget(store: Store, ref: str, dry_run: bool) -> ForgetOutcome:
    ref = ref.strip()
    session_id = int(ref.lstrip("#")) if ref.lstrip("#").isdigit() and len(ref.lstrip("#")) < 12 else None
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


@cli.command("export")
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
    store = obj.store
    if json_out is not None:
        if str(json_out) == "-":
            export_json(store, sys.stdout)
        else:
            try:
                with json_out.open("w", encoding="utf-8") as fh:
                    counts = export_json(store, fh)
            except OSError as err:
                raise ConfigError(f"{json_out}: cannot write the export ({err.strerror})") from err
            click.echo(f"Wrote {json_out}: {_counts(counts)}.")
    if csv_dir is not None:
        try:
            counts = export_csv(store, csv_dir)
        except OSError as err:
            raise ConfigError(f"{csv_dir}: cannot write the export ({err.strerror})") from err
        click.echo(f"Wrote {len(counts)} CSV files to {csv_dir}: {_counts(counts)}.",
                   err=json_out is not None and str(json_out) == "-")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in counts.items())
