"""Garmin account export: the daily summaries in `DI_CONNECT/DI-Connect-Aggregator/UDSFile_*.json`.

Each `UDSFile_<first day>_<last day>.json` is a JSON list of one "user daily summary" per calendar day
(`calendarDate`, "YYYY-MM-DD", the watch's local day), the numbers Garmin Connect shows on its day
page: `totalSteps`, `dailyStepGoal`, `totalDistanceMeters`, calories, heart rate, stress and body
battery, `includesWellnessData`, `wellnessStartTimeGmt`, `userProfilePK`, `source` ("GARMIN").
Field names as in public readers of the export (the research notes, shared/notes/exports-and-failures.md).

- A day without a step count (`totalSteps` null or missing) is no data, not zero steps: the watch was
  not worn or not synced. A 0 on a day whose `includesWellnessData` is false is the same: the summary
  exists (a weight entry, a manual activity) but nothing was measured.
- The summary is Garmin's own merge of the account's devices for that day (the records name no
  device), so it is one source, device "Garmin Connect", kind "watch". If a day appears in several
  records (overlapping files or summaries written twice), the largest total is kept, never the sum.
  The watch's monitoring FIT files of the same export report the same days; the store keeps one
  source per day (`models.DEVICE_PRIORITY`, then the larger total), so they do not double.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, BinaryIO

from ..errors import CorruptFile
from ..models import ParsedFile
from . import _csv

FORMAT = "garmin_uds"
DEVICE = "Garmin Connect"
DEVICE_KIND = "watch"

_LIST_OF_OBJECTS = re.compile(rb"^\s*\[\s*\{")
# Keys of a user daily summary that no other file of the export (sleepData, HydrationLogFile,
# TrainingReadinessDTO, summarizedActivities, MetricsMaxMetData, ...) or the Connect API's activity
# JSON carries; two of them next to `calendarDate` make the file a UDS file.
_SUMMARY_KEYS = (b'"totalSteps"', b'"dailyStepGoal"', b'"wellnessStartTimeGmt"', b'"wellnessEndTimeGmt"',
                 b'"includesWellnessData"', b'"includesActivityData"', b'"wellnessKilocalories"',
                 b'"totalKilocalories"', b'"bmrKilocalories"', b'"totalDistanceMeters"', b'"highlyActiveSeconds"')
SUMMARY_KEYS_NEEDED = 2


def sniff(head: bytes, name: str) -> bool:
    """A JSON list of objects whose head carries `calendarDate` and daily-summary keys."""
    if not _LIST_OF_OBJECTS.match(head) or b'"calendarDate"' not in head:
        return False
    return sum(key in head for key in _SUMMARY_KEYS) >= SUMMARY_KEYS_NEEDED


def read(stream: BinaryIO, *, name: str, strict: bool = False, **options: object) -> ParsedFile:
    data = _csv.read_limited(stream, name)
    doc = _csv.load_json(data, "the Garmin daily summary file")
    if not isinstance(doc, list):
        raise CorruptFile("a Garmin daily summary file (UDSFile) must be a JSON list of days")
    parsed = ParsedFile(FORMAT)
    problems = _csv.Problems()
    best: dict[date, int] = {}
    repeated: set[date] = set()
    for i, record in enumerate(doc):
        parsed.n_records += 1
        where = f"record {i + 1}: {_shown(record)}"
        if not isinstance(record, dict):
            problems.add("not a JSON object", where)
            continue
        day = _day(record.get("calendarDate"))
        if day is None:
            problems.add(_csv.NOT_A_DATE, where)
            continue
        raw = record.get("totalSteps")
        if raw is None or (raw == 0 and record.get("includesWellnessData") is False):
            continue  # no step count that day (the watch was not worn): no data, not zero steps
        if isinstance(raw, bool):
            problems.add(_csv.NOT_A_NUMBER, where)
            continue
        value = problems.steps(str(raw), where)
        if value is None:
            continue
        if day in best:
            repeated.add(day)
        best[day] = max(best.get(day, 0), value)
    problems.finish(parsed, best, DEVICE, DEVICE_KIND)
    if repeated:
        first = min(repeated).isoformat()
        parsed.warnings.append(f"{len(repeated)} day(s) appear in more than one summary (e.g. {first}); the larger"
                               " step total of each was kept, not the sum")
    empty = "a Garmin daily summary file with no step counts (the watch was not worn on any of its days)"
    if not doc:
        empty = "an empty Garmin daily summary file"
    return _csv.settle(parsed, strict=strict, empty_reason=empty)


def _day(value: Any) -> date | None:
    """`calendarDate` is "YYYY-MM-DD" (some exports add "T00:00:00.0")."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _shown(record: Any) -> str:
    if isinstance(record, dict):
        record = {k: record.get(k) for k in ("calendarDate", "totalSteps") if k in record} or record
    return json.dumps(record, default=str)[:60]


__all__ = ["FORMAT", "read", "sniff"]
