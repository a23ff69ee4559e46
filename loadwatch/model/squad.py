"""A coach's squad: one row per athlete, most urgent first, quoting the athlete's own status and plan.

Pure: the row is cut from the athlete's `Status` and next week's caps (computed by `loadwatch.api` with the very
calls `status` and `plan` make: `compute_status`, then `plan.next_week_caps`, the caps of `next_week` without
its days), the report's status line and the athlete's pain logs; nothing here recomputes a number those give.

Most urgent first, by this key (`urgency`), each part breaking the ties of the one before:
1. the severity of the row's top flag: high, then caution, then info (the ACWR, context), then none;
2. the highest pain level logged in the last PAIN_WINDOW_DAYS (7) days, higher first (none last);
3. the days since the last data, more first (an athlete without data on or before the day first);
4. the athlete's name, so equal rows keep one order.
A silent athlete (no session or step count for more than SILENT_AFTER_DAYS days) carries a flag of its
own (`silent_flag`, caution): their numbers describe a week that was not recorded, and the coach should
ask before reading them. It joins the status flags in their order (`flags.SEVERITY_ORDER`): after the
status flags of the same severity, so a spike or pain stays the top flag of a silent athlete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from ..models import Flag
from ..wording import MISSING, json_number, km, pct, whole
from .flags import SEVERITY_ORDER, pain_logs

SILENT_AFTER_DAYS = 10  # no session and no step count for more days than this: the athlete is silent
PAIN_WINDOW_DAYS = 7  # "pain in the last 7 days": as_of and the 6 days before
SILENT_EVIDENCE = ("No evidence threshold: a coach's rule. Unrecorded days read as rest in the load model, so the "
                   "ramp, the flags and next week's caps of a silent athlete rest on days nobody measured.")
NO_DATA_LINE = "No data yet"


@dataclass(frozen=True, slots=True)
class SquadRow:
    """One athlete's line in the squad table. Loads in `unit` (this week so far, last week, next week's most and
    suggestion), `ramp` a fraction (this week so far against last week, as `status` prints it), distances in
    metres, `pain_7d` the highest pain level (1-10) logged in the last 7 days (None: none), `days_since_data`
    the days from the last session or step count to the as-of day (None: nothing on or before it).
    `level` is the status line's level (`report.text.Headline.level`: ok | info | caution | high | doctor), for
    its colour; `flags` every active flag, most serious first (the silent flag among them)."""

    athlete: str
    status_line: str
    level: str
    this_week: float | None
    last_week: float | None
    ramp: float | None
    unit: str
    long_run_m: float | None
    long_run_cap_m: float | None
    flags: tuple[Flag, ...]
    pain_7d: int | None
    next_week_max: float | None
    next_week_suggested: float | None
    days_since_data: int | None

    @property
    def top_flag(self) -> Flag | None:
        return self.flags[0] if self.flags else None

    @property
    def severity(self) -> str | None:
        return self.flags[0].severity if self.flags else None

    def as_json(self) -> dict[str, Any]:
        """The public row: {"athlete", "severity", "status_line", "this_week", "last_week", "ramp", "unit",
        "long_run_m", "long_run_cap_m", "top_flag", "pain_7d", "next_week_max", "next_week_suggested",
        "days_since_data"}, numbers rounded as `status --json` and `plan --json` round them."""
        top = self.top_flag
        return {"athlete": self.athlete, "severity": self.severity, "status_line": self.status_line,
                "this_week": json_number(self.this_week, 4), "last_week": json_number(self.last_week, 4),
                "ramp": json_number(self.ramp, 4), "unit": self.unit, "long_run_m": json_number(self.long_run_m, 4),
                "long_run_cap_m": json_number(self.long_run_cap_m, 1),
                "top_flag": top.as_json() if top is not None else None, "pain_7d": self.pain_7d,
                "next_week_max": json_number(self.next_week_max, 1),
                "next_week_suggested": json_number(self.next_week_suggested, 1),
                "days_since_data": self.days_since_data}


COLUMNS = ("Athlete", "Status", "This week", "Last week", "Ramp", "Long run / cap", "Top flag", "Pain 7d",
           "Next week", "Last data")
SEVERITY_WORDS = {"high": "HIGH", "caution": "CAUTION", "info": "CONTEXT"}  # as the report's page 1 labels them
RULE_WORDS = {"session_spike": "session spike", "weekly_ramp": "weekly ramp", "acwr": "ACWR", "form": "low form",
              "monotony": "monotony", "pain": "pain", "pain_load": "pain, rising load",
              "pain_red_flag": "see a doctor", "silent": "silent"}


def flag_label(flag: Flag | None) -> str:
    """"HIGH session spike": the flag's severity as page 1 labels it, and its rule in words."""
    if flag is None:
        return MISSING
    return f"{SEVERITY_WORDS.get(flag.severity, flag.severity.upper())} " \
           f"{RULE_WORDS.get(flag.rule, flag.rule.replace('_', ' '))}"


