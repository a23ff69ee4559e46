"""Helpers shared by the XML importers (GPX, TCX, Apple Health): sniffing, safe reading, times,
sport names and the heart-rate histogram.

Nothing here prints or touches the store; errors are LoadwatchError subclasses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import BinaryIO

from ..errors import HostileInput

BOM = b"\xef\xbb\xbf"
MAX_SMALL_XML_BYTES = 256 * 2**20  # a GPX or TCX file larger than this is not one activity
MAX_HOLD_S = 30.0  # a heart rate is held until the next point, but not across a longer gap (a pause)
UTC_ONLY_WARNING = "times in the file carry no local offset; the local day is taken as the UTC day"


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


__all__ = ["MAX_HOLD_S", "UTC_ONLY_WARNING", "hr_histogram", "hr_summary", "parse_iso", "read_small",
           "sniff_markers", "sport_from_text", "strip_head"]
