"""The `loadwatch` command: a thin click layer over the library, and the only code that prints.

Every command module below registers on `cli`; each command calls one library function a
notebook could call too. LoadwatchError becomes one line `Error: ...` on stderr here, never a
traceback.
"""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..errors import LoadwatchError
from ._common import HEALTH_NOTE, Context, default_db_path

EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 error (nothing could be done); 2 usage error; "
    "3 import finished but some files failed; 130 interrupted (Ctrl-C)."
)


class _Group(click.Group):
    """Turns loadwatch's own errors and Ctrl-C into one clear line and a documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LoadwatchError as err:
            raise _Failure(str(err), err.exit_code) from None
        except KeyboardInterrupt:
            click.echo("Interrupted; every file already imported is whole, nothing partial was stored.",
                       err=True)
            ctx.exit(130)


class _Failure(click.ClickException):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.exit_code = code


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=EXIT_CODES_HELP + "\n\n" + HEALTH_NOTE)
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), envvar="LOADWATCH_DB",
              show_envvar=True, help="The SQLite store. Default: loadwatch.sqlite in your user data folder.")
@click.option("--athlete", default="me", show_default=True, envvar="LOADWATCH_ATHLETE",
              help="Whose data to read or write; one store can hold a squad.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Evaluate as if today were this date (YYYY-MM-DD): a report on a past week.")
@click.version_option(__version__, prog_name="loadwatch")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, athlete: str, as_of: Any) -> None:
    """loadwatch: training load, overload flags, step goals and back care from your exports.

    \b
    Start with:
      loadwatch import ~/Downloads/export.zip   # a Garmin, Strava or Apple export, FIT/GPX/TCX files
      loadwatch status                          # this week against the last, and what is flagged
      loadwatch plan                            # next week: the most, what we suggest, strength
    """
    as_of_day: date | None = as_of.date() if as_of is not None else None
    ctx.obj = Context(db_path=db_path or default_db_path(), athlete=athlete, as_of=as_of_day)
    ctx.call_on_close(ctx.obj.close)


def main() -> None:
    """Entry point for `python -m loadwatch`."""
    cli(prog_name="loadwatch")


# Command modules register themselves on `cli` when imported. One module per area, so the
# commands of each area live beside each other; the list is the order of `loadwatch --help`.
COMMAND_MODULES = ("imports", "status", "plan", "report", "demo", "data")


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as err:  # an area not built yet
            if err.name != f"{__name__}.{name}":
                raise


_register()
__all__ = ["cli", "main"]
