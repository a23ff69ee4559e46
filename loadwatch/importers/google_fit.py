"""Google Fit: Takeout's `Fit/Daily activity metrics/` CSVs and the Fit REST API dataset JSON.

- `Daily activity metrics.csv`: one row per day (`Date`, ..., `Step count`, ...); a blank step
  count means "no data", not zero, and the day is left out.
- `YYYY-MM-DD.csv` of the same folder: 15-minute rows (`Start time`, `End time`, ..., `Step count`)
  summed for the day named by the file (the rows carry only times of day).
  Both are stored as device "Google Fit", kind "phone". Imported together, a day has two rows of the
  same source (one per file); the store keeps one row per day per file and reads one value per
  day and source, the larger, never the sum. They hold the same data, so they agree in practice.
- REST API datasets (`{"dataSourceId": ..., "point": [...]}`, the shape Takeout's `All Data/*.json`
  also uses as `{"Data Source": ..., "Data Points": [...]}`): `com.google.step_count.delta` points
  summed per UTC day (the points carry no time zone; a warning says so); other data types are
  recognised and skipped with a reason.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any, BinaryIO

from ..errors import CorruptFile, UnsupportedFormat
from ..models import DailySteps, ParsedFile
from . import _csv

FORMAT = "google_fit"
DEVICE = "Google Fit"
DEVICE_KIND = "phone"
STEP_TYPE = "com.google.step_count.delta"

# Columns only Google Fit's Takeout CSVs carry; two of them identify the file.
FIT_COLUMNS = frozenset({"move minutes count", "heart points", "heart minutes", "calories", "distance",
                         "average speed", "inactive duration", "walking duration", "low latitude"})
_DAY_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})\.csv$", re.IGNORECASE)
_JSON_HEAD = re.compile(rb'^\s*\{\s*"(dataSourceId|minStartTimeNs|maxEndTimeNs|Data Source|Data Points|point)"\s*:')


def sniff(head: bytes, name: str) -> bool:
    """The Takeout CSV header (Date or Start time/End time + Google Fit's own columns) or an API dataset."""
    if _JSON_HEAD.match(head):
        return True
    if _csv.looks_binary(head):
        return False
    text, _ = _csv.decode(head, partial=True)
    first = text.split("\n", 1)[0]
    names = [_csv.norm(c) for c in first.split(",")]
    if len(set(names) & FIT_COLUMNS) < 2:
        return False
    return names[0] == "date" or {"start time", "end time"} <= set(names)


def read(stream: BinaryIO, *, name: str, strict: bool = False, **options: object) -> ParsedFile:
    data = _csv.read_limited(stream, name)
    if _JSON_HEAD.match(data):
        return _read_json(data)
    text, warning = _csv.decode(data)
    table = _csv.split_records(text, ",")
    if not table.records:
        raise CorruptFile("the Google Fit CSV is empty; export it again from Google Takeout")
    header = [_csv.norm(c) for c in table.records[0]]
    parsed = ParsedFile(FORMAT, warnings=[warning] if warning else [])
    if "step count" not in header:
        parsed.skip_reason = "a Google Fit file with no Step count column (no steps recorded)"
        return parsed
    steps_i = header.index("step count")
    if header[0] == "date":
        _read_daily(table, steps_i, parsed)
    else:
        _read_day_file(table, steps_i, name, parsed)
    return _csv.settle(parsed, strict=strict,
                       empty_reason="a Google Fit file with no step counts (every Step count cell is blank)")


def _read_daily(table: _csv.Table, steps_i: int, parsed: ParsedFile) -> None:
    """`Daily activity metrics.csv`: one row per ISO date; blank step cells are no data."""
    problems = _csv.Problems()
    best: dict[date, int] = {}
    for rec, line in zip(table.records[1:], table.lines[1:], strict=True):
        if not any(c.strip() for c in rec):
            continue
        parsed.n_records += 1
        cell = rec[steps_i].strip() if steps_i < len(rec) else ""
        if not cell:
            continue  # no data that day, not zero steps
        day = _iso_day(rec[0])
        where = _csv.example(rec[: steps_i + 1], ",", line)
        if day is None:
            problems.add(_csv.NOT_A_DATE, where)
            continue
        value = problems.steps(cell, where)
        if value is None:
            continue
        best[day] = max(best.get(day, 0), value)
    problems.finish(parsed, best, DEVICE, DEVICE_KIND)


def _read_day_file(table: _csv.Table, steps_i: int, name: str, parsed: ParsedFile) -> None:
    """`YYYY-MM-DD.csv`: 15-minute rows summed for the day in the file name."""
    m = _DAY_NAME.search(_csv.basename(name))
    day = _iso_day(m.group(1)) if m else None
    if day is None:
        raise UnsupportedFormat("a Google Fit per-day file names its day only in the file name (YYYY-MM-DD.csv);"
                                " import it under its original name")
    problems = _csv.Problems()
    total = 0
    seen = False
    for rec, line in zip(table.records[1:], table.lines[1:], strict=True):
        if not any(c.strip() for c in rec):
            continue
        parsed.n_records += 1
        cell = rec[steps_i].strip() if steps_i < len(rec) else ""
        if not cell:
            continue
        value = _csv.parse_count(cell)
        reason = _csv.check_steps(value)
        if reason:
            problems.add(reason, _csv.example(rec, ",", line))
            continue
        assert value is not None
        total += value
        seen = True
    if seen and total > _csv.MAX_STEPS_PER_DAY:
        problems.add(_csv.ABSURD, f"{day} sums to {total:,}")
        seen = False
    parsed.bad_rows = problems.total
    parsed.warnings.extend(problems.warnings())
    if seen:
        parsed.daily_steps = [DailySteps(day, total, DEVICE, DEVICE_KIND)]


def _iso_day(cell: str) -> date | None:
    try:
        return date.fromisoformat(cell.strip()[:10])
    except ValueError:
        return None


# -- REST API / Takeout "All Data" JSON -------------------------------------------------------------
def _read_json(data: bytes) -> ParsedFile:
    doc = _csv.load_json(data, "the Google Fit file")
    if not isinstance(doc, dict):
        raise CorruptFile("a Google Fit dataset must be a JSON object")
    parsed = ParsedFile(FORMAT)
    points = doc.get("point", doc.get("Data Points")) or []
    source = str(doc.get("dataSourceId") or doc.get("Data Source") or "")
    if not isinstance(points, list):
        raise CorruptFile("a Google Fit dataset's points must be a list")
    if not points:
        parsed.skip_reason = "a Google Fit dataset with no data points"
        return parsed
    types = {str(p.get("dataTypeName", "")) for p in points if isinstance(p, dict)}
    if STEP_TYPE not in types and STEP_TYPE not in source:
        kind = ", ".join(sorted(t for t in types if t)) or source or "unknown"
        parsed.skip_reason = f"Google Fit {kind} data, which holds no steps"
        return parsed
    problems = _csv.Problems()
    totals: dict[date, int] = {}
    for i, point in enumerate(points):
        parsed.n_records += 1
        value, start = _step_point(point)
        where = f"point {i + 1}"
        if start is None:
            problems.add(_csv.NOT_A_DATE, where)
            continue
        reason = _csv.check_steps(value)
        if reason:
            problems.add(reason, where)
            continue
        assert value is not None
        day = start.date()
        totals[day] = totals.get(day, 0) + value
    for day in [d for d, n in totals.items() if n > _csv.MAX_STEPS_PER_DAY]:
        problems.add(_csv.ABSURD, f"{day} sums to {totals.pop(day):,}")
    parsed.bad_rows = problems.total
    parsed.warnings.extend(problems.warnings())
    parsed.warnings.append("Google Fit dataset times carry no time zone; steps were counted per UTC day")
    parsed.daily_steps = [DailySteps(d, n, DEVICE, DEVICE_KIND) for d, n in sorted(totals.items())]
    if not parsed.daily_steps:
        raise CorruptFile("no usable step points: " + "; ".join(problems.warnings()))
    return parsed


def _step_point(point: Any) -> tuple[int | None, datetime | None]:
    """(steps, start as UTC) of one point; Takeout nests values as fitValue[].value.intVal."""
    if not isinstance(point, dict):
        return None, None
    try:
        start = datetime.fromtimestamp(int(point["startTimeNanos"]) / 1e9, tz=UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None, None
    values = point.get("value") or [v.get("value", {}) for v in point.get("fitValue", []) if isinstance(v, dict)]
    try:
        value = values[0].get("intVal")
        return (int(value) if value is not None else None), start
    except (IndexError, AttributeError, TypeError, ValueError):
        return None, start


__all__ = ["FORMAT", "read", "sniff"]
