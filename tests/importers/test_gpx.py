"""GPX importer: every real sample file, hand-checked HR histogram and sports, bad input."""

from __future__ import annotations

import io
import itertools
import math
import re
from datetime import UTC, datetime

import pytest

from loadwatch.errors import CorruptFile, HostileInput
from loadwatch.importers import gpx
from loadwatch.importers.registry import detect
from tests.helpers import DATA

GPX_DIR = DATA / "gpx"
NS = 'xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"'


def doc(tracks: str, creator: str = "test") -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="{creator}" {NS}>'
    return (head + tracks + "</gpx>").encode()


def point(t: str, hr: int | None = None, lon: float = 14.0) -> str:
    ext = (f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr><gpxtpx:cad>85</gpxtpx:cad>"
           "</gpxtpx:TrackPointExtension></extensions>") if hr else ""
    return f'<trkpt lat="46.0" lon="{lon}"><ele>300</ele><time>{t}</time>{ext}</trkpt>'


def parse(data: bytes, name: str = "x.gpx"):
    return gpx.read(io.BytesIO(data), name=name)


def test_hr_histogram_holds_each_point_until_the_next() -> None:
    pts = [("00:00", 100), ("00:10", 110), ("00:20", 120), ("01:00", 130), ("01:10", None), ("01:15", 140)]
    body = "".join(point(f"2024-05-01T08:{t}Z", hr) for t, hr in pts)
    [act] = parse(doc(f"<trk><type>9</type><trkseg>{body}</trkseg></trk>")).activities
    # 100 for 10 s, 110 for 10 s, 120 -> next point 40 s later: a gap over 30 s, not counted,
    # 130 for 10 s, the point without HR holds nothing, 140 is the last point (held 0 s)
    assert act.hr_hist == {100: 10.0, 110: 10.0, 130: 10.0}
    assert act.avg_hr == pytest.approx(113.3)  # (100*10 + 110*10 + 130*10) / 30 = 113.33
    assert act.max_hr == 140.0
    assert act.duration_s == 75.0
    assert act.sport == "running"  # Strava's activity-type number 9 is Run
    assert act.start_utc == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def test_segments_of_a_track_are_one_session_and_offsets_are_kept() -> None:
    seg1 = point("2024-03-31T08:00:00+02:00") + point("2024-03-31T08:01:00+02:00", lon=14.001)
    seg2 = point("2024-03-31T08:05:00+02:00", lon=14.001) + point("2024-03-31T08:10:00+02:00", lon=14.002)
    parsed = parse(doc(f"<trk><type>Hiking</type><trkseg>{seg1}</trkseg><trkseg>{seg2}</trkseg></trk>"))
    [act] = parsed.activities
    assert act.start_utc == datetime(2024, 3, 31, 6, 0, tzinfo=UTC) and act.utc_offset_s == 7200
    assert act.duration_s == 600.0 and act.sport == "hiking"
    # two steps of 0.001 deg of longitude at 46 N: 2 x 111.32 km x cos(46 deg) x 0.001 = 154.7 m (gpxpy: +-0.5 %)
    assert act.distance_m == pytest.approx(2 * 111_320 * math.cos(math.radians(46)) * 0.001, rel=0.005)
    assert parsed.warnings == []  # the offset is known: no UTC warning


def _haversine_m(points: list[tuple[float, float]]) -> float:
    r = 6_371_000.0
    total = 0.0
    for (la1, lo1), (la2, lo2) in itertools.pairwise(points):
        p1, p2 = math.radians(la1), math.radians(la2)
        a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
        total += 2 * r * math.asin(math.sqrt(a))
    return total


def test_real_garmin_run_with_hr() -> None:
    parsed = parse((GPX_DIR / "togeojson_run.gpx").read_bytes())
    [act] = parsed.activities
    assert act.start_utc == datetime(2012, 10, 24, 23, 29, 40, tzinfo=UTC)
    assert act.duration_s == 948.0  # 23:29:40 -> 23:45:28
    assert act.utc_offset_s == 0 and "no local offset" in parsed.warnings[0]
    text = (GPX_DIR / "togeojson_run.gpx").read_text()
    coords = [(float(a), float(b)) for b, a in re.findall(r'lon="([-\d.]+)" lat="([-\d.]+)"', text)]
    assert act.distance_m == pytest.approx(_haversine_m(coords), rel=0.01)
    hrs = [int(h) for h in re.findall(r"<gpxtpx:hr>(\d+)</gpxtpx:hr>", text)]
    assert act.max_hr == max(hrs) == 203
    assert sum(act.hr_hist.values()) <= act.duration_s
    assert act.device == "Garmin Connect" and act.sport == "generic"


