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
- A workout's route gives its intensity without heart rate (`importers._intensity`: seconds per
  grade-adjusted speed bin, best efforts) from the route's times, positions, altitudes and speeds: the
  `Location` elements inside `WorkoutRoute` (exports before iOS 13), or the GPX file its `FileReference`
  names (`workout-routes/route_....gpx`), which the import hands over as `routes` (path -> opener).
- The workout's effort (iOS 18: `HKQuantityTypeIdentifierWorkoutEffortScore`, the one the user rates, else
  `HKQuantityTypeIdentifierEstimatedWorkoutEffortScore`; 1-10) -> Activity.device_rpe: the effort record
  whose middle lies in the workout (or within EFFORT_AFTER_S after its end, the rating comes after it).
- `HKQuantityTypeIdentifierRestingHeartRate` -> ParsedFile.resting_hr, one per local day and device (the
  day's last).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import BinaryIO
from xml.parsers import expat

import numpy as np

from .. import plausible
from ..errors import CorruptFile, HostileInput, LoadwatchError
from ..models import Activity, ParsedFile, RestingHr
from ..units import KCAL_PER, METRES_PER, SECONDS_PER
from ._intensity import FOOT_SPORTS, Intensity, summarise
from ._xml import MAX_EXPORT_XML_ELEMENTS, XmlShape, check_shape, parse_iso, read_small, sniff_markers, strip_head
from .apple_steps import StepSamples, source_kind

FORMAT = "apple_health"
CHUNK_BYTES = 1 << 20
MAX_PROLOG_BYTES = 4 << 20  # Apple's DTD is ~10 KB; a longer prolog is not an export
HR_MAX_HOLD_S = 300  # a watch that lost contact for longer than this does not hold its last bpm
STEP = "HKQuantityTypeIdentifierStepCount"
HEART = "HKQuantityTypeIdentifierHeartRate"
RESTING = "HKQuantityTypeIdentifierRestingHeartRate"
EFFORT = "HKQuantityTypeIdentifierWorkoutEffortScore"  # the user's own rating, 1-10
ESTIMATED_EFFORT = "HKQuantityTypeIdentifierEstimatedWorkoutEffortScore"  # the watch's estimate, 1-10
EFFORT_AFTER_S = 6 * 3600  # a rating made this long after a workout's end still belongs to it
Routes = Mapping[str, Callable[[], BinaryIO]]  # a route file's path in the export folder -> a fresh stream
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
    """Stream an export.xml into daily steps and workouts (see the module docstring). `routes` (an option):
    the export folder's route files, {"workout-routes/route_....gpx": opener}."""
    routes = options.get("routes")
    reader = _Reader(routes if isinstance(routes, Mapping) else {})
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
    parsed.resting_hr = reader.resting()
    if reader.bad_routes:
        parsed.warnings.append(f"{reader.bad_routes} workout route file(s) could not be read; those workouts have"
                               " no pace bins")
    if not parsed.daily_steps and not parsed.activities and not parsed.resting_hr:
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
    route_file: str | None = None  # the FileReference of its WorkoutRoute
    points: list[tuple[float, ...]] = field(default_factory=list)  # inline route Locations: t, lat, lon, alt, v
    effort: Intensity = field(default_factory=Intensity)  # from the route, computed at the workout's end


class _Reader:
    """The expat handlers and what they collect."""

    def __init__(self, routes: Routes | None = None) -> None:
        self.routes = {k.lstrip("/"): v for k, v in (routes or {}).items()}
        self.bad_routes = 0
        self.efforts: list[tuple[int, int, float, bool]] = []  # start, end, value, rated by the user
        self.rest: dict[tuple[date, str], tuple[int, float]] = {}  # (day, device) -> (time, bpm), the day's last
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
            elif self.depth == 2 and tag == "Location":
                self._location(attrs)
            elif self.depth == 2 and tag == "FileReference" and attrs.get("path"):
                self.current.route_file = attrs["path"]
            return
        if tag == "Record":
            self.n_records += 1
            kind = attrs.get("type")
            if kind == STEP:
                self._step(attrs)
            elif kind == HEART:
                self._heart(attrs)
            elif kind == RESTING:
                self._resting(attrs)
            elif kind in (EFFORT, ESTIMATED_EFFORT):
                self._effort(attrs, kind == EFFORT)
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
        self.current.effort = self._route_effort(self.current)
        self.current.points = []  # the route's points are not kept: thousands of workouts would fill memory
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

    def _location(self, attrs: dict[str, str]) -> None:
        """A point of an inline workout route (exports before iOS 13)."""
        try:
            when = parse_apple_date(attrs.get("date", ""))[0]
        except ValueError:
            return
        assert self.current is not None
        self.current.points.append((float(when), _number(attrs.get("latitude")), _number(attrs.get("longitude")),
                                    _number(attrs.get("altitude")), _number(attrs.get("speed"))))

    def _route_effort(self, w: _Workout) -> Intensity:
        """The intensity from the workout's route: its inline points, else the route file it names."""
        sport = _SPORTS.get(w.kind.removeprefix("HKWorkoutActivityType"), ("generic", None))[0]
        if sport not in FOOT_SPORTS:
            return Intensity()
        points = w.points
        if not points and w.route_file is not None:
            opener = self.routes.get(w.route_file.lstrip("/"))
            if opener is not None:
                try:
                    with opener() as fh:
                        points = route_points(fh)
                except (LoadwatchError, OSError, ValueError):
                    self.bad_routes += 1
        if len(points) < 2:
            return Intensity()
        cols = np.array(points, dtype=np.float64)
        speed = cols[:, 4]
        speed[speed < 0] = np.nan  # Apple writes -1 where it has no speed
        return summarise(cols[:, 0], speed=speed, lat=cols[:, 1], lon=cols[:, 2], altitude=cols[:, 3],
                         flat=w.metadata.get("HKIndoorWorkout") == "1")

    def _resting(self, attrs: dict[str, str]) -> None:
        start = self._date(attrs.get("startDate"))
        value = _number(attrs.get("value"))
        if start is None or value != value:
            return
        day = (datetime.fromtimestamp(start[0], UTC) + timedelta(seconds=start[1])).date()
        device = _device_name(attrs.get("device", ""), attrs.get("sourceName", "")) or "Apple Health"
        if (day, device) not in self.rest or start[0] >= self.rest[(day, device)][0]:
            self.rest[(day, device)] = (start[0], value)

    def _effort(self, attrs: dict[str, str], rated: bool) -> None:
        start, end = self._date(attrs.get("startDate")), self._date(attrs.get("endDate"))
        value = _number(attrs.get("value"))
        if start is not None and end is not None and value == value:
            self.efforts.append((start[0], end[0], value, rated))

    # -- results ---------------------------------------------------------------------------------
    def resting(self) -> list[RestingHr]:
        return [RestingHr(day, bpm, device) for (day, device), (_, bpm) in sorted(self.rest.items())]

    def device_rpes(self, windows: list[tuple[int, int]]) -> list[float | None]:
        """The effort of each workout (start, end): an effort record belongs to the workout its middle lies in
        (the latest started, where two overlap), else to the last one that ended before it, up to
        EFFORT_AFTER_S before; the user's rating wins over the watch's estimate, and among several the latest."""
        best: list[tuple[bool, int, float] | None] = [None] * len(windows)
        for e_start, e_end, value, rated in self.efforts:
            if not 0 <= value <= 10:
                continue
            middle = (e_start + e_end) / 2
            inside = [i for i, (s, e) in enumerate(windows) if s <= middle <= e]
            before = [i for i, (_, e) in enumerate(windows) if e < middle <= e + EFFORT_AFTER_S]
            if inside:
                target = max(inside, key=lambda i: windows[i][0])
            elif before:
                target = max(before, key=lambda i: windows[i][1])
            else:
                continue
            held = best[target]
            if held is None or (rated, e_start) > held[:2]:
                best[target] = (rated, e_start, value)
        return [None if b is None else b[2] for b in best]

    def activities(self) -> list[Activity]:
        """The workouts, with HR from the samples inside each window; exact repeats dropped."""
        t = np.frombuffer(self.hr_t, dtype=np.int64) if len(self.hr_t) else np.zeros(0, np.int64)
        v = np.frombuffer(self.hr_v, dtype=np.uint16) if len(self.hr_v) else np.zeros(0, np.uint16)
        order = np.argsort(t, kind="stable")
        t, v = t[order], v[order]
        seen: set[tuple[str, int, int]] = set()
        kept: list[tuple[_Workout, tuple[int, int], int]] = []
        for w in self.workouts:
            start, end = self._date(w.start), self._date(w.end)
            if start is None or end is None:
                continue
            if (w.kind, start[0], end[0]) in seen:
                continue
            seen.add((w.kind, start[0], end[0]))
            kept.append((w, start, end[0]))
        rpes = self.device_rpes([(start[0], end) for _, start, end in kept])
        return [_activity(w, start, end, t, v, rpe) for (w, start, end), rpe in zip(kept, rpes, strict=True)]


def _activity(w: _Workout, start: tuple[int, int], end: int, t: np.ndarray, v: np.ndarray,
              device_rpe: float | None = None) -> Activity:
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
        gas_hist=w.effort.gas_hist, power_hist=w.effort.power_hist, best_gas_m_s=w.effort.best_gas_m_s,
        best_power_w=w.effort.best_power_w, device_rpe=device_rpe,
    )


