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
@click.pass_obj
def report_command(obj: Context, output: Path | None, weeks: int, metric: str) -> None:
    """Write the load report PDF and print its path and the status line.

    \b
    Pages: 1 this week at a glance (status line, key numbers, flags, next week's caps);
    2 weekly load and ramp; 3 fitness, fatigue and form (ACWR as context); 4 steps and goals;
    5 next week's plan (runs, strength, stretches); 6 method card and data quality.
    The same store and options give a byte-identical PDF (its dates are the --as-of day).
    """
    result = api.report(obj.reader, obj.athlete, output, as_of=obj.today, weeks=weeks, metric=metric)
    click.echo(f"Wrote {result.path} ({result.pages} pages)")
    click.echo(result.summary)