REAL: dict[str, tuple[str, object]] = {
    "gpxpy_Mojstrovka.gpx": ("skip", "all points carry one time"),  # every point at 1901-12-13
    "gpxpy_cerknicko-jezero-with-elevations-zero.gpx": ("sessions", 5),  # 8 tracks: 1 empty, 2 under 60 s
    "gpxpy_cerknicko-jezero.gpx": ("sessions", 5),
    "gpxpy_cerknicko-without-times.gpx": ("skip", gpx.ROUTE_REASON),
    "gpxpy_gpx1.0_with_all_fields.gpx": ("skip", "all points carry one time"),
    "gpxpy_gpx1.1_with_all_fields.gpx": ("skip", "all points carry one time"),
    "gpxpy_gpx_with_garmin_extension.gpx": ("skip", "only routes or waypoints"),
    "gpxpy_korita-zbevnica.gpx": ("sessions", 2),  # plus an untimed track, left out with a warning
    "gpxpy_route.gpx": ("skip", "only routes or waypoints"),
    "gpxpy_track-with-empty-segment.gpx": ("sessions", 1),
    "gpxpy_track_with_speed.gpx": ("skip", "shorter than 60 s"),
    "gpxpy_unicode_with_bom.gpx": ("skip", "only routes or waypoints"),
    "togeojson_Friday-Evening-Run.gpx": ("sessions", 1),
    "togeojson_apple_watch_route.gpx": ("skip", "shorter than 60 s"),
    "togeojson_bad.gpx": ("error", "values GPX does not allow"),  # coordinates "undefined"
    "togeojson_blue_hills.gpx": ("sessions", 3),
    "togeojson_missing_hr.gpx": ("sessions", 1),
    "togeojson_multitrackgpx.gpx": ("sessions", 3),
    "togeojson_run.gpx": ("sessions", 1),
    "togeojson_run_gpxtpx.gpx": ("skip", "shorter than 60 s"),
    "togeojson_strava.gpx": ("sessions", 1),
}


def test_every_real_file_is_listed() -> None:
    assert sorted(p.name for p in GPX_DIR.glob("*.gpx")) == sorted(REAL)


@pytest.mark.parametrize("name", sorted(REAL))
def test_every_real_file(name: str) -> None:
    data = (GPX_DIR / name).read_bytes()
    assert gpx.sniff(data[:4096], name) and detect(data[:4096], name) is gpx
    kind, expected = REAL[name]
    if kind == "error":
        with pytest.raises(CorruptFile, match=str(expected)):
            parse(data, name)
        return
    parsed = parse(data, name)
    if kind == "skip":
        assert parsed.skip_reason is not None and str(expected) in parsed.skip_reason
        assert parsed.activities == []
        return
    assert parsed.skip_reason is None and len(parsed.activities) == expected
    for act in parsed.activities:
        assert act.start_utc.tzinfo is UTC and act.duration_s >= gpx.MIN_SESSION_S
        assert act.distance_m is not None and act.distance_m >= 0
        assert sum(act.hr_hist.values()) <= act.duration_s


def test_sports_from_type_and_creator() -> None:
    [run] = parse((GPX_DIR / "togeojson_Friday-Evening-Run.gpx").read_bytes()).activities
    assert (run.sport, run.device) == ("running", "Apple Watch")  # <type>running</type>, 3 segments joined
    assert run.start_utc == datetime(2025, 5, 2, 15, 51, 15, 692000, tzinfo=UTC)
    [trk] = parse((GPX_DIR / "gpxpy_track-with-empty-segment.gpx").read_bytes()).activities
    assert trk.duration_s == 76.0  # 17:26:26 -> 17:27:42, the empty segment ignored


def test_all_zero_elevations_give_no_ascent() -> None:
    acts = parse((GPX_DIR / "gpxpy_cerknicko-jezero-with-elevations-zero.gpx").read_bytes()).activities
    assert {a.ascent_m for a in acts} == {None}
    assert next(a.ascent_m for a in parse((GPX_DIR / "gpxpy_cerknicko-jezero.gpx").read_bytes()).activities) == 50.0


def test_not_xml_empty_track_and_missing_times() -> None:
    with pytest.raises(CorruptFile, match="not XML"):
        parse(b"hello, this is not a GPX file")
    assert parse(doc("<trk><trkseg></trkseg></trk>")).skip_reason == "an empty track (no points), nothing to import"
    untimed = "".join(f'<trkpt lat="46.0" lon="{14 + i / 1000}"><ele>300</ele></trkpt>' for i in range(5))
    assert parse(doc(f"<trk><trkseg>{untimed}</trkseg></trk>")).skip_reason == gpx.ROUTE_REASON


def test_entities_are_refused() -> None:
    data = (b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<gpx version="1.1" creator="&xxe;"></gpx>')
    with pytest.raises(HostileInput, match="entities"):
        parse(data)


def test_bom_and_leading_whitespace() -> None:
    body = point("2024-05-01T08:00:00Z", 120) + point("2024-05-01T08:02:00Z", 121, lon=14.01)
    data = b"\xef\xbb\xbf\n  " + doc(f"<trk><trkseg>{body}</trkseg></trk>")
    assert gpx.sniff(data[:4096], "x")
    assert len(parse(data).activities) == 1
