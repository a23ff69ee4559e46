"""`loadwatch athletes`: whose data the store holds, and over which days."""

from __future__ import annotations

import click

from .. import api
from ._common import Context, echo_json


@click.command("athletes")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of athletes on stdout.")
@click.pass_obj
def athletes_command(obj: Context, as_json: bool) -> None:
    """List the athletes in the store with their data range.

    One store can hold a squad: loadwatch --athlete NAME import files data under NAME, and a
    Fitabase CSV stores each of its Ids as an athlete of that name. For each athlete: the
    sessions, the days with steps, the first and last local day with a session or steps, and
    when the latest file that gave them data was imported. An athlete with only a profile or
    logs is listed with no days. Read one with loadwatch --athlete NAME (status, steps, ...).

    \b
    --json prints a list, by name, of {"athlete", "sessions", "step_days", "first_day",
    "last_day" (YYYY-MM-DD or null), "last_import" (ISO time, UTC, or null)}.
    """
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
