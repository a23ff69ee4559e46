"""Garmin Training Center XML (TCX) -> one Activity per `<Activity>`.

TCX files are small (an hour's run is ~200 KB), so the whole file is parsed with defusedxml's
ElementTree (entity declarations and external references refused). Laps give the timer time
(`TotalTimeSeconds`, stored as `moving_s`), distance and calories; trackpoints give elapsed time,
the heart-rate histogram and ascent. Courses files (planned routes) are skipped with the reason.

The intensity without heart rate (`importers._intensity`) comes from the trackpoints' times, distance
(`DistanceMeters`, else the positions), altitude and the ActivityExtension's `TPX/Speed` and `TPX/Watts`;
an activity whose trackpoints carry no position at all (a treadmill, a footpod) is scored flat.
"""

from __future__ import annotations

import re
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
import numpy as np
from defusedxml import DefusedXmlException
from gpxpy.geo import calculate_uphill_downhill

from .. import plausible
from ..errors import CorruptFile, HostileInput
from ..models import Activity, ParsedFile
from ._intensity import FOOT_SPORTS, Intensity, summarise
from ._xml import (
    UTC_ONLY_WARNING,
    check_shape,
    hr_histogram,
    hr_summary,
    parse_iso,
    read_small,
    sniff_markers,
    sport_from_text,
)

FORMAT = "tcx"
MIN_SESSION_S = 60.0  # shorter than this is a fragment, not a training session


def sniff(head: bytes, name: str) -> bool:
    """TCX by content: `<TrainingCenterDatabase` near the start (BOM and leading whitespace allowed)."""
    return sniff_markers(head, b"<TrainingCenterDatabase")


def read(stream: BinaryIO, *, name: str, strict: bool = False, **options: object) -> ParsedFile:
    """Parse a TCX file into one Activity per `<Activity>` (multisport parts included)."""
    root = _parse(read_small(stream, "TCX"))
    parsed = ParsedFile(FORMAT)
    activities = [el for el in root.iter("Activity")]
    if not activities:
        if root.find("Courses") is not None:
            parsed.skip_reason = "a course (a planned route), not an activity"
        elif root.find("Workouts") is not None:
            parsed.skip_reason = "a workout plan, not a recorded activity"
        else:
            parsed.skip_reason = "holds no activities"
        return parsed
    reasons: list[str] = []
    utc_only = False
    for number, el in enumerate(activities, start=1):
        act, reason, had_offset, bad = _activity(el, parsed)
        parsed.bad_rows += bad
        if act is None:
            reasons.append(f"activity {number}: {reason}")
            continue
        utc_only = utc_only or not had_offset
        parsed.activities.append(act)
    if parsed.bad_rows:
        message = f"{parsed.bad_rows} trackpoints with a time that is not a time were left out"
        if strict:
            raise CorruptFile(message + " (strict mode)")
        parsed.warnings.append(message)
    if not parsed.activities:
        parsed.skip_reason = "; ".join(reasons)
        return parsed
    if reasons:
        parsed.warnings.append("left out " + "; ".join(reasons))
    if utc_only:
        parsed.warnings.append(UTC_ONLY_WARNING)
    return parsed


def _parse(data: bytes) -> Element:
    if not data.startswith(b"<"):
        raise CorruptFile("not XML, so not a TCX file; check that it is the file you meant")
    check_shape(data, "TCX")  # depth and element count bounded before ElementTree builds a tree
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as err:
        raise HostileInput(f"uses XML entities or external references ({type(err).__name__}),"
                           " which a TCX file never does; refusing it") from err
    except ParseError as err:
        raise CorruptFile(f"not well-formed XML ({err}); the file is damaged or cut off") from err
    for el in root.iter():  # drop namespaces: Garmin, Strava and MapMyRide spell them differently
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.rsplit("}", 1)[1]
    return root


