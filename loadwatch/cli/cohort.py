"""`loadwatch cohort build|analyze|summary`: many athletes' exports on Dask (the optional extra `cohort`).

Nothing here imports dask, distributed or pyarrow at start-up: each command checks the extra first and
says which to install when it is missing.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..models import ImportResult
from ..units import METRICS
from ._common import Context, echo_json


def _bar(label: str, enabled: bool) -> tuple[Any, Any]:
    """A progress callback drawing a bar on stderr when it is a terminal (none otherwise), and its closer."""
    state: dict[str, Any] = {"bar": None}

    def progress(done: int, total: int, _what: str) -> None:
        if not enabled or total < 2:
            return
        bar = state["bar"]
        if bar is None:
            bar = state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)

    return progress, close


def _where(scheduler: str | None, workers: int | None) -> Any:
    from ..cohort.cluster import connect, require

    require()
    if scheduler and workers:
        raise click.UsageError("give --scheduler (an existing cluster) or --workers (a local one), not both")
    return connect(scheduler, workers)


SCHEDULER_HELP = "An existing Dask cluster's scheduler (tcp://HOST:8786); default: a local cluster."
WORKERS_HELP = "Worker processes of the local cluster (default: the cores)."


@click.group("cohort")
def cohort_group() -> None:
    """Many athletes on Dask: build a Parquet dataset, analyze it, summarize (pip install 'loadwatch[cohort]').

    \b
      loadwatch cohort build ROOT --out DATASET     # ROOT/anna/..., ROOT/ben/... or a CSV athlete,path
      loadwatch cohort analyze DATASET --out RESULTS
      loadwatch cohort summary RESULTS
    """


@cohort_group.command("build")
@click.argument("root", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The dataset folder (created; a rebuild adds only files not in it yet).")
@click.option("--scheduler", default=None, help=SCHEDULER_HELP)
@click.option("--workers", type=click.IntRange(1, 1024), default=None, help=WORKERS_HELP)
@click.option("--strict", is_flag=True, help="Reject truncated files instead of keeping what was readable.")
@click.option("--json", "as_json", is_flag=True, help="Print the per-athlete summary as JSON on stdout.")
def build_command(root: Path, out: Path, scheduler: str | None, workers: int | None, strict: bool,
                  as_json: bool) -> None:
    """Read every athlete's files under ROOT into a Parquet dataset partitioned by athlete.

    Each folder directly under ROOT is one athlete (named after it); or ROOT is a CSV manifest with
    rows athlete,path. The importers, limits and error messages are those of `loadwatch import`; one
    Dask task per file (an archive's members: one batch). A partition is written whole or not at all:
    after an interruption, run the same command again; files already in the dataset are skipped.

    \b
    Exit codes: 0 nothing failed; 3 some files (or athletes) failed, the rest is built;
                1 nothing could be built.
    --json prints {"dataset", "files", "sessions", "failed", "seconds",
                   "athletes": {name: {"sessions", "days", "written", "error", "imported",
                   "already_imported", "duplicates", "skipped", "failed", "files",
                   "failures": [{"path", "error"}]}}}
    """
    from ..cohort.build import build

    progress, close = _bar("Building", not as_json and sys.stderr.isatty())
    with _where(scheduler, workers) as client:
        try:
            result = build(root, out, client=client, strict=strict, on_progress=progress)
        finally:
            close()
    if as_json:
        echo_json(result.as_json())
    else:
        for person in result.athletes:
            for f in person.files:
                if f.status == "failed":
                    click.echo(f"Error: {f.path}: {f.error}", err=True)  # as `loadwatch import` says it
            if person.error:
                click.echo(f"Error: {person.athlete}: {person.error}", err=True)
        width = max([7, *(len(a.athlete) for a in result.athletes)])
        click.echo(f"{'Athlete':<{width}}  {'Files':>6}  {'New':>6}  {'Sessions':>8}  {'Days':>6}  {'Failed':>6}")
        for person in result.athletes:
            res: ImportResult = person.result
            new = res.count("imported", "recovered", "duplicate")
            failed = res.failed + (person.error is not None)
            click.echo(f"{person.athlete:<{width}}  {len(person.files):>6,}  {new:>6,}  {person.sessions:>8,}"
                       f"  {person.days:>6,}  {failed:>6,}")
            for f in person.files:
                if f.status == "failed":
                    click.echo(f"{'':<{width}}  failed: {f.path}")
            if person.error:
                click.echo(f"{'':<{width}}  {person.error}")
        click.echo(f"{len(result.athletes)} athlete(s), {result.files:,} file(s), {result.sessions:,} session(s) in"
                   f" {result.dataset} ({result.seconds:.1f} s); {result.failed} failed.")
    if result.failed:
        sys.exit(3 if any(a.sessions or a.days for a in result.athletes) else 1)


@cohort_group.command("analyze")
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The results folder (its weekly/, sessions/, flags/ and athletes/ are replaced).")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Evaluate every athlete on this day; default: each athlete's last day with data.")
@click.option("--metric", type=click.Choice(METRICS), default="trimp",
              show_default=True, help="The load series, as in `loadwatch status`.")
@click.option("--scheduler", default=None, help=SCHEDULER_HELP)
@click.option("--workers", type=click.IntRange(1, 1024), default=None, help=WORKERS_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print each athlete's row as JSON on stdout.")
@click.pass_obj
def analyze_command(obj: Context, dataset: Path, out: Path, as_of: Any, metric: str, scheduler: str | None,
                    workers: int | None, as_json: bool) -> None:
    """Per athlete, what `loadwatch status` computes, over all their weeks, as Parquet in RESULTS.

    \b
    RESULTS/weekly/    athlete + the fields of a week in `status --json`
    RESULTS/sessions/  athlete + each session's load, load_source, spike and spike_class
    RESULTS/flags/     athlete + the fields of a flag in `status --json` (active on the day evaluated)
    RESULTS/athletes/  athlete + the day evaluated, counts and data-quality counts
    One task per athlete partition (no shuffle); the model is the one `status` runs.
    """
    from ..cohort.analyze import analyze

    day: date | None = as_of.date() if as_of is not None else obj.as_of
    progress, close = _bar("Analyzing", not as_json and sys.stderr.isatty())
    with _where(scheduler, workers) as client:
        try:
            result = analyze(dataset, out, client=client, as_of=day, metric=metric, on_progress=progress)
        finally:
            close()
    if as_json:
        echo_json(result.as_json())
        return
    ok = sum(a["status"] == "ok" for a in result.athletes)
    for a in result.athletes:
        if a["status"] != "ok":
            click.echo(f"Note: {a['athlete']}: {a['status']}", err=True)
    click.echo(f"Analyzed {ok} of {len(result.athletes)} athlete(s) into {result.results} ({result.seconds:.1f} s):"
               " weekly/, sessions/, flags/, athletes/. Summary: loadwatch cohort summary"
               f" {result.results}")


@cohort_group.command("summary")
@click.argument("results", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object on stdout.")
def summary_command(results: Path, as_json: bool) -> None:
    """The cohort in numbers: athletes, sessions, athlete-weeks, spike states, weekly ramps, flags, quality.

    \b
    --json prints {"athletes", "athletes_with_data", "sessions", "athlete_weeks",
                   "runs_with_spike_verdict", "runs_without_verdict",
                   "spike_states": {state: runs}, "weekly_ramp": {"weeks", "quantiles", "bins"},
                   "flag_share": {rule: fraction of athletes}, "quality": {count: n}}
    """
    from ..cohort.cluster import require

    require()
    from ..cohort.summary import summarize
    from ..wording import pct

    s = summarize(results)
    if as_json:
        echo_json(s)
        return
    click.echo(f"{s['athletes']:,} athlete(s) ({s['athletes_with_data']:,} with data), {s['sessions']:,} session(s),"
               f" {s['athlete_weeks']:,} athlete-week(s)")
    verdicts = s["runs_with_spike_verdict"]
    click.echo(f"Runs by spike in distance over the longest run of the 30 days before (Frandsen 2025), {verdicts:,}"
               f" with a verdict ({s['runs_without_verdict']:,} without a whole 30-day history):")
    for state, n in s["spike_states"].items():
        click.echo(f"  {state:<24}{n:>9,}  {n / verdicts if verdicts else 0:>6.1%}")
    ramp = s["weekly_ramp"]
    click.echo(f"Weekly ramp (load against the week before), {ramp['weeks']:,} week(s): "
               + ", ".join(f"{k} {pct(v)}" for k, v in ramp["quantiles"].items()))
    for label, n in ramp["bins"].items():
        click.echo(f"  {label:<24}{n:>9,}")
    click.echo("Athletes with each flag on the day evaluated:" if s["flag_share"] else "No flags on the day evaluated.")
    for rule, share in s["flag_share"].items():
        click.echo(f"  {rule:<24}{share:>9.1%}")
    click.echo("Data quality: " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in s["quality"].items()))


__all__ = ["cohort_group"]