def cells(row: SquadRow) -> tuple[str, ...]:
    """The row as the squad table writes it, in COLUMNS order (the same cells on the terminal and in the PDF)."""
    long_run = MISSING if row.long_run_m is None and row.long_run_cap_m is None else \
        f"{km(row.long_run_m)} / {km(row.long_run_cap_m)}"
    caps = MISSING if row.next_week_max is None else \
        f"{whole(row.next_week_max)} / {whole(row.next_week_suggested)}"
    since = MISSING if row.days_since_data is None else "today" if row.days_since_data == 0 else \
        f"{row.days_since_data} d ago"
    return (row.athlete, row.status_line, whole(row.this_week), whole(row.last_week), pct(row.ramp), long_run,
            flag_label(row.top_flag), MISSING if row.pain_7d is None else f"{row.pain_7d}/10", caps, since)


def last_data_day(sessions: pd.DataFrame, steps: pd.DataFrame, as_of: date) -> date | None:
    """The last local day on or before `as_of` with a session or a step count (None: none)."""
    days = []
    for frame in (sessions, steps):
        if len(frame):
            upto = frame["day"][pd.to_datetime(frame["day"]) <= pd.Timestamp(as_of)]
            if len(upto):
                days.append(upto.max())
    return max(days) if days else None


def silent_flag(last_day: date | None, as_of: date) -> Flag | None:
    """The silent flag when the last session or step count is more than SILENT_AFTER_DAYS before `as_of`."""
    if last_day is None:
        return Flag("silent", "caution", as_of, float("nan"), float(SILENT_AFTER_DAYS),
                    f"No sessions or steps on or before {as_of.isoformat()}: nothing to read yet. Ask for their "
                    "export and import it into their folder (loadwatch import --per-folder).", SILENT_EVIDENCE)
    gap = (as_of - last_day).days
    if gap <= SILENT_AFTER_DAYS:
        return None
    return Flag("silent", "caution", last_day, float(gap), float(SILENT_AFTER_DAYS),
                f"Silent for {gap} days: nothing recorded since {last_day:%a %d %b %Y}. Their numbers count the "
                "days since as rest; ask how training went and import their newer data.", SILENT_EVIDENCE)


def with_silent(flags: list[Flag], silent: Flag | None) -> tuple[Flag, ...]:
    """The status flags with the silent flag placed after those of the same severity or more."""
    if silent is None:
        return tuple(flags)
    rank = SEVERITY_ORDER[silent.severity]
    cut = next((i for i, f in enumerate(flags) if SEVERITY_ORDER.get(f.severity, 9) > rank), len(flags))
    return (*flags[:cut], silent, *flags[cut:])


def pain_7d(logs: pd.DataFrame, as_of: date) -> int | None:
    """The highest pain level logged in the PAIN_WINDOW_DAYS days ending on `as_of` (None: no pain logged)."""
    pain = pain_logs(logs, as_of)
    recent = pain[pd.to_datetime(pain["day"]) > pd.Timestamp(as_of - timedelta(days=PAIN_WINDOW_DAYS))]
    return int(recent["level"].max()) if len(recent) else None


def urgency(row: SquadRow) -> tuple[int, int, int, str]:
    """The sort key, most urgent first (the module docstring's order)."""
    severity = SEVERITY_ORDER.get(row.severity, 9) if row.severity is not None else len(SEVERITY_ORDER)
    pain = -(row.pain_7d if row.pain_7d is not None else -1)
    silent = -(row.days_since_data if row.days_since_data is not None else 10 ** 6)
    return severity, pain, silent, row.athlete


def most_urgent_first(rows: list[SquadRow]) -> list[SquadRow]:
    return sorted(rows, key=urgency)


__all__ = [
    "COLUMNS",
    "NO_DATA_LINE",
    "PAIN_WINDOW_DAYS",
    "RULE_WORDS",
    "SEVERITY_WORDS",
    "SILENT_AFTER_DAYS",
    "SquadRow",
    "cells",
    "flag_label",
    "last_data_day",
    "most_urgent_first",
    "pain_7d",
    "silent_flag",
    "urgency",
    "with_silent",
]
