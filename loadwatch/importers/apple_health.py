"""Apple Health `export.xml` (also `apple_health_export/export.xml` inside `export.zip`).

Streams the file in 1 MiB chunks through expat with no tree built: memory stays flat for
multi-GB exports (only compact arrays of the step and heart-rate samples are kept). Safety:
the internal DTD Apple writes is cut out before parsing (the iOS 16 one is malformed), and an
export that declares entities or names an external DTD is refused (HostileInput); expat is also
told to refuse entity declarations, as defusedxml does. Control characters XML forbids (Apple
writes `\\x0b` into some attributes) are removed from the byte stream and counted.

- Steps (`HKQuantityTypeIdentifierStepCount`): iPhone and Watch samples overlap. As Apple's own
  statistics do, each stretch of time counts the highest-priority source that has samples there
  (Watch > iPhone > apps); a lower source's sample counts only for the fraction of its interval
  not covered by higher sources (steps assumed uniform within a sample). Days are local days in
  each sample's own offset (`+0100`/`+0200` across DST), a sample crossing midnight is split by
  time. One DailySteps per day, device "Apple Health (merged)", kind "watch" when a watch
  contributed samples that day, else "phone". The merge is in `apple_steps.py`.
- Workouts -> Activity: elapsed time = endDate - startDate, `duration` (active time) -> moving_s;
  distance and energy from `WorkoutStatistics` (iOS 16+) or the old `total*` attributes; HR from
  the `HKQuantityTypeIdentifierHeartRate` records inside the window, each held until the next
  (at most HR_MAX_HOLD_S).
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import BinaryIO
from xml.parsers import expat

import numpy as np

from .. import plausible
from ..errors import CorruptFile, HostileInput
from ..models import Activity, ParsedFile
from ..units import KCAL_PER, METRES_PER, SECONDS_PER
from ._xml import MAX_EXPORT_XML_ELEMENTS, XmlShape, sniff_markers, strip_head
from .apple_steps import StepSamples, source_kind

FORMAT = "apple_health"
CHUNK_BYTES = 1 << 20
MAX_PROLOG_BYTES = 4 << 20  # Apple's DTD is ~10 KB; a longer prolog is not an export
HR_MAX_HOLD_S = 300  # a watch that lost contact for longer than this does not hold its last bpm
STEP = "HKQuantityTypeIdentifierStepCount"
HEART = "HKQuantityTypeIdentifierHeartRate"
_BAD_CHARS = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_CUT_OFF = {expat.errors.codes[m] for m in (expat.errors.XML_ERROR_NO_ELEMENTS, expat.errors.XML_ERROR_UNCLOSED_TOKEN,
                                             expat.errors.XML_ERROR_PARTIAL_CHAR)}
_ROOT = re.compile(rb"<HealthData[\s>/]")
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY_S: dict[str, int] = {}

_SPORTS: dict[str, tuple[str, str | None]] = {  # HKWorkoutActivityType... -> (sport, sub_sport)
    "Running": ("running", None), "Walking": ("walking", None), "Hiking": ("hiking", None),
    "Cycling": ("cycling", None), "Swimming": ("swimming", None), "Rowing": ("rowing", None),
    "Elliptical": ("fitness_equipment", "elliptical"), "StairClimbing": ("fitness_equipment", "stair_climbing"),
    "TraditionalStrengthTraining": ("training", "strength_training"),
    "FunctionalStrengthTraining": ("training", "strength_training"),
    "HighIntensityIntervalTraining": ("training", "hiit"), "Yoga": ("training", "yoga"),
    "Pilates": ("training", "pilates"), "CoreTraining": ("training", "strength_training"),
    "CrossCountrySkiing": ("cross_country_skiing", None), "DownhillSkiing": ("alpine_skiing", None),
    "Snowboarding": ("snowboarding", None), "Soccer": ("soccer", None), "Tennis": ("tennis", None),
    "Basketball": ("basketball", None), "Golf": ("golf", None), "Climbing": ("rock_climbing", None),
    "PaddleSports": ("paddling", None), "Boxing": ("boxing", None), "SwimBikeRun": ("multisport", None),
}


def sniff(head: bytes, name: str) -> bool:
    """An Apple Health export: `<HealthData` or its DOCTYPE (the root comes after ~10 KB of DTD)."""
    return sniff_markers(head, b"<HealthData", b"<!DOCTYPE HealthData")


def read(stream: BinaryIO, *, name: str, strict: bool = False, **options: object) -> ParsedFile:
    """Stream an export.xml into daily steps and workouts (see the module docstring)."""
    reader = _Reader()
    reader.run(stream)
    parsed = ParsedFile(FORMAT, n_records=reader.n_records, bad_rows=reader.bad_rows)
    if reader.bad_rows:
        message = (f"{reader.bad_rows} step, heart-rate or workout rows had a date that is not a date"
                   f" (first at line {reader.first_bad_line}: {reader.first_bad!r}); they were left out")
        if strict:
            raise CorruptFile(message + " (strict mode)")
        parsed.warnings.append(message)
    if reader.removed_chars:
        parsed.warnings.append(f"removed {reader.removed_chars} control characters that XML does not allow")
    if reader.no_offset:
        parsed.warnings.append(f"{reader.no_offset} dates had no UTC offset and were read as UTC")
    parsed.daily_steps = reader.steps.daily()
    parsed.activities = reader.activities()
    if not parsed.daily_steps and not parsed.activities:
        parsed.skip_reason = "holds no step counts or workouts (only other Health data)"
    return parsed


def _day_seconds(text: str) -> int:
    value = _DAY_S.get(text)
    if value is None:
        value = (date.fromisoformat(text).toordinal() - _EPOCH_ORDINAL) * 86400
        _DAY_S[text] = value
    return value


def parse_apple_date(text: str) -> tuple[int, int, bool]:
    """"2024-03-31 01:59:00 +0100" -> (UTC epoch seconds, offset seconds, had an offset).

    Raises ValueError for anything else; a date without offset is read as UTC.
    """
    if len(text) == 25 and text[19] == " " and text[20] in "+-":
        sign = 1 if text[20] == "+" else -1
        offset = sign * (int(text[21:23]) * 3600 + int(text[23:25]) * 60)
        had = True
    elif len(text) == 19:
        offset, had = 0, False
    else:
        raise ValueError(text)
    if text[10] != " " or text[13] != ":" or text[16] != ":" or not text[11:19].replace(":", "").isdigit():
        raise ValueError(text)
    hh, mm, ss = int(text[11:13]), int(text[14:16]), int(text[17:19])
    if hh > 23 or mm > 59 or ss > 60:
        raise ValueError(text)
    return _day_seconds(text[:10]) + hh * 3600 + mm * 60 + ss - offset, offset, had


@dataclass(slots=True)
class _Workout:
    kind: str
    start: str
    end: str
    attrs: dict[str, str]
    line: int
    stats: dict[str, dict[str, str]] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)


class _Reader:
    """The expat handlers and what they collect."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate()
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.EntityDeclHandler = self._refuse_entity
        self.parser.ExternalEntityRefHandler = self._refuse_external
        self.parser.StartElementHandler = self._start
        # the depth and element count are bounded while streaming (no pre-scan: the stream is read once)
        self.shape = XmlShape(self.parser, "Apple Health export", max_elements=MAX_EXPORT_XML_ELEMENTS)
        self.parser.EndElementHandler = self.shape.end
        self.steps = StepSamples()
        self.hr_t = array("q")
        self.hr_v = array("H")
        self.workouts: list[_Workout] = []
        self.current: _Workout | None = None
        self.depth = 0  # element depth inside the current Workout
        self.n_records = self.bad_rows = self.removed_chars = self.no_offset = 0
        self.first_bad: str | None = None
        self.first_bad_line = 0
        self.kinds: dict[str, str] = {}  # source name -> watch | phone | app
        self.steps.kinds = self.kinds

    # -- feeding ---------------------------------------------------------------------------------
    def run(self, stream: BinaryIO) -> None:
        self._feed(self._prolog(stream), final=False)
        while chunk := stream.read(CHUNK_BYTES):
            self._feed(chunk, final=False)
        self._feed(b"", final=True)

    def _prolog(self, stream: BinaryIO) -> bytes:
        """The first bytes up to the root element, with the DOCTYPE cut out after checking it."""
        head = b""
        while (m := _ROOT.search(head)) is None:
            chunk = stream.read(CHUNK_BYTES)
            if not chunk:
                break
            head += chunk
            if len(head) > MAX_PROLOG_BYTES:
                self._check_doctype(head)
                raise CorruptFile(f"no <HealthData> element in the first {MAX_PROLOG_BYTES >> 20} MiB;"
                                  " not an Apple Health export.xml")
        head = strip_head(head)
        doctype = head.find(b"<!DOCTYPE")
        if m is None:
            self._check_doctype(head)
            if not head:
                raise CorruptFile("empty; export again from the Health app")
            raise CorruptFile("cut off before its first record; export again from the Health app")
        m = _ROOT.search(head)
        assert m is not None
        if 0 <= doctype < m.start():
            self._check_doctype(head[doctype:m.start()])
            return head[:doctype] + head[m.start():]
        return head

    @staticmethod
    def _check_doctype(text: bytes) -> None:
        if b"<!ENTITY" in text:
            raise HostileInput("declares XML entities (<!ENTITY>), which Apple's export never does; refusing it"
                               " (possible entity-expansion or external-file attack)")
        if re.search(rb"<!DOCTYPE\s+\S+\s+(SYSTEM|PUBLIC)", text):
            raise HostileInput("refers to an external DTD (SYSTEM/PUBLIC), which Apple's export never does;"
                               " refusing it")

    def _feed(self, chunk: bytes, *, final: bool) -> None:
        clean = chunk.translate(None, _BAD_CHARS)
        self.removed_chars += len(chunk) - len(clean)
        try:
            self.parser.Parse(clean, final)
        except expat.ExpatError as err:
            line = err.lineno
            if final and err.code in _CUT_OFF:
                raise CorruptFile(f"cut off at line {line}, in the middle of a record: the export is incomplete;"
                                  " export again from the Health app and copy the whole file") from err
            message = expat.errors.messages[err.code]
            if err.code == expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]:
                raise HostileInput(f"uses an undeclared entity at line {line}, which Apple's export never does;"
                                   " refusing it") from err
            raise CorruptFile(f"not well-formed XML at line {line}, column {err.offset} ({message});"
                              " export again from the Health app") from err

    def _refuse_entity(self, *args: object) -> None:
        raise HostileInput("declares XML entities (<!ENTITY>), which Apple's export never does; refusing it")

    def _refuse_external(self, *args: object) -> int:
        raise HostileInput("refers to an external file or URL, which Apple's export never does; refusing it")

    # -- elements --------------------------------------------------------------------------------
    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        self.shape.start(tag)
        if self.current is not None:
            self.depth += 1
            if self.depth == 1 and tag == "WorkoutStatistics":
                self.current.stats[attrs.get("type", "")] = attrs
            elif self.depth == 1 and tag == "MetadataEntry":
                self.current.metadata[attrs.get("key", "")] = attrs.get("value", "")
            return
        if tag == "Record":
            self.n_records += 1
            kind = attrs.get("type")
            if kind == STEP:
                self._step(attrs)
            elif kind == HEART:
                self._heart(attrs)
        elif tag == "Workout":
            self.n_records += 1
            self.current = _Workout(attrs.get("workoutActivityType", ""), attrs.get("startDate", ""),
                                    attrs.get("endDate", ""), attrs, self.parser.CurrentLineNumber)
            self.depth = 0
            self.parser.EndElementHandler = self._end_in_workout

    def _end_in_workout(self, tag: str) -> None:
        self.shape.end(tag)
        if self.depth:
            self.depth -= 1
            return
        assert self.current is not None
        self.workouts.append(self.current)
        self.current = None
        self.parser.EndElementHandler = self.shape.end

    def _bad(self, text: str) -> None:
        self.bad_rows += 1
        if self.first_bad is None:
            self.first_bad, self.first_bad_line = text, self.parser.CurrentLineNumber

    def _date(self, text: str | None) -> tuple[int, int] | None:
        try:
            epoch, offset, had = parse_apple_date(text or "")
        except ValueError:
            self._bad(text or "")
            return None
        if not had:
            self.no_offset += 1
        return epoch, offset

    def _step(self, attrs: dict[str, str]) -> None:
        start, end = self._date(attrs.get("startDate")), self._date(attrs.get("endDate"))
        if start is None or end is None:
            return
        try:
            value = float(attrs.get("value", ""))
        except ValueError:
            self._bad(attrs.get("value", ""))
            return
        if end[0] < start[0] or not value >= 0:
            self._bad(f"{attrs.get('startDate')} .. {attrs.get('endDate')}")
            return
        source = attrs.get("sourceName", "")
        if self.kinds.get(source) != "watch":  # a source is a watch once any of its samples says so
            self.kinds[source] = source_kind(source, attrs.get("device", ""))
        self.steps.add(source, start[0], end[0], value, start[1])

    def _heart(self, attrs: dict[str, str]) -> None:
        start = self._date(attrs.get("startDate"))
        if start is None:
            return
        try:
            bpm = round(float(attrs.get("value", "")))
        except (ValueError, OverflowError):
            self._bad(attrs.get("value", ""))
            return
        if plausible.hr_ok(bpm):  # a sample out of range is dropped
            self.hr_t.append(start[0])
            self.hr_v.append(bpm)

    # -- results ---------------------------------------------------------------------------------
    def activities(self) -> list[Activity]:
        """The workouts, with HR from the samples inside each window; exact repeats dropped."""
        t = np.frombuffer(self.hr_t, dtype=np.int64) if len(self.hr_t) else np.zeros(0, np.int64)
        v = np.frombuffer(self.hr_v, dtype=np.uint16) if len(self.hr_v) else np.zeros(0, np.uint16)
        order = np.argsort(t, kind="stable")
        t, v = t[order], v[order]
        seen: set[tuple[str, int, int]] = set()
        out: list[Activity] = []
        for w in self.workouts:
            start, end = self._date(w.start), self._date(w.end)
            if start is None or end is None:
                continue
            if (w.kind, start[0], end[0]) in seen:
                continue
            seen.add((w.kind, start[0], end[0]))
            out.append(_activity(w, start, end[0], t, v))
        return out


