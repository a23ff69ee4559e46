"""FIT (Garmin and others): activities -> one Activity per session; monitoring -> DailySteps.

Decoding is done by the fast path in `fit.decode` (fitdecode in `fit.fallback` for what it cannot
handle) into a `messages.FitContent`; this module turns that into loadwatch's models and decides what
is valid: checksum, a cut file, implausible dates, files that are not activities.
"""

from __future__ import annotations

import calendar
import time
from collections import defaultdict
from datetime import date, timedelta
from typing import BinaryIO

import numpy as np

from ... import plausible
from ...errors import CorruptFile
from ...models import Activity, DailySteps, ParsedFile, RestingHr
from ...units import FIT_EPOCH_S, FIT_SYSTEM_TIME_MAX, fit_to_datetime, utc_offset_from_local
from .._intensity import FOOT_SPORTS, Intensity, summarise
from . import decode, fallback
from .messages import MISSING, MONITORING_FILE_TYPES, WALKING_RUNNING, FitContent, device_name, enum_name

FORMAT = "fit"
# plausible.EARLIEST_DAY in FIT seconds (315619200 for 2000-01-01): earlier dates are a wrong device clock
FIT_YEAR_2000 = calendar.timegm(plausible.EARLIEST_DAY.timetuple()) - FIT_EPOCH_S
HR_GAP_S = 30  # a record's heart rate is held until the next record, unless the gap is longer than this
ACTIVITY_FILE_TYPES = {4, 20}  # activity, activity_summary (profile `file`)
STEP_SPORTS = {"running", "walking"}  # session total_cycles are strides for these (profile subfield)
NOTHING = "an activity file with no sessions or records: nothing to import"
# A run indoors: no slope, whatever the barometer says (grade 0 unless the records carry an incline)
INDOOR_SUB_SPORTS = {"treadmill", "indoor_running", "indoor_walking", "virtual_activity"}


def sniff(head: bytes, name: str) -> bool:
    """A FIT header: byte 0 is the header size (12 or 14) and bytes 8-11 are ".FIT"."""
    return decode.looks_like_header(head)


def read(stream: BinaryIO, *, name: str, strict: bool = False, **options: object) -> ParsedFile:
    """Read the whole stream and decode it (see `read_bytes`)."""
    return read_bytes(stream.read(), name=name, strict=strict)


def read_bytes(data: bytes, *, name: str, strict: bool = False) -> ParsedFile:
    """Decode a whole FIT file held in memory.

    `strict` turns a wrong checksum, a cut file and an undefined message into CorruptFile; by
    default the complete messages are imported with a warning (and `recovered=True` for a cut).
    """
    layout = decode.split(data)
    warnings: list[str] = []
    if layout.crc_mismatch:
        if strict:
            raise CorruptFile("checksum mismatch: the file is damaged; export it again, or import without --strict")
        warnings.append("checksum mismatch: the file may be damaged; imported what could be read")
    if layout.truncated:
        have = len(data) - layout.parts[-1][0] - layout.parts[-1][1]
        cut = (f"the file is cut short (its header announces {layout.declared_size} bytes of data, "
               f"{max(have, 0)} are there)")
        if strict:
            raise CorruptFile(cut)
        warnings.append(cut + "; imported the complete messages before the cut")
    if layout.junk_bytes:
        warnings.append(f"{layout.junk_bytes} bytes of unknown data after the end of the FIT data were ignored")
    try:
        c = decode.decode(data, layout, strict=strict)
    except decode.FastPathUnsupported:
        c = fallback.decode(data, layout, strict=strict)
    if c.stopped_at is not None and not layout.truncated:
        warnings.append(f"{c.stop_reason} (at byte {c.stopped_at}); imported the messages before it")
    recovered = layout.truncated or c.stopped_at is not None
    parsed = _build(c, warnings)
    if recovered and parsed.skip_reason == NOTHING:
        parsed.skip_reason = None
    parsed.recovered = recovered and not parsed.skip_reason
    if recovered and not parsed.activities and not parsed.daily_steps and not parsed.resting_hr \
            and not parsed.skip_reason:
        raise CorruptFile(f"{c.stop_reason or 'the file is cut short'} before any session or record could be read",
                          offset=c.stopped_at)
    return parsed


