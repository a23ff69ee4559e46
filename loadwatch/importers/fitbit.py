"""Fitbit: the account export's step JSON, the Web API's step responses, and Fitabase CSVs.

- Account export `Physical Activity/steps-YYYY-MM-DD.json`: a list of
  `{"dateTime": "MM/DD/YY HH:MM:SS", "value": "N"}` minute values, summed per calendar day of the
  `dateTime` (a file holds about a month; the name's date is only its first day). Other files of
  that shape (calories-, distance-, heart_rate-, ...) are recognised by name and skipped.
- Web API: `activities-steps` time series (`{"dateTime": "YYYY-MM-DD", "value": "N"}` per day; an
  intraday response carries the same day total next to its minutes, and the total is used) and the
  daily activity summary (`summary.steps`, dated by its activities' `startDate`). Heart, sleep and
  other responses are recognised and skipped.
- Fitabase CSVs (`dailySteps_merged.csv`: Id, ActivityDay, StepTotal; `dailyActivity_merged.csv`:
  Id, ActivityDate, TotalSteps; `hourlySteps_merged.csv`/`minuteSteps*` summed per day): one file
  holds a cohort; each `Id` becomes an athlete named by that Id. Dates are US month/day/year.
  Fitabase files without steps (sleepDay, dailyIntensities, heartrate, weight) are skipped.
Device "Fitbit", kind "tracker". Both daily Fitabase files give the same (Id, day) totals; the store
keeps the larger per day and source, never the sum.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, BinaryIO

from ..errors import CorruptFile
from ..models import DailySteps, ParsedFile
from . import _csv

FORMAT = "fitbit"
DEVICE = "Fitbit"
DEVICE_KIND = "tracker"

FITABASE_DATES = ("activity day", "activity date", "activity hour", "activity minute", "sleep day", "date",
                  "time")
FITABASE_STEPS = ("step total", "total steps", "steps")
_EXPORT_LIST = re.compile(rb'^\s*\[\s*\{\s*"(dateTime|logId)"\s*:')
_API_KEY = re.compile(rb'^\s*\{\s*"(activities-[\w-]+|sleep|activities|summary|goals)"\s*:')
# What else must be in the head for the generic first keys to count as Fitbit's.
_CONFIRM = {b"sleep": (b'"dateOfSleep"',), b"activities": (b'"activityParentId"', b'"logId"'),
            b"summary": (b'"caloriesOut"', b'"activeScore"'), b"goals": (b'"caloriesOut"', b'"activeMinutes"'),
            b"logId": (b'"dateOfSleep"', b'"activityName"')}
_EXPORT_KIND = re.compile(r"^([a-z_]+?)[-_]\d{4}-\d{2}-\d{2}\.json$", re.IGNORECASE)


def sniff(head: bytes, name: str) -> bool:
    """A Fitabase CSV header (`Id,` + a Fitabase date column) or one of Fitbit's JSON shapes."""
    m = _EXPORT_LIST.match(head) or _API_KEY.match(head)
    if m:
        confirm = _CONFIRM.get(m.group(1))
        return confirm is None or any(c in head for c in confirm)
    if _csv.looks_binary(head):
        return False
    text, _ = _csv.decode(head, partial=True)
    names = [_csv.norm(c) for c in text.split("\n", 1)[0].split(",")]
    return len(names) > 1 and names[0] == "id" and names[1] in FITABASE_DATES


def read(stream: BinaryIO, *, name: str, strict: bool = False, **options: object) -> ParsedFile:
    data = _csv.read_limited(stream, name)
    stripped = data.lstrip()
    parsed = _read_json(data, name) if stripped[:1] in (b"[", b"{") else _read_fitabase(data)
    return _csv.settle(parsed, strict=strict, empty_reason="a Fitbit steps file with no step values")


# -- Fitabase CSV ---------------------------------------------------------------------------------
def _read_fitabase(data: bytes) -> ParsedFile:
    parsed = ParsedFile(FORMAT)
    text, warning = _csv.decode(data)
    if warning:
        parsed.warnings.append(warning)
    first = text.split("\n", 1)[0]
    header = [c.strip() for c in first.split(",")]
    steps_cols = _csv.find_columns(header, FITABASE_STEPS)
    if not steps_cols:  # decided from the header alone: heartrate_seconds is ~90 MB of no steps
        parsed.skip_reason = f"a Fitabase file without steps (columns: {_csv.describe_headers(header)})"
        return parsed
    table = _csv.split_records(text, ",")
    steps_i, date_i = steps_cols[0], 1
    rows = [(r, n) for r, n in zip(table.records[1:], table.lines[1:], strict=True) if any(c.strip() for c in r)]
    rows = [(r, n) for r, n in rows if len(r) > steps_i]
    dates = _csv.parse_dates([r[date_i] for r, _ in rows], order="mdy", column=header[date_i])
    problems = _csv.Problems()
    totals: dict[tuple[str, date], int] = {}
    timed = any(dates.has_time)
    for (rec, line), day in zip(rows, dates.days, strict=True):
        parsed.n_records += 1
        where = _csv.example(rec[: steps_i + 1], ",", line)
        athlete = rec[0].strip()
        if day is None or not athlete:
            problems.add(_csv.NOT_A_DATE if day is None else "with no Id", where)
            continue
        value = problems.steps(rec[steps_i], where)
        if value is None:
            continue
        key = (athlete, day)
        totals[key] = totals.get(key, 0) + value if timed else max(totals.get(key, 0), value)
    for key in [k for k, n in totals.items() if n > _csv.MAX_STEPS_PER_DAY]:
        problems.add(_csv.ABSURD, f"Id {key[0]} on {key[1]} sums to {totals.pop(key):,}")
    parsed.bad_rows = problems.total
    parsed.warnings.extend(problems.warnings())
    parsed.daily_steps = [DailySteps(day, n, DEVICE, DEVICE_KIND, athlete=who)
                          for (who, day), n in sorted(totals.items())]
    return parsed