def _activity(w: _Workout, start: tuple[int, int], end: int, t: np.ndarray, v: np.ndarray) -> Activity:
    a = w.attrs
    active = None
    if a.get("duration"):
        active = _number(a["duration"]) * SECONDS_PER.get(a.get("durationUnit", "min"), 60.0)
    elapsed = float(end - start[0])
    if active is not None and active > elapsed:  # dates have whole seconds; duration has decimals
        elapsed = active
    distance = energy = None
    avg_stat = max_stat = None
    for kind, stat in w.stats.items():
        if kind.startswith("HKQuantityTypeIdentifierDistance") and stat.get("sum"):
            distance = (distance or 0.0) + _number(stat["sum"]) * METRES_PER.get(stat.get("unit", "m"), 1.0)
        elif kind == "HKQuantityTypeIdentifierActiveEnergyBurned" and stat.get("sum"):
            energy = _number(stat["sum"]) * KCAL_PER.get(stat.get("unit", "kcal"), 1.0)
        elif kind == HEART:
            avg_stat, max_stat = _number(stat.get("average")), _number(stat.get("maximum"))
    if distance is None and a.get("totalDistance"):
        distance = _number(a["totalDistance"]) * METRES_PER.get(a.get("totalDistanceUnit", "km"), 1000.0)
    if energy is None and a.get("totalEnergyBurned"):
        energy = _number(a["totalEnergyBurned"]) * KCAL_PER.get(a.get("totalEnergyBurnedUnit", "kcal"), 1.0)
    lo, hi = np.searchsorted(t, start[0], "left"), np.searchsorted(t, end, "right")
    seg_t, seg_v = t[lo:hi], v[lo:hi]
    hist: dict[int, float] = {}
    avg_hr, max_hr = avg_stat or None, max_stat or None
    if len(seg_t):
        hold = np.diff(np.append(seg_t, end)).astype(float)
        hold[hold > HR_MAX_HOLD_S] = 0.0
        sums = np.bincount(seg_v, weights=hold)
        hist = {int(b): float(s) for b, s in enumerate(sums) if s > 0}
        total = sum(hist.values())
        avg_hr = round(sum(b * s for b, s in hist.items()) / total, 1) if total else round(float(seg_v.mean()), 1)
        max_hr = float(seg_v.max())
    sport, sub = _SPORTS.get(w.kind.removeprefix("HKWorkoutActivityType"), ("generic", None))
    if sport == "running" and w.metadata.get("HKIndoorWorkout") == "1":
        sub = "treadmill"
    return Activity(
        sport=sport, sub_sport=sub,
        start_utc=datetime.fromtimestamp(start[0], UTC), utc_offset_s=start[1],
        duration_s=elapsed, moving_s=None if active is None else round(active, 3),
        distance_m=None if distance is None else round(distance, 1),
        ascent_m=_ascent(w.metadata.get("HKElevationAscended")),
        avg_hr=avg_hr, max_hr=max_hr, hr_hist=hist,
        calories=None if energy is None else round(energy, 1),
        device=_device_name(a.get("device", ""), a.get("sourceName", "")),
    )


def _number(text: str | None) -> float:
    try:
        return float(text or "nan")
    except ValueError:
        return float("nan")


def _ascent(text: str | None) -> float | None:
    """Metadata "4530 cm" -> 45.3 m."""
    if not text or " " not in text:
        return None
    value, unit = text.split(" ", 1)
    metres = _number(value) * METRES_PER.get(unit.strip(), float("nan"))
    return None if metres != metres else round(metres, 1)


def _device_name(device: str, source: str) -> str | None:
    """"<<HKDevice...>, name:Apple Watch, ...>" -> "Apple Watch"; else the source name."""
    m = re.search(r"name:([^,>]+)", device)
    text = " ".join((m.group(1) if m else source).split())  # Apple writes no-break spaces
    return text or None


__all__ = ["FORMAT", "parse_apple_date", "read", "sniff"]
