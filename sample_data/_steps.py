"""The demo athlete's steps, day by day, and how each device records them.

`build_day` draws the day's true movement in 15-minute intervals (walking by a daily rhythm, running
from the day's runs); the watch writes it as a Garmin monitoring FIT file, the phone (and on a few
days an old Apple Watch) as Apple Health StepCount samples that overlap in time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from _apple_health import Sample, Source
from _fit_writer import FitWriter, fit_time
from _runs import MANUFACTURER, PRODUCT, SERIAL, SOFTWARE_VERSION, RunData

QUARTER = timedelta(minutes=15)
WALK_M_PER_STEP, WALK_S_PER_STEP, WALK_KCAL_PER_STEP = 0.76, 0.55, 0.042
STEP_COUNT, HEART_RATE = "HKQuantityTypeIdentifierStepCount", "HKQuantityTypeIdentifierHeartRate"

PHONE = Source("Demo's iPhone", "26.1", "<<HKDevice: 0x30215c0a0>, name:iPhone, manufacturer:Apple Inc., "
               "model:iPhone, hardware:iPhone17,3, software:26.1>")
APPLE_WATCH = Source("Demo's Apple Watch", "11.6", "<<HKDevice: 0x30215c3f0>, name:Apple Watch, "
                     "manufacturer:Apple Inc., model:Watch, hardware:Watch6,2, software:11.6>")


@dataclass(slots=True)
class Day:
    """One local calendar day in 15-minute intervals (UTC starts; 92-100 of them around DST)."""

    day: date
    midnight_utc: datetime
    starts: list[datetime] = field(default_factory=list)
    walking: list[int] = field(default_factory=list)
    running: list[int] = field(default_factory=list)
    heart_rate: list[int] = field(default_factory=list)
    runs: list[RunData] = field(default_factory=list)

    @property
    def steps(self) -> int:
        return sum(self.walking) + sum(self.running)


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder, ties by position)."""
    w_sum = sum(weights)
    if total <= 0 or w_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / w_sum for w in weights]
    out = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def _rhythm(hour: float, weekend: bool) -> float:
    """Relative walking by local hour: commutes and lunch on weekdays, a late start on weekends."""
    if hour < 6.5 or hour >= 23:
        return 0.02
    if weekend:
        return 0.4 if hour < 9 else 1.6 if hour < 12 else 1.2 if hour < 14 else 1.6 if hour < 18 else 0.7
    if hour < 7:
        return 0.6
    return 2.5 if hour < 9 else 0.8 if hour < 12 else 1.8 if hour < 13 else 0.7 if hour < 17 \
        else 2.2 if hour < 19 else 0.9


