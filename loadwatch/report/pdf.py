"""Assemble the six-page load report PDF: gather the numbers once, draw the pages, write reproducibly.

Same store and options -> byte-identical PDF: the document dates are `as_of` (midnight UTC), never the
clock; fonts are embedded as Type 3 subsets (`pdf.fonttype` 3: text stays extractable and searchable, and
it skips the fontTools subsetting that Type 42 costs, ~0.5 s a report); the figures carry no random
ids; the file is written to a temporary name beside the target and renamed, so a failure leaves no
partial PDF.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from .. import __version__
from ..config import Profile, load_profile
from ..errors import NoData, StoreError
from ..goals import goal_series
from ..load import Status, status_from_store
from ..plan import Plan, hold_days, next_week
from . import text
from .figures import fitness_figure, footer, steps_figure, weekly_load_figure
from .pages import glance_page, method_page, plan_page

PAGES = ("This week at a glance", "Weekly load and ramp", "Fitness, fatigue and form", "Steps",
         "Next week's plan", "Method card and data quality")
PLAN_WEEKS = 6  # plan_from_store's status window; the report's status spans at least this much
RC = {"pdf.fonttype": 3, "pdf.compression": 6, "svg.hashsalt": "loadwatch", "font.family": "DejaVu Sans",
      "hatch.linewidth": 0.6, "axes.titlesize": 11, "axes.labelsize": 9, "xtick.labelsize": 8,
      "ytick.labelsize": 8, "path.simplify": True}


@dataclass(frozen=True)
class ReportData:
    """Everything the pages draw, computed once. `status` spans the chosen weeks only; `goals` is the
    step-goal history through as_of + 14 days (None without steps), `upcoming` its future rows."""

    athlete: str
    as_of: date
    weeks: int
    status: Status
    plan: Plan
    profile: Profile
    summary: pd.DataFrame
    goals: pd.DataFrame | None
    upcoming: pd.DataFrame | None
    sources: pd.DataFrame
    headline: text.Headline
    strength_changes: list[str]


@dataclass(frozen=True)
class ReportResult:
    """What `write_report` wrote: the path, the page count and the status line."""

    path: Path
    pages: int
    headline: text.Headline
    summary: str


def default_filename(athlete: str, as_of: date) -> str:
    """loadwatch-<athlete>-<ISO year>-W<ISO week>.pdf, the athlete reduced to safe file-name characters."""
    iso = as_of.isocalendar()
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", athlete).strip("-.") or "athlete"
    return f"loadwatch-{safe}-{iso.year}-W{iso.week:02d}.pdf"


def _trim(status: Status, weeks: int) -> Status:
    """The status with its daily and weekly frames cut to the last `weeks` ISO weeks."""
    start = status.weeks.index[-1] - pd.Timedelta(weeks=weeks - 1)
    return dataclasses.replace(status, weeks=status.weeks.loc[start:], daily=status.daily.loc[start:])


def gather(store: Any, athlete: str, *, as_of: date, weeks: int = 12, metric: str = "trimp") -> ReportData:
    """Read the store once and compute status, plan, step goals and the ledger. NoData on an empty store."""
    full = status_from_store(store, athlete, as_of=as_of, weeks=max(weeks, PLAN_WEEKS), metric=metric)
    profile = load_profile(store, athlete)
    steps, logs = store.daily_steps(athlete), store.logs(athlete)
    plan = next_week(full, steps, logs, profile)  # == plan_from_store: same status span, same frames
    goals = upcoming = None
    if len(steps):
        try:
            goals = goal_series(steps, profile, as_of=as_of, days_ahead=14, hold_on=hold_days(full, logs, as_of))
            upcoming = goals[goals["future"]].reset_index(drop=True)
        except NoData:
            goals = upcoming = None
    status = _trim(full, weeks)
    wide = _trim(full, max(weeks, 5))  # the 4-week mean needs the 4 weeks before this one
    summary = text.week_summary(wide, goals)
    return ReportData(athlete, as_of, weeks, status, plan, profile, summary, goals, upcoming, store.sources(),
                      text.headline(status, profile), list(plan.strength.changes) if plan.strength else [])


def render(data: ReportData) -> list[Figure]:
    """The six pages, in order, each with a footer (athlete, as-of day, page n of 6)."""
    caps = data.plan.caps
    with matplotlib.rc_context(RC):
        figures = [
            glance_page(data),
            weekly_load_figure(data.status, data.profile, caps.weekly_max, caps.weekly_suggested,
                               caps.long_run_max_m),
            fitness_figure(data.status, data.profile),
            steps_figure(data.status, data.goals, data.upcoming),
            plan_page(data),
            method_page(data),
        ]
        for n, fig in enumerate(figures, 1):
            footer(fig, f"loadwatch {__version__} report for {data.athlete}, as of {data.as_of:%a %d %b %Y}",
                   f"page {n} of {len(figures)}: {PAGES[n - 1]}")
    return figures


def pdf_metadata(data: ReportData) -> dict[str, Any]:
    """Fixed document info: the dates are as_of at 00:00 UTC, so the same inputs give the same bytes."""
    stamp = datetime.combine(data.as_of, time(0, 0), tzinfo=UTC)
    return {"Title": f"loadwatch report: {data.athlete}, week of {data.as_of.isoformat()}",
            "Author": data.athlete, "Subject": "Training load, flags, step goals and next week's plan",
            "Creator": f"loadwatch {__version__}", "CreationDate": stamp, "ModDate": stamp}


def write_pdf(figures: list[Figure], path: Path, metadata: dict[str, Any]) -> None:
    """Write the figures as one PDF at `path`, via a temporary file renamed into place."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.part")
    try:
        with matplotlib.rc_context(RC), PdfPages(tmp, metadata=metadata) as pdf:
            for fig in figures:
                pdf.savefig(fig)
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot write the report to {path} ({err.strerror or err}); choose another file with "
                         "-o FILE.pdf") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def summary_line(data: ReportData) -> str:
    """One line for the terminal: the status line, this week's load and next week's suggestion."""
    load = float(data.status.weeks["load"].iloc[-1])
    line = f"{data.headline.text}. This week {load:,.0f} {data.status.unit}"
    caps = data.plan.caps
    if caps.weekly_max is not None and caps.weekly_suggested is not None:
        line += f"; next week at most {caps.weekly_max:,.0f}, we suggest {caps.weekly_suggested:,.0f}"
    return line + "."


def write_report(store: Any, athlete: str, path: Path | None = None, *, as_of: date | None = None,
                 weeks: int = 12, metric: str = "trimp") -> ReportResult:
    """Gather, draw and write the report; `path` defaults to `default_filename` in the current folder."""
    as_of = as_of or date.today()
    data = gather(store, athlete, as_of=as_of, weeks=weeks, metric=metric)
    target = Path(path) if path is not None else Path.cwd() / default_filename(athlete, as_of)
    if target.is_dir():
        target = target / default_filename(athlete, as_of)
    figures = render(data)
    write_pdf(figures, target, pdf_metadata(data))
    return ReportResult(target, len(figures), data.headline, summary_line(data))


__all__ = ["PAGES", "ReportData", "ReportResult", "default_filename", "gather", "pdf_metadata", "render",
           "summary_line", "write_pdf", "write_report"]
