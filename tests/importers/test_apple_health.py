"""Apple Health export.xml: steps merged by source priority across DST, workouts with HR, bad input.

The step fixture is SYNTHETIC (the real samples in tests/data/apple_health hold no StepCount
records): `export_xml()` writes it at test time. It copies the shape of a real export (XML
declaration, an internal DTD like Apple's, ExportDate, Me, Records with sourceName/device/unit/
dates in Apple's "YYYY-MM-DD HH:MM:SS +HHMM" form, Workouts with WorkoutStatistics and metadata)
with an iPhone and an Apple Watch whose samples overlap, around the Europe DST change of
2024-03-31 (02:00 +0100 -> 03:00 +0200). Every expected total is worked out by hand below.
"""

from __future__ import annotations

import io
import math
import tracemalloc
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from loadwatch.errors import CorruptFile, HostileInput
from loadwatch.importers import apple_health
from loadwatch.importers.registry import detect
from loadwatch.ingest import import_paths
from tests.helpers import DATA

APPLE = DATA / "apple_health"
WATCH = ('sourceName="Anna’s Apple Watch" sourceVersion="10.3" device="&lt;&lt;HKDevice: 0x3012772a0&gt;,'
         ' name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:10.3&gt;"')
PHONE = ('sourceName="Anna’s iPhone" sourceVersion="17.3" device="&lt;&lt;HKDevice: 0x300f1e0d0&gt;,'
         ' name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone14,5, software:17.3&gt;"')

DTD = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics|WorkoutActivity)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT VisionPrescription EMPTY>
<!ATTLIST VisionPrescription
  type             CDATA #REQUIRED
  dateIssued       CDATA #REQUIRED