def _build(c: FitContent, warnings: list[str]) -> ParsedFile:
    parsed = ParsedFile(FORMAT, warnings=warnings, n_records=c.n_messages)
    ft = c.file_type
    device = device_name(_int(c.file_id.get("manufacturer") or c.creator.get("manufacturer")),
                         _int(c.file_id.get("product") or c.creator.get("product")),
                         c.file_id.get("product_name") or c.creator.get("product_name"))
    if ft in MONITORING_FILE_TYPES or (ft is None and len(c.mon_ts) and not c.sessions and not len(c.rec_ts)):
        parsed.daily_steps = _daily_steps(c, device or "FIT watch", warnings)
        parsed.resting_hr = _resting_hr(c, device or "FIT watch")
        if not parsed.daily_steps and not parsed.resting_hr:
            parsed.skip_reason = "a monitoring file with no step counts: skipped"
        return parsed
    if ft is not None and ft not in ACTIVITY_FILE_TYPES:
        kind = (enum_name("file", ft, prefix="type") or "").replace("_", " ")
        parsed.skip_reason = f"a {kind} file, not an activity: skipped"
        return parsed
    parsed.activities = _activities(c, device, warnings)
    if not parsed.activities and not c.sessions and not c.laps and not len(c.rec_ts):
        parsed.skip_reason = NOTHING
    return parsed


# -- activities -----------------------------------------------------------------------------------
def _activities(c: FitContent, device: str | None, warnings: list[str]) -> list[Activity]:
    sessions = [s for s in c.sessions if _int(s.get("start_time")) is not None or _int(s.get("timestamp")) is not None]
    if not sessions:
        built = _session_from_parts(c)
        if built is None:
            return []
        warnings.append(f"no session summary in the file; built the session from its {built.pop('_from')}")
        sessions = [built]
    offset, shift = _local_offset(c, warnings)
    hist = _HrHistogram(c)
    stream = _RecordStream(c)
    now_fit = time.time() - FIT_EPOCH_S + 86400
    out: list[Activity] = []
    dropped: list[str] = []
    for s in sessions:
        elapsed = _float(s.get("total_elapsed_time"))
        timer = _float(s.get("total_timer_time"))
        start = _int(s.get("start_time"))
        if start is None:
            start = int((_int(s.get("timestamp")) or 0) - (elapsed or timer or 0))  # kept sessions have one
        real_start = start
        if start < FIT_SYSTEM_TIME_MAX and shift is not None:
            real_start = start + shift
        if not FIT_YEAR_2000 <= real_start <= now_fit:
            dropped.append(fit_to_datetime(real_start).date().isoformat())
            continue
        duration = elapsed if elapsed is not None else timer
        if duration is None:
            duration = float((_int(s.get("timestamp")) or start) - start)
        bins = hist.between(start, start + duration)
        sport = enum_name("sport", _int(s.get("sport"))) or "generic"
        avg_hr = _float(s.get("avg_heart_rate")) or None  # 0 bpm: no sensor (Zwift writes 0)
        max_hr = _float(s.get("max_heart_rate")) or None
        if bins and avg_hr is None:
            total = sum(bins.values())
            avg_hr = round(sum(b * t for b, t in bins.items()) / total, 1)
        if bins and max_hr is None:
            max_hr = float(max(bins))
        sub_sport = enum_name("sub_sport", _int(s.get("sub_sport")))
        rpe = _float(s.get("workout_rpe"))  # 0-100 in the profile, 10 x the CR-10 value Garmin asks for
        effort = stream.between(start, start + duration, foot=sport in FOOT_SPORTS,
                                indoor=sub_sport in INDOOR_SUB_SPORTS)
        out.append(Activity(
            sport=sport,
            sub_sport=sub_sport,
            start_utc=fit_to_datetime(real_start),
            utc_offset_s=offset,
            duration_s=float(duration),
            moving_s=timer,
            distance_m=_float(s.get("total_distance")),
            ascent_m=_float(s.get("total_ascent")),
            avg_hr=avg_hr,
            max_hr=max_hr,
            hr_hist=bins,
            steps=_steps(sport, s, timer or duration),
            calories=_float(s.get("total_calories")),
            device=device,
            clock_unset=start < FIT_SYSTEM_TIME_MAX,  # system time: the watch never knew the date
            device_rpe=rpe / 10 if rpe is not None and 0 <= rpe <= 100 else None,
            gas_hist=effort.gas_hist,
            power_hist=effort.power_hist,
            best_gas_m_s=effort.best_gas_m_s,
            best_power_w=effort.best_power_w,
        ))
    if dropped:
        if not out:
            raise CorruptFile(f"every session has an implausible date ({', '.join(dropped)}: before 2000 or in the "
                              "future); the device clock was probably wrong, nothing was imported")
        warnings.append(f"{len(dropped)} session(s) with an implausible date ({', '.join(dropped)}) were dropped")
    return out