def _activity(el: Element, parsed: ParsedFile) -> tuple[Activity | None, str | None, bool, int]:
    """(activity, reason it was left out, whether times carried an offset, bad trackpoints)."""
    laps, repeated = _unique_laps(el.findall("Lap"))
    if repeated:
        parsed.warnings.append(f"{repeated} lap(s) repeated word for word in the file were counted once")
    times: list[float] = []
    hrs: list[float | None] = []
    alts: list[float | None] = []
    dists: list[float] = []
    stream: list[tuple[float, ...]] = []  # per kept point: distance, speed, altitude, power, latitude, longitude
    bad = 0
    start = None
    offset: int | None = None
    points = [(tp, parse_iso(tp.findtext("Time"))) for lap in laps for tp in lap.iterfind("Track/Trackpoint")]
    keep = plausible.keep_times([w[0].timestamp() for _, w in points if w is not None])  # GPS week rollover
    outliers = iter([not k for k in keep])
    dropped = [0, 0]  # points with an impossible time, heart rates out of range
    for tp, when in points:
        parsed.n_records += 1
        if when is None:
            bad += 1
            continue
        if next(outliers):
            dropped[0] += 1
            continue
        if start is None:
            start, offset = when
        times.append((when[0] - start).total_seconds())
        hr = _number(tp.findtext("HeartRateBpm/Value"))
        if hr is not None and hr > 0 and not plausible.hr_ok(hr):
            dropped[1] += 1
            hr = None
        hrs.append(hr)
        if (alt := _number(tp.findtext("AltitudeMeters"))) is not None:
            alts.append(alt)
        if (dist := _number(tp.findtext("DistanceMeters"))) is not None:
            dists.append(dist)
        stream.append(_stream_point(tp, dist, alt))
    if dropped[0]:
        parsed.warnings.append(plausible.dropped_points(dropped[0], "an impossible time"))
    if dropped[1]:
        parsed.warnings.append(plausible.dropped_points(dropped[1], "an impossible heart rate"))
    lap_starts = [w for w in (parse_iso(lap.get("StartTime")) for lap in laps) if w is not None]
    if times and start is not None:  # a lap start as far off as an outlier point is one too
        lap_starts = [w for w in lap_starts
                      if abs((w[0] - start).total_seconds() - times[len(times) // 2]) <= plausible.MAX_SESSION_S]
    first = lap_starts[0] if lap_starts else parse_iso(el.findtext("Id"))
    if first is None and start is None:
        return None, "no laps or trackpoints with a time", False, bad
    if first is not None and (start is None or first[0] < start):
        shift = (start - first[0]).total_seconds() if start is not None else 0.0
        times = [t + shift for t in times]
        start, offset = first
    assert start is not None
    lap_time = [_number(lap.findtext("TotalTimeSeconds")) or 0.0 for lap in laps]
    moving = sum(lap_time) if laps else None
    lap_end = max(((w[0] - start).total_seconds() + t for w, t in zip(lap_starts, lap_time, strict=False)),
                  default=0.0)
    elapsed = max(times[-1] if times else 0.0, lap_end)
    if elapsed < MIN_SESSION_S:
        return None, f"lasts {elapsed:.0f} s, shorter than {MIN_SESSION_S:.0f} s", False, bad
    effort = _effort(times, stream, sport_from_text(el.get("Sport")) or "generic")
    order = sorted(range(len(times)), key=times.__getitem__)
    times, hrs = [times[i] for i in order], [hrs[i] for i in order]
    hist = hr_histogram(times, hrs)
    avg_hr, max_hr = hr_summary(hist, hrs)
    lap_avg = [(_number(lap.findtext("AverageHeartRateBpm/Value")), t) for lap, t in zip(laps, lap_time, strict=True)]
    if avg_hr is None and any(a for a, _ in lap_avg):
        weighted = [(a, t) for a, t in lap_avg if a and t]
        if weighted:
            avg_hr = round(sum(a * t for a, t in weighted) / sum(t for _, t in weighted), 1)
    lap_max = [m for m in (_number(lap.findtext("MaximumHeartRateBpm/Value")) for lap in laps) if m]
    if lap_max:
        max_hr = max([max_hr or 0.0, *lap_max])
    lap_dist = [d for d in (_number(lap.findtext("DistanceMeters")) for lap in laps) if d is not None]
    distance = sum(lap_dist) if lap_dist and sum(lap_dist) > 0 else (max(dists) if dists else None)
    calories = [c for c in (_number(lap.findtext("Calories")) for lap in laps) if c is not None]
    ascent = calculate_uphill_downhill(alts)[0] if any(a != 0 for a in alts) else None
    act = Activity(
        sport=sport_from_text(el.get("Sport")) or "generic",
        start_utc=start,
        utc_offset_s=offset or 0,
        duration_s=round(elapsed, 3),
        moving_s=None if moving is None else round(moving, 3),
        distance_m=None if distance is None else round(distance, 1),
        ascent_m=None if ascent is None else round(ascent, 1),
        avg_hr=avg_hr,
        max_hr=max_hr,
        hr_hist=hist,
        calories=round(sum(calories), 1) if calories else None,
        device=_device(el.findtext("Creator/Name")),
        gas_hist=effort.gas_hist,
        power_hist=effort.power_hist,
        best_gas_m_s=effort.best_gas_m_s,
        best_power_w=effort.best_power_w,
    )
    return act, None, bool(offset), bad


def _stream_point(tp: Element, dist: float | None, alt: float | None) -> tuple[float, ...]:
    """One trackpoint's (distance, speed, altitude, power, latitude, longitude), NaN where it has none."""
    values = (dist, _number(tp.findtext("Extensions/TPX/Speed")), alt, _number(tp.findtext("Extensions/TPX/Watts")),
              _number(tp.findtext("Position/LatitudeDegrees")), _number(tp.findtext("Position/LongitudeDegrees")))
    return tuple(float("nan") if v is None else v for v in values)


def _effort(times: list[float], stream: list[tuple[float, ...]], sport: str) -> Intensity:
    """The activity's intensity without heart rate (`importers._intensity.summarise`); altitudes all 0 are
    no altitude (MapMyRide writes 0 where it has none)."""
    cols = np.array(stream, dtype=np.float64).reshape(-1, 6)
    distance, speed, altitude, power, lat, lon = cols.T
    flat = len(cols) > 0 and not np.isfinite(lat).any()  # no position anywhere: a treadmill or a footpod
    return summarise(np.array(times, dtype=np.float64), distance=distance, speed=speed,
                     altitude=altitude if np.any(np.nan_to_num(altitude)) else None, power=power, lat=lat, lon=lon,
                     flat=flat, foot=sport in FOOT_SPORTS)


def _unique_laps(laps: list[Element]) -> tuple[list[Element], int]:
    """Laps without exact repeats (same start, time and distance), and how many repeats there were."""
    seen: set[tuple[str | None, ...]] = set()
    unique: list[Element] = []
    for lap in laps:
        key = (lap.get("StartTime"), lap.findtext("TotalTimeSeconds"), lap.findtext("DistanceMeters"))
        if key in seen and key[0] is not None:
            continue
        seen.add(key)
        unique.append(lap)
    return unique, len(laps) - len(unique)


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value else None  # NaN is not a number we keep


def _device(name: str | None) -> str | None:
    """"Forerunner 410 Software Version 2.20" -> "Forerunner 410"."""
    if not name or not name.strip():
        return None
    return re.sub(r"\s+Software Version.*$", "", name.strip()) or None


__all__ = ["FORMAT", "read", "sniff"]
