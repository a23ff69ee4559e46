"""`loadwatch plan`, `loadwatch goals` and `loadwatch log strength`: next week's guidance and what was done."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..goals import goals_csv, goals_ics, goals_json, write_text
from ..logs import parse_day
from ..plan import Plan, goals_from_store, plan_from_store
from ..strength import load_catalog, progression, strength_payload
from . import cli
from ._common import HEALTH_NOTE, Context, echo_json
from .status import log_group


def _print_catalog(as_json: bool) -> None:
    catalog = load_catalog()
    items = sorted(catalog.exercises.values(), key=lambda e: (e.level, e.id))
    if as_json:
        echo_json([ex.as_json() for ex in items])
        return
    click.echo(f"{'id':<28} {'level':>5}  {'dose':<12} name")
    for ex in items:
        unit = "reps" if ex.dose_kind == "reps" else "s hold"
        click.echo(f"{ex.id:<28} {ex.level:>5}  {f'{ex.dose_min}-{ex.dose_max} {unit}':<12} {ex.name}")
    click.echo("Log one with: loadwatch log strength ID 3x10 (or 3x30s for a hold).")


def _today(obj: Context) -> date:
    return obj.as_of or date.today()


def _dist(metres: float | None) -> str:
    return "-" if metres is None else f"{metres / 1000:.1f} km"


def _print_plan(plan: Plan) -> None:
    caps = plan.caps
    click.echo(f"Next week: {plan.start:%a %d %b} - {plan.end:%a %d %b %Y} (the 7 days after {plan.as_of}).")
    if plan.lead:
        click.echo(f"\n{plan.lead}")
    if caps.distance_max_m is not None:
        click.echo(f"\nThe most: {_dist(caps.distance_max_m)}; we suggest: {_dist(caps.distance_suggested_m)}; "
                   f"long run at most {_dist(caps.long_run_max_m)}.")
        extra = []
        if caps.duration_max_s is not None and caps.duration_suggested_s is not None:
            extra.append(f"{caps.duration_max_s / 60:.0f} min (suggest {caps.duration_suggested_s / 60:.0f})")
        if caps.weekly_max is not None and caps.weekly_suggested is not None:
            extra.append(f"{caps.weekly_max:.0f} {caps.unit} (suggest {caps.weekly_suggested:.0f})")
        if extra:
            click.echo("In time and load: at most " + "; ".join(extra) + ".")
    click.echo("\nWhy:")
    for note in plan.notes:
        click.echo(f"  - {note}")
    click.echo("\nDay by day:")
    for d in plan.days:
        if d.run == "rest":
            run = "rest"
        else:
            label = "long run" if d.run == "long" else "easy run"
            run = label if d.run_distance_m is None else f"{label} {_dist(d.run_distance_m)}"
            if d.run_minutes is not None:
                run += f" (~{d.run_minutes:.0f} min)"
        steps = "-" if d.step_goal is None else f"{d.step_goal:,}"
        strength = f"strength ({d.strength_timing})" if d.strength else ""
        click.echo(f"  {d.day:%a %d %b}  {run:<26} steps {steps:>7}  {strength}".rstrip())
    session_days = [d for d in plan.days if d.strength]
    if session_days:
        click.echo(f"\nStrength session ({', '.join(f'{d.day:%a}' for d in session_days)}), slowly and without pain:")
        for p in session_days[0].strength:
            note = f"  [{p.note}]" if p.note else ""
            click.echo(f"  {p.exercise.name}: {p.dose_text()}{note}")
            for cue in p.exercise.cues:
                click.echo(f"      {cue}")
    if plan.days and plan.days[0].flexibility:
        stretch = ", ".join(f"{p.exercise.name} {p.dose_text()}" for p in plan.days[0].flexibility)
        click.echo(f"\nFlexibility, any day, gently: {stretch}.")
    if plan.strength and plan.strength.changes:
        click.echo("\nProgress: " + "; ".join(plan.strength.changes[-3:]))
    click.echo(f"\n{HEALTH_NOTE}")


@cli.command("plan")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as one JSON object on stdout.")
@click.option("--exercises", is_flag=True,
              help="List the strength and stretch catalog instead (with --json: its data).")
@click.pass_obj
def plan_command(obj: Context, as_json: bool, exercises: bool) -> None:
    """Next week day by day: the most to do and what we suggest, runs, step goals, strength.

    \b
    --json prints {"caps": {"weekly_max", "weekly_suggested", "long_run_max_m", "unit", ...},
                   "days": [{"day", "run", "step_goal", "strength": [{"exercise", "sets",
                   "reps" | "hold_s"}], "flexibility": [...]}], "notes": [...], "mode", "lead"}
    """
    if exercises:
        _print_catalog(as_json)
        return
    plan = plan_from_store(obj.store, obj.athlete, as_of=_today(obj))
    if as_json:
        data = plan.as_json()
        data["health_note"] = HEALTH_NOTE
        echo_json(data)
    else:
        _print_plan(plan)


@cli.command("goals")
@click.option("--days", default=14, show_default=True, type=click.IntRange(1, 366), help="How many days ahead.")
@click.option("--json", "as_json", is_flag=True, help='Print [{"day", "goal", "why"}, ...] on stdout.')
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write day,goal,why to this CSV file.")
@click.option("--ics", "ics_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write an iCalendar file (one all-day event per day) to import into a calendar.")
@click.pass_obj
def goals_command(obj: Context, days: int, as_json: bool, csv_path: Path | None, ics_path: Path | None) -> None:
    """Daily step goals for the next days, each with the reason behind it."""
    if sum(bool(x) for x in (as_json, csv_path, ics_path)) > 1:
        raise click.UsageError("choose one of --json, --csv FILE, --ics FILE")
    goals = goals_from_store(obj.store, obj.athlete, as_of=_today(obj), days=days)
    if as_json:
        echo_json(goals_json(goals))
    elif csv_path is not None:
        write_text(csv_path, goals_csv(goals))
        click.echo(f"Wrote {len(goals)} step goals to {csv_path}.")
    elif ics_path is not None:
        write_text(ics_path, goals_ics(goals, athlete=obj.athlete))
        click.echo(f"Wrote {len(goals)} step goals to {ics_path}; import it into your calendar.")
    else:
        for row in goals.itertuples(index=False):
            click.echo(f"{row.day:%a %d %b}  {int(row.goal):>7,}  {row.why}")


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
    today = _today(obj)
    when = today if day is None else parse_day(day, today=today, what="strength date")
    catalog = load_catalog()
    ex = catalog.find(exercise)
    payload = strength_payload(ex, dose, pain=pain, rpe=rpe, minutes=minutes)
    obj.store.add_log(obj.athlete, when, "strength", payload)
    amount = f"{payload['hold_s']} s" if "hold_s" in payload else str(payload["reps"])
    click.echo(f"Logged {ex.name} {payload['sets']} x {amount}{' (it hurt)' if pain else ''} on {when.isoformat()}.")
    state = progression(obj.store.logs(obj.athlete, "strength"), as_of=max(today, when))
    for change in state.changes:
        if change.startswith(when.isoformat()) and ex.name in change:
            click.echo(change.split(": ", 1)[1][0].upper() + change.split(": ", 1)[1][1:] + ".")
