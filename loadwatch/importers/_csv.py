"""Shared CSV plumbing for the step-log readers: decode, find the delimiter and header, parse dates
and step counts. Pure functions over text; no pandas (step logs are small and need per-row reasons).

Dates understood (`parse_dates`): ISO `2024-03-05` (also `/` or `.` between the parts), numeric
`05/03/2024`, `5.3.24`, `03-05-2024` (day/month order decided by the whole column: a first part
> 12 means day first, a second part > 12 means month first, dotted dates are day first, otherwise
rejected as ambiguous), English month names (`5 Mar 2024`, `Mar 5, 2024`), each optionally
followed by a time of day (`2024-03-05 14:00`, `4/12/2016 12:00:00 AM`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, BinaryIO

from .. import plausible
from ..errors import CorruptFile, HostileInput
from ..models import DailySteps, ParsedFile

MAX_TEXT_BYTES = 128 * 2**20  # far above any daily or minute step log we know (Fitabase: ~40 MB)
MAX_STEPS_PER_DAY = plausible.MAX_STEPS_PER_DAY  # one number: the plausibility rules
HEADER_SEARCH_ROWS = 20  # a header row is looked for among the first this many records
DELIMITERS = (",", ";", "\t")
EXAMPLE_CHARS = 80

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


# -- bytes -> text -> records ---------------------------------------------------------------------
def decode(data: bytes, *, partial: bool = False) -> tuple[str, str | None]:
    """Text and a warning (None when clean): UTF-8/UTF-16 by BOM, else UTF-8, else Windows-1252.

    `partial` tolerates a multi-byte character cut at the end (a sniffed head).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace" if partial else "strict"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        if partial and err.start >= len(data) - 3:
            return data[: err.start].decode("utf-8"), None
    return data.decode("cp1252", errors="replace"), "not UTF-8; read as Windows-1252 (Western European)"


def looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head[:1024]