def route_points(stream: BinaryIO) -> list[tuple[float, ...]]:
    """The points of an Apple workout-route GPX: (UTC epoch s, latitude, longitude, elevation, speed) each,
    NaN where a point lacks one; read with expat (no tree: thousands of route files in one export), under the
    same size and shape limits as any GPX."""
    data = read_small(stream, "GPX")
    check_shape(data, "GPX")
    points: list[tuple[float, ...]] = []
    current: dict[str, str] = {}
    text: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        name = tag.rsplit(" ", 1)[-1]
        if name == "trkpt":
            current.clear()
            current["lat"], current["lon"] = attrs.get("lat", ""), attrs.get("lon", "")
        text.clear()

    def end(tag: str) -> None:
        name = tag.rsplit(" ", 1)[-1]
        if name in ("ele", "time", "speed"):
            current[name] = "".join(text).strip()
        elif name == "trkpt":
            when = parse_iso(current.get("time"))
            if when is not None:
                points.append((when[0].timestamp(), _number(current.get("lat")), _number(current.get("lon")),
                               _number(current.get("ele")), _number(current.get("speed"))))
        text.clear()

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text.append
    try:
        parser.Parse(data, True)
    except expat.ExpatError as err:
        raise CorruptFile(f"not well-formed XML ({err})") from err
    return points


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


__all__ = ["FORMAT", "parse_apple_date", "read", "route_points", "sniff"]
