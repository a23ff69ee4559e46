"""Generic CSV step logs: a date column and a steps column found by header, in any of a few languages.

Decisions (README "Importing"):
- delimiter `,`, `;` or tab, whichever gives the most records of one width; UTF-8 (BOM or not),
  UTF-16 with BOM, else Windows-1252 with a warning;
- the header is the first of the first 20 records that names a date or steps column (preamble
  lines before it are skipped); `--map date=COL,steps=COL[,device=COL][,order=dmy|mdy]` names them
  when the file's own names are unknown;
- a header name used twice: the first column of that name that holds values is used, with a warning;
- dates: see `_csv` (ISO, numeric with the day/month order decided by the whole column, English
  month names); rows with a time of day are summed per day (an intraday log); a day repeated in a
  date-only log keeps its largest value (a re-entered day), never the sum;
- blank step cells are "no data"; rows with no readable date, a non-number, a negative count or
  more than 100,000 steps a day are counted in `bad_rows` with one warning line per reason;
- text cells (a device/source column) are stored verbatim, `=...` included: escaping is the CSV
  writer's job, not the reader's;
- device "CSV step log (<file name>)", or the row's source/device column; kind "manual".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import BinaryIO

from ..errors import ConfigError, CorruptFile, UnsupportedFormat
from ..models import DailySteps, ParsedFile
from . import _csv
from .base import COLUMN_MAP_KEYS

FORMAT = "csv_steps"
DEVICE_KIND = "manual"

DATE_NAMES = (
    "date", "day", "datum", "fecha", "data", "date time", "datetime", "timestamp", "jour", "dag", "tag",
    "giorno", "dia", "día", "päivä", "päivämäärä", "calendar date", "activity date", "activity day",
    "start date", "start", "date of day", "дата", "日付", "日期",
)
STEPS_NAMES = (
    "steps", "step", "step count", "step total", "total steps", "daily steps", "number of steps",
    "steps count", "stepcount", "schritte", "schrittzahl", "anzahl schritte", "pasos", "número de pasos",
    "pas", "nombre de pas", "passi", "passos", "stappen", "steg", "skridt", "kroki", "askeleet",
    "шаги", "歩数", "步数",
)
STEP_WORDS = ("step", "steps", "schritte", "pasos", "passi", "passos", "stappen", "kroki", "pas")
NOT_STEP_WORDS = ("goal", "ziel", "objetivo", "target", "objectif", "length", "länge", "cadence", "rate")
DEVICE_NAMES = ("source", "source name", "device", "app", "quelle", "gerät", "geraet", "fuente", "dispositivo",
                "appareil", "origine")
# Header names that mark another export's CSV (Strava activities.csv has 'Total Steps' too).
FOREIGN_MARKERS = ("activity id", "activity type", "elapsed time", "moving time", "activity name", "log id",
                   "activityid", "logid", "start time", "end time")
# A table with unnamed columns is claimed only if no header names another measure.
OTHER_MEASURES = ("weight", "gewicht", "peso", "poids", "sleep", "schlaf", "heart", "puls", "pulse", "bpm",
                  "calorie", "calories", "kcal", "kalorien", "distance", "km", "miles", "meter", "metres",
                  "minutes", "duration", "dauer", "temperature", "glucose", "pressure", "blood", "spo2")


# -- sniffing -------------------------------------------------------------------------------------
def sniff(head: bytes, name: str) -> bool:
    """A delimited text whose header names a steps column, or a table of dates and integers under
    headers we do not know (then `read` asks for --map). Other exports' CSVs are refused."""
    if _csv.looks_binary(head):
        return False
    text, _ = _csv.decode(head, partial=True)
    if text.lstrip()[:1] in ("{", "[", "<", ""):
        return False
    if len(head) >= 4096 and "\n" in text:
        text = text[: text.rfind("\n")]  # drop a record cut by the sniff window
    table = _csv.split_records_lenient(text, _csv.guess_delimiter(text))
    if table is None:
        return False
    recs = table.records[: _csv.HEADER_SEARCH_ROWS]
    for rec in recs:
        names = [_csv.norm(c) for c in rec]
        if any(n in FOREIGN_MARKERS for n in names):
            return False
        if len(rec) > 1 and _steps_columns(rec):
            return True
    return _unnamed_step_table(recs)


