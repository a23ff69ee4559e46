"""GPX 1.0/1.1 tracks (Strava, Garmin Connect, Apple Watch, GPSBabel...) -> one Activity per track.

Parsed with gpxpy. Each `<trk>` is one session; its segments are joined (a segment break is a
pause). Heart rate and cadence come from Garmin's TrackPointExtension (`gpxtpx:hr`, `gpxtpx:cad`).
Distance is gpxpy's `length_2d` (horizontal, as Garmin and Strava report it); ascent is gpxpy's
smoothed uphill. GPX times are UTC, so `utc_offset_s` is 0 (with a warning) unless the times carry
an offset. Files without times are routes, not activities: skipped with the reason.

The intensity without heart rate (seconds per grade-adjusted speed, best efforts: `importers._intensity`)
comes from the points' times, positions and elevations; power from a point extension named `power`
(Strava) or `PowerInWatts` where a file has one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import BinaryIO

import gpxpy
import gpxpy.gpx
import numpy as np

from .. import plausible
from ..errors import CorruptFile
from ..models import Activity, ParsedFile
from ._intensity import FOOT_SPORTS, summarise
from ._xml import UTC_ONLY_WARNING, check_shape, hr_histogram, hr_summary, read_small, sniff_markers, sport_from_text

FORMAT = "gpx"
MIN_SESSION_S = 60.0  # a track shorter than this is a fragment, not a training session
ROUTE_REASON = "a route without times, not an activity"
POWER_TAGS = ("power", "powerinwatts", "watts")  # point extensions that hold power (Strava: <power>)


def sniff(head: bytes, name: str) -> bool:
    """GPX by content: a `<gpx` element near the start (BOM and leading whitespace allowed)."""
    return sniff_markers(head, b"<gpx")


def read(stream: BinaryIO, *, name: str, strict: bool = False, **options: object) -> ParsedFile:
    """Parse a GPX file into one Activity per timed track (see the module docstring)."""
    data = read_small(stream, "GPX")
    gpx = _parse(data)
    parsed = ParsedFile(FORMAT)
    parsed.n_records = sum(len(s.points) for t in gpx.tracks for s in t.segments)
    creator = _device(gpx.creator)
    if creator == "Apple Health Export" and "workout-routes" in name.replace("\\", "/"):
        parsed.skip_reason = "an Apple Health workout route; its workout is imported from export.xml"
        return parsed
    if parsed.n_records == 0:
        if gpx.routes or gpx.waypoints:
            parsed.skip_reason = "holds only routes or waypoints without a recorded track, not an activity"
        else:
            parsed.skip_reason = "an empty track (no points), nothing to import"
        return parsed
    reasons: list[str] = []
    utc_only = False
    dropped = [0, 0]  # points with an impossible time, with an impossible heart rate
    for number, track in enumerate(gpx.tracks, start=1):
        act, reason, had_offset = _track(track, creator, dropped)
        label = f"track {number}" + (f" ({track.name})" if track.name else "")
        if act is None:
            if reason:
                reasons.append(f"{label}: {reason}")
            continue
        utc_only = utc_only or not had_offset
        parsed.activities.append(act)
    if dropped[0]:
        parsed.warnings.append(plausible.dropped_points(dropped[0], "an impossible time"))
    if dropped[1]:
        parsed.warnings.append(plausible.dropped_points(dropped[1], "an impossible heart rate"))
    if not parsed.activities:
        timed = sum(1 for t in gpx.tracks for s in t.segments for p in s.points if p.time)
        mostly_untimed = timed < parsed.n_records / 2
        parsed.skip_reason = ROUTE_REASON if mostly_untimed else "; ".join(reasons) or "no usable track"
        return parsed
    if reasons:
        parsed.warnings.append("left out " + "; ".join(reasons))
    if utc_only:
        parsed.warnings.append(UTC_ONLY_WARNING)
    if any(a.sport == "generic" for a in parsed.activities):
        parsed.warnings.append("no sport named in the file (<type>); stored as generic")
    return parsed


def _parse(data: bytes) -> gpxpy.gpx.GPX:
    if not data.startswith(b"<"):
        raise CorruptFile("not XML, so not a GPX file; check that it is the file you meant")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # old GPSBabel files declare ISO-8859-1
    check_shape(text, "GPX")  # gpxpy segfaults on a deep nest: bound it on the very text it parses
    try:
        return gpxpy.parse(text)
    except gpxpy.gpx.GPXXMLSyntaxException as err:
        cause = getattr(err, "original_exception", None) or err
        raise CorruptFile(f"not well-formed XML ({cause}); the file is damaged or cut off") from err
    except (gpxpy.gpx.GPXException, ValueError) as err:
        raise CorruptFile(f"values GPX does not allow ({str(err)[:120]}); the file is damaged") from err


def _track(track: gpxpy.gpx.GPXTrack, creator: str | None,
           dropped: list[int]) -> tuple[Activity | None, str | None, bool]:
    """(activity, reason it was left out, whether its times carried an offset)."""
    points = [p for seg in track.segments for p in seg.points]
    if not points:
        return None, None, False  # an empty <trk>: nothing to say beyond the file-level reason
    timed = sorted(((_utc(p.time), p.time, p) for p in points if p.time is not None), key=lambda tp: tp[0])
    if not timed:
        return None, "no times (a route)", False
    keep = plausible.keep_times([t.timestamp() for t, _, _ in timed])  # a GPS week rollover: 19.6 years off
    if not all(keep):
        dropped[0] += keep.count(False)
        timed = [tp for tp, k in zip(timed, keep, strict=True) if k]
    start, end = timed[0][0], timed[-1][0]
    span = (end - start).total_seconds()
    if span < 1:
        return None, f"all points carry one time ({start:%Y-%m-%d %H:%M:%S}), not a recording", False
    if span < MIN_SESSION_S:
        return None, f"lasts {span:.0f} s, shorter than {MIN_SESSION_S:.0f} s", False
    offset = timed[0][1].utcoffset()
    had_offset = offset is not None and offset.total_seconds() != 0
    secs = [(t - start).total_seconds() for t, _, _ in timed]
    hrs = [_extension_value(p, ("hr", "heartrate")) for _, _, p in timed]
    dropped[1] += sum(1 for h in hrs if h is not None and h > 0 and not plausible.hr_ok(h))  # 0: no strap
    hrs = [h if h is None or plausible.hr_ok(h) else None for h in hrs]
    hist = hr_histogram(secs, hrs)
    avg_hr, max_hr = hr_summary(hist, hrs)
    elevations = [p.elevation for p in points if p.elevation is not None]
    ascent = track.get_uphill_downhill().uphill if any(e != 0 for e in elevations) else None
    sport = sport_from_text(track.type) or "generic"
    nan = float("nan")
    effort = summarise(
        np.array(secs), lat=np.array([p.latitude for _, _, p in timed], dtype=np.float64),
        lon=np.array([p.longitude for _, _, p in timed], dtype=np.float64),
        altitude=np.array([p.elevation if p.elevation is not None else nan for _, _, p in timed])
        if any(e != 0 for e in elevations) else None,  # all 0: a track without elevations, not a flat one
        power=_power(timed), foot=sport in FOOT_SPORTS)
    act = Activity(
        sport=sport,
        start_utc=start,
        utc_offset_s=int(offset.total_seconds()) if had_offset and offset is not None else 0,
        duration_s=span,
        distance_m=round(track.length_2d(), 1),
        ascent_m=None if ascent is None else round(ascent, 1),
        avg_hr=avg_hr,
        max_hr=max_hr,
        hr_hist=hist,
        device=creator,
        gas_hist=effort.gas_hist,
        power_hist=effort.power_hist,
        best_gas_m_s=effort.best_gas_m_s,
        best_power_w=effort.best_power_w,
    )
    return act, None, had_offset


def _power(timed: list[tuple[datetime, datetime, gpxpy.gpx.GPXTrackPoint]]) -> np.ndarray | None:
    """Each point's power in W (NaN where it has none), None when no point has any: most GPX files have none,
    so a file is only searched point by point when its first points' extensions name power."""
    if not any(_extension_value(p, POWER_TAGS) is not None for _, _, p in timed[:50]):
        return None
    values = [_extension_value(p, POWER_TAGS) for _, _, p in timed]
    return np.array([float("nan") if v is None else v for v in values])


def _utc(t: datetime) -> datetime:
    """An aware UTC datetime; a GPX time without a zone is UTC by the GPX schema."""
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _extension_value(point: gpxpy.gpx.GPXTrackPoint, names: tuple[str, ...]) -> float | None:
    """A number from a point's extensions by local tag name (namespace-agnostic), or None."""
    for ext in point.extensions:
        for el in ext.iter():
            tag = el.tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower() if isinstance(el.tag, str) else ""
            if tag in names and el.text:
                try:
                    value = float(el.text)
                except ValueError:
                    return None
                return value if value == value else None  # the range: plausible.hr_ok, by the caller
    return None


def _device(creator: str | None) -> str | None:
    """The creator attribute without its URL ("GPSBabel - http://www.gpsbabel.org" -> "GPSBabel")."""
    if not creator:
        return None
    text = creator.split(" - http", 1)[0].strip()
    return text or None


__all__ = ["FORMAT", "read", "sniff"]