def _local_offset(c: FitContent, warnings: list[str]) -> tuple[int, int | None]:
    """(UTC offset in s, shift from device system time to local clock time or None).

    Offset = activity.local_timestamp - activity.timestamp rounded to 15 min (FIT profile:
    local_timestamp "used to convert activity timestamps to local time"); never device time_offset.
    """
    ts, local = _int(c.activity.get("timestamp")), _int(c.activity.get("local_timestamp"))
    if ts is not None and local is not None and ts < FIT_SYSTEM_TIME_MAX <= local:
        # The clock was never set (seconds since power-on), but the local wall clock is known.
        warnings.append("the device clock was not set: times are the watch's local clock, shown as UTC")
        return 0, local - ts
    if ts is None or local is None or local < FIT_YEAR_2000:
        warnings.append("no local time in the file; times shown as UTC")
        return 0, None
    offset = utc_offset_from_local(local, ts)
    if offset == 0 and abs(local - ts) > 900:
        warnings.append("the file's local time is not a plausible UTC offset; times shown as UTC")
    return offset, None


def _steps(sport: str, s: dict[str, object], moving_s: float | None) -> int | None:
    """Steps of a run or walk: total_cycles are strides (x2), else avg cadence (strides/min) x 2 x minutes."""
    if sport not in STEP_SPORTS:
        return None
    cycles = _int(s.get("total_cycles"))
    if cycles is not None and cycles > 0:
        return cycles * 2
    cadence = _float(s.get("avg_cadence"))
    if cadence and moving_s:
        return round(cadence * 2 * moving_s / 60.0)
    return None


def _session_from_parts(c: FitContent) -> dict[str, object] | None:
    """A session summary built from laps and records when the file has no session message."""
    starts = [t for t in (_int(lap.get("start_time")) for lap in c.laps) if t is not None]
    ends = [t for t in (_int(lap.get("timestamp")) for lap in c.laps) if t is not None]
    source = "laps" if c.laps else "records"
    if len(c.rec_ts):
        ts = np.frombuffer(c.rec_ts, dtype=np.uint32)
        ts = ts[ts > 0]
        ts = ts[np.array(plausible.keep_times(ts.tolist()), dtype=bool)] if len(ts) else ts
        if len(ts):
            starts.append(int(ts.min()))
            ends.append(int(ts.max()))
            source = "laps and records" if c.laps else "records"
    if c.timer_start is not None:
        starts.append(c.timer_start)
    if not starts:
        return None
    start, end = min(starts), max([*ends, min(starts)])
    lap_sum = {k: sum(v for v in (_float(lap.get(k)) for lap in c.laps) if v is not None) or None
               for k in ("total_timer_time", "total_distance", "total_ascent", "total_calories", "total_cycles")}
    distances = [d for d in (lap_sum["total_distance"], c.rec_max_distance_m) if d is not None]
    hrs = [h for h in (_int(lap.get("max_heart_rate")) for lap in c.laps) if h is not None]
    sport = next((lap["sport"] for lap in c.laps if _int(lap.get("sport")) is not None), None)
    return {"start_time": start, "timestamp": end, "total_elapsed_time": float(end - start),
            "total_timer_time": lap_sum["total_timer_time"], "total_distance": max(distances) if distances else None,
            "total_ascent": lap_sum["total_ascent"], "total_calories": lap_sum["total_calories"],
            "total_cycles": int(lap_sum["total_cycles"]) if lap_sum["total_cycles"] else None,
            "max_heart_rate": max(hrs) if hrs else None, "sport": sport,
            "sub_sport": next((lap["sub_sport"] for lap in c.laps if lap.get("sub_sport") is not None), None),
            "_from": source}