>
]>
"""
# iOS 16 wrote an ATTLIST without its closing ">" (dogsheep/healthkit-to-sqlite#24: "syntax error: line 156")
BROKEN_DTD = DTD.replace("  dateIssued       CDATA #REQUIRED\n>\n", "  dateIssued       CDATA #REQUIRED\n")


def steps(src: str, start: str, end: str, value: float) -> str:
    return (f'<Record type="HKQuantityTypeIdentifierStepCount" {src} unit="count" creationDate="{end}"'
            f' startDate="{start}" endDate="{end}" value="{value:g}"/>')


def heart(at: str, bpm: int) -> str:
    return (f'<Record type="HKQuantityTypeIdentifierHeartRate" {WATCH} unit="count/min" creationDate="{at}"'
            f' startDate="{at}" endDate="{at}" value="{bpm}">\n'
            '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="2"/>\n </Record>')


STEP_ROWS = [
    # 2024-03-30 (+0100)
    steps(PHONE, "2024-03-30 10:05:00 +0100", "2024-03-30 10:15:00 +0100", 600),  # P1
    steps(WATCH, "2024-03-30 10:00:00 +0100", "2024-03-30 10:10:00 +0100", 1000),  # W1
    steps(PHONE, "2024-03-30 12:00:00 +0100", "2024-03-30 12:10:00 +0100", 400),  # P2
    steps(WATCH, "2024-03-30 23:50:00 +0100", "2024-03-31 00:10:00 +0100", 200),  # W2, crosses midnight
    # 2024-03-31, the night the clocks go forward: 01:50 +0100 is 00:50 UTC, 03:10 +0200 is 01:10 UTC
    steps(WATCH, "2024-03-31 01:50:00 +0100", "2024-03-31 03:10:00 +0200", 400),  # W3
    steps(PHONE, "2024-03-31 03:00:00 +0200", "2024-03-31 03:20:00 +0200", 300),  # P3
    steps(PHONE, "2024-03-31 10:00:00 +0200", "2024-03-31 10:10:00 +0200", 800),  # P6
    steps(WATCH, "2024-03-31 09:55:00 +0200", "2024-03-31 10:15:00 +0200", 1200),  # W4
    steps(WATCH, "2024-03-31 09:55:00 +0200", "2024-03-31 10:15:00 +0200", 1200),  # W4 repeated by the export
    # 2024-04-01 00:30 +0200 is still 2024-03-31 in UTC: the local day must be 04-01
    steps(PHONE, "2024-04-01 00:30:00 +0200", "2024-04-01 00:40:00 +0200", 500),  # P5
]
# By hand (a phone sample counts only for the part of its interval no watch sample covers):
# 03-30: W1 1000 + P1 600 x (5 of 10 min uncovered) 300 + P2 400 + W2 before midnight 200 x 10/20 = 100 -> 1800
# 03-31: W2 after midnight 100 + W3 400 + P3 300 x (10 of 20 min uncovered: W3 ends 01:10 UTC) 150
#        + W4 1200 (its repeat not counted) + P6 0 (inside W4) -> 1850
# 04-01: P5 500, phone only -> 500            (summing every sample would give 6600 instead of 4150)
EXPECTED_STEPS = {date(2024, 3, 30): (1800, "watch"), date(2024, 3, 31): (1850, "watch"),
                  date(2024, 4, 1): (500, "phone")}

HR_ROWS = [
    heart("2024-03-31 07:59:50 +0200", 100),  # before the workout: not counted
    heart("2024-03-31 08:00:00 +0200", 120),
    heart("2024-03-31 08:00:10 +0200", 130),
    heart("2024-03-31 08:00:20 +0200", 140),
    heart("2024-03-31 08:05:00 +0200", 150),
    heart("2024-03-31 08:29:55 +0200", 160),
    heart("2024-03-31 08:30:05 +0200", 170),  # after the workout: not counted
]
# Each bpm held until the next sample, inside 08:00:00-08:30:00, holds over 300 s not counted:
# 120: 10 s, 130: 10 s, 140: 280 s, 150: 1495 s -> dropped (lost contact), 160: 5 s (to the end)
# avg = (120*10 + 130*10 + 140*280 + 160*5) / 305 = 42500 / 305 = 139.3; max = 160
EXPECTED_HIST = {120: 10.0, 130: 10.0, 140: 280.0, 160: 5.0}

RUN = f"""<Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="28.5" durationUnit="min" {WATCH}
 creationDate="2024-03-31 08:31:00 +0200" startDate="2024-03-31 08:00:00 +0200" endDate="2024-03-31 08:30:00 +0200">
  <MetadataEntry key="HKIndoorWorkout" value="0"/>
  <MetadataEntry key="HKElevationAscended" value="4530 cm"/>
  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="2024-03-31 08:00:00 +0200" duration="10" durationUnit="min"/>
  <WorkoutActivity uuid="A1" startDate="2024-03-31 08:00:00 +0200" endDate="2024-03-31 08:30:00 +0200">
   <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="2024-03-31 08:00:00 +0200"
    endDate="2024-03-31 08:30:00 +0200" sum="5.2" unit="km"/>
  </WorkoutActivity>
  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="2024-03-31 08:00:00 +0200"
   endDate="2024-03-31 08:30:00 +0200" sum="350" unit="kcal"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="2024-03-31 08:00:00 +0200"
   endDate="2024-03-31 08:30:00 +0200" sum="5.2" unit="km"/>
  <WorkoutRoute {WATCH} startDate="2024-03-31 08:00:00 +0200" endDate="2024-03-31 08:30:00 +0200">
   <FileReference path="/workout-routes/route_2024-03-31_8.30am.gpx"/>
  </WorkoutRoute>
 </Workout>"""
# An old-style (pre iOS 16) walk: totals as attributes, in miles
WALK = f"""<Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="30" durationUnit="min"
 totalDistance="1.5" totalDistanceUnit="mi" totalEnergyBurned="120" totalEnergyBurnedUnit="kcal" {PHONE}
 creationDate="2024-03-30 18:31:00 +0100" startDate="2024-03-30 18:00:00 +0100" endDate="2024-03-30 18:30:00 +0100">
  <MetadataEntry key="HKTimeZone" value="Europe/Amsterdam"/>
 </Workout>"""


def export_xml(*, dtd: str = DTD, rows: list[str] | None = None) -> bytes:
    """A synthetic export.xml (see the module docstring); HR records come after the workout, as in
    real exports that are grouped by type, while one HR record comes first to show order does not matter."""
    body = rows if rows is not None else [HR_ROWS[3], *STEP_ROWS, RUN, WALK, *HR_ROWS[:3], *HR_ROWS[4:]]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + dtd + '<HealthData locale="en_NL">\n'
            ' <ExportDate value="2024-04-02 09:00:00 +0200"/>\n'
            ' <Me HKCharacteristicTypeIdentifierDateOfBirth="1985-06-01"'
            ' HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>\n '
            + "\n ".join(body) + "\n</HealthData>\n").encode()


def parse(data: bytes, strict: bool = False):
    return apple_health.read(io.BytesIO(data), name="export.xml", strict=strict)


def test_steps_merge_watch_over_phone_across_dst() -> None:
    parsed = parse(export_xml())
    got = {d.day: (d.steps, d.device_kind) for d in parsed.daily_steps}
    assert got == EXPECTED_STEPS
    assert {d.device for d in parsed.daily_steps} == {"Apple Health (merged)"}
    assert parsed.bad_rows == 0 and parsed.warnings == []


def test_new_style_workout_with_statistics_and_hr() -> None:
    run = next(a for a in parse(export_xml()).activities if a.sport == "running")
    assert run.start_utc == datetime(2024, 3, 31, 6, 0, tzinfo=UTC)
    assert run.utc_offset_s == 7200
    assert run.duration_s == 1800.0  # 08:00 -> 08:30
    assert run.moving_s == 1710.0  # duration="28.5" min
    assert run.distance_m == 5200.0  # 5.2 km, the WorkoutActivity's copy not added again
    assert run.calories == 350.0
    assert run.ascent_m == 45.3  # 4530 cm
    assert run.sub_sport is None  # HKIndoorWorkout 0
    assert run.hr_hist == EXPECTED_HIST
    assert run.avg_hr == 139.3 and run.max_hr == 160.0
    assert run.device == "Apple Watch"


def test_old_style_workout_attributes_in_miles() -> None:
    walk = next(a for a in parse(export_xml()).activities if a.sport == "walking")
    assert walk.start_utc == datetime(2024, 3, 30, 17, 0, tzinfo=UTC) and walk.utc_offset_s == 3600
    assert walk.distance_m == 2414.0  # 1.5 mi x 1609.344 m = 2414.016 m
    assert walk.calories == 120.0 and walk.moving_s == 1800.0
    assert walk.hr_hist == {} and walk.avg_hr is None


def test_sniff_sees_the_doctype_before_the_root() -> None:
    data = export_xml()
    long_head = data.replace(b"<!-- HealthKit", b"<!--" + b" " * 5000 + b"HealthKit")
    assert b"<HealthData" not in long_head[:4096]  # the DTD comes first (Apple's real one is ~10 KB)
    assert apple_health.sniff(long_head[:4096], "export.xml")
    assert detect(b"\xef\xbb\xbf  \n" + long_head[:4000], "x").FORMAT == "apple_health"
    assert not apple_health.sniff(b'<?xml version="1.0"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">', "x")


def test_broken_ios16_dtd_still_imports() -> None:
    parsed = parse(export_xml(dtd=BROKEN_DTD))
    assert {d.day: (d.steps, d.device_kind) for d in parsed.daily_steps} == EXPECTED_STEPS


@pytest.mark.parametrize("dtd", [
    '<!DOCTYPE HealthData [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n',
    '<!DOCTYPE HealthData SYSTEM "http://example.invalid/health.dtd">\n',
])
def test_entities_and_external_references_are_refused(dtd: str) -> None:
    data = export_xml(dtd=dtd, rows=[steps(PHONE.replace("Anna’s iPhone", "&xxe;"), "2024-03-30 10:00:00 +0100",
                                           "2024-03-30 10:10:00 +0100", 5)])
    with pytest.raises(HostileInput, match="never does; refusing it"):
        parse(data)


def test_billion_laughs_refused_with_bounded_memory() -> None:
    lols = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
                                      for i in range(1, 10)]
    data = export_xml(dtd="<!DOCTYPE HealthData [\n" + "\n".join(lols) + "\n]>\n", rows=["<x>&lol9;</x>"])
    tracemalloc.start()
    try:
        with pytest.raises(HostileInput, match="entities"):
            parse(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20  # 10^9 "lol"s would need 3 GB; refused before any expansion


def test_cut_mid_record_is_corrupt_and_nothing_is_stored(tmp_path: Path, store) -> None:
    data = export_xml()
    cut = data[: data.rindex(b"<Record") + 60]  # ends inside the last <Record ...
    with pytest.raises(CorruptFile, match=r"cut off at line \d+, .*export again"):
        parse(cut)
    path = tmp_path / "export.xml"
    path.write_bytes(cut)
    result = import_paths(store, [path], workers=1)
    assert [(f.status, f.format) for f in result.files] == [("failed", "apple_health")]
    assert "cut off" in (result.files[0].error or "")
    assert (result.failed, result.in_store) == (1, 0)  # the CLI's exit code 1: failed, nothing imported
    assert store.sessions().empty and store.daily_steps().empty


def test_control_character_in_an_attribute_is_removed() -> None:
    rows = [steps(PHONE.replace("Anna’s iPhone", "Anna’s\x0b iPhone"), "2024-03-30 12:00:00 +0100",
                  "2024-03-30 12:10:00 +0100", 400)]
    parsed = parse(export_xml(rows=rows))
    assert [(d.day, d.steps, d.device_kind) for d in parsed.daily_steps] == [(date(2024, 3, 30), 400, "phone")]
    assert parsed.warnings == ["removed 1 control characters that XML does not allow"]


def test_a_date_that_is_not_a_date_is_counted_and_the_rest_imported() -> None:
    bad = steps(PHONE, "not-a-date", "2024-03-30 12:10:00 +0100", 999)
    parsed = parse(export_xml(rows=[bad, *STEP_ROWS]))
    assert {d.day: (d.steps, d.device_kind) for d in parsed.daily_steps} == EXPECTED_STEPS
    assert parsed.bad_rows == 1
    assert "1 step, heart-rate or workout rows had a date that is not a date" in parsed.warnings[0]
    assert "'not-a-date'" in parsed.warnings[0]
    with pytest.raises(CorruptFile, match="strict mode"):
        parse(export_xml(rows=[bad, *STEP_ROWS]), strict=True)


def test_parse_apple_date() -> None:
    # 2024-03-31 03:10:00 +0200 = 01:10:00 UTC = 1711847400 s since 1970 (date -u -d ... +%s)
    assert apple_health.parse_apple_date("2024-03-31 03:10:00 +0200") == (1711847400, 7200, True)
    assert apple_health.parse_apple_date("2016-11-14 07:25:41 -0700") == (1479133541, -25200, True)
    for text in ("not-a-date", "2024-03-31T03:10:00+02:00", "2024-13-31 03:10:00 +0200", ""):
        with pytest.raises(ValueError):
            apple_health.parse_apple_date(text)


def test_export_zip_gives_one_session_no_duplicate_from_route_or_cda(tmp_path: Path, store) -> None:
    route = (APPLE / "healthkit-to-sqlite_zip/apple_health_export/workout-routes/route_2019-06-11_3.00pm.gpx")
    gpx = route_gpx("2024-03-31T06:00:05Z", 1790, 5200)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("apple_health_export/export.xml", export_xml())
        z.writestr("apple_health_export/export_cda.xml",
                   '<?xml version="1.0"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3"></ClinicalDocument>')
        z.writestr("apple_health_export/workout-routes/route_2024-03-31_8.30am.gpx", gpx)
        z.write(route, "apple_health_export/workout-routes/route_2019-06-11_3.00pm.gpx")
    result = import_paths(store, [archive], workers=1)
    by_name = {f.path.rsplit("/", 1)[-1]: f for f in result.files}
    assert by_name["export.xml"].status == "imported"
    assert (by_name["export.xml"].sessions, by_name["export.xml"].days) == (2, 3)
    assert by_name["route_2024-03-31_8.30am.gpx"].status == "skipped"
    assert "workout route" in (by_name["route_2024-03-31_8.30am.gpx"].error or "")
    assert by_name["export_cda.xml"].status == "skipped"
    assert result.failed == 0  # the CLI's exit code 0
    assert sorted(store.sessions()["sport"]) == ["running", "walking"]
    frame = store.daily_steps()
    assert dict(zip(frame["day"], frame["steps"], strict=True)) == {d: s for d, (s, _) in EXPECTED_STEPS.items()}


def route_gpx(start_z: str, seconds: int, metres: float) -> str:
    """An Apple workout-route GPX (creator "Apple Health Export"): due east along 52.37 N, a point
    every 10 s, `metres` long (1 degree of longitude there is 111.32 km x cos 52.37 = 67.9 km)."""
    start = datetime.fromisoformat(start_z.replace("Z", "+00:00"))
    step = metres / seconds / (111_320 * math.cos(math.radians(52.37)))  # degrees per second
    points = "".join(
        f'<trkpt lon="{4.9 + i * step:.7f}" lat="52.37"><ele>1.0</ele>'
        f"<time>{datetime.fromtimestamp(start.timestamp() + i, UTC):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
        for i in range(0, seconds + 1, 10))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Apple Health Export"'
            ' xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Route</name><trkseg>'
            + points + "</trkseg></trk></gpx>")


def test_a_route_gpx_outside_the_export_is_a_store_duplicate(tmp_path: Path, store) -> None:
    """The route of the run, imported on its own after the export: the store's near-match dedupe
    (start within 120 s, generic sport, duration within 60 s / 5 %) links it to the workout."""
    (tmp_path / "export.xml").write_bytes(export_xml())
    (tmp_path / "route.gpx").write_text(route_gpx("2024-03-31T06:00:05Z", 1790, 5200))
    first = import_paths(store, [tmp_path / "export.xml"], workers=1)
    second = import_paths(store, [tmp_path / "route.gpx"], workers=1)
    assert first.files[0].sessions == 2
    assert (second.files[0].status, second.files[0].duplicates) == ("duplicate", 1)
    assert len(store.sessions()) == 2


REAL = {
    "apple-health-parser_export.xml": ("skip", "no step counts or workouts"),
    "healthkit-to-sqlite_export.xml": ("run", None),
    "healthkit-to-sqlite_zip/apple_health_export/export.xml": ("run", None),
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_every_real_export(name: str) -> None:
    kind, text = REAL[name]
    with (APPLE / name).open("rb") as fh:
        head = fh.read(4096)
        fh.seek(0)
        assert apple_health.sniff(head, name)
        parsed = apple_health.read(fh, name=name)
    if kind == "skip":
        assert parsed.skip_reason is not None and text in parsed.skip_reason
        return
    # HKWorkoutActivityTypeRunning 07:25:41 -> 07:30:52 -0700, 0.4971749504535062 mi = 800.12 m, 48.745 kcal
    [run] = parsed.activities
    assert (run.sport, run.start_utc, run.utc_offset_s) == ("running", datetime(2016, 11, 14, 14, 25, 41, tzinfo=UTC),
                                                            -25200)
    assert run.duration_s == pytest.approx(311.647, abs=1e-3)  # duration 5.19412346680959 min > 311 s of dates
    assert run.distance_m == 800.1 and run.calories == 48.7 and run.device == "Apple Watch"
    assert parsed.daily_steps == [] and parsed.bad_rows == 0