# -- JSON -----------------------------------------------------------------------------------------
def _read_json(data: bytes, name: str) -> ParsedFile:
    doc = _csv.load_json(data, "the Fitbit file")
    if isinstance(doc, list):
        return _read_export_list(doc, name)
    if not isinstance(doc, dict):
        raise CorruptFile("not a Fitbit JSON shape (expected a list or an object)")
    parsed = ParsedFile(FORMAT)
    if "activities-steps" in doc:
        return _read_series(doc["activities-steps"], parsed)
    summary = doc.get("summary")
    if isinstance(doc.get("activities"), list) and isinstance(summary, dict) and "steps" in summary:
        return _read_summary(doc["activities"], summary, parsed)
    keys = [k for k in doc if not k.endswith("-intraday")]
    kinds = ", ".join(sorted(k for k in keys if k not in ("summary", "goals")) or keys) or "an empty object"
    parsed.skip_reason = f"Fitbit {kinds} data, which holds no daily steps"
    return parsed


def _read_export_list(doc: list[Any], name: str) -> ParsedFile:
    parsed = ParsedFile(FORMAT)
    m = _EXPORT_KIND.match(_csv.basename(name))
    kind = m.group(1).lower() if m else None
    if not doc:
        parsed.skip_reason = "an empty Fitbit export file"
        return parsed
    if kind != "steps":
        what = f"'{kind}'" if kind else "a file not named steps-YYYY-MM-DD.json, so not known to be"
        parsed.skip_reason = f"Fitbit export {what} data, which holds no steps"
        return parsed
    if not all(isinstance(p, dict) and "dateTime" in p for p in doc):
        raise CorruptFile("a Fitbit steps export must be a list of {dateTime, value} entries")
    cells = [str(p["dateTime"]) for p in doc]
    dates = _csv.parse_dates(cells, order="mdy", column="dateTime")
    problems = _csv.Problems()
    totals: dict[date, int] = {}
    for i, (point, day) in enumerate(zip(doc, dates.days, strict=True)):
        parsed.n_records += 1
        where = f"entry {i + 1}: {json.dumps(point)[:60]}"
        if day is None:
            problems.add(_csv.NOT_A_DATE, where)
            continue
        value = problems.steps(str(point.get("value", "")), where)
        if value is None:
            continue
        totals[day] = totals.get(day, 0) + value
    for day in [d for d, n in totals.items() if n > _csv.MAX_STEPS_PER_DAY]:
        problems.add(_csv.ABSURD, f"{day} sums to {totals.pop(day):,}")
    problems.finish(parsed, totals, DEVICE, DEVICE_KIND)
    return parsed


def _read_series(series: Any, parsed: ParsedFile) -> ParsedFile:
    if not isinstance(series, list):
        raise CorruptFile("Fitbit activities-steps must be a list of {dateTime, value} entries")
    problems = _csv.Problems()
    best: dict[date, int] = {}
    for i, point in enumerate(series):
        parsed.n_records += 1
        where = f"entry {i + 1}: {json.dumps(point)[:60]}"
        day = _iso(point.get("dateTime")) if isinstance(point, dict) else None
        if day is None:
            problems.add(_csv.NOT_A_DATE, where)
            continue
        value = problems.steps(str(point.get("value", "")), where)
        if value is None:
            continue
        best[day] = max(best.get(day, 0), value)
    problems.finish(parsed, best, DEVICE, DEVICE_KIND)
    return parsed


def _read_summary(activities: list[Any], summary: dict[str, Any], parsed: ParsedFile) -> ParsedFile:
    """A daily activity summary: the day is only in its activities' startDate."""
    days = {_iso(a.get("startDate")) for a in activities if isinstance(a, dict)}
    days.discard(None)
    if len(days) != 1:
        parsed.skip_reason = ("a Fitbit daily activity summary whose date cannot be told (no single activity"
                              " startDate); export the activities-steps time series instead")
        return parsed
    parsed.n_records = 1
    value = _csv.parse_count(str(summary.get("steps", "")))
    reason = _csv.check_steps(value)
    if reason or value is None:
        parsed.bad_rows = 1
        parsed.warnings.append(f"1 row {reason}, not stored (e.g. summary.steps = {summary.get('steps')!r})")
        return parsed
    parsed.daily_steps = [DailySteps(day, value, DEVICE, DEVICE_KIND) for day in days if day is not None]
    return parsed


def _iso(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


__all__ = ["FORMAT", "read", "sniff"]
