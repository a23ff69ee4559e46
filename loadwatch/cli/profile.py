"""`loadwatch profile`: HRmax/HRrest, sex, birth year and every threshold, shown or set."""

from __future__ import annotations

import dataclasses

import click

from .. import api
from ._common import Context, echo_json


@click.command("profile")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="Set a value (repeatable); VALUE 'none' clears an optional one, e.g. --set hr_max_bpm=188.")
@click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON.")
@click.pass_obj
def profile_command(obj: Context, assignments: tuple[str, ...], as_json: bool) -> None:
    """Show or set the athlete profile: HRmax/HRrest, sex, birth year and every threshold.

    Every value is checked before any is stored; a bad one changes nothing.
    """
    view = api.set_profile(obj.store, obj.athlete, assignments) if assignments \
        else api.profile(obj.reader, obj.athlete)
    if as_json:
        echo_json(view.as_json())
        return
    values = dataclasses.asdict(view.profile)
    width = max(len(k) for k in values)
    for key, value in values.items():
        shown = "not set" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
        click.echo(f"{key:<{width}}  {shown:<10} {view.origin(key)}".rstrip())
