"""`loadwatch athletes`: whose data the store holds, and over which days."""

from __future__ import annotations

import click

from .. import api
from ._common import Context, echo_json


@click.command("athletes")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of athletes on stdout.")
@click.option("--rename", nargs=2, metavar="OLD NEW", default=None,
              help="Rename athlete OLD to NEW in every table, in one transaction (refused if NEW exists).")
@click.pass_obj
def athletes_command(obj: Context, as_json: bool, rename: tuple[str, str] | None) -> None:
    """List the athletes in the store with their data range.

    One store can hold a squad: loadwatch --athlete NAME import files data under NAME, and a
    Fitabase CSV stores each of its Ids as an athlete of that name. For each athlete: the
    sessions, the days with steps, the first and last local day with a session or steps, and
    when the latest file that gave them data was imported. An athlete with only a profile or
    logs is listed with no days. Read one with loadwatch --athlete NAME (status, steps, ...).

    \b
    --json prints a list, by name, of {"athlete", "sessions", "step_days", "first_day",
    "last_day" (YYYY-MM-DD or null), "last_import" (ISO time, UTC, or null)}.

    --rename OLD NEW gives OLD's sessions, steps, logs, profile and files the name NEW, all
    at once; NEW must not exist (a rename never merges two athletes). Forget one athlete's
    data with loadwatch forget --athlete NAME.
    """
    if rename:
        changed = api.rename_athlete(obj.store, *rename)
        if as_json:
            echo_json({"renamed": list(rename), "rows": changed})
        else:
            counts = ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in changed.items())
            click.echo(f"Renamed {rename[0]} to {rename[1]} ({counts} row(s)).")
        return
    rows = api.athletes(obj.reader)
    if as_json:
        echo_json([r.as_json() for r in rows])
        return
    if not rows:
        click.echo("No athletes in this store yet. Import some data: loadwatch import PATH")
        return
    width = max(12, *(len(r.athlete) for r in rows))
    click.echo(f"{'athlete':<{width}} {'sessions':>8} {'step days':>9} {'first day':<10} {'last day':<10}  last import")
    for r in rows:
        first = r.first_day.isoformat() if r.first_day else "-"
        last = r.last_day.isoformat() if r.last_day else "-"
        click.echo(f"{r.athlete:<{width}} {r.sessions:>8,} {r.step_days:>9,} {first:<10} {last:<10}  "
                   f"{r.last_import or '-'}")
    click.echo(f"{len(rows)} athlete(s). Read one with: loadwatch --athlete ID status (or steps, sessions, report).")


__all__ = ["athletes_command"]
