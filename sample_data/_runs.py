"""Simulate one run second by second and write it as a Garmin activity FIT file.

The model is simple and documented so the numbers are believable, not physiological truth:
- speed: the run type's pace with a slow random wander (AR(1)), a little slower uphill;
- heart rate: relaxes towards a target (time constant 25 s) from ~92 bpm at the start; the target is
  the run type's level plus cardiac drift (long runs: +0.15 bpm/min after 25 min, and more after
  80 min), plus a little for hills and surges;
- cadence (strides/min, as FIT stores it for running): ~80 + 4.5 per m/s above 2.78 m/s;
- terrain: gentle rolling hills (Berlin is flat: 40-50 m, ~5 m of climb per km);
- some runs stop for a traffic light (timer paused, no records), so elapsed > timer time;
- position: laps of a made-up loop (a circle of 400-700 m radius around a park, the radius and the
  starting point from the start time), so an outdoor run carries GPS positions as a watch writes them.
Records are written as "smart recording" does, every 3-5 s, plus one at the start and the end.

Two more kinds of run carry no heart rate: a phone's GPX (`phone_gpx`: positions, elevation, times, as a
phone app exports it) and a gym treadmill's FIT (`treadmill_fit`: speed and distance a second, no position).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from _fit_writer import FitWriter

MANUFACTURER = "garmin"
PRODUCT = 3992  # garmin_product fr255 (Forerunner 255) in the FIT profile
SERIAL = 3396428511
SOFTWARE_VERSION = 19.18
MASS_KG = 72.0
KCAL_PER_KG_KM = 0.98  # running costs about 1 kcal per kg per km

# Pace (m/s), heart-rate level (bpm) and its gain per week of training (fitness improves).
LEVELS = {"easy": (2.78, 141.5), "steady": (3.15, 155.0), "long": (2.72, 139.5)}


@dataclass(slots=True)
class Lap:
    start_s: int  # elapsed seconds since the start of the run
    end_s: int
    timer_s: int
    distance_m: float
    cycles: int
    avg_hr: int
    max_hr: int
    max_speed: float
    ascent_m: int
    descent_m: int
    calories: int
    last: bool


@dataclass(slots=True)
class RunData:
    """A simulated run. Times are seconds since `start_utc` (elapsed, pauses included)."""

    kind: str
    start_utc: datetime
    distance_m: float
    records: list[tuple[int, int, float, float, int, float]] = field(default_factory=list)
    # (elapsed_s, heart_rate, distance_m, speed_m_s, cadence_spm/2, altitude_m)
    laps: list[Lap] = field(default_factory=list)
    timer_events: list[tuple[int, str]] = field(default_factory=list)  # (elapsed_s, start|stop_all) until the end
    elapsed_s: int = 0
    timer_s: int = 0
    cycles: int = 0  # strides; steps = 2 x cycles
    calories: int = 0
    avg_hr: int = 0
    max_hr: int = 0
    avg_cadence: int = 0
    max_cadence: int = 0
    max_speed: float = 0.0
    ascent_m: int = 0
    descent_m: int = 0

    @property
    def end_utc(self) -> datetime:
        return self.start_utc + timedelta(seconds=self.elapsed_s)

    @property
    def steps(self) -> int:
        return 2 * self.cycles


TIERGARTEN = (52.5145, 13.3501)  # the loop's centre (Berlin's Tiergarten)
METRES_PER_DEGREE = 111_320.0


def position(distance_m: float, start_utc: datetime, centre: tuple[float, float] = TIERGARTEN) -> tuple[float, float]:
    """(latitude, longitude) in degrees after `distance_m` on the run's loop: a circle around `centre` whose
    radius (400-700 m) and starting angle come from the start time, so every run has its own loop."""
    seconds = int(start_utc.timestamp())
    radius = 400.0 + seconds % 301
    angle = math.radians(seconds % 360) + distance_m / radius
    lat = centre[0] + radius * math.sin(angle) / METRES_PER_DEGREE
    lon = centre[1] + radius * math.cos(angle) / (METRES_PER_DEGREE * math.cos(math.radians(centre[0])))
    return lat, lon


def semicircles(degrees: float) -> int:
    """FIT positions: degrees x 2^31 / 180 (FIT profile, position_lat/long)."""
    return round(degrees * 2**31 / 180)


def _altitude(d: float, p1: float, p2: float) -> float:
    return 45.0 + 3.0 * math.sin(2 * math.pi * d / 1900 + p1) + 1.5 * math.sin(2 * math.pi * d / 610 + p2)


def simulate(rng: random.Random, start_utc: datetime, km: float, kind: str, week: int) -> RunData:
    """Run `km` kilometres (exactly) of type easy|steady|long in training week `week` (0-based)."""
    base_speed, hr_level = LEVELS[kind]
    base_speed += 0.004 * week
    hr_level += -0.2 * week + rng.uniform(-2.0, 2.0)
    target = round(km * 1000, 2)
    p1, p2 = rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi)
    est = target / base_speed
    pause_at = rng.randint(300, int(est * 0.8)) if rng.random() < 0.35 else None
    pause_len = rng.randint(15, 70)
    run = RunData(kind, start_utc, target)
    run.timer_events.append((0, "start"))
    run.records.append((0, round(hr := 92.0 + rng.uniform(-4, 4)), 0.0, 0.0, 0, round(_altitude(0, p1, p2), 1)))
    t_el = t_mov = 0
    dist = strides = ascent = descent = 0.0
    s_noise = c_noise = 0.0
    alt = _altitude(0, p1, p2)
    hr_sum, hrs, cads, speeds = 0.0, [], [], []
    lap0 = (0, 0, 0.0, 0.0, 0.0, 0.0)  # start: elapsed, timer, distance, strides, ascent, descent
    lap_hrs: list[int] = []
    lap_max_speed = 0.0
    next_record = rng.choice((3, 4, 5))
    calories = round(KCAL_PER_KG_KM * MASS_KG * km) + rng.randint(-5, 5)
    while True:
        if pause_at is not None and t_mov == pause_at:
            run.timer_events.append((t_el, "stop_all"))
            t_el += pause_len
            hr -= min(25.0, pause_len * 0.35)
            run.timer_events.append((t_el, "start"))
            pause_at = None
        grade = _altitude(dist + 1, p1, p2) - _altitude(dist, p1, p2)
        s_noise = 0.97 * s_noise + rng.gauss(0, 0.012)
        speed = base_speed * (1 + s_noise) * (1 - 3.0 * grade) * min(1.0, 0.85 + t_mov / 400)
        speed = min(max(speed, 1.8), 4.6)
        t_min = t_mov / 60
        drift = 0.03 * max(0.0, t_min - 20)
        if kind == "long":
            drift = 0.15 * max(0.0, t_min - 25) + 0.003 * max(0.0, t_min - 80) ** 2
        elif kind == "steady":
            drift = 0.05 * max(0.0, t_min - 15)
        hr_target = hr_level + drift + 220 * grade + 25 * (speed / base_speed - 1)
        hr += (hr_target - hr) / 25 + rng.gauss(0, 0.35)
        c_noise = 0.9 * c_noise + rng.gauss(0, 0.25)
        cadence = 80 + 4.5 * (speed - 2.78) + c_noise
        step = min(speed, target - dist)
        finished = dist + speed >= target
        dist = target if finished else dist + speed
        strides += cadence / 60 * (step / speed)
        t_el += 1
        t_mov += 1
        new_alt = _altitude(dist, p1, p2)
        ascent += max(0.0, new_alt - alt)
        descent += max(0.0, alt - new_alt)
        alt = new_alt
        hr_i, cad_i = round(hr), round(cadence)
        hr_sum += hr_i
        hrs.append(hr_i)
        lap_hrs.append(hr_i)
        cads.append(cad_i)
        speeds.append(speed)
        lap_max_speed = max(lap_max_speed, speed)
        if t_mov >= next_record or finished:
            run.records.append((t_el, hr_i, round(dist, 2), round(speed, 3), cad_i, round(alt, 1)))
            next_record = t_mov + rng.choice((3, 4, 4, 5))
        if finished or dist >= (len(run.laps) + 1) * 1000:
            e0, m0, d0, s0, a0, de0 = lap0
            lap_end = dist if finished else (len(run.laps) + 1) * 1000.0  # auto-lap at exactly 1 km
            run.laps.append(Lap(
                start_s=e0, end_s=t_el, timer_s=t_mov - m0, distance_m=round(lap_end - d0, 2),
                cycles=round(strides) - round(s0), avg_hr=round(sum(lap_hrs) / len(lap_hrs)),
                max_hr=max(lap_hrs), max_speed=round(lap_max_speed, 3),
                ascent_m=round(ascent) - round(a0), descent_m=round(descent) - round(de0),
                calories=round(calories * lap_end / target) - round(calories * d0 / target), last=finished))
            lap0 = (t_el, t_mov, lap_end, strides, ascent, descent)
            lap_hrs, lap_max_speed = [], 0.0
        if finished:
            break
    run.elapsed_s, run.timer_s = t_el, t_mov
    run.cycles, run.calories = round(strides), calories
    run.avg_hr, run.max_hr = round(hr_sum / t_mov), max(hrs)
    run.avg_cadence, run.max_cadence = round(strides / (t_mov / 60)), max(cads)
    run.max_speed, run.ascent_m, run.descent_m = round(max(speeds), 3), round(ascent), round(descent)
    return run


def activity_fit(run: RunData, tz: ZoneInfo) -> bytes:
    """The run as a Forerunner 255 writes it: file_id, file_creator, device_info, timer events,
    records with auto-laps (1 km) between them, then the closing event, lap, session, activity."""
    w = FitWriter()
    t0 = run.start_utc

    def at(s: int) -> datetime:
        return t0 + timedelta(seconds=s)

    w.add("file_id", type="activity", manufacturer=MANUFACTURER, product=PRODUCT, serial_number=SERIAL,
          time_created=t0)
    w.add("file_creator", software_version=round(SOFTWARE_VERSION * 100))
    w.add("device_info", timestamp=t0, device_index="creator", manufacturer=MANUFACTURER, product=PRODUCT,
          serial_number=SERIAL, software_version=SOFTWARE_VERSION, source_type="local")
    events = list(run.timer_events)
    laps = list(run.laps)
    lap_index = 0
    for elapsed, hr, dist, speed, cad, alt in run.records:
        while events and events[0][0] <= elapsed:
            e_s, kind = events.pop(0)
            w.add("event", timestamp=at(e_s), event="timer", event_type=kind, event_group=0)
        lat, lon = position(dist, t0)
        w.add("record", timestamp=at(elapsed), position_lat=semicircles(lat), position_long=semicircles(lon),
              distance=dist, speed=speed, altitude=alt, heart_rate=hr, cadence=cad)
        while laps and not laps[0].last and laps[0].end_s <= elapsed:
            _add_lap(w, laps.pop(0), t0, lap_index)
            lap_index += 1
    w.add("event", timestamp=run.end_utc, event="timer", event_type="stop_all", event_group=0)
    for lap in laps:
        _add_lap(w, lap, t0, lap_index)
        lap_index += 1
    end = run.end_utc
    w.add("session", timestamp=end, start_time=t0, total_elapsed_time=run.elapsed_s,
          total_timer_time=run.timer_s, total_distance=run.distance_m, total_cycles=run.cycles,
          total_calories=run.calories, avg_speed=round(run.distance_m / run.timer_s, 3),
          max_speed=run.max_speed, avg_heart_rate=run.avg_hr, max_heart_rate=run.max_hr,
          avg_cadence=run.avg_cadence, max_cadence=run.max_cadence, total_ascent=run.ascent_m,
          total_descent=run.descent_m, first_lap_index=0, num_laps=len(run.laps), event="session",
          event_type="stop", sport="running", sub_sport="generic", trigger="activity_end", message_index=0)
    local_end = end.astimezone(tz).replace(tzinfo=None)
    w.add("activity", timestamp=end, total_timer_time=run.timer_s, num_sessions=1, type="manual",
          event="activity", event_type="stop", local_timestamp=local_end)
    return w.to_bytes()


def _add_lap(w: FitWriter, lap: Lap, t0: datetime, index: int) -> None:
    w.add("lap", timestamp=t0 + timedelta(seconds=lap.end_s), start_time=t0 + timedelta(seconds=lap.start_s),
          total_elapsed_time=lap.end_s - lap.start_s, total_timer_time=lap.timer_s,
          total_distance=lap.distance_m, total_cycles=lap.cycles, total_calories=lap.calories,
          avg_speed=round(lap.distance_m / lap.timer_s, 3), max_speed=lap.max_speed,
          avg_heart_rate=lap.avg_hr, max_heart_rate=lap.max_hr, total_ascent=lap.ascent_m,
          total_descent=lap.descent_m, event="lap", event_type="stop", sport="running",
          lap_trigger="session_end" if lap.last else "distance", message_index=index)



def phone_gpx(run: RunData, centre: tuple[float, float], tz: ZoneInfo, creator: str = "OpenTracks") -> str:
    """The run as a phone app's GPX export writes it (OpenTracks: local times with their offset): a track point
    at each record with its position (the run's loop around `centre`), elevation and time, the activity type;
    no heart rate (no strap)."""
    points = []
    for elapsed, _hr, dist, _speed, _cad, alt in run.records:
        lat, lon = position(dist, run.start_utc, centre)
        when = (run.start_utc + timedelta(seconds=elapsed)).astimezone(tz).isoformat()
        points.append(f'   <trkpt lat="{lat:.7f}" lon="{lon:.7f}">\n    <ele>{alt:.1f}</ele>\n'
                      f"    <time>{when}</time>\n   </trkpt>\n")
    name = run.start_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<gpx creator="{creator}" version="1.1" xmlns="http://www.topografix.com/GPX/1/1">\n'
            f" <metadata>\n  <time>{name}</time>\n </metadata>\n"
            " <trk>\n  <name>Morning Run</name>\n  <type>running</type>\n  <trkseg>\n"
            + "".join(points) + "  </trkseg>\n </trk>\n</gpx>\n")


def treadmill_fit(start_utc: datetime, segments: list[tuple[int, float]], tz: ZoneInfo) -> bytes:
    """A gym treadmill's FIT file (Technogym): a record every second with the belt's speed and the distance,
    no position, no heart rate (no strap paired); `segments` are (seconds, m/s) at a steady belt speed each;
    the session is running / treadmill."""
    w = FitWriter()
    w.add("file_id", type="activity", manufacturer="technogym", product=1, time_created=start_utc,
          product_name="Skillrun")
    w.add("event", timestamp=start_utc, event="timer", event_type="start", event_group=0)
    t = 0
    dist = 0.0
    w.add("record", timestamp=start_utc, distance=0.0, speed=0.0)
    for seconds, speed in segments:
        for _ in range(seconds):
            t += 1
            dist += speed
            w.add("record", timestamp=start_utc + timedelta(seconds=t), distance=round(dist, 2), speed=speed)
    end = start_utc + timedelta(seconds=t)
    w.add("event", timestamp=end, event="timer", event_type="stop_all", event_group=0)
    w.add("lap", timestamp=end, start_time=start_utc, total_elapsed_time=t, total_timer_time=t,
          total_distance=round(dist, 2), event="lap", event_type="stop", sport="running", sub_sport="treadmill",
          lap_trigger="session_end", message_index=0)
    w.add("session", timestamp=end, start_time=start_utc, total_elapsed_time=t, total_timer_time=t,
          total_distance=round(dist, 2), total_calories=round(KCAL_PER_KG_KM * MASS_KG * dist / 1000),
          avg_speed=round(dist / t, 3), max_speed=max(v for _, v in segments), first_lap_index=0, num_laps=1,
          event="session", event_type="stop", sport="running", sub_sport="treadmill", trigger="activity_end",
          message_index=0)
    w.add("activity", timestamp=end, total_timer_time=t, num_sessions=1, type="manual", event="activity",
          event_type="stop", local_timestamp=end.astimezone(tz).replace(tzinfo=None))
    return w.to_bytes()