class _HrHistogram:
    """Seconds at each bpm from the record stream: each record's HR held until the next record,
    gaps over HR_GAP_S not counted (so TRIMP can be recomputed from the histogram)."""

    def __init__(self, c: FitContent) -> None:
        ts = np.frombuffer(c.rec_ts, dtype=np.uint32).astype(np.int64)
        hr = np.frombuffer(c.rec_hr, dtype=np.uint8)
        if len(ts) < 2:
            self.start = self.dt = self.hr = np.zeros(0, dtype=np.int64)
            return
        order = np.argsort(ts, kind="stable")  # real files repeat and reorder records now and then
        ts, hr = ts[order], hr[order]
        dt = np.diff(ts)
        lo, hi = plausible.HR_RANGE_BPM  # a sample outside it (a strap's 0 or 255) holds nothing
        keep = (hr[:-1] >= lo) & (hr[:-1] <= hi) & (dt > 0) & (dt <= HR_GAP_S)
        self.start, self.dt, self.hr = ts[:-1][keep], dt[keep], hr[:-1][keep].astype(np.int64)

    def between(self, t0: float, t1: float) -> dict[int, float]:
        """{bpm: seconds} for the HR held between FIT seconds t0 and t1."""
        if not len(self.start):
            return {}
        m = (self.start >= t0) & (self.start < t1)
        if not m.any():
            return {}
        seconds = np.minimum(self.dt[m], t1 - self.start[m])
        counts = np.bincount(self.hr[m], weights=seconds)
        nz = np.nonzero(counts)[0]
        return {int(b): round(float(counts[b]), 3) for b in nz}


class _RecordStream:
    """The records' speed, distance, altitude and power (`FitContent.stream`), sorted by time, cut per session
    into the intensity without heart rate (`importers._intensity.summarise`)."""

    def __init__(self, c: FitContent) -> None:
        ts = np.frombuffer(c.rec_ts, dtype=np.uint32).astype(np.int64)
        self.columns = c.stream if c.stream and len(ts) >= 2 else {}
        if not self.columns:
            self.ts = ts[:0]
            return
        order = np.argsort(ts, kind="stable")
        self.ts = ts[order]
        if np.any(order[1:] < order[:-1]):
            self.columns = {k: v[order] for k, v in self.columns.items()}

    def between(self, t0: float, t1: float, *, foot: bool, indoor: bool) -> Intensity:
        """The Activity fields gas_hist, power_hist, best_gas_m_s and best_power_w of the records from FIT
        second t0 to t1. A run with no position in any record (a treadmill, a footpod or the wrist's speed) or
        an indoor sub-sport is flat unless its records carry a grade (the treadmill's incline)."""
        if not len(self.ts):
            return Intensity()
        lo, hi = int(np.searchsorted(self.ts, t0, side="left")), int(np.searchsorted(self.ts, t1, side="right"))
        if hi - lo < 2:
            return Intensity()
        col = {k: v[lo:hi] for k, v in self.columns.items()}
        no_gps = not np.isfinite(col["lat"]).any()
        grade = col["grade"] if (indoor or no_gps) and np.isfinite(col["grade"]).any() else None
        return summarise(self.ts[lo:hi].astype(np.float64), speed=col["speed"], distance=col["distance"],
                         altitude=col["altitude"], power=col["power"], incline=grade, flat=indoor or no_gps,
                         foot=foot)


# -- monitoring -----------------------------------------------------------------------------------
def _resting_hr(c: FitContent, device: str) -> list[RestingHr]:
    """The resting heart rate of each local day a monitoring file reports (monitoring_hr_data), the day taken
    with the offset of its monitoring_info; a day reported twice keeps the later report (the watch updates
    the day's value as the day goes on)."""
    if not c.resting_hr:
        return []
    ts, local = _int(c.monitoring_info.get("timestamp")), _int(c.monitoring_info.get("local_timestamp"))
    offset = utc_offset_from_local(local, ts) if ts is not None and local is not None else 0
    now_fit = time.time() - FIT_EPOCH_S + 86400
    by_day: dict[date, tuple[int, int]] = {}
    for t, bpm in c.resting_hr:
        if FIT_YEAR_2000 <= t <= now_fit:
            day = fit_to_datetime(t + offset).date()
            if day not in by_day or t >= by_day[day][0]:
                by_day[day] = (t, bpm)
    return [RestingHr(day, float(bpm), device) for day, (_, bpm) in sorted(by_day.items())]


