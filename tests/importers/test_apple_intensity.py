"""Apple Health (issue 14): a workout's route gives its pace bins (inline `Location`s of old exports, or the
route GPX its `FileReference` names inside export.zip), its effort score becomes the session's device RPE, and
`RestingHeartRate` records the day's resting heart rate. Synthetic exports in Apple's shape, answers by hand."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from loadwatch.importers import apple_health
from loadwatch.importers._intensity import ONE_DEGREE_M
from loadwatch.ingest import import_paths
from loadwatch.store import Store

WATCH = ('sourceName="Anna’s Apple Watch" device="&lt;&lt;HKDevice: 0x3012772a0&gt;, name:Apple Watch,'
         ' manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:10.3&gt;"')
T0 = datetime(2024, 10, 1, 5, 0, tzinfo=UTC)  # 07:00 +0200


def apple(t: datetime) -> str:
    """Apple's date form, in +0200."""
    return (t + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S +0200")


def locations(start: datetime, seconds: int, speed: float) -> str:
    """Inline route points a second apart due north at `speed` m/s (metres as the importer measures them)."""
    return "".join(
        f'<Location date="{apple(start + timedelta(seconds=k))}" latitude="{52.0 + k * speed / ONE_DEGREE_M!r}"'
        f' longitude="4.9" altitude="2.0" horizontalAccuracy="3" verticalAccuracy="2" course="0" speed="{speed}"/>'
        for k in range(seconds + 1))


def workout(start: datetime, minutes: int, route: str) -> str:
    end = start + timedelta(minutes=minutes)
    return (f'<Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="{minutes}" durationUnit="min"'
            f' {WATCH} startDate="{apple(start)}" endDate="{apple(end)}">'
            f'<WorkoutRoute {WATCH} startDate="{apple(start)}" endDate="{apple(end)}">{route}</WorkoutRoute>'
            "</Workout>")


def record(kind: str, start: datetime, end: datetime, value: float, unit: str = "count/min") -> str:
    return (f'<Record type="HKQuantityTypeIdentifier{kind}" {WATCH} unit="{unit}" startDate="{apple(start)}"'
            f' endDate="{apple(end)}" value="{value:g}"/>')


def export(*rows: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_NL">\n'
            '<ExportDate value="2024-10-02 09:00:00 +0200"/>\n' + "\n".join(rows) + "\n</HealthData>\n").encode()


def parse(data: bytes, **options: object):  # type: ignore[no-untyped-def]
    return apple_health.read(io.BytesIO(data), name="export.xml", **options)


SECOND = T0 + timedelta(hours=5)  # a second run that day, 12:00 +0200
ROWS = [
    workout(T0, 30, locations(T0, 1800, 3.0)),
    workout(SECOND, 10, locations(SECOND, 600, 2.5)),
    # the watch's estimate for the first run, over its window, then the runner's own rating 5 min after it
    record("EstimatedWorkoutEffortScore", T0, T0 + timedelta(minutes=30), 5, "appleEffortScore"),
    record("WorkoutEffortScore", T0 + timedelta(minutes=35), T0 + timedelta(minutes=35), 7, "appleEffortScore"),
    # the second run: only the estimate, an hour after it ended (before the rating window of 6 h closes)
    record("EstimatedWorkoutEffortScore", SECOND + timedelta(minutes=70), SECOND + timedelta(minutes=70), 4,
           "appleEffortScore"),
    # resting heart rate: 1 Oct twice (the later, 51, is the day's), 2 Oct once
    record("RestingHeartRate", T0 - timedelta(hours=4), T0 - timedelta(hours=4), 53),
    record("RestingHeartRate", T0 + timedelta(hours=12), T0 + timedelta(hours=12), 51),
    record("RestingHeartRate", T0 + timedelta(days=1), T0 + timedelta(days=1), 49),
]


def test_inline_route_gives_the_pace_bins() -> None:
    first, second = parse(export(*ROWS)).activities
    # 1,800 one-second steps at 3.0 m/s (Apple's speed attribute) on the flat: bin 30; 600 s at 2.5: bin 25
    assert first.gas_hist == {30: 1800.0}
    assert first.best_gas_m_s == {60: 3.0, 180: 3.0, 300: 3.0, 600: 3.0, 720: 3.0, 1200: 3.0, 1800: 3.0}
    assert second.gas_hist == {25: 600.0} and second.best_gas_m_s[600] == 2.5


def test_the_runners_effort_rating_wins_over_the_watchs_estimate() -> None:
    first, second = parse(export(*ROWS)).activities
    assert first.device_rpe == 7.0  # rated 7 five minutes after; the estimate said 5
    assert second.device_rpe == 4.0  # the estimate an hour after the second run is the second run's, not the first's


def test_resting_heart_rate_per_local_day() -> None:
    parsed = parse(export(*ROWS))
    assert [(r.day, r.bpm, r.device) for r in parsed.resting_hr] == [
        (date(2024, 10, 1), 51.0, "Apple Watch"), (date(2024, 10, 2), 49.0, "Apple Watch")]


def test_an_export_with_only_resting_heart_rate_is_imported() -> None:
    parsed = parse(export(ROWS[-1]))
    assert parsed.skip_reason is None and len(parsed.resting_hr) == 1


def route_gpx(start: datetime, seconds: int, speed: float, climb: float) -> str:
    """A route GPX as Apple writes it (creator "Apple Health Export", speed in the extensions): due north at
    `speed` m/s, the elevation rising `climb` m per metre."""
    pts = "".join(
        f'<trkpt lon="4.9" lat="{52.0 + k * speed / ONE_DEGREE_M!r}"><ele>{2.0 + climb * speed * k:.4f}</ele>'
        f"<time>{start + timedelta(seconds=k):%Y-%m-%dT%H:%M:%SZ}</time><extensions><speed>{speed}</speed>"
        "<course>0</course><hAcc>3</hAcc><vAcc>2</vAcc></extensions></trkpt>" for k in range(seconds + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Apple Health Export"'
            f' xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Route</name><trkseg>{pts}</trkseg></trk></gpx>')


def test_a_route_file_in_export_zip_gives_its_workout_the_pace_bins(tmp_path: Path) -> None:
    """iOS 13+ keeps routes in workout-routes/*.gpx, named by the workout's FileReference. The route file
    itself stays skipped (its workout comes from export.xml): one session, with the route's pace.
    3.0 m/s up 5 %: GAS = 3.0 x C(0.05) / C(0) = 3.0 x 4.6851961 / 3.6 = 3.9043 m/s -> bin 39."""
    ref = '<FileReference path="/workout-routes/route_2024-10-01_7.30am.gpx"/>'
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("apple_health_export/export.xml", export(workout(T0, 30, ref)))
        z.writestr("apple_health_export/workout-routes/route_2024-10-01_7.30am.gpx", route_gpx(T0, 1800, 3.0, 0.05))
    with Store(tmp_path / "s.sqlite") as store:
        result = import_paths(store, [archive], workers=1)
        statuses = sorted(f.status for f in result.files if not f.path.endswith(".zip"))
        sessions = store.sessions()
    assert statuses == ["imported", "skipped"]
    assert len(sessions) == 1 and sessions.iloc[0]["gas_hist"] == {39: 1800.0}


def test_a_route_file_that_cannot_be_read_leaves_the_workout_without_bins(tmp_path: Path) -> None:
    ref = '<FileReference path="/workout-routes/route.gpx"/>'
    parsed = parse(export(workout(T0, 30, ref)),
                   routes={"workout-routes/route.gpx": lambda: io.BytesIO(b"<gpx><trk><trkseg><trkpt")})
    (act,) = parsed.activities
    assert act.gas_hist == {} and act.duration_s == 1800.0
    assert any("route file(s) could not be read" in w for w in parsed.warnings)