def load_json(data: bytes, what: str) -> Any:
    """`data` decoded as JSON; a cut or damaged file (or one nested past Python's recursion limit) is
    CorruptFile naming `what` ("the Fitbit file")."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as err:
        raise CorruptFile(f"not valid JSON ({err}); {what} is cut short or damaged") from err


def read_limited(stream: BinaryIO, name: str, limit: int = MAX_TEXT_BYTES) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise HostileInput(f"larger than {limit // 2**20} MiB, far more than a step log holds; refusing it")
    return data


@dataclass(slots=True)
class Table:
    """Records of a delimited text with the physical line each one starts on (1-based)."""

    delimiter: str
    records: list[list[str]]
    lines: list[int]


def split_records(text: str, delimiter: str, *, limit: int | None = None) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for rec in reader:
            records.append(rec)
            lines.append(start)
            start = reader.line_num + 1
            if limit is not None and len(records) >= limit:
                break
    except csv.Error as err:  # e.g. a NUL byte or an unterminated quote at EOF
        raise CorruptFile(f"broken CSV near line {reader.line_num} ({err})") from err
    return Table(delimiter, records, lines)


def split_records_lenient(text: str, delimiter: str) -> Table | None:
    """`split_records` for a sniffed head: None instead of an error."""
    try:
        return split_records(text, delimiter, limit=HEADER_SEARCH_ROWS + 5)
    except CorruptFile:
        return None


def guess_delimiter(text: str) -> str:
    """The delimiter under which most of the first records share one column count (> 1)."""
    best, best_score = ",", (0, 0)
    sample = text[:65536]
    for delim in DELIMITERS:
        try:
            recs = split_records(sample, delim, limit=40).records
        except CorruptFile:
            continue
        counts: dict[int, int] = {}
        for rec in recs:
            if len(rec) > 1:
                counts[len(rec)] = counts.get(len(rec), 0) + 1
        if not counts:
            continue
        width, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if (n, width) > best_score:
            best, best_score = delim, (n, width)
    return best


# -- headers --------------------------------------------------------------------------------------
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_WORD = re.compile(r"[^\w]+")


def norm(header: str) -> str:
    """'TotalSteps' -> 'total steps'; 'Step count (#)' -> 'step count'; '\ufeffDate' -> 'date'."""
    h = _CAMEL.sub(" ", header.strip().lstrip("\ufeff"))
    h = _PARENS.sub(" ", h).casefold()
    return " ".join(_NON_WORD.sub(" ", h).replace("_", " ").split())


def find_columns(header: Sequence[str], aliases: Iterable[str]) -> list[int]:
    """Indexes of the header cells whose normalised name is one of `aliases`, in order."""
    wanted = {norm(a) for a in aliases}
    return [i for i, h in enumerate(header) if norm(h) in wanted]


def describe_headers(header: Sequence[str]) -> str:
    shown = [h.strip() or "(blank)" for h in header[:20]]
    more = f" and {len(header) - 20} more" if len(header) > 20 else ""
    return ", ".join(shown) + more


# -- values ---------------------------------------------------------------------------------------
_ISO = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ,]+(\S.*))?$")
_NUM = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?:[T ,]+(\S.*))?$")
_NAMED_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%d-%b-%Y", "%d-%b-%y", "%Y-%b-%d")
_MIDNIGHT = re.compile(r"^0?0:00(:00(\.0+)?)?( ?[AP]M)?$|^12:00(:00)? ?AM$", re.IGNORECASE)


class AmbiguousDates(CorruptFile):
    """Every numeric date of a column reads both as day/month and as month/day."""


@dataclass(slots=True)
class DateColumn:
    """Parsed dates (None where a cell is not a date), whether any cell carried a time of day, and
    the numeric order used ("dmy" | "mdy" | None when no numeric dates)."""

    days: list[date | None]
    has_time: list[bool] = field(default_factory=list)
    order: str | None = None


def _year(text: str) -> int:
    y = int(text)
    return 2000 + y if len(text) == 2 else y


def _named(cell: str) -> tuple[date, bool] | None:
    parts = [p.strip() for p in cell.split(",")]
    text = " ".join(" ".join(parts[:2]).split())
    for fmt in _NAMED_FORMATS:
        try:
            return datetime.strptime(text, fmt).date(), len(parts) > 2
        except ValueError:
            continue
    return None


def parse_dates(cells: Sequence[str], order: str | None = None, *, column: str = "date") -> DateColumn:
    """Parse a whole date column. `order` ("dmy"/"mdy") forces numeric dates' order.

    Raises AmbiguousDates when the order cannot be told and was not given.
    """
    numeric: list[tuple[int, int, int, bool] | None] = []
    first_big = second_big = any_numeric = False
    dotted_only = True
    for cell in cells:
        m = _NUM.match(cell.strip())
        if m is None:
            numeric.append(None)
            continue
        a, b = int(m.group(1)), int(m.group(3))
        numeric.append((a, b, _year(m.group(4)), _has_time(m.group(5))))
        any_numeric = True
        first_big |= 12 < a <= 31 and b <= 12
        second_big |= 12 < b <= 31 and a <= 12
        dotted_only &= m.group(2) == "."
    if any_numeric and order is None:
        if first_big and second_big:
            raise CorruptFile(f"the {column} column mixes day/month and month/day dates; write them as ISO dates"
                              " (YYYY-MM-DD)")
        if first_big or (dotted_only and not second_big):
            order = "dmy"
        elif second_big:
            order = "mdy"
        else:
            raise AmbiguousDates(
                f"the {column} column's dates (like {next(c for c, n in zip(cells, numeric, strict=True) if n)!r})"
                " read both as day/month and month/day; write them as ISO dates (YYYY-MM-DD) or add"
                " order=dmy or order=mdy to --map"
            )
    out = DateColumn([], [], order if any_numeric else None)
    for cell, num in zip(cells, numeric, strict=True):
        day, timed = _one_date(cell.strip(), num, order)
        out.days.append(day)
        out.has_time.append(timed)
    return out


def _has_time(rest: str | None) -> bool:
    return rest is not None and bool(rest) and not _MIDNIGHT.match(rest.strip())


def _one_date(cell: str, num: tuple[int, int, int, bool] | None, order: str | None) -> tuple[date | None, bool]:
    try:
        if num is not None:
            a, b, y, timed = num
            return (date(y, b, a) if order == "dmy" else date(y, a, b)), timed
        m = _ISO.match(cell)
        if m is not None:
            return date(int(m.group(1)), int(m.group(3)), int(m.group(4))), _has_time(m.group(5))
    except ValueError:  # 2024-02-30
        return None, False
    named = _named(cell) if cell else None
    return named if named else (None, False)


_THOUSANDS = re.compile(r"^\d{1,3}([,.' \u00a0\u202f])\d{3}(\1\d{3})*$")


def parse_count(cell: str) -> int | None:
    """'12345', '12,345', '12.345', '12 345', '1234.0' -> int; None when not a number."""
    s = cell.strip()
    if _THOUSANDS.match(s):
        return int(re.sub(r"\D", "", s))
    s = s.replace(",", ".") if s.count(",") == 1 and "." not in s else s
    try:
        value = float(s)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return round(value)


def example(record: Sequence[str], delimiter: str, line: int) -> str:
    text = delimiter.join(record).replace("\n", " ")
    if len(text) > EXAMPLE_CHARS:
        text = text[: EXAMPLE_CHARS - 3] + "..."
    return f"line {line}: {text}"


@dataclass(slots=True)
class Problems:
    """Bad rows by reason, each with its count and first example, for one warning line per reason."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, reason: str, where: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        self.examples.setdefault(reason, where)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def warnings(self) -> list[str]:
        return [f"{n} row{'s' if n != 1 else ''} {reason}, not stored (e.g. {self.examples[reason]})"
                for reason, n in self.counts.items()]

    def steps(self, cell: str, where: str, per_day: bool = True) -> int | None:
        """The step count in `cell`, or None after recording why it is refused."""
        value = parse_count(cell)
        reason = check_steps(value, per_day)
        if reason:
            self.add(reason, where)
            return None
        return value

    def finish(self, parsed: ParsedFile, totals: dict[date, int], device: str, device_kind: str) -> None:
        """Put the day totals and the bad-row report into `parsed`."""
        parsed.bad_rows = self.total
        parsed.warnings.extend(self.warnings())
        parsed.daily_steps = [DailySteps(d, n, device, device_kind) for d, n in sorted(totals.items())]


