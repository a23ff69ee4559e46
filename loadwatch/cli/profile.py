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

    Below the values: the thresholds your data give as of today (or --as-of), each with what it
    rests on: critical speed (the pace load's threshold) and critical power from your best efforts
    of 3-20 min in the last 90 days, HRmax from the highest heart rate held in the last year (one
    lone spike left out), HRrest from your watch's or phone's resting-HR records. Each session's
    load uses the estimate as of its own day; a value you set wins.
    load_priority (and load_priority_running, load_priority_cycling) orders what a session's load
    rests on, e.g. --set load_priority_running=pace,hr (sources: hr, power, pace, rpe, duration).

    \b
    --json prints {"athlete", "profile", "set", "estimates": {KEY: {"value", "as_of", "from",
    "source", "n", "first", "last"}}}: "from" says what the value rests on, "source" is profile
    (set by you), data (estimated), default (a stand-in) or none (no data to estimate it from).
    """
    view = api.set_profile(obj.store, obj.athlete, assignments, as_of=obj.as_of) if assignments \
        else api.profile(obj.reader, obj.athlete, as_of=obj.as_of)
    if as_json:
        echo_json(view.as_json())
        return
    values = dataclasses.asdict(view.profile)
    width = max(len(k) for k in values)
    for key, value in values.items():
        shown = "not set" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
        click.echo(f"{key:<{width}}  {shown:<10} {view.origin(key)}".rstrip())
    if view.estimates:
        day = next(iter(view.estimates.values()))["as_of"]
        click.echo(f"\nFrom your data as of {day} (each session uses the value as of its own day; a value set above"
                   " wins):")
        for key, est in view.estimates.items():
            click.echo(f"{key:<{width}}  {_estimate_text(key, est['value']):<10} {est['from']}")


def _estimate_text(key: str, value: float | None) -> str:
    if value is None:
        return "-"
    if key == "critical_speed_m_s":
        secs = round(1000.0 / value)
        return f"{value:.2f} ({secs // 60}:{secs % 60:02d}/km)"
    return f"{value:.0f}"
