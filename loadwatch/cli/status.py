"""`loadwatch status`: this week against the last and the 4-week mean, the weekly table, the flags."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .. import api
from ..units import METRICS
from ..wording import HEALTH_NOTE, MISSING, finite, km, number, pct
from ._common import Context, echo_json

if TYPE_CHECKING:
    from ..model.status import Status


@click.command("status")
@click.option("--weeks", default=12, show_default=True, type=click.IntRange(1, 520),
              help="How many ISO weeks (Monday-Sunday) to show, ending with this week.")
@click.option("--metric", type=click.Choice(METRICS), default="trimp", show_default=True,
              help="The load series: Banister TRIMP, session-RPE, minutes, km or daily steps.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON object on stdout.")
@click.pass_obj
def status_command(obj: Context, weeks: int, metric: str, as_json: bool) -> None:
    """This week against last week and the 4-week mean, a weekly table and the active flags.

    Flags come most serious first (high, caution, info); then the assumptions made (notes).
    With --as-of, only data up to that day counts.

    \b
    --json prints {"metric", "unit", "as_of", "weeks": [{"week", "load", "ramp", "ramp_4wk", "acwr",
                   "ctl", "atl", "tsb", "monotony", "strain", "long_run_m", "steps", ...}],
                   "flags": [{"rule", "severity", "day", "value", "threshold", "message", "evidence",
                              "limit", "limit_unit", "limit_of"}],
                   "notes": [...]}   (changes are fractions: 0.32 = +32 %; NaN is null)
    limit: the number the flag tells you to stay at or under, the one `plan` obeys; limit_unit
    "m" for a distance, else the metric's unit (TRIMP, ...); limit_of "long_run" (the next long
    run) or "week" (the next 7 days); all three null where a flag advises no number.
    acwr: the EWMA acute:chronic ratio averaged over the 7 days to the week's last day; tsb: form,
    yesterday's ctl - atl (TrainingPeaks, GoldenCheetah); load: a day with an unknown load (steps:
    no count; srpe: a session without RPE) counts as the week's average known day; strain is null
    where monotony is. Each session's load, load_source (trimp, power, pace, srpe, duration,
    hr+power, hr+pace, hr+rpe, hr+duration) and loads by source: `loadwatch sessions --json`.
    """
    status = api.status(obj.reader, obj.athlete, as_of=obj.today, weeks=weeks, metric=metric)
    if as_json:
        echo_json(status.as_json())
    else:
        print_status(status)


def print_status(status: Status) -> None:
    """The status as text: the headline numbers, the weekly table, the flags and the notes."""
    weeks = status.weeks
    this = weeks.iloc[-1]
    partial = this["days"] < 7
    so_far = f", {int(this['days'])} of 7 days so far" if partial else ""
    click.echo(f"Status as of {status.as_of:%a %Y-%m-%d} (load in {status.unit}{so_far})")
    line = f"This week{' so far' if partial else ''}: {number(this['load'], '.0f')} {status.unit}"
    if len(weeks) > 1:
        line += f"; last week {number(weeks.iloc[-2]['load'], '.0f')} ({pct(this['ramp'])})"
    if finite(this["base_4wk"]) and this["base_4wk"] > 0:
        line += f"; 4-week mean {this['base_4wk']:.0f} ({pct(this['ramp_4wk'])})"
    click.echo(line)
    click.echo("")
    click.echo(f"{'Week of':<11} {'Load':>7} {'Ramp':>6} {'Long run':>9} {'ACWR':>5} {'Form':>6} {'Monot.':>6}"
               f" {'Steps':>8}")
    for monday, row in weeks.iterrows():
        long_run = km(row["long_run_m"]) if row["long_run_m"] > 0 else MISSING
        mark = "*" if row["days"] < 7 and monday == weeks.index[-1] else " "
        click.echo(f"{monday:%Y-%m-%d}{mark}{number(row['load'], '.0f'):>8} {pct(row['ramp']):>6} {long_run:>9}"
                   f" {number(row['acwr'], '.2f'):>5} {number(row['tsb'], '.0f'):>6}"
                   f" {number(row['monotony'], '.1f'):>6} {number(row['steps'], ',.0f'):>8}")
    if this["days"] < 7:
        click.echo("* week in progress: its load and ramp are so far")
    click.echo("")
    if status.flags:
        click.echo("Flags (most serious first):")
        for flag in status.flags:
            click.echo(f"  {flag.severity.upper():<8}{flag.message}")
    else:
        click.echo("No flags: nothing in the last two weeks looks like too much too soon.")
    if status.notes:
        click.echo("")
        click.echo("Notes:")
        for note in status.notes:
            click.echo(f"  - {note.text}")
    click.echo("")
    click.echo(HEALTH_NOTE)
