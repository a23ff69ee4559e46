"""`loadwatch status`, `loadwatch log rpe|pain` and `loadwatch profile`: the training state and what you enter."""

from __future__ import annotations

import dataclasses
import math
from datetime import date

import click

from ..config import Profile, load_profile
from ..flags import pain_state
from ..load import METRICS, Status, status_from_store
from ..logs import PAIN_WHERE, log_pain, log_rpe, update_profile
from . import cli
from ._common import HEALTH_NOTE, Context, echo_json


def _today(obj: Context) -> date:
    return obj.as_of or date.today()


@cli.command("status")
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
                   "flags": [{"rule", "severity", "day", "value", "threshold", "message", "evidence"}],
                   "notes": [...]}   (changes are fractions: 0.32 = +32 %; NaN is null)
    """
    status = status_from_store(obj.store, obj.athlete, as_of=_today(obj), weeks=weeks, metric=metric)
    if as_json:
        echo_json(status.as_json())
    else:
        _print_status(status)


def _pct(value: float) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:+.0%}"


def _fmt(value: float, spec: str) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    text = format(value, spec)
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text  # no "-0"


def _print_status(status: Status) -> None:
    weeks = status.weeks
    this = weeks.iloc[-1]
    partial = this["days"] < 7
    so_far = f", {int(this['days'])} of 7 days so far" if partial else ""
    click.echo(f"Status as of {status.as_of:%a %Y-%m-%d} (load in {status.unit}{so_far})")
    line = f"This week{' so far' if partial else ''}: {this['load']:.0f} {status.unit}"
    if len(weeks) > 1:
        line += f"; last week {weeks.iloc[-2]['load']:.0f} ({_pct(this['ramp'])})"
    if math.isfinite(this["base_4wk"]) and this["base_4wk"] > 0:
        line += f"; 4-week mean {this['base_4wk']:.0f} ({_pct(this['ramp_4wk'])})"
    click.echo(line)
    click.echo("")
    click.echo(f"{'Week of':<11} {'Load':>7} {'Ramp':>6} {'Long run':>9} {'ACWR':>5} {'Form':>6} {'Monot.':>6}"
               f" {'Steps':>8}")
    for monday, row in weeks.iterrows():
        long_run = f"{row['long_run_m'] / 1000:.1f} km" if row["long_run_m"] > 0 else "-"
        steps = _fmt(row["steps"], ",.0f")
        mark = "*" if row["days"] < 7 and monday == weeks.index[-1] else " "
        click.echo(f"{monday:%Y-%m-%d}{mark}{row['load']:>8.0f} {_pct(row['ramp']):>6} {long_run:>9}"
                   f" {_fmt(row['acwr'], '.2f'):>5} {_fmt(row['tsb'], '.0f'):>6} {_fmt(row['monotony'], '.1f'):>6}"
                   f" {steps:>8}")
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
            click.echo(f"  - {note}")
    click.echo("")
    click.echo(HEALTH_NOTE)


@cli.group("log")
def log_group() -> None:
    """Log how hard a session felt (RPE), back pain or strength work; status and plan read them."""


@log_group.command("rpe")
@click.argument("session_or_date")
@click.argument("rpe")
@click.pass_obj
def log_rpe_command(obj: Context, session_or_date: str, rpe: str) -> None:
    """Set a session's RPE (0-10, CR-10 scale: 3 easy, 5 hard, 10 maximal).

    SESSION_OR_DATE is a session id (see `loadwatch sessions`) or a YYYY-MM-DD day with one session;
    if that day has several, the error lists them and you give the id. Session load = RPE x minutes
    (Foster 2001), used for sessions without heart rate.
    """
    entry = log_rpe(obj.store, obj.athlete, session_or_date, rpe, today=_today(obj))
    click.echo(f"Logged RPE {entry.rpe:g} for session {entry.session_id} on {entry.day.isoformat()}.")


@log_group.command("pain")
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD", help="The day of the pain. Default: today.")
@click.option("--where", required=True, metavar="|".join(PAIN_WHERE), help="Where it hurts.")
@click.option("--level", required=True, metavar="0-10", help="How much: 0 none to 10 worst.")
@click.option("--radiates", is_flag=True, help="The pain spreads into a leg.")
@click.option("--numbness", is_flag=True, help="Numbness or tingling.")
@click.pass_obj
def log_pain_command(obj: Context, day: str | None, where: str, level: str, radiates: bool, numbness: bool) -> None:
    """Log back pain. While pain is recent, plans hold load and suggest easy runs only."""
    today = _today(obj)
    _, when, payload = log_pain(obj.store, obj.athlete, day=day, where=where, level=level, radiates=radiates,
                                numbness=numbness, today=today)
    label = {"lower": "lower-back", "upper": "upper-back"}.get(where, where)
    click.echo(f"Logged {label} pain {payload['level']}/10 on {when.isoformat()}.")
    state = pain_state(obj.store.logs(obj.athlete, "pain"), as_of=max(today, when),
                       profile=load_profile(obj.store, obj.athlete))
    if state.red_flag:
        click.echo(f"See a doctor before training hard: you logged {', '.join(state.reasons)}.")
        click.echo(HEALTH_NOTE)


@cli.command("profile")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="Set a value (repeatable); VALUE 'none' clears an optional one, e.g. --set hr_max_bpm=188.")
@click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON.")
@click.pass_obj
def profile_command(obj: Context, assignments: tuple[str, ...], as_json: bool) -> None:
    """Show or set the athlete profile: HRmax/HRrest, sex, birth year and every threshold.

    Every value is checked before any is stored; a bad one changes nothing.
    """
    profile = update_profile(obj.store, obj.athlete, assignments) if assignments \
        else load_profile(obj.store, obj.athlete)
    stored = set(obj.store.profile(obj.athlete))
    values = dataclasses.asdict(profile)
    if as_json:
        echo_json({"athlete": obj.athlete, "profile": values, "set": sorted(stored & set(values))})
        return
    defaults = dataclasses.asdict(Profile())
    width = max(len(k) for k in values)
    for key, value in values.items():
        shown = "not set" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
        origin = "set" if key in stored else "default" if value == defaults[key] else ""
        click.echo(f"{key:<{width}}  {shown:<10} {origin}".rstrip())
