"""`loadwatch squad`: every athlete of the store at a glance, most urgent first; `--set` for all of them."""

from __future__ import annotations

import click

from .. import api
from ..wording import HEALTH_NOTE
from ._common import Context, echo_json


@click.command("squad")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as a JSON list on stdout.")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="Set a threshold for every athlete at once (repeatable), e.g. --set margin=0.15; refused "
                   "as a whole if any athlete's value would be out of range.")
@click.pass_obj
def squad_command(obj: Context, as_json: bool, assignments: tuple[str, ...]) -> None:
    """Every athlete at a glance, most urgent first: a coach's view of one store.

    One row per athlete (loadwatch athletes lists them): the status line of the report's
    page 1, this week's and last week's load and the ramp, the long run (the longest of this
    and last week) against next week's cap, the most serious active flag, the highest pain
    logged in the last 7 days, next week's most and suggestion, and the days since the last
    session or step count. More than 10 days is a flag of its own (silent). The numbers are
    the athlete's own `status` and `plan` on the same --as-of.

    \b
    Order: the top flag's severity (high, caution, info, none), then pain in the last 7 days
    (higher first), then days since data (more first), then the name.

    \b
    --json prints a list of {"athlete", "severity", "status_line", "this_week", "last_week",
    "ramp", "unit", "long_run_m", "long_run_cap_m", "top_flag" (as status --json gives it, or
    null), "pain_7d", "next_week_max", "next_week_suggested", "days_since_data"}.
    """
    if assignments:
        views = api.set_squad_profile(obj.store, assignments)
        keys = ", ".join(dict.fromkeys(a.partition("=")[0].strip() for a in assignments))
        click.echo(f"Set {keys} for {len(views)} athlete(s): {', '.join(v.athlete for v in views)}.")
        return
    rows = api.squad(obj.reader, as_of=obj.today)
    if as_json:
        echo_json([r.as_json() for r in rows])
        return
    from ..model.squad import COLUMNS, cells  # pandas: loaded only when the table is drawn, not for --help

    table = [COLUMNS, *(cells(r) for r in rows)]
    widths = [max(len(line[c]) for line in table) for c in range(len(COLUMNS))]
    numeric = {2, 3, 4, 7}
    click.echo(f"Squad as of {obj.today:%a %Y-%m-%d}: {len(rows)} athlete(s), most urgent first "
               f"(load in {', '.join(sorted({r.unit for r in rows}))})")
    click.echo("")
    for line in table:
        click.echo("  ".join(cell.rjust(widths[c]) if c in numeric else cell.ljust(widths[c])
                             for c, cell in enumerate(line)).rstrip())
    flagged = [r for r in rows if r.top_flag is not None and r.severity != "info"]
    if flagged:
        click.echo("")
        click.echo("Top flags:")
        for r in flagged:
            click.echo(f"  {r.athlete}: {r.top_flag.message if r.top_flag else ''}")
    click.echo("")
    click.echo(HEALTH_NOTE)


__all__ = ["squad_command"]
