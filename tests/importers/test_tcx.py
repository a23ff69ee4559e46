"""TCX importer: every real sample file, hand-checked laps and HR histogram, bad input."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from loadwatch.errors import CorruptFile, HostileInput
from loadwatch.importers import tcx
from loadwatch.importers.registry import detect
from tests.helpers import DATA

TCX_DIR = DATA / "tcx"
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase'
        ' xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">')


def trackpoint(t: str, hr: int | None, alt: float, dist: float) -> str:
    hr_el = f"<HeartRateBpm><Value>{hr}</Value></HeartRateBpm>" if hr else ""
    return (f"<Trackpoint><Time>{t}</Time><AltitudeMeters>{alt}</AltitudeMeters>"
            f"<DistanceMeters>{dist}</DistanceMeters>{hr_el}</Trackpoint>")


def activity(points: str, sport: str = "Running", extra: str = "") -> bytes:
    lap = ('<Lap StartTime="2024-05-01T08:00:00Z"><TotalTimeSeconds>90</TotalTimeSeconds>'
           "<DistanceMeters>300</DistanceMeters><Calories>20</Calories>"
           f"<Track>{points}</Track></Lap>")
    return (f'{HEAD}<Activities><Activity Sport="{sport}"><Id>2024-05-01T08:00:00Z</Id>{lap}'
            f"<Creator><Name>Forerunner 265 Software Version 19.18</Name></Creator></Activity>"
            f"</Activities>{extra}</TrainingCenterDatabase>").encode()


def parse(data: bytes, strict: bool = False):
    return tcx.read(io.BytesIO(data), name="x.tcx", strict=strict)


def test_synthetic_activity_by_hand() -> None:
    points = "".join(trackpoint(f"2024-05-01T08:{t}Z", hr, alt, d) for t, hr, alt, d in [
        ("00:00", 120, 10.0, 0.0), ("00:05", 125, 12.0, 20.0), ("00:10", 130, 14.0, 40.0),
        ("01:00", 150, 16.0, 200.0), ("01:20", 155, 18.0, 300.0), ("01:40", 160, 18.0, 310.0)])
    [act] = parse(activity(points)).activities
    # holds: 120 5 s, 125 5 s, 130 -> 50 s gap (over 30 s, a pause: not counted), 150 20 s, 155 20 s, 160 last
    assert act.hr_hist == {120: 5.0, 125: 5.0, 150: 20.0, 155: 20.0}
    assert act.avg_hr == 146.5  # time-weighted: (120*5 + 125*5 + 150*20 + 155*20) / 50 = 7325 / 50
    assert act.max_hr == 160.0
    assert act.duration_s == 100.0  # first lap start 08:00:00 -> last trackpoint 08:01:40
    assert act.moving_s == 90.0  # TotalTimeSeconds
    assert act.distance_m == 300.0 and act.calories == 20.0
    assert act.ascent_m == pytest.approx(8.0, abs=1.0)  # 10 m -> 18 m, gpxpy smooths a little
    assert (act.sport, act.device) == ("running", "Forerunner 265")
    assert act.start_utc == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def test_real_garmin_run_laps_by_hand() -> None:
    parsed = parse((TCX_DIR / "tcxparser_test.tcx").read_bytes())
    [act] = parsed.activities
    assert act.start_utc == datetime(2012, 12, 26, 21, 29, 53, tzinfo=UTC)
    assert act.moving_s == pytest.approx(608.47 + 714.80 + 669.51)  # 1992.78 s of lap timer time
    assert act.duration_s == pytest.approx(1992.51)  # last lap 21:51:56 + 669.51 s = 22:03:05.51
    assert act.distance_m == pytest.approx(1609.34399414 * 2 + 1470.5546875, abs=0.1)  # 4689.2 m
    assert act.calories == 94 + 151 + 134
    assert act.max_hr == 189.0  # the first lap's MaximumHeartRateBpm
    assert sum(act.hr_hist.values()) <= act.duration_s
    assert (act.sport, act.device, act.utc_offset_s) == ("running", "Forerunner 410", 0)
    assert "no local offset" in parsed.warnings[-1]


REAL: dict[str, tuple[str, object]] = {
    "tcxparser_no_hr.tcx": ("running", None),
    "tcxparser_test.tcx": ("running", 189.0),
    "tcxreader_cross-country-skiing_activity_1.tcx": ("generic", 172.0),  # Sport="Other"
    "tcxreader_mapmyride_biking.tcx": ("cycling", None),  # the whole file on one line
    "tcxreader_sup_activity_1.tcx": ("generic", 108.0),
    "togeojson_bad.tcx": ("cycling", 122.0),  # "undefined" positions (not used); a lap repeated twice
    "togeojson_garmin_connect.tcx": ("cycling", None),
    "togeojson_sample.tcx": ("running", None),
    "togeojson_tcx-courses.tcx": ("skip", "a course (a planned route), not an activity"),
    "togeojson_tour_hr.tcx": ("cycling", 156.0),
}


def test_every_real_file_is_listed() -> None:
    assert sorted(p.name for p in TCX_DIR.glob("*.tcx")) == sorted(REAL)


@pytest.mark.parametrize("name", sorted(REAL))
def test_every_real_file(name: str) -> None:
    data = (TCX_DIR / name).read_bytes()
    assert tcx.sniff(data[:4096], name) and detect(data[:4096], name) is tcx
    parsed = parse(data)
    sport, value = REAL[name]
    if sport == "skip":
        assert parsed.skip_reason == value and parsed.activities == []
        return
    [act] = parsed.activities
    assert act.sport == sport and act.max_hr == value
    assert act.start_utc.tzinfo is UTC and act.duration_s >= (act.moving_s or 0) - 1
    assert act.distance_m and act.distance_m > 0
    assert sum(act.hr_hist.values()) <= act.duration_s


def test_repeated_lap_counted_once() -> None:
    parsed = parse((TCX_DIR / "togeojson_bad.tcx").read_bytes())
    [act] = parsed.activities
    assert act.moving_s == 2283.0 and act.distance_m == 6840.0 and act.calories == 221.0  # one lap, not two
    assert act.utc_offset_s == 3600  # times written as +01:00
    assert parsed.warnings == ["1 lap(s) repeated word for word in the file were counted once"]


def test_leading_whitespace_before_the_declaration() -> None:
    """Strava writes TCX with spaces before `<?xml` (GoldenCheetah#3149)."""
    data = b"          \n" + (TCX_DIR / "togeojson_sample.tcx").read_bytes()
    assert tcx.sniff(data[:4096], "x.tcx")
    [act] = parse(data).activities
    assert act.sport == "running" and act.start_utc == datetime(2007, 8, 7, 2, 42, 41, tzinfo=UTC)


def test_not_xml_missing_times_empty_and_hostile() -> None:
    with pytest.raises(CorruptFile, match="not XML"):
        parse(b"Activity,Sport\n1,Running\n")
    no_times = (f'{HEAD}<Activities><Activity Sport="Running"><Lap><TotalTimeSeconds>60</TotalTimeSeconds>'
                "<Track><Trackpoint><HeartRateBpm><Value>120</Value></HeartRateBpm></Trackpoint></Track></Lap>"
                "</Activity></Activities></TrainingCenterDatabase>").encode()
    assert parse(no_times).skip_reason == "activity 1: no laps or trackpoints with a time"
    empty = f"{HEAD}<Activities/></TrainingCenterDatabase>".encode()
    assert parse(empty).skip_reason == "holds no activities"
    bomb = (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b"<TrainingCenterDatabase>&b;</TrainingCenterDatabase>")
    with pytest.raises(HostileInput, match="entities"):
        parse(bomb)


def test_bad_trackpoint_time_counted_and_strict_refuses() -> None:
    points = (trackpoint("2024-05-01T08:00:00Z", 120, 10, 0) + trackpoint("yesterday", 121, 10, 5)
              + trackpoint("2024-05-01T08:01:30Z", 122, 10, 300))
    parsed = parse(activity(points))
    assert parsed.bad_rows == 1 and len(parsed.activities) == 1
    assert parsed.warnings[0] == "1 trackpoints with a time that is not a time were left out"
    with pytest.raises(CorruptFile, match="strict mode"):
        parse(activity(points), strict=True)
