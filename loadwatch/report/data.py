"""What the report pages draw, gathered once: `ReportData`, and how it is cut from the full results.

No matplotlib here: `loadwatch.api` assembles the data from the status, plan and goals it computed,
and `report.pdf` draws it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..config import Profile
from ..model.flags import pain_logs
from ..model.plan import Plan
from ..model.status import Status
from ..models import StrengthChange
from . import text

PAGES = ("This week at a glance", "Weekly load and ramp", "Fitness, fatigue and form", "Steps",
         "Next week's plan", "Method card and data quality")
PLAN_WEEKS = 6  # the weeks of status the plan rests on; the report's status spans at least this much
GOAL_DAYS_AHEAD = 14  # the step goals page shows the next two weeks


@dataclass(frozen=True, slots=True)
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
    strength_changes: list[StrengthChange]
    pain_logged: bool = False  # pain logged in the report's weeks (or the plan is in pain mode): page 1's note


def default_filename(athlete: str, as_of: date) -> str:
    """loadwatch-<athlete>-<ISO year>-W<ISO week>.pdf, the athlete reduced to safe file-name characters."""
    iso = as_of.isocalendar()
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", athlete).strip("-.") or "athlete"
    return f"loadwatch-{safe}-{iso.year}-W{iso.week:02d}.pdf"


def _trim(status: Status, weeks: int) -> Status:
    """The status with its daily and weekly frames cut to the last `weeks` ISO weeks."""
    start = status.weeks.index[-1] - pd.Timedelta(weeks=weeks - 1)
    return dataclasses.replace(status, weeks=status.weeks.loc[start:], daily=status.daily.loc[start:])


def assemble(*, athlete: str, as_of: date, weeks: int, full: Status, plan: Plan, profile: Profile,
             goals: pd.DataFrame | None, sources: pd.DataFrame, logs: pd.DataFrame | None = None) -> ReportData:
    """The report's data from a status over at least max(weeks, PLAN_WEEKS) weeks, the plan made from
    it, the step-goal history (`goals.goal_series` through as_of + GOAL_DAYS_AHEAD), the ledger and the
    athlete's logs (their pain logs in the report's weeks decide page 1's health note)."""
    upcoming = goals[goals["future"]].reset_index(drop=True) if goals is not None else None
    status = _trim(full, weeks)
    wide = _trim(full, max(weeks, 5))  # the 4-week mean needs the 4 weeks before this one
    summary = text.week_summary(wide, goals)
    first = status.weeks.index[0].date() if len(status.weeks) else as_of
    pain_days = pd.to_datetime(pain_logs(logs, as_of)["day"])
    pain_logged = plan.mode in ("pain", "red_flag") or bool((pain_days >= pd.Timestamp(first)).any())
    return ReportData(athlete, as_of, weeks, status, plan, profile, summary, goals, upcoming, sources,
                      text.headline(status, profile), list(plan.strength.changes) if plan.strength else [],
                      pain_logged)


__all__ = ["GOAL_DAYS_AHEAD", "PAGES", "PLAN_WEEKS", "ReportData", "assemble", "default_filename"]
