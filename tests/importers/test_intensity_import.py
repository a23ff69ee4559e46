"""Intensity without heart rate, kept at import (issue 14): hand-made GPX, TCX and FIT runs whose seconds per
grade-adjusted-speed bin (`gas_hist`), per power bin (`power_hist`) and best efforts are worked out by hand;
the watch's own effort (FIT workout_rpe) and resting heart rate (FIT monitoring_hr_data).

The bins (`loadwatch.intensity`): gas_hist key = floor(GAS / 0.1 m/s), power_hist key = floor(W / 5); an
interval between two points counts when it is at most 10 s long and its speed at least 0.5 m/s. GAS on a
grade i is v x C(i) / C(0), C Minetti et al. (2002)'s cost of running:
C(i) = 155.4 i^5 - 30.4 i^4 - 43.3 i^3 + 46.3 i^2 + 19.5 i + 3.6 J/kg/m.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from loadwatch import api
from loadwatch.importers import fit, gpx, tcx
from loadwatch.importers._intensity import ONE_DEGREE_M, grades, summarise
from loadwatch.importers.fit import decode as fit_decode
from loadwatch.importers.fit import fallback as fit_fallback
from loadwatch.importers.fit.messages import compressed_speed_distance
from loadwatch.intensity import BEST_EFFORT_S, running_cost
from loadwatch.store import Store
from tests.helpers import DATA, fit_definition, fit_file, fit_message, fit_ts

T0 = datetime(2024, 3, 10, 7, 0, tzinfo=UTC)
HALF_HOUR = 1800  # seconds of every hand-made run below: 1,801 points one second apart
ALL_BEST = {d: 3.0 for d in BEST_EFFORT_S if d <= HALF_HOUR}  # 60 ... 1800 s; 3600 s is longer than the run

# C(0.05) = 155.4(3.125e-7) - 30.4(6.25e-6) - 43.3(1.25e-4) + 46.3(0.0025) + 19.5(0.05) + 3.6
#         = 0.0000486 - 0.00019 - 0.0054125 + 0.11575 + 0.975 + 3.6 = 4.6851961 J/kg/m
# GAS at 3.0 m/s up 5 % = 3.0 x 4.6851961 / 3.6 = 3.0 x 1.3014434 = 3.9043 m/s -> bin 39 (3.9-4.0 m/s)
GAS_UP_5 = 3.0 * 4.6851960625 / 3.6


def test_minetti_cost_by_hand() -> None:
    assert running_cost(0.0) == 3.6
    assert running_cost(0.05) == pytest.approx(4.6851960625, abs=1e-12)
    assert round(GAS_UP_5, 4) == 3.9043


# -- GPX: a phone's run, positions and elevations only ------------------------------------------
def gpx_run(elevation_per_m: float, *, seconds: int = HALF_HOUR, speed: float = 3.0, hr: int | None = None) -> bytes:
    """A run due north at `speed` m/s, a point a second: each step is speed / ONE_DEGREE_M degrees of latitude,
    `speed` metres as the importer (and gpxpy's length_2d) measure it; elevation 100 m + `elevation_per_m` x
    the distance run."""
    pts = []
    for k in range(seconds + 1):
        lat = 46.0 + k * speed / ONE_DEGREE_M
        hr_el = (f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr>"
                 "</gpxtpx:TrackPointExtension></extensions>") if hr else ""
        pts.append(f'<trkpt lat="{lat!r}" lon="14.0"><ele>{100 + elevation_per_m * k * speed:.4f}</ele>'
                   f"<time>{(T0 + timedelta(seconds=k)):%Y-%m-%dT%H:%M:%SZ}</time>{hr_el}</trkpt>")
    return ('<?xml version="1.0"?><gpx version="1.1" creator="Strava" xmlns="http://www.topografix.com/GPX/1/1"'
            ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"><trk><type>running</type>'
            f"<trkseg>{''.join(pts)}</trkseg></trk></gpx>").encode()


def read_gpx(data: bytes):  # type: ignore[no-untyped-def]
    (act,) = gpx.read(io.BytesIO(data), name="run.gpx").activities
    return act


def test_gpx_flat_run_at_a_steady_3_m_s() -> None:
    act = read_gpx(gpx_run(0.0))
    # 1,800 one-second intervals at 3.0 m/s on the flat: all in bin 30 (3.0-3.1 m/s); no heart rate, no power
    assert act.gas_hist == {30: 1800.0}
    assert act.best_gas_m_s == ALL_BEST
    assert act.power_hist == {} and act.best_power_w == {} and act.hr_hist == {}
    assert act.distance_m == pytest.approx(5400.0, abs=0.5)


def test_gpx_same_pace_up_a_5_percent_grade_scores_as_faster() -> None:
    act = read_gpx(gpx_run(0.05))
    # the altitude rises 0.05 m a metre all the way: the smoothed grade is 0.05 everywhere (ends included),
    # GAS 3.9043 m/s (worked out above) -> bin 39 for all 1,800 s
    assert act.gas_hist == {39: 1800.0}
    assert act.best_gas_m_s == {d: pytest.approx(round(GAS_UP_5, 4)) for d in ALL_BEST}


def test_gpx_downhill_at_10_percent_scores_as_slower() -> None:
    act = read_gpx(gpx_run(-0.10))
    # C(-0.1) = -0.001554 - 0.00304 + 0.0433 + 0.463 - 1.95 + 3.6 = 2.151706; GAS = 3.0 x 2.151706 / 3.6
    # = 1.7931 m/s -> bin 17
    assert running_cost(-0.1) == pytest.approx(2.151706, abs=1e-6)
    assert act.gas_hist == {17: 1800.0}


def test_a_bump_in_the_altitude_is_smoothed_over_30_m() -> None:
    """One GPS altitude spike of +3 m at 300 m on a flat run, points 3 m apart: raw, the steps in and out read
    +-100 % grades (clamped to 45 %: GAS 16 m/s) for two seconds. Smoothed, the spike is a triangle of 9 m^2
    (3 m high, 297-303 m) in the altitude's integral I, and the grade (I(x+30) - 2 I(x) + I(x-30)) / 30^2 is
    +9 / 900 = +1 % from x = 273 to 297 m (the whole triangle in I(x+30), none in I(x)), -1 % from 303 to 327 m
    (all of it in I(x) and I(x+30), none in I(x-30)), +0.5 % at 270, 0 at 300, -0.5 % at 330, and 0 wherever
    the triangle is 30 m away or more: 20 points in all (270-330 m but 300). C(0.01) = 3.79959 and
    C(-0.01) = 3.40967: GAS 3.166 and 2.841 m/s, bins 31 and 28."""
    d = np.arange(0, 1801.0) * 3.0
    alt = np.where(d == 300.0, 103.0, 100.0)
    g = grades(d, alt)
    assert g.max() == pytest.approx(0.01) and g.min() == pytest.approx(-0.01)
    assert np.flatnonzero(np.abs(g) > 1e-12).tolist() == [*range(90, 100), *range(101, 111)]  # 270-330 m but 300
    out = summarise(np.arange(0, 1801.0), distance=d, altitude=alt)
    assert set(out.gas_hist) <= {28, 29, 30, 31} and sum(out.gas_hist.values()) == 1800.0
    assert out.gas_hist[30] >= 1800 - 20


# -- TCX: power in the ActivityExtension, a pause, and a treadmill without positions --------------
TCX_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><TrainingCenterDatabase'
            ' xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
            ' xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">')


def tcx_run(points: list[tuple[int, float, float, float | None]], *, positions: bool = True) -> bytes:
    """(second, distance m, altitude m, watts) per trackpoint; with positions, a point due north at the distance."""
    tps = []
    for t, dist, alt, watts in points:
        pos = (f"<Position><LatitudeDegrees>{46.0 + dist / ONE_DEGREE_M:.10f}</LatitudeDegrees>"
               "<LongitudeDegrees>14.0</LongitudeDegrees></Position>") if positions else ""
        ext = "" if watts is None else f"<Extensions><ns3:TPX><ns3:Watts>{watts:g}</ns3:Watts></ns3:TPX></Extensions>"
        tps.append(f"<Trackpoint><Time>{T0 + timedelta(seconds=t):%Y-%m-%dT%H:%M:%SZ}</Time>{pos}"
                   f"<AltitudeMeters>{alt}</AltitudeMeters><DistanceMeters>{dist}</DistanceMeters>{ext}</Trackpoint>")
    lap = (f'<Lap StartTime="{T0:%Y-%m-%dT%H:%M:%SZ}"><TotalTimeSeconds>{points[-1][0]}</TotalTimeSeconds>'
           f"<DistanceMeters>{points[-1][1]}</DistanceMeters><Track>{''.join(tps)}</Track></Lap>")
    return (f'{TCX_HEAD}<Activities><Activity Sport="Running"><Id>{T0:%Y-%m-%dT%H:%M:%SZ}</Id>{lap}</Activity>'
            "</Activities></TrainingCenterDatabase>").encode()


def test_tcx_power_and_pauses() -> None:
    """20 min at 3.0 m/s and 250 W, 60 s standing (0 W, the distance still), no point for 30 s (the watch
    paused), then 10 min at 3.0 m/s and 250 W again."""
    pts = [(t, 3.0 * t, 50.0, 250.0) for t in range(0, 1201)]
    pts += [(t, 3600.0, 50.0, 0.0) for t in range(1201, 1261)]
    pts += [(1290 + k, 3600.0 + 3.0 * k, 50.0, 250.0) for k in range(0, 601)]
    (act,) = tcx.read(io.BytesIO(tcx_run(pts)), name="x.tcx").activities
    # moving: 1,200 s + 600 s; the 60 s standing are slower than 0.5 m/s and the 30 s gap is over 10 s
    # (its first second holds 1 s of 0 m/s too): none of them count
    assert act.gas_hist == {30: 1800.0}
    assert act.power_hist == {50: 1800.0}  # 250 W: 250 / 5 = bin 50
    assert act.best_power_w == {d: 250.0 for d in ALL_BEST}
    assert act.best_gas_m_s == ALL_BEST  # over moving time: 1,800 s of it, the pause left out


def test_tcx_without_positions_is_a_treadmill_scored_flat() -> None:
    # a footpod's distance at 3.0 m/s; the barometer drifts up 0.05 m a metre (the building's air, not a hill)
    pts = [(t, 3.0 * t, 50.0 + 0.15 * t, None) for t in range(0, HALF_HOUR + 1)]
    (act,) = tcx.read(io.BytesIO(tcx_run(pts, positions=False)), name="x.tcx").activities
    assert act.gas_hist == {30: 1800.0}
    (outdoors,) = tcx.read(io.BytesIO(tcx_run(pts)), name="x.tcx").activities  # the same outdoors is a climb
    assert outdoors.gas_hist == {39: 1800.0}


# -- FIT: a treadmill from its speed, native power, a Stryd developer field, a strap dying ----------
UINT8, ENUM, UINT16, SINT16, UINT32, SINT32, STRING = 0x02, 0x00, 0x84, 0x83, 0x86, 0x85, 0x07
FILE_ID = [(0, 1, ENUM), (1, 2, UINT16), (2, 2, UINT16)]
START = fit_ts(T0)


@dataclass(frozen=True)
class Run:
    """A FIT run of `seconds` records one second apart at `speed` m/s, with what each record carries."""

    seconds: int = HALF_HOUR
    speed: float = 3.0
    gps: bool = True
    altitude_per_m: float | None = None  # altitude 100 m + this x distance
    power: int | None = None  # native record power, W
    stryd: int | None = None  # a developer field "Power" in "Watts"
    hr: int | None = None  # bpm, in the records up to `hr_until`
    hr_until: int | None = None
    grade_pct: float | None = None  # the record's grade (a treadmill's incline)
    sport: int = 1  # running
    sub_sport: int = 0  # generic; 1 treadmill
    rpe: int | None = None  # session workout_rpe (0-100)
    start: int = START


def fit_run(r: Run) -> bytes:
    fields = [(253, 4, UINT32), (5, 4, UINT32), (6, 2, UINT16)]
    fmt = "IIH"
    if r.gps:
        fields += [(0, 4, SINT32), (1, 4, SINT32)]
        fmt += "ii"
    if r.altitude_per_m is not None:
        fields.append((2, 2, UINT16))
        fmt += "H"
    if r.power is not None:
        fields.append((7, 2, UINT16))
        fmt += "H"
    if r.hr is not None:
        fields.append((3, 1, UINT8))
        fmt += "B"
    if r.grade_pct is not None:
        fields.append((9, 2, SINT16))
        fmt += "h"
    body = fit_definition(0, 0, FILE_ID) + fit_message(0, "BHH", 4, 1, 3990)  # Garmin Forerunner 255
    dev = None
    if r.stryd is not None:
        # developer_data_id (207): developer_data_index 0; field_description (206): index 0, field 0, uint16,
        # "Power", "Watts", native message 20 (record), as Stryd's Connect IQ field writes it
        body += fit_definition(3, 207, [(3, 1, UINT8), (1, 16, 0x0D)]) + fit_message(3, "B16s", 0, b"\x01" * 16)
        body += fit_definition(4, 206, [(0, 1, UINT8), (1, 1, UINT8), (2, 1, UINT8), (3, 16, STRING), (8, 16, STRING),
                                        (14, 2, UINT16), (15, 1, UINT8)])
        body += fit_message(4, "BBB16s16sHB", 0, 0, UINT16, b"Power", b"Watts", 20, 7)
        dev = [(0, 2, 0)]
        fmt += "H"
    body += fit_definition(1, 20, fields, dev=dev)
    for k in range(r.seconds + 1):
        dist = r.speed * k
        values: list[object] = [r.start + k, round(dist * 100), round(r.speed * 1000)]
        if r.gps:
            values += [round((46.0 + dist / ONE_DEGREE_M) * 2**31 / 180), round(14.0 * 2**31 / 180)]
        if r.altitude_per_m is not None:
            values.append(round((100 + r.altitude_per_m * dist + 500) * 5))  # scale 5, offset 500
        if r.power is not None:
            values.append(r.power)
        if r.hr is not None:
            values.append(r.hr if r.hr_until is None or k < r.hr_until else 0xFF)  # 0xFF: invalid, the strap died
        if r.grade_pct is not None:
            values.append(round(r.grade_pct * 100))
        if r.stryd is not None:
            values.append(r.stryd)
        body += fit_message(1, fmt, *values)
    session = [(253, 4, UINT32), (2, 4, UINT32), (7, 4, UINT32), (8, 4, UINT32), (5, 1, ENUM), (6, 1, ENUM)]
    sfmt, svalues = "IIIIBB", [r.start + r.seconds, r.start, r.seconds * 1000, r.seconds * 1000, r.sport, r.sub_sport]
    if r.rpe is not None:
        session.append((193, 1, UINT8))
        sfmt += "B"
        svalues.append(r.rpe)
    body += fit_definition(2, 18, session) + fit_message(2, sfmt, *svalues)
    return fit_file(body)


def read_fit(data: bytes, decoder=fit_decode):  # type: ignore[no-untyped-def]
    """The one session, read through the fast path (default) or fitdecode (`fit_fallback`)."""
    (act,) = fit._build(decoder.decode(data, fit_decode.split(data), strict=True), []).activities
    return act


BOTH = pytest.mark.parametrize("decoder", [fit_decode, fit_fallback], ids=["fast", "fitdecode"])


@BOTH
def test_fit_treadmill_without_gps_is_scored_from_its_speed(decoder) -> None:  # type: ignore[no-untyped-def]
    # no position in any record, no heart rate: the watch's speed, 3.0 m/s; the barometer drifts up, ignored
    act = read_fit(fit_run(Run(gps=False, altitude_per_m=0.05, sub_sport=1)), decoder)
    assert (act.sport, act.sub_sport) == ("running", "treadmill")
    assert act.hr_hist == {} and act.avg_hr is None
    assert act.gas_hist == {30: 1800.0}
    assert act.best_gas_m_s == ALL_BEST
    # without the treadmill sub-sport, no position is enough to call it indoors
    assert read_fit(fit_run(Run(gps=False, altitude_per_m=0.05)), decoder).gas_hist == {30: 1800.0}


@BOTH
def test_fit_treadmill_incline_is_its_grade(decoder) -> None:  # type: ignore[no-untyped-def]
    # the records' grade field says 5.00 % (raw 500, scale 100): GAS 3.9043 m/s -> bin 39
    act = read_fit(fit_run(Run(gps=False, grade_pct=5.0, sub_sport=1)), decoder)
    assert act.gas_hist == {39: 1800.0}


@BOTH
def test_fit_outdoors_uphill_uses_the_altitude(decoder) -> None:  # type: ignore[no-untyped-def]
    # FIT altitude has a resolution of 0.2 m (scale 5): at 4.0 m/s up 5 % it rises exactly 0.2 m a second, so
    # the records hold the slope without rounding. GAS = 4.0 x 1.3014434 = 5.2058 m/s -> bin 52. The window's
    # ends (+-30 m) fall midway between points 4 m apart, where the altitude's integral (quadratic there) is
    # taken linearly, too high by 4 m x 0.2 m / 8 = 0.1 m^2 at each end: the grade reads 0.05 + 0.2 / 30^2 =
    # 0.050222. C'(0.05) = 5(155.4)0.05^4 - 4(30.4)0.05^3 - 3(43.3)0.05^2 + 2(46.3)0.05 + 19.5 = 23.795, so
    # GAS is high by 4.0 x 23.795 / 3.6 x 0.000222 = 0.0059 m/s: 5.2117, still bin 52
    act = read_fit(fit_run(Run(speed=4.0, altitude_per_m=0.05)), decoder)
    assert act.gas_hist == {52: 1800.0}
    assert act.best_gas_m_s[600] == pytest.approx(4.0 * GAS_UP_5 / 3.0 + 0.0059, abs=1e-4)


@BOTH
def test_fit_native_power(decoder) -> None:  # type: ignore[no-untyped-def]
    act = read_fit(fit_run(Run(power=262)), decoder)
    assert act.power_hist == {52: 1800.0}  # 262 W: floor(262 / 5) = 52
    assert act.best_power_w == {d: 262.0 for d in ALL_BEST}
    assert act.gas_hist == {30: 1800.0}


@BOTH
def test_fit_stryd_developer_power(decoder) -> None:  # type: ignore[no-untyped-def]
    act = read_fit(fit_run(Run(stryd=247)), decoder)
    assert act.power_hist == {49: 1800.0}  # 247 W: floor(247 / 5) = 49
    assert act.best_power_w[1800] == 247.0
    # with the watch's own power too, the Stryd's (worn on purpose) is the one kept
    assert read_fit(fit_run(Run(power=300, stryd=247)), decoder).power_hist == {49: 1800.0}


@BOTH
def test_a_strap_dying_halfway_leaves_heart_rate_for_the_first_half(decoder) -> None:  # type: ignore[no-untyped-def]
    # 1 h at 3.0 m/s; 150 bpm in records 0..1799, invalid (0xFF) from record 1800 on
    act = read_fit(fit_run(Run(seconds=3600, hr=150, hr_until=1800)), decoder)
    assert act.hr_hist == {150: 1800.0}  # records 0..1799 each hold 150 bpm for 1 s
    assert act.gas_hist == {30: 3600.0}  # the pace covers the whole hour
    assert act.best_gas_m_s == {d: 3.0 for d in BEST_EFFORT_S}


@BOTH
def test_fit_workout_rpe_is_the_devices_effort(decoder) -> None:  # type: ignore[no-untyped-def]
    # the profile's workout_rpe is 0-100: Garmin writes 10 x the RPE it asks for after the run
    assert read_fit(fit_run(Run(seconds=600, rpe=70)), decoder).device_rpe == 7.0
    assert read_fit(fit_run(Run(seconds=600)), decoder).device_rpe is None


def test_a_real_forerunner_965_run_carries_its_workout_rpe_and_power() -> None:
    """fit-parser_garmin-stamina.fit (tests/data/SOURCES.md): its session's workout_rpe is 40 (RPE 4), its
    workout_feel 50 (not an RPE: left out); running power on every record."""
    data = (DATA / "fit" / "fit-parser_garmin-stamina.fit").read_bytes()
    for decoder in (fit_decode, fit_fallback):
        act = read_fit(data, decoder)
        assert act.device_rpe == 4.0
        assert sum(act.power_hist.values()) > 3000 and sum(act.gas_hist.values()) > 4000


def test_compressed_speed_distance_unpacked_by_hand() -> None:
    # bytes (99, 65, 14): speed 99 + (65 & 15) x 256 = 355 -> 3.55 m/s; distance (65 >> 4) + 14 x 16 = 228 -> 14.25 m.
    # Then (10, 1, 255): distance raw 0 + 255 x 16 = 4080 -> +3852 steps; (20, 2, 0): raw 0, which rolled over from
    # 4080: +16 steps (4096 - 4080), 1 m, never backwards. All three 0xFF: no value (the byte array's invalid).
    b = [np.array(x, dtype=float) for x in zip((99, 65, 14), (10, 1, 255), (20, 2, 0), (255, 255, 255), strict=True)]
    speed, distance = compressed_speed_distance(*b)
    np.testing.assert_allclose(speed[:3], [3.55, 2.66, 5.32])
    np.testing.assert_allclose(distance[:3], [228 / 16, 4080 / 16, 4096 / 16])
    assert np.isnan(speed[3]) and np.isnan(distance[3])


def test_a_real_forerunner_70_reads_its_footpod_speed_from_compressed_speed_distance() -> None:
    """compressed-speed-distance.fit (tests/data/SOURCES.md): a Forerunner 70 without GPS writes speed and distance
    only packed in record field 8. Both decoders unpack every record as fitdecode expands it, so the run has a
    pace histogram and best efforts, and the records reach the session's distance."""
    import fitdecode

    data = (DATA / "fit" / "compressed-speed-distance.fit").read_bytes()
    expected: dict[str, list[float]] = {"speed": [], "distance": []}
    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                for name, values in expected.items():
                    values.append(frame.get_value(name) if frame.has_field(name) else np.nan)
    assert np.nanmax(expected["distance"]) == 10248.6875  # the session says 10,248.67 m
    for decoder in (fit_decode, fit_fallback):
        content = decoder.decode(data, fit_decode.split(data), strict=True)
        for name, values in expected.items():
            np.testing.assert_allclose(content.stream[name], np.array(values, dtype=float), err_msg=name)
        assert content.rec_max_distance_m == 10248.6875
        act = read_fit(data, decoder)
        # a record every 5 s; 285 s of them slower than 0.5 m/s (standing) and one 115 s gap count nowhere:
        # 753 x 5 - 285 = 3,480 s of the 3,773 s the watch counted as moving
        assert sum(act.gas_hist.values()) == 3480.0
        assert set(act.best_gas_m_s) == {d for d in BEST_EFFORT_S if d <= 3480}  # over the moving time counted


def test_a_cycling_fit_keeps_power_but_no_pace_bins() -> None:
    act = read_fit(fit_run(Run(power=200, sport=2)))
    assert act.sport == "cycling" and act.gas_hist == {} and act.power_hist == {40: 1800.0}


def test_the_fast_path_and_fitdecode_read_the_same_stream_from_every_real_file() -> None:
    for path in sorted((DATA / "fit").glob("*.fit")):
        data = path.read_bytes()
        layout = fit_decode.split(data)
        try:
            fast = fit_decode.decode(data, layout, strict=False)
        except fit_decode.FastPathUnsupported:
            continue
        slow = fit_fallback.decode(data, layout, strict=False)
        assert fast.stream.keys() == slow.stream.keys()
        for name in fast.stream:
            np.testing.assert_allclose(fast.stream[name], slow.stream[name], err_msg=f"{path.name}: {name}")
        assert bytes(fast.rec_hr) == bytes(slow.rec_hr), path.name
        assert fast.rec_max_distance_m == slow.rec_max_distance_m, path.name


# -- FIT monitoring: the day's resting heart rate -----------------------------------------------
def test_monitoring_resting_heart_rate_per_local_day() -> None:
    """A monitoring_b file (local time UTC+2) with monitoring_hr_data: 10 Mar 20:00 UTC (22:00 local) 52 bpm
    for the day; 11 Mar 08:00 UTC current-day 49, then 11 Mar 21:30 UTC (23:30 local) 47: the later report of
    the day wins; 11 Mar 22:30 UTC is 12 Mar 00:30 local: only the 7-day value 50, kept for 12 Mar."""
    t0 = fit_ts(datetime(2024, 3, 10, 20, 0, tzinfo=UTC))
    body = fit_definition(0, 0, FILE_ID) + fit_message(0, "BHH", 32, 1, 2697)
    body += fit_definition(1, 103, [(253, 4, UINT32), (0, 4, UINT32)]) + fit_message(1, "II", t0, t0 + 7200)
    body += fit_definition(2, 211, [(253, 4, UINT32), (0, 1, UINT8), (1, 1, UINT8)])
    body += fit_message(2, "IBB", t0, 55, 52)
    body += fit_message(2, "IBB", t0 + 12 * 3600, 54, 49)
    body += fit_message(2, "IBB", t0 + 25 * 3600 + 1800, 53, 47)
    body += fit_message(2, "IBB", t0 + 26 * 3600 + 1800, 50, 0xFF)
    data = fit_file(body)
    for decoder in (fit_decode, fit_fallback):
        parsed = fit._build(decoder.decode(data, fit_decode.split(data), strict=True), [])
        assert [(r.day, r.bpm, r.device) for r in parsed.resting_hr] == [
            (date(2024, 3, 10), 52.0, "Garmin fenix 5"), (date(2024, 3, 11), 47.0, "Garmin fenix 5"),
            (date(2024, 3, 12), 50.0, "Garmin fenix 5")]
        assert parsed.skip_reason is None  # no steps, but a resting heart rate: imported


# -- through the import into the store -------------------------------------------------------------
def test_imported_files_bring_their_intensity_into_the_store(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "hill.gpx").write_bytes(gpx_run(0.05))
    next_day = START + 86400  # another session: the same start would be one run recorded twice
    (tmp_path / "tread.fit").write_bytes(fit_run(Run(gps=False, sub_sport=1, rpe=60, power=250, start=next_day)))
    with Store(tmp_path / "s.sqlite") as store:
        api.import_files(store, [tmp_path / "hill.gpx", tmp_path / "tread.fit"])
        by_kind = {row.sub_sport if isinstance(row.sub_sport, str) else "gpx": row
                   for row in store.sessions().itertuples()}
    assert by_kind["gpx"].gas_hist == {39: 1800.0}
    assert by_kind["treadmill"].gas_hist == {30: 1800.0}
    assert by_kind["treadmill"].power_hist == {50: 1800.0}
    assert by_kind["treadmill"].best_power_w[600] == 250.0
    assert by_kind["treadmill"].device_rpe == 6.0
    assert np.isnan(by_kind["gpx"].device_rpe)


def test_the_fast_record_path_reads_a_big_endian_stream() -> None:
    """The gather reads each field with the definition's byte order: a big-endian record of 3.0 m/s."""
    body = fit_definition(0, 0, FILE_ID) + fit_message(0, "BHH", 4, 1, 2697)
    body += fit_definition(1, 20, [(253, 4, UINT32), (6, 2, UINT16)], big=True)
    for k in range(121):
        body += fit_message(1, "IH", START + k, 3000, big=True)
    body += fit_definition(2, 18, [(253, 4, UINT32), (2, 4, UINT32), (7, 4, UINT32), (5, 1, ENUM)])
    body += fit_message(2, "IIIB", START + 120, START, 120_000, 1)
    act = read_fit(fit_file(body))
    assert act.gas_hist == {30: 120.0} and act.best_gas_m_s == {60: 3.0}
