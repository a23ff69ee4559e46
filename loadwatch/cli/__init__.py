"""The `loadwatch` command: a thin click layer over `loadwatch.api`, and the only code that prints.

One module per command group, in the order of the command tree; each command calls one `api`
function and prints its result. LoadwatchError becomes one line `Error: ...` on stderr here, never a
traceback.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from .._version import __version__
from ..errors import LoadwatchError
from ..wording import HEALTH_NOTE
from . import athletes, cohort, data, demo, imports, log, plan, profile, report, squad, status
from ._common import Context, default_db_path

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
        self.exit_code = code  # type: ignore[misc]  # click declares exit_code a ClassVar; each error has its own


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


# The command tree: getting data in, what it says, what you enter, next week, the report, the demo, your data.
for command in (imports.import_command, imports.sessions_command, imports.steps_command, status.status_command,
                log.log_group, profile.profile_command, plan.plan_command, plan.goals_command,
                report.report_command, demo.demo_command, data.sources_command, athletes.athletes_command,
                squad.squad_command, data.forget_command, data.export_command, cohort.cohort_group):
    cli.add_command(command)


def main() -> None:
    """Entry point for `python -m loadwatch`."""
    cli(prog_name="loadwatch")


__all__ = ["cli", "main"]