def _unnamed_step_table(recs: list[list[str]]) -> bool:
    """A header of unknown names above rows holding a date cell and a whole-number cell."""
    for i, rec in enumerate(recs[:-1]):
        if len(rec) < 2:
            continue
        words = {w for c in rec for w in _csv.norm(c).split()}
        if words & set(OTHER_MEASURES) or any(_csv.parse_count(c) is not None for c in rec if c.strip()):
            continue
        for row in recs[i + 1 : i + 4]:
            if len(row) != len(rec):
                break
            dates = _csv.parse_dates(row, order="dmy").days
            if any(dates) and any(d is None and _csv.parse_count(c) is not None for c, d in zip(row, dates,
                                                                                                   strict=True)):
                return True
        return False
    return False


def _steps_columns(header: Sequence[str]) -> list[int]:
    exact = _csv.find_columns(header, STEPS_NAMES)
    if exact:
        return exact
    found = []
    for i, cell in enumerate(header):
        words = _csv.norm(cell).split()
        if any(w in STEP_WORDS for w in words) and not any(w in NOT_STEP_WORDS for w in words):
            found.append(i)
    return found


# -- reading --------------------------------------------------------------------------------------
def read(stream: BinaryIO, *, name: str, strict: bool = False, column_map: dict[str, str] | None = None,
         **options: object) -> ParsedFile:
    """Parse a step log into one DailySteps per day (per device when the log has a device column)."""
    parsed = ParsedFile(FORMAT)
    text, enc_warning = _csv.decode(_csv.read_limited(stream, name))
    if enc_warning:
        parsed.warnings.append(enc_warning)
    if not text.strip():
        raise CorruptFile("the CSV is empty; export the step log again")
    table = _csv.split_records(text, _csv.guess_delimiter(text))
    mapping = _check_map(column_map)
    h, cols = _locate(table, mapping)
    header = table.records[h]
    body = [(rec, line) for rec, line in zip(table.records[h + 1:], table.lines[h + 1:], strict=True)
            if any(c.strip() for c in rec)]
    date_i = _pick(header, cols["date"], body, parsed, "date")
    steps_i = _pick(header, cols["steps"], body, parsed, "steps")
    device_i = _pick(header, cols.get("device", []), body, parsed, "device") if cols.get("device") else None
    default_device = f"CSV step log ({_csv.basename(name)})"
    rows = [(rec, line) for rec, line in body if len(rec) > steps_i and rec[steps_i].strip()]
    date_cells = [rec[date_i] if date_i < len(rec) else "" for rec, _ in rows]
    dates = _csv.parse_dates(date_cells, mapping.get("order"), column=header[date_i].strip() or "date")
    problems = _csv.Problems()
    sums: dict[tuple[date, str], int] = {}
    timed: set[tuple[date, str]] = set()
    repeated = 0
    for (rec, line), day, has_time in zip(rows, dates.days, dates.has_time, strict=True):
        where = _csv.example(rec, table.delimiter, line)
        if day is None:
            problems.add(_csv.NOT_A_DATE, where)
            continue
        value = problems.steps(rec[steps_i], where)
        if value is None:
            continue
        device = default_device
        if device_i is not None and device_i < len(rec) and rec[device_i].strip():
            device = rec[device_i].strip()  # verbatim, '=' included
        key = (day, device)
        if has_time:
            timed.add(key)
            sums[key] = sums.get(key, 0) + value
        elif key in sums:
            repeated += 1
            sums[key] = max(sums[key], value)
        else:
            sums[key] = value
    too_many = [k for k in timed if sums[k] > _csv.MAX_STEPS_PER_DAY]
    for key in too_many:
        problems.add(_csv.ABSURD, f"{key[0]} sums to {sums.pop(key):,}")
    parsed.n_records = len(rows)
    parsed.bad_rows = problems.total
    parsed.warnings.extend(problems.warnings())
    if repeated:
        parsed.warnings.append(f"{repeated} day{'s' if repeated != 1 else ''} listed more than once;"
                               " kept the largest value of each, not the sum")
    parsed.daily_steps = [DailySteps(day, steps, device, DEVICE_KIND)
                          for (day, device), steps in sorted(sums.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))]
    return _csv.settle(parsed, strict=strict, empty_reason="a step log with a header but no step rows")


