"""Helpers shared by the XML importers (GPX, TCX, Apple Health): sniffing, safe reading, the
shape guard (nesting depth and element count), times, sport names and the heart-rate histogram.

Nothing here prints or touches the store; errors are LoadwatchError subclasses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import BinaryIO, NoReturn
from xml.parsers import expat

from ..errors import CorruptFile, HostileInput
from ..units import UTC_ONLY_WARNING

BOM = b"\xef\xbb\xbf"
MAX_SMALL_XML_BYTES = 256 * 2**20  # a GPX or TCX file larger than this is not one activity
# The shape of real files: GPX and TCX nest fewer than 15 levels (gpx>trk>trkseg>trkpt>extensions>
# TrackPointExtension>hr is 7), Apple's export.xml fewer than 10 (HealthData>Record>HeartRateVariability
# MetadataList>InstantaneousBeatsPerMinute is 4). gpxpy 1.6.2 dies with SIGSEGV between 100,000 and
# 200,000 levels; ElementTree and expat keep a tree or a stack per level. 64 leaves a wide margin both ways.
MAX_XML_DEPTH = 64
# A 24-hour GPX at one point a second with heart rate and cadence holds ~600,000 elements (7 a point);
# 10 million is two weeks of that, more than one activity file ever holds, and bounds the tree gpxpy or
# ElementTree would build (hundreds of bytes of Python objects an element).
MAX_SMALL_XML_ELEMENTS = 10_000_000
# Apple's export.xml is streamed (no tree), so only time is at stake: a real 4 GB export holds ~15 million
# elements (~300 bytes each); 500 million is ~30 times that.
MAX_EXPORT_XML_ELEMENTS = 500_000_000
SCAN_CHUNK = 1 << 20  # the pre-scan feeds expat this much at a time, so a refusal comes early
MAX_HOLD_S = 30.0  # a heart rate is held until the next point, but not across a longer gap (a pause)


def strip_head(data: bytes) -> bytes:
    """`data` without a UTF-8 byte-order mark and leading whitespace (Strava TCX starts with spaces)."""
    data = data.lstrip()
    if data.startswith(BOM):
        data = data[len(BOM):].lstrip()
    return data


def sniff_markers(head: bytes, *markers: bytes) -> bool:
    """True when `head` is XML-looking text that holds one of `markers` (e.g. b"<gpx")."""
    text = strip_head(head)
    return text.startswith(b"<") and any(m in text for m in markers)


def read_small(stream: BinaryIO, what: str) -> bytes:
    """Read a whole small XML file (GPX, TCX) under a size cap; refuse entity declarations.

    Neither format ever declares entities; one that does is a billion-laughs or XXE attempt.
    """
    data = stream.read(MAX_SMALL_XML_BYTES + 1)
    if len(data) > MAX_SMALL_XML_BYTES:
        raise HostileInput(f"larger than {MAX_SMALL_XML_BYTES // 2**20} MiB, which no single {what} file is;"
                           " refusing it")
    data = strip_head(data)
    if b"<!ENTITY" in data:
        raise HostileInput(f"declares XML entities (<!ENTITY>), which a {what} file never does; refusing it"
                           " (possible entity-expansion or external-file attack)")
    return data


class XmlShape:
    """The nesting depth and element count of an XML document as expat reports its elements.

    `start` and `end` are expat's StartElementHandler and EndElementHandler (or are called from
    them); past `max_depth` or `max_elements` they raise HostileInput, which expat passes out of
    `Parse`, so a document built to crash or exhaust a parser is stopped while it is read.
    `deepest` is the deepest level seen.
    """

    __slots__ = ("deepest", "depth", "elements", "max_depth", "max_elements", "parser", "what")

    def __init__(self, parser: expat.XMLParserType, what: str, *, max_depth: int = MAX_XML_DEPTH,
                 max_elements: int = MAX_SMALL_XML_ELEMENTS) -> None:
        self.parser = parser
        self.what = what
        self.max_depth = max_depth
        self.max_elements = max_elements
        self.depth = self.deepest = self.elements = 0

    def start(self, tag: str, attrs: object = None) -> None:
        self.depth += 1
        self.elements += 1
        if self.depth > self.deepest:
            self.deepest = self.depth
            if self.depth > self.max_depth:
                self.refuse()
        if self.elements > self.max_elements:
            self.refuse()

    def end(self, tag: str) -> None:
        self.depth -= 1

    def refuse(self) -> NoReturn:
        if self.depth > self.max_depth:
            raise HostileInput(f"nests XML elements more than {self.max_depth} levels deep"
                               f" (line {self.parser.CurrentLineNumber}), which no real {self.what} file does;"
                               " refusing it (possible attack on the XML parser)")
        raise HostileInput(f"holds more than {self.max_elements:,} XML elements, which no real {self.what} file"
                           " does; refusing it")


def check_shape(document: bytes | str, what: str, *, max_depth: int = MAX_XML_DEPTH,
                max_elements: int = MAX_SMALL_XML_ELEMENTS) -> XmlShape:
    """Scan `document` with expat (no tree, no entities loaded) before a tree-building parser sees it.

    Pass exactly what the parser will get: `str` is read as UTF-8 whatever the XML declaration
    says, as ElementTree reads a str (gpxpy), `bytes` by the declaration (defusedxml). HostileInput
    past the limits; CorruptFile when the XML is not well-formed, so the parser never gets bytes
    the scan did not cover. Returns the shape (the deepest level seen, the element count).
    """
    parser = expat.ParserCreate()
    shape = XmlShape(parser, what, max_depth=max_depth, max_elements=max_elements)
    parser.StartElementHandler = shape.start
    parser.EndElementHandler = shape.end
    try:
        for at in range(0, len(document), SCAN_CHUNK):
            parser.Parse(document[at:at + SCAN_CHUNK], False)
        parser.Parse(document[:0], True)
    except expat.ExpatError as err:
        raise CorruptFile(f"not well-formed XML ({err}); the file is damaged or cut off") from err
    return shape


_ISO = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$")


def parse_iso(text: str | None) -> tuple[datetime, int | None] | None:
    """An ISO 8601 time -> (aware UTC datetime, the offset in seconds or None when the text had none).

    A time without a zone is read as UTC (GPX and TCX specify UTC). None for text that is not a time.
    """
    if not text:
        return None
    m = _ISO.match(text)
    if m is None:
        return None
    day, clock, frac, zone = m.groups()
    try:
        naive = datetime.fromisoformat(f"{day}T{clock}{(frac or '')[:7]}")
    except ValueError:
        return None
    offset: int | None = None
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return naive.replace(tzinfo=UTC) - timedelta(seconds=offset or 0), offset


def hr_histogram(times_s: Sequence[float], hrs: Sequence[float | None], *,
                 max_hold_s: float | None = MAX_HOLD_S, end_s: float | None = None) -> dict[int, float]:
    """Seconds spent at each bpm: each point's HR is held until the next point's time.

    `times_s` ascending (seconds on any clock). A hold longer than `max_hold_s` (a pause or lost
    signal) is not counted at all; `end_s` holds the last point until then (same cap). Points without
    HR (None or <= 0) hold nothing. Keys are whole bpm (rounded).
    """
    hist: dict[int, float] = {}
    n = len(times_s)
    for i in range(n):
        hr = hrs[i]
        if hr is None or hr <= 0:
            continue
        nxt = times_s[i + 1] if i + 1 < n else end_s
        if nxt is None:
            continue
        dt = nxt - times_s[i]
        if dt <= 0 or (max_hold_s is not None and dt > max_hold_s):
            continue
        bpm = round(hr)
        hist[bpm] = hist.get(bpm, 0.0) + dt
    return hist


def hr_summary(hist: dict[int, float], hrs: Sequence[float | None]) -> tuple[float | None, float | None]:
    """(average, maximum) HR: the average is time-weighted over `hist`, else the plain mean of `hrs`."""
    values = [h for h in hrs if h is not None and h > 0]
    if not values:
        return None, None
    total = sum(hist.values())
    avg = sum(b * s for b, s in hist.items()) / total if total > 0 else sum(values) / len(values)
    return round(avg, 1), float(max(values))


# Sport names and codes as GPX <type> (Strava writes names or its own activity-type numbers) and TCX
# Sport attributes write them, mapped to loadwatch's vocabulary (the FIT profile's sport names).
_SPORTS: dict[str, str] = {
    "running": "running", "run": "running", "trailrun": "running", "trailrunning": "running",
    "treadmill": "running", "treadmillrunning": "running", "virtualrun": "running", "9": "running",
    "cycling": "cycling", "biking": "cycling", "bike": "cycling", "ride": "cycling", "roadbiking": "cycling",
    "mountainbiking": "cycling", "virtualride": "cycling", "ebikeride": "cycling", "1": "cycling",
    "walking": "walking", "walk": "walking", "10": "walking",
    "hiking": "hiking", "hike": "hiking", "4": "hiking",
    "swimming": "swimming", "swim": "swimming", "openwaterswimming": "swimming", "16": "swimming",
    "rowing": "rowing", "rowingmachine": "rowing", "23": "rowing",
    "crosscountryskiing": "cross_country_skiing", "nordicski": "cross_country_skiing", "7": "cross_country_skiing",
    "alpineskiing": "alpine_skiing", "alpineski": "alpine_skiing", "2": "alpine_skiing",
    "kayaking": "kayaking", "22": "kayaking", "standuppaddling": "stand_up_paddleboarding",
    "inlineskating": "inline_skating", "6": "inline_skating", "snowshoe": "snowshoeing", "13": "snowshoeing",
    "other": "generic", "generic": "generic", "unknown": "generic",
}


def sport_from_text(text: str | None) -> str | None:
    """loadwatch's sport name for a GPX <type> / TCX Sport string, or None when unknown."""
    if not text:
        return None
    key = re.sub(r"[\s_\-]", "", text.strip().lower())
    return _SPORTS.get(key)


__all__ = ["MAX_EXPORT_XML_ELEMENTS", "MAX_HOLD_S", "MAX_SMALL_XML_ELEMENTS", "MAX_XML_DEPTH", "UTC_ONLY_WARNING",
           "XmlShape", "check_shape", "hr_histogram", "hr_summary", "parse_iso", "read_small", "sniff_markers",
           "sport_from_text", "strip_head"]
