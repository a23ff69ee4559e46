"""`loadwatch report`: the six-page PDF (this week, weekly load, fitness/form, steps, plan, method card)."""

from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..units import METRICS
from ._common import Context


@click.command("report")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None, metavar="FILE.pdf",
              help="Where to write the PDF (a folder takes the default name). "
                   "Default: loadwatch-ATHLETE-YYYY-Www.pdf in the current folder.")
@click.option("--weeks", default=12, show_default=True, type=click.IntRange(1, 520),
              help="How many ISO weeks the charts show, ending with this week.")
@click.option("--metric", type=click.Choice(METRICS), default="trimp", show_default=True,
              help="The load series: Banister TRIMP, session-RPE, minutes, km or daily steps.")
@click.option("--squad", is_flag=True,
              help="One PDF for the coach's week: the squad table, then each athlete's page 1, most urgent first.")
@click.option("--full", is_flag=True, help="With --squad: each athlete's whole report instead of page 1.")
@click.pass_obj
def report_command(obj: Context, output: Path | None, weeks: int, metric: str, squad: bool, full: bool) -> None:
    """Write the load report PDF and print its path and the status line.

    \b
    Pages: 1 this week at a glance (status line, key numbers, flags, next week's caps);
    2 weekly load and ramp; 3 fitness, fatigue and form (ACWR as context); 4 steps and goals;
    5 next week's plan (runs, strength, stretches); 6 method card and data quality.
    The same store and options give a byte-identical PDF (its dates are the --as-of day).

    \b
    --squad: every athlete of the store (loadwatch squad): page 1 the squad table (the
    colours of page 1's status band and flags), then each athlete's page 1 in the table's
    order; --full adds each athlete's whole report instead. Default file:
    loadwatch-squad-YYYY-Www.pdf. The athletes' pages use the defaults (12 weeks, TRIMP).
    """
    if full and not squad:
        raise click.UsageError("--full goes with --squad (a single report is always full)")
    if squad:
        if weeks != 12 or metric != "trimp":
            raise click.UsageError("--squad uses the defaults (--weeks 12, --metric trimp), as loadwatch squad does")
        made = api.squad_report(obj.reader, output, as_of=obj.today, full=full)
        click.echo(f"Wrote {made.path} ({made.pages} pages: the squad table and {len(made.athletes)} athlete(s))")
        return
    result = api.report(obj.reader, obj.athlete, output, as_of=obj.today, weeks=weeks, metric=metric)
    click.echo(f"Wrote {result.path} ({result.pages} pages)")
    click.echo(result.summary)
