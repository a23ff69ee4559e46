"""`loadwatch plan` and `loadwatch goals`: next week's guidance and the daily step goals."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import api
from ..wording import HEALTH_NOTE, amount, km
from ._common import Context, echo_json

if TYPE_CHECKING:
    from ..model.plan import Plan


def _print_catalog(as_json: bool) -> None:
    items = api.exercises()
    if as_json:
        echo_json([ex.as_json() for ex in items])
        return
    click.echo(f"{'id':<28} {'level':>5}  {'dose':<12} name")
    for ex in items:
        unit = "reps" if ex.dose_kind == "reps" else "s hold"
        click.echo(f"{ex.id:<28} {ex.level:>5}  {f'{ex.dose_min}-{ex.dose_max} {unit}':<12} {ex.name}")
    click.echo("Log one with: loadwatch log strength ID 3x10 (or 3x30s for a hold).")


def print_plan(plan: Plan) -> None:
    """The plan as text: the caps, why, day by day, the strength session and the stretches."""
    caps = plan.caps
    click.echo(f"Next week: {plan.start:%a %d %b} - {plan.end:%a %d %b %Y} (the 7 days after {plan.as_of}).")
    if plan.lead:
        click.echo(f"\n{plan.lead}")
    if caps.distance_max_m is not None and caps.distance_suggested_m is None:  # a red flag: no volume proposed
        click.echo(f"\nOnly if a doctor allows running, and no more than they allow: at most "
                   f"{amount(caps.distance_max_m, 'm')} in the week, easy runs only, none longer than "
                   f"{amount(caps.long_run_max_m, 'm')}. We suggest no running volume until then.")
    elif caps.distance_max_m is not None:
        click.echo(f"\nThe most: {amount(caps.distance_max_m, 'm')}; we suggest: "
                   f"{amount(caps.distance_suggested_m, 'm')}; long run at most {amount(caps.long_run_max_m, 'm')}.")
        extra = []
        if caps.duration_max_s is not None and caps.duration_suggested_s is not None:
            extra.append(f"{caps.duration_max_s / 60:.0f} min (suggest {caps.duration_suggested_s / 60:.0f})")
        if caps.weekly_max is not None and caps.weekly_suggested is not None:
            extra.append(f"{amount(caps.weekly_max, caps.unit)} (suggest {amount(caps.weekly_suggested, caps.unit)})")
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
            if plan.mode == "red_flag":
                label += ", if a doctor allows"
            run = label if d.run_distance_m is None else f"{label} {km(d.run_distance_m)}"
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
        click.echo("\nProgress: " + "; ".join(str(c) for c in plan.strength.changes[-3:]))
    click.echo(f"\n{HEALTH_NOTE}")


@click.command("plan")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as one JSON object on stdout.")
@click.option("--exercises", is_flag=True,
              help="List the strength and stretch catalog instead (with --json: its data).")
@click.pass_obj
def plan_command(obj: Context, as_json: bool, exercises: bool) -> None:
    """Next week day by day: the most to do and what we suggest, runs, step goals, strength.

    The plan never goes above a number a flag of `loadwatch status` tells you to stay at or
    under (its JSON "limit"); with a red flag it proposes no running volume (the suggestions
    are null and the days carry no distance): what a doctor allows comes first.

    \b
    --json prints {"caps": {"weekly_max", "weekly_suggested", "long_run_max_m", "unit", ...},
                   "days": [{"day", "run", "step_goal", "strength": [{"exercise", "sets",
                   "reps" | "hold_s"}], "flexibility": [...]}], "notes": [...], "mode", "lead"}
    """
    if exercises:
        _print_catalog(as_json)
        return
    plan = api.plan(obj.reader, obj.athlete, as_of=obj.today)
    if as_json:
        echo_json({**plan.as_json(), "health_note": HEALTH_NOTE})
    else:
        print_plan(plan)


@click.command("goals")
@click.option("--days", default=14, show_default=True, type=click.IntRange(1, 366), help="How many days ahead.")
@click.option("--json", "as_json", is_flag=True,
              help='Print [{"day", "goal", "why", "week_before", "capped", "held", "ceiling", "set_by", "level"}, '
                   '...] on stdout: held is true only where pain or a flag kept the day before\'s goal; set_by '
                   'says what set it (percentile, level, rise, ceiling, own_level, floor, held, no_data).')
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write day,goal,why to this CSV file.")
@click.option("--ics", "ics_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write an iCalendar file (one all-day event per day) to import into a calendar.")
@click.pass_obj
def goals_command(obj: Context, days: int, as_json: bool, csv_path: Path | None, ics_path: Path | None) -> None:
    """Daily step goals for the next days, each with the reason behind it."""
    if sum(bool(x) for x in (as_json, csv_path, ics_path)) > 1:
        raise click.UsageError("choose one of --json, --csv FILE, --ics FILE")
    goals = api.goals(obj.reader, obj.athlete, as_of=obj.today, days=days)
    if as_json:
        echo_json([g.as_json() for g in goals])
    elif csv_path is not None:
        api.write_goals_csv(goals, csv_path)
        click.echo(f"Wrote {len(goals)} step goals to {csv_path}.")
    elif ics_path is not None:
        api.write_goals_ics(goals, ics_path, athlete=obj.athlete)
        click.echo(f"Wrote {len(goals)} step goals to {ics_path}; import it into your calendar.")
    else:
        for g in goals:
            click.echo(f"{g.day:%a %d %b}  {g.goal:>7,}  {g.why}")