def settle(parsed: ParsedFile, *, strict: bool, empty_reason: str) -> ParsedFile:
    """The end of a steps reader: --strict refuses any bad row; a file whose rows were all bad
    fails; one with no step values at all is skipped with `empty_reason`."""
    if strict and parsed.bad_rows:
        raise CorruptFile(f"{parsed.bad_rows} bad rows (--strict): " + "; ".join(parsed.warnings))
    if not parsed.daily_steps and not parsed.skip_reason:
        if parsed.bad_rows:
            raise CorruptFile("no usable step rows: " + "; ".join(parsed.warnings))
        parsed.skip_reason = empty_reason
    return parsed


ABSURD = f"with a negative or absurd step count (over {MAX_STEPS_PER_DAY:,} a day)"
NOT_A_DATE = "with no readable date"
NOT_A_NUMBER = "with a step count that is not a number"


def check_steps(value: int | None, per_day: bool = True) -> str | None:
    """The reason a step value is refused, or None when it is fine."""
    if value is None:
        return NOT_A_NUMBER
    if value < 0 or (per_day and value > MAX_STEPS_PER_DAY):
        return ABSURD
    return None


def basename(name: str) -> str:
    """'export.zip!Takeout/Fit/x.csv' -> 'x.csv'."""
    return re.split(r"[/\\!]", name)[-1]