def build_day(rng: random.Random, day: date, runs: list[RunData], walking_total: int, tz: ZoneInfo) -> Day:
    midnight = datetime.combine(day, time(), tz)
    next_midnight = datetime.combine(day + timedelta(days=1), time(), tz)
    d = Day(day, midnight.astimezone(ZoneInfo("UTC")), runs=runs)
    t = d.midnight_utc
    while t < next_midnight:
        d.starts.append(t)
        t += QUARTER
    weekend = day.weekday() >= 5
    run_share: list[list[float]] = [[0.0] * len(runs) for _ in d.starts]
    weights = []
    for i, s in enumerate(d.starts):
        for j, r in enumerate(runs):
            overlap = (min(s + QUARTER, r.end_utc) - max(s, r.start_utc)).total_seconds()
            run_share[i][j] = max(0.0, overlap) / r.elapsed_s
        local = s.astimezone(tz)
        busy = any(run_share[i])
        weights.append(0.0 if busy else _rhythm(local.hour + local.minute / 60, weekend) * (0.15 + rng.random() ** 1.5))
    d.walking = _allocate(walking_total, weights)
    d.running = [0] * len(d.starts)
    for j, r in enumerate(runs):
        for i, n in enumerate(_allocate(r.steps, [row[j] for row in run_share])):
            d.running[i] += n
    for i, s in enumerate(d.starts):
        hour = s.astimezone(tz).hour
        if d.running[i]:
            d.heart_rate.append(max(r.avg_hr for j, r in enumerate(runs) if run_share[i][j] > 0))
        elif hour < 6 or hour >= 23:
            d.heart_rate.append(rng.randint(50, 57))
        else:
            d.heart_rate.append(min(110, rng.randint(62, 78) + d.walking[i] // 60))
    return d


def monitoring_fit(d: Day, tz: ZoneInfo) -> bytes:
    """One day as a Garmin watch writes its daily monitoring_b file.

    monitoring_info carries the day's start (UTC and local); step updates are `monitoring`
    messages with a full timestamp, the activity_type and cumulative `cycles` (the `steps`
    subfield for walking and running, so raw cycles = steps), active time, calories and distance,
    all counted from 0 at local midnight; heart rate comes in `monitoring` messages stamped only
    with `timestamp_16` (the low 16 bits of the FIT time), as Garmin writes it.
    """
    w = FitWriter()
    local_midnight = d.midnight_utc.astimezone(tz).replace(tzinfo=None)
    w.add("file_id", type="monitoring_b", manufacturer=MANUFACTURER, product=PRODUCT, serial_number=SERIAL,
          time_created=d.midnight_utc)
    w.add("device_info", timestamp=d.midnight_utc, device_index="creator", manufacturer=MANUFACTURER,
          product=PRODUCT, serial_number=SERIAL, software_version=SOFTWARE_VERSION, source_type="local")
    w.add("monitoring_info", timestamp=d.midnight_utc, local_timestamp=local_midnight,
          activity_type=["running", "walking"], cycles_to_distance=[1.15, WALK_M_PER_STEP],
          cycles_to_calories=[0.07, WALK_KCAL_PER_STEP], resting_metabolic_rate=1650)
    cum = {"walking": [0, 0.0, 0.0, 0.0], "running": [0, 0.0, 0.0, 0.0]}  # steps, active s, kcal, m
    for i, s in enumerate(d.starts):
        w.add("monitoring", timestamp_16=fit_time(s + timedelta(seconds=450)) & 0xFFFF, heart_rate=d.heart_rate[i])
        update = s + timedelta(minutes=14, seconds=(i * 7) % 50)  # the quarter's last update
        for kind, n in (("walking", d.walking[i]), ("running", d.running[i])):
            if not n:
                continue
            c = cum[kind]
            c[0] += n
            if kind == "walking":
                c[1] += n * WALK_S_PER_STEP
                c[2] += n * WALK_KCAL_PER_STEP
                c[3] += n * WALK_M_PER_STEP
            else:
                for r in d.runs:
                    share = n / r.steps if r.start_utc < s + QUARTER and r.end_utc > s else 0.0
                    c[1] += share * r.timer_s
                    c[2] += share * r.calories
                    c[3] += share * r.distance_m
            w.add("monitoring", timestamp=update, activity_type=kind, steps=c[0], active_time=round(c[1], 3),
                  active_calories=round(c[2]), distance=round(c[3], 2))
    return w.to_bytes()


def _split_samples(rng: random.Random, source: Source, start: datetime, length: timedelta, total: int,
                   parts: int, tz: ZoneInfo) -> list[Sample]:
    """`total` steps as `parts` samples of 2-9 minutes inside [start, start + length)."""
    slot = length / parts
    values = _allocate(total, [rng.uniform(0.5, 1.5) for _ in range(parts)])
    out = []
    for k, v in enumerate(values):
        if v <= 0:
            continue
        dur = timedelta(seconds=rng.randint(120, min(540, int(slot.total_seconds()) - 60)))
        s0 = start + slot * k + timedelta(seconds=rng.randint(0, int((slot - dur).total_seconds())))
        e0 = s0 + dur
        out.append(Sample(STEP_COUNT, "count", source, s0.astimezone(tz), e0.astimezone(tz),
                          (e0 + timedelta(seconds=rng.randint(5, 240))).astimezone(tz), str(v)))
    return out


def phone_samples(rng: random.Random, d: Day, carried_runs: set[int], tz: ZoneInfo) -> list[Sample]:
    """What the iPhone counts: part of the walking (it is not always in a pocket), and the runs it
    was carried on (index into d.runs). Hour by hour, 1-3 samples of a few minutes each."""
    out: list[Sample] = []
    carry = rng.uniform(0.6, 0.82)
    for h in range(0, len(d.starts), 4):
        walked = sum(d.walking[h:h + 4])
        n = round(walked * min(1.0, carry * rng.uniform(0.6, 1.25)))
        if n >= 15:
            out += _split_samples(rng, PHONE, d.starts[h], timedelta(hours=1), n, 1 + min(2, n // 400), tz)
    for j, r in enumerate(d.runs):
        if j not in carried_runs:
            continue
        chunks = max(1, r.elapsed_s // 600)
        out += _split_samples(rng, PHONE, r.start_utc, timedelta(seconds=r.elapsed_s), round(r.steps * 0.97),
                              chunks, tz)
    return out


def apple_watch_samples(rng: random.Random, d: Day, tz: ZoneInfo) -> list[Sample]:
    """An old Apple Watch worn for a day: a step sample per active quarter hour, heart rate now and then."""
    out: list[Sample] = []
    for i, s in enumerate(d.starts):
        if d.walking[i]:
            v = round(d.walking[i] * rng.uniform(0.95, 1.02))
            s0 = s + timedelta(seconds=rng.randint(0, 30))  # worn on the wrist: samples cover the quarter
            e0 = s + QUARTER - timedelta(seconds=rng.randint(1, 30))
            out.append(Sample(STEP_COUNT, "count", APPLE_WATCH, s0.astimezone(tz), e0.astimezone(tz),
                              (e0 + timedelta(seconds=rng.randint(5, 90))).astimezone(tz), str(v)))
        if i % 2 == 0 and 7 <= s.astimezone(tz).hour < 23:
            t = s + timedelta(seconds=rng.randint(0, 600))
            out.append(Sample(HEART_RATE, "count/min", APPLE_WATCH, t.astimezone(tz), t.astimezone(tz),
                              (t + timedelta(seconds=rng.randint(2, 30))).astimezone(tz),
                              str(d.heart_rate[i] + rng.randint(-3, 3))))
    return out
