"""`loadwatch demo`: the bundled athlete end to end (import, logs, status, report) in a store of its own."""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path

import click
from click.core import ParameterSource

from .. import api
from ..store import Store
from ._common import Context
from .imports import print_summary
from .status import print_status

DEFAULT_PDF = "loadwatch-demo.pdf"


def _demo_db(ctx: click.Context, own: Path | None) -> tuple[Path, bool]:
    """The store the demo writes: `demo --db`, else a global --db typed on the command line, else a new
    temporary file. LOADWATCH_DB and the default store are never used. Returns (path, is_temporary)."""
    parent = ctx.find_root()
    typed = parent.get_parameter_source("db_path") == ParameterSource.COMMANDLINE
    glob: Path | None = parent.params.get("db_path") if typed else None
    if own is not None and glob is not None and Path(own).resolve() != Path(glob).resolve():
        raise click.UsageError(f"two stores given: --db {glob} before demo and --db {own} after it; give one")
    chosen = own or glob
    if chosen is not None:
        return Path(chosen), False
    return Path(tempfile.mkdtemp(prefix="loadwatch-demo-")) / "demo.sqlite", True


@click.command("demo")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=Path(DEFAULT_PDF),
              show_default=True, metavar="FILE.pdf",
              help="Where to write the demo's report (a folder gets loadwatch-demo.pdf).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Keep the demo store in this file (new, or one an earlier demo made). "
                   "Default: a new temporary file.")
@click.pass_context
def demo_command(ctx: click.Context, output: Path, db_path: Path | None) -> None:
    """Try loadwatch on a bundled, made-up runner: import, status and the PDF report, no input needed.

    Twenty weeks of Garmin FIT runs and all-day steps plus an iPhone's Apple Health export (synthetic:
    no real person), ending Sunday 2026-11-15: a +38 % week, a 21 km run 40 % longer than any of
    the month before, then lower-back pain. The demo imports them into a store of its own, adds the
    RPE, pain and strength logs as `loadwatch log` would, prints the import summary and the status as
    of 2026-11-15 (or the global --as-of), and writes the report.

    \b
    The store: `demo --db FILE` or `loadwatch --db FILE demo` (the same); without either, a new
    temporary file. The demo never uses LOADWATCH_DB or your default store, and refuses a store that
    holds other imports. Running it again on its own store adds nothing twice.
    """
    obj: Context = ctx.obj
    as_of = obj.as_of or api.DEMO_LAST_DAY
    path, temporary = _demo_db(ctx, db_path)
    if output.is_dir():
        output = output / DEFAULT_PDF
    with Store(path) as store:
        result = api.import_demo(store, obj.athlete)
        click.echo(f"Demo athlete imported into {'a temporary store ' if temporary else ''}{path}")
        print_summary(result.imported, athlete=obj.athlete)
        logs = result.logs
        again = f" ({logs.skipped} already there)" if logs.skipped else ""
        click.echo(f"Logged {logs.rpe} RPE(s), {logs.pain} day(s) of pain and {logs.strength} strength exercise(s)"
                   f"{again}; the store holds {len(api.sessions(store, obj.athlete))} sessions and"
                   f" {len(api.steps(store, obj.athlete))} days of steps.")
        click.echo("")
        print_status(api.status(store, obj.athlete, as_of=as_of))
        click.echo("")
        report = api.report(store, obj.athlete, output, as_of=as_of)
    click.echo(f"Wrote {report.path} ({report.pages} pages)")
    click.echo(report.summary)
    look = ["loadwatch", "--db", str(path)]
    if obj.athlete != "me":
        look += ["--athlete", obj.athlete]
    look += ["--as-of", as_of.isoformat()]
    prefix = shlex.join(look)
    click.echo("")
    click.echo("Look around the demo store:")
    for command in ("plan", "goals", "sessions", "report -o demo-again.pdf"):
        click.echo(f"  {prefix} {command}")
    click.echo("Then your own data (into your default store):")
    click.echo("  loadwatch import YOUR_EXPORT.zip")
    click.echo("  loadwatch status")
