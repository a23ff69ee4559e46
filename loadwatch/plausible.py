"""Plausible values: the one set of rules every imported session, step day and log entry passes.

Importers call the point helpers (`keep_times`, `hr_ok`) where they read points, so one bad point
(a GPS week-rollover time, a heart-rate sample of 255) is dropped and counted, not turned into a
172,032-hour run. `screen` is the one gate every `ParsedFile` passes in ingest before the store sees
it: an impossible session or day is refused with its reason (a warning; the rest of the file is
kept), an impossible optional value (a heart rate of 1,000,000, a negative ascent) is dropped, and a
file where nothing plausible remains fails with one line. `problem` is also the store's last guard.

"Now" is always passed in (the import's clock), never read here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from .errors import CorruptFile
from .models import Activity, DailySteps, ParsedFile, RestingHr
from .units import MAX_ABS_UTC_OFFSET_S, local_day
from .wording import finite, hm, whole

EARLIEST_DAY = date(2000, 1, 1)  # no export loadwatch reads holds real training before this
FUTURE_DAYS = 1  # "tomorrow": a device a time zone ahead of the importing machine
HR_RANGE_BPM = (25.0, 250.0)  # below: no living athlete; above: beyond any recorded human heart rate
# A resting heart rate: from the lowest recorded in athletes (~27 bpm, Indurain's reported 28) to a resting
# tachycardia well beyond any training day's (>100 bpm is tachycardia at rest; 150 is a sensor artefact).
RESTING_HR_RANGE_BPM = (25.0, 150.0)
# The longest single recording a real athlete makes: the Tor des Geants (330 km) closes after 150 h,
# and a few watches record it as one activity. Also the bound for one point's time: every point of
# a session lies within this of the session's median time.
MAX_SESSION_S = 7 * 86400.0
# Average speed over a whole session (distance / elapsed time), with margin above the records:
# running: Bolt's peak 12.4 m/s in the 2009 100 m (average 10.4 m/s); walking and hiking: the 20 km
# race-walk record (1:16:10, Yamanishi 2021) averages 4.4 m/s; swimming: the 50 m freestyle record
# (20.91 s, Cielo 2009) averages 2.4 m/s; cycling: the unpaced hour record (56.792 km, Ganna 2022)
# is 15.8 m/s, doubled for descents; anything else: the speed-skiing record 70.8 m/s (254.958 km/h,
# Origone 2016).
MAX_SPEED_MPS: dict[str, float] = {"running": 12.5, "walking": 6.0, "hiking": 6.0, "swimming": 3.0,
                                   "cycling": 32.0}
MAX_SPEED_OTHER_MPS = 75.0
MAX_STEPS_PER_S = 5.0  # sprinters' top step rate is about 4.5 steps/s (Bolt, 2009 biomechanics report)
# A day's steps: the most active adults in published samples average 18,000-28,000 a day (Old Order
# Amish men, Bassett et al. 2004, Med Sci Sports Exerc 36:79), a marathon is ~40,000-50,000; above
# 100,000 (a 100 km race day) a count is a glitch, not a day.
MAX_STEPS_PER_DAY = 100_000
# One recording (FIT, GPX, TCX) is one activity: a triathlon with its transitions is 5 sessions, an
# adventure race a few dozen; exports (Apple Health, CSV) hold years, so they are bounded per day.
RECORDING_FORMATS = frozenset({"fit", "gpx", "tcx"})
MAX_SESSIONS_PER_RECORDING = 100
MAX_SESSIONS_PER_DAY = 50  # in one file, on one local day


def latest_day(now: datetime) -> date:
    """The last plausible local day for data imported at `now`: tomorrow."""
    return now.astimezone(UTC).date() + timedelta(days=FUTURE_DAYS)


def day_problem(day: date, now: datetime | None) -> str | None:
    """Why `day` cannot hold real data (before 2000, after tomorrow), or None."""
    if day < EARLIEST_DAY:
        return f"dated {day.isoformat()}, before {EARLIEST_DAY.year}"
    if now is not None and day > latest_day(now):
        return f"dated {day.isoformat()}, in the future"
    return None


def hr_ok(bpm: object) -> bool:
    """A heart rate a human heart can have (HR_RANGE_BPM)."""
    return finite(bpm) and HR_RANGE_BPM[0] <= float(bpm) <= HR_RANGE_BPM[1]  # type: ignore[arg-type]  # finite


def keep_times(times_s: Sequence[float]) -> list[bool]:
    """Which points of one session have a plausible time: finite, and within MAX_SESSION_S of the
    median time (a real session is never longer, so its points all are; a week-rollover point,
    19.6 years off, is not)."""
    ok = [finite(t) for t in times_s]
    good = sorted(t for t, k in zip(times_s, ok, strict=True) if k)
    if not good:
        return ok
    median = good[len(good) // 2]
    return [k and abs(t - median) <= MAX_SESSION_S for t, k in zip(times_s, ok, strict=True)]


def dropped_points(n: int, what: str) -> str:
    """The warning for outlier points: "dropped 1 point with an impossible time"."""
    return f"dropped {whole(n)} point{'' if n == 1 else 's'} with {what}"


def max_speed(sport: str) -> float:
    return MAX_SPEED_MPS.get(sport, MAX_SPEED_OTHER_MPS)


def problem(a: Activity, now: datetime | None) -> str | None:
    """Why session `a` cannot be real, or None. `now` None: no upper date bound (the store's guard)."""
    if not finite(a.duration_s) or a.duration_s <= 0:
        return f"its duration is {a.duration_s} s; a session lasts more than 0 s"
    if a.duration_s > MAX_SESSION_S:
        return f"it lasts {hm(a.duration_s)}, longer than any real session ({hm(MAX_SESSION_S)})"
    if not finite(a.utc_offset_s) or abs(a.utc_offset_s) > MAX_ABS_UTC_OFFSET_S:
        return f"its UTC offset {a.utc_offset_s} s is no time zone on Earth"
    if (day := _day(a)) is None:
        return "its start is outside the calendar"
    if (why := day_problem(day, now)) is not None:
        return why
    if a.distance_m is not None and a.distance_m == a.distance_m:  # NaN is "no distance": clean() drops it
        if not finite(a.distance_m) or a.distance_m < 0:
            return f"its distance is {a.distance_m} m"
        speed = a.distance_m / a.duration_s
        if speed > max_speed(a.sport):
            return (f"{whole(a.distance_m / 1000)} km in {hm(a.duration_s)} is {speed:,.1f} m/s, faster than any"
                    f" {a.sport.replace('_', ' ')} ({max_speed(a.sport):g} m/s)")
    return None


def clean(a: Activity) -> tuple[Activity, list[str]]:
    """`a` without the optional values it cannot have (an impossible heart rate, non-finite or
    negative ascent, calories or moving time, more steps than feet can make), and what was dropped."""
    notes: list[str] = []
    changes: dict[str, object] = {}
    bad_hr = [v for v in (a.avg_hr, a.max_hr) if v is not None and not hr_ok(v)]
    if bad_hr:
        notes.append(f"a heart rate of {_shown(bad_hr[0])} bpm is impossible ({HR_RANGE_BPM[0]:.0f}-"
                     f"{HR_RANGE_BPM[1]:.0f}): stored without heart rate")
        changes.update(avg_hr=None, max_hr=None, hr_hist={})
    elif a.hr_hist and not _all_plausible(a.hr_hist):
        hist = {b: s for b, s in a.hr_hist.items() if hr_ok(b) and finite(s) and s > 0}
        if len(hist) != len(a.hr_hist):
            dropped = sum(s for b, s in a.hr_hist.items() if b not in hist and finite(s) and s > 0)
            notes.append(f"dropped {hm(dropped) if dropped >= 60 else f'{dropped:.0f} s'} of heart rate outside"
                         f" {HR_RANGE_BPM[0]:.0f}-{HR_RANGE_BPM[1]:.0f} bpm")
            changes["hr_hist"] = hist
    for name in ("distance_m", "ascent_m", "calories", "moving_s"):
        value = getattr(a, name)
        if value is not None and (not finite(value) or value < 0):
            notes.append(f"{name.split('_')[0]} {_shown(value)} is impossible: left out")
            changes[name] = None
    if a.moving_s is not None and "moving_s" not in changes and a.moving_s > a.duration_s * 1.01 + 1:
        notes.append(f"moving time {hm(a.moving_s)} is longer than the session ({hm(a.duration_s)}): left out")
        changes["moving_s"] = None
    if a.steps is not None and (a.steps < 0 or a.steps > a.duration_s * MAX_STEPS_PER_S):
        notes.append(f"{whole(a.steps)} steps in {hm(a.duration_s)} is impossible: left out")
        changes["steps"] = None
    if a.device_rpe is not None and (not finite(a.device_rpe) or not 0 <= a.device_rpe <= 10):
        notes.append(f"a perceived effort of {_shown(a.device_rpe)} is not on the 0-10 scale: left out")
        changes["device_rpe"] = None
    for name in ("gas_hist", "power_hist", "best_gas_m_s", "best_power_w"):
        values = getattr(a, name)
        if values and not all(0 <= v < math.inf for v in values.values()):  # NaN, infinite or negative
            kept = {k: v for k, v in values.items() if 0 <= v < math.inf}
            notes.append(f"{len(values) - len(kept)} impossible value(s) of {name} left out")
            changes[name] = kept
    return (replace(a, **changes) if changes else a), notes  # type: ignore[arg-type]  # field names above


def _all_plausible(hist: dict[int, float]) -> bool:
    """Every bin of a heart-rate histogram a heart rate (HR_RANGE_BPM) with a finite, positive time: the common
    case, checked without a call per bin (this runs for every session an import stores, twice)."""
    lo, hi = HR_RANGE_BPM
    try:
        return all(lo <= b <= hi and 0 < s < math.inf for b, s in hist.items())
    except TypeError:  # not numbers: the slow path says which
        return False


def unstorable(a: Activity) -> str | None:
    """The store's last guard: why `a` must not be written (anything `screen` would have refused or
    cleaned, a NaN or an infinity anywhere, an unconfirmed clock), or None."""
    if a.clock_unset:
        return "its device clock was never set"
    if (why := problem(a, None)) is not None:
        return why
    if clean(a)[1]:
        return "it holds values screen() would have dropped"
    return None


def steps_problem(d: DailySteps, now: datetime | None) -> str | None:
    """Why day `d`'s step count cannot be real, or None."""
    if (why := day_problem(d.day, now)) is not None:
        return why
    if not finite(d.steps) or d.steps < 0:
        return f"{d.steps} steps"
    if d.steps > MAX_STEPS_PER_DAY:
        return f"{whole(d.steps)} steps in a day, more than anyone walks or runs ({whole(MAX_STEPS_PER_DAY)})"
    return None


def resting_hr_problem(r: RestingHr, now: datetime | None) -> str | None:
    """Why a day's resting heart rate cannot be real (a day out of range, a rate outside
    RESTING_HR_RANGE_BPM), or None."""
    if (why := day_problem(r.day, now)) is not None:
        return why
    if not finite(r.bpm) or not RESTING_HR_RANGE_BPM[0] <= r.bpm <= RESTING_HR_RANGE_BPM[1]:
        return f"a resting heart rate of {_shown(r.bpm)} bpm"
    return None


def screen(parsed: ParsedFile, now: datetime, *, clock_date: date | None = None) -> None:
    """The gate: check every session and step day of `parsed` in place (see the module docstring).

    A session whose device clock was never set (`Activity.clock_unset`) has no known day: it is held
    back, unless `clock_date` confirms its local day (the watch's time of day is kept). Raises
    CorruptFile (one line) when the file held data and none of it is plausible.
    """
    held = len(parsed.activities) + len(parsed.daily_steps) + len(parsed.resting_hr)
    if held == 0:
        return
    n = len(parsed.activities)
    if parsed.format in RECORDING_FORMATS and n > MAX_SESSIONS_PER_RECORDING:
        raise CorruptFile(f"holds {whole(n)} sessions, and one {parsed.format.upper()} recording holds at most"
                          f" {MAX_SESSIONS_PER_RECORDING}; refusing the file (it is damaged or made up)")
    per_day = Counter(d for d in map(_day, parsed.activities) if d is not None)
    if per_day and (busiest := per_day.most_common(1)[0])[1] > MAX_SESSIONS_PER_DAY:
        raise CorruptFile(f"holds {whole(busiest[1])} sessions on {busiest[0].isoformat()}, more than"
                          f" {MAX_SESSIONS_PER_DAY} in a day; refusing the file (it is damaged or made up)")
    kept: list[Activity] = []
    reasons: list[str] = []
    for a in parsed.activities:
        label = f"the {a.sport.replace('_', ' ')} session of {_when(a)}"
        if a.clock_unset:
            if clock_date is None:
                reasons.append(f"{label}: {CLOCK_UNSET}")
                continue
            local = a.start_utc + timedelta(seconds=a.utc_offset_s)
            a = replace(a, clock_unset=False, start_utc=a.start_utc + (datetime.combine(
                clock_date, local.time(), UTC) - local.replace(tzinfo=UTC)))
            parsed.warnings.append(f"{label.split(' of ')[0]} placed on {clock_date.isoformat()} as confirmed"
                                   " (--clock-date); the device clock was never set")
        why = problem(a, now)
        if why is not None:
            reasons.append(f"{label} refused: {why}")
            continue
        a, notes = clean(a)
        parsed.warnings.extend(f"{label}: {note}" for note in notes)
        kept.append(a)
    days: list[DailySteps] = []
    for d in parsed.daily_steps:
        why = steps_problem(d, now)
        if why is None:
            days.append(d)
        else:
            reasons.append(f"the steps of {d.day.isoformat()} refused: {why}")
    rests = [r for r in parsed.resting_hr if resting_hr_problem(r, now) is None]
    if (n_bad := len(parsed.resting_hr) - len(rests)) > 0:  # one value among many (like a sample): counted
        parsed.warnings.append(f"dropped {whole(n_bad)} resting heart rate{'' if n_bad == 1 else 's'} with an"
                               " impossible value or day")
    parsed.activities, parsed.daily_steps, parsed.resting_hr = kept, days, rests
    if not kept and not days and not rests:
        if all(CLOCK_UNSET in r for r in reasons):
            raise CorruptFile(f"{CLOCK_UNSET} ({len(reasons)} session{'' if len(reasons) == 1 else 's'});"
                              " nothing imported")
        raise CorruptFile(f"nothing plausible in it: {reasons[0]}"
                          + (f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""))
    if len(reasons) > 5:
        reasons = [*reasons[:5], f"and {len(reasons) - 5} more refused"]
    parsed.warnings.extend(reasons)


CLOCK_UNSET = ("the device clock was never set (its times count from power-on), so the day is unknown and it"
               " is kept out of the load; if you know the day, import it again with --clock-date YYYY-MM-DD")


def _day(a: Activity) -> date | None:
    try:
        return local_day(a.start_utc, a.utc_offset_s)
    except (OverflowError, TypeError):
        return None


def _when(a: Activity) -> str:
    try:
        return f"{a.start_utc + timedelta(seconds=a.utc_offset_s):%Y-%m-%d %H:%M}"
    except (OverflowError, TypeError, ValueError):
        return "an impossible time"


def _shown(value: float) -> str:
    return whole(value) if finite(value) else str(value)


__all__ = ["EARLIEST_DAY", "HR_RANGE_BPM", "MAX_SESSIONS_PER_DAY", "MAX_SESSIONS_PER_RECORDING", "MAX_SESSION_S",
           "MAX_SPEED_MPS", "MAX_STEPS_PER_DAY", "RESTING_HR_RANGE_BPM", "clean", "day_problem", "dropped_points",
           "hr_ok", "keep_times", "latest_day", "problem", "resting_hr_problem", "screen", "steps_problem",
           "unstorable"]