# -- monitoring (steps) ---------------------------------------------------------------------------
def _daily_steps(c: FitContent, device: str, warnings: list[str]) -> list[DailySteps]:
    """Steps per local day from monitoring `cycles` (the `steps` subfield for walking/running).

    `cycles` accumulate per activity type and reset at local midnight, so a day's total is the sum
    over activity types of the day's largest value (as GarminDB does). A value is the total up to
    its timestamp, so one stamped exactly 00:00 belongs to the day before (t - 1 s). Vectorised over
    the samples; only day boundaries are visited one by one.
    """
    t_all = np.frombuffer(c.mon_ts, dtype=np.int64)
    kind = np.frombuffer(c.mon_type, dtype=np.int64)
    cycles_all = np.frombuffer(c.mon_cycles, dtype=np.int64)
    local_all = np.frombuffer(c.mon_local, dtype=np.int64)
    ts, local = _int(c.monitoring_info.get("timestamp")), _int(c.monitoring_info.get("local_timestamp"))
    if ts is None or local is None:
        with_local = np.flatnonzero(local_all != MISSING)
        ts, local = (int(t_all[with_local[0]]), int(local_all[with_local[0]])) if len(with_local) else (None, None)
    if ts is None or local is None:
        warnings.append("no local time in the file; days are UTC days")
        offset = 0
    else:
        offset = utc_offset_from_local(local, ts)
    now_fit = time.time() - FIT_EPOCH_S + 86400
    usable = (cycles_all != MISSING) & np.isin(kind, list(WALKING_RUNNING)) & (t_all >= FIT_YEAR_2000) \
        & (t_all <= now_fit)
    totals: dict[int, int] = defaultdict(int)  # local day (days since 1970-01-01) -> steps
    for activity_type in np.unique(kind[usable]):
        sel = usable & (kind == activity_type)
        t, cycles = t_all[sel], cycles_all[sel]
        order = np.lexsort((cycles, t))
        t, cycles = t[order], cycles[order]
        days = (t + (FIT_EPOCH_S - 1 + offset)) // 86400
        _snap_days_to_resets(t, cycles, days, offset)
        day_values, first = np.unique(days, return_index=True)
        best = np.maximum.reduceat(cycles, first) if len(days) and np.all(np.diff(days) >= 0) else \
            np.array([cycles[days == d].max() for d in day_values])
        for day, steps in zip(day_values.tolist(), best.tolist(), strict=True):
            totals[day] += steps
    epoch = date(1970, 1, 1)
    return [DailySteps(day=epoch + timedelta(days=day), steps=steps, device=device, device_kind="watch")
            for day, steps in sorted(totals.items())]


FIT_EPOCH_DAY = FIT_EPOCH_S // 86400  # 1989-12-31 in days since 1970-01-01
DST_SHIFT_MAX_S = 3600 + 300  # clocks move by an hour (30 min on Lord Howe); a little slack


def _snap_days_to_resets(t: np.ndarray, cycles: np.ndarray, days: np.ndarray, offset: int) -> None:
    """Move day boundaries to where the device's counter really reset (in place on `days`).

    Days are cut with the offset of the file's monitoring_info; when the clocks change inside the
    file (the days summer time starts or ends), that midnight is off by the DST shift, while the
    cumulative counter still resets at the true local midnight. So a computed midnight with a
    counter reset within the DST shift moves onto that reset, and one where the counter keeps
    rising (no reset at all) is no midnight: those samples stay on the old day.
    """
    resets = np.flatnonzero(cycles[1:] < cycles[:-1]) + 1
    for b in (np.flatnonzero(days[1:] != days[:-1]) + 1).tolist():
        midnight = (int(days[b]) - FIT_EPOCH_DAY) * 86400 - offset  # FIT seconds, UTC
        distance = np.abs(t[resets] - midnight)
        near = resets[distance <= DST_SHIFT_MAX_S]
        if len(near):
            r = int(near[np.argmin(np.abs(t[near] - midnight))])
            days[min(b, r):max(b, r)] = days[b - 1] if b < r else days[b]
        elif cycles[b] >= cycles[b - 1] > 0:
            i = b
            while i < len(t) and t[i] < midnight + DST_SHIFT_MAX_S and (i == b or cycles[i] >= cycles[i - 1]):
                days[i] = days[b - 1]
                i += 1


def _int(v: object) -> int | None:
    return int(v) if isinstance(v, int | float) and v == v else None


def _float(v: object) -> float | None:
    return float(v) if isinstance(v, int | float) and v == v else None
