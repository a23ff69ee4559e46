"""`loadwatch log rpe|pain|strength`: what you enter by hand, checked before it is stored."""

from __future__ import annotations

import click

from .. import api
from ..models import PAIN_WHERE
from ..wording import HEALTH_NOTE, PAIN_WHERE_WORDS
from ._common import Context


@click.group("log")
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
    entry = api.log_rpe(obj.store, obj.athlete, session_or_date, rpe, today=obj.today)
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
    entry = api.log_pain(obj.store, obj.athlete, day=day, where=where, level=level, radiates=radiates,
                         numbness=numbness, today=obj.today)
    click.echo(f"Logged {PAIN_WHERE_WORDS.get(where, where)} pain {entry.level}/10 on {entry.day.isoformat()}.")
    if entry.red_flags:
        click.echo(f"See a doctor before training hard: you logged {', '.join(entry.red_flags)}.")
        click.echo(HEALTH_NOTE)


@log_group.command("strength")
@click.argument("exercise")
@click.argument("dose", metavar="SETSxREPS")
@click.option("--pain", is_flag=True, help="It hurt: the plan goes back to an easier exercise.")
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD", help="The day it was done. Default: today.")
@click.option("--rpe", type=float, default=None, help="How hard the session felt, 0-10 (CR-10); needs --minutes.")
@click.option("--minutes", type=float, default=None, help="The session's length in minutes.")
@click.pass_obj
def log_strength_command(obj: Context, exercise: str, dose: str, pain: bool, day: str | None, rpe: float | None,
                         minutes: float | None) -> None:
    """Log a strength exercise: EXERCISE (id or name) and SETSxREPS, e.g. 3x12, or 3x30s for holds.

    With --rpe and --minutes the session also counts as training load (RPE x minutes, Foster 2001).
    """
    entry = api.log_strength(obj.store, obj.athlete, exercise, dose, pain=pain, day=day, rpe=rpe, minutes=minutes,
                             today=obj.today)
    amount = f"{entry.hold_s} s" if entry.hold_s is not None else str(entry.reps)
    click.echo(f"Logged {entry.exercise} {entry.sets} x {amount}{' (it hurt)' if pain else ''} on"
               f" {entry.day.isoformat()}.")
    for change in entry.changes:
        click.echo(change.sentence[0].upper() + change.sentence[1:] + ".")