def _check_map(column_map: dict[str, str] | None) -> dict[str, str]:
    mapping = {k.strip().lower(): v for k, v in (column_map or {}).items()}
    unknown = sorted(set(mapping) - set(COLUMN_MAP_KEYS))
    if unknown:
        raise ConfigError(f"--map does not know {', '.join(unknown)}; use date=COL,steps=COL (optionally"
                          " device=COL, order=dmy|mdy)")
    if "order" in mapping and mapping["order"].lower() not in ("dmy", "mdy"):
        raise ConfigError("--map order= takes dmy (day first) or mdy (month first)")
    if "order" in mapping:
        mapping["order"] = mapping["order"].lower()
    return mapping


def _locate(table: _csv.Table, mapping: dict[str, str]) -> tuple[int, dict[str, list[int]]]:
    """The header row index and, per role, the candidate column indexes."""
    named = {k: v for k, v in mapping.items() if k in ("date", "steps", "device")}
    first_wide = None
    partial: tuple[list[str], str] | None = None
    for h, rec in enumerate(table.records[: _csv.HEADER_SEARCH_ROWS]):
        if len(rec) < 2:
            continue
        if first_wide is None:
            first_wide = h
        cols: dict[str, list[int]] = {}
        for role, aliases in (("date", DATE_NAMES), ("steps", None), ("device", DEVICE_NAMES)):
            if role in named:
                cols[role] = _csv.find_columns(rec, [named[role]])
            elif aliases is None:
                cols[role] = _steps_columns(rec)
            else:
                cols[role] = _csv.find_columns(rec, aliases)
        if named and all(cols[r] for r in named):
            if cols["date"] and cols["steps"]:
                return h, cols
            missing = "date" if not cols["date"] else "steps"
            raise _no_columns(rec, f"no {missing} column found next to the --map columns")
        if not named and cols["date"] and cols["steps"]:
            return h, cols
        if not named and partial is None and (cols["date"] or cols["steps"]):
            partial = (rec, "no steps column found" if cols["date"] else "no date column found")
    if partial is not None:
        raise _no_columns(*partial)
    header = table.records[first_wide] if first_wide is not None else (table.records[0] if table.records else [])
    if named:
        absent = [f"{k}={v!r}" for k, v in named.items() if not _csv.find_columns(header, [v])]
        raise ConfigError(f"the --map column{'s' if len(absent) > 1 else ''} {', '.join(absent)} not found in"
                          f" the header (columns: {_csv.describe_headers(header)})")
    raise _no_columns(header, "no date and steps columns recognised")


def _no_columns(header: Sequence[str], what: str) -> UnsupportedFormat:
    return UnsupportedFormat(f"{what} (columns: {_csv.describe_headers(header)}); name them with"
                             " --map date=COLUMN,steps=COLUMN")


def _pick(header: Sequence[str], candidates: list[int], body: list[tuple[list[str], int]], parsed: ParsedFile,
          role: str) -> int:
    """The first candidate column whose cells are usable for `role`; warn when there was a choice."""

    def usable(i: int) -> bool:
        cells = [r[i].strip() for r, _ in body[:50] if i < len(r) and r[i].strip()]
        if role == "date":
            return any(_csv.parse_dates(cells, order="dmy").days)
        if role == "steps":
            return any(_csv.parse_count(c) is not None for c in cells)
        return bool(cells)

    chosen = next((i for i in candidates if usable(i)), candidates[0])
    names = [header[i].strip() for i in candidates]
    if len(candidates) > 1:
        what = (f"the header names {names[0]!r} {len(names)} times" if len(set(names)) == 1
                else f"{len(names)} columns could be the {role} ({', '.join(repr(n) for n in names)})")
        parsed.warnings.append(f"{what}; used column {chosen + 1}, the first that holds {role} values")
    return chosen


__all__ = ["FORMAT", "read", "sniff"]
