"""Intensity without heart rate, kept at import: a session's points (time, distance or speed, altitude,
power) -> seconds per bin of grade-adjusted speed and of power, and the best efforts (`loadwatch.intensity`).

Vectorised over the points (numpy), never a Python loop per point: it runs on every record of every FIT
activity an import reads.

The rules, for every interval between two consecutive points (held from the later point, the value a
device records on arrival):
- speed: the recorded speed where there is one, else the distance covered over the interval's time;
  the distance comes from the recorded distance, else from the positions (the equirectangular step gpxpy's
  `length_2d` uses, so the bins agree with the session's distance), else from the speed;
- moving: the interval is at most MAX_GAP_S long (a longer one is a pause or a lost signal) and its speed
  is at least MOVING_SPEED_M_S (standing at a light); with no speed at all, power above 0 is moving;
  a speed above the fastest running (plausible.MAX_SPEED_MPS, a GPS jump) counts nowhere;
- grade: altitude is averaged over SMOOTH_DISTANCE_M of distance (half of it on either side) and the grade
  at a point is the rise of the averaged altitude over the same distance (`grades`: exact for a steady slope,
  a 30 m window against GPS and barometer noise); clamped to +-MAX_GRADE; a treadmill (`flat`) or a session
  without altitude has grade 0, or the recorded incline where there is one;
- GAS = speed x C(grade) / C(0) (`intensity.grade_factor`), binned floor(GAS / GAS_BIN_M_S);
  power binned floor(W / POWER_BIN_W), counted where it is recorded (above 0: a pod that reads 0 is not worn)
  and the interval is moving;
- best efforts: over moving time only (the moving intervals joined end to end), the highest mean of GAS
  (of power) over each BEST_EFFORT_S duration the moving time covers, windows starting on each whole second
  of moving time (the cumulative sum is linear within an interval, so a window may start or end inside one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import plausible
from ..intensity import (
    BEST_EFFORT_S,
    GAS_BIN_M_S,
    MAX_GAP_S,
    MAX_GRADE,
    MOVING_SPEED_M_S,
    POWER_BIN_W,
    SMOOTH_DISTANCE_M,
    running_cost,
)

# The sports whose speed is scored as running (Minetti's cost is that of running): a GPX without a
# <type> is "generic" and most often a run or a walk. Cycling, swimming... keep no GAS bins.
FOOT_SPORTS = frozenset({"running", "walking", "hiking", "generic"})
MAX_POWER_W = 3000.0  # above any human's (sprint cyclists peak near 2,500 W): a glitch, not counted
EARTH_RADIUS_M = 6378137.0  # gpxpy.geo.EARTH_RADIUS: the same metres as the session's length_2d
ONE_DEGREE_M = 2 * np.pi * EARTH_RADIUS_M / 360
_EPS_BIN = 1e-6  # 3.0 m/s / 0.1 is 29.999999999999996 in floating point: still bin 30


@dataclass(slots=True)
class Intensity:
    """What one session's points give: the Activity fields of the same names."""

    gas_hist: dict[int, float] = field(default_factory=dict)
    power_hist: dict[int, float] = field(default_factory=dict)
    best_gas_m_s: dict[int, float] = field(default_factory=dict)
    best_power_w: dict[int, float] = field(default_factory=dict)

    def fields(self) -> dict[str, dict[int, float]]:
        return {"gas_hist": self.gas_hist, "power_hist": self.power_hist, "best_gas_m_s": self.best_gas_m_s,
                "best_power_w": self.best_power_w}


def _finite(a: np.ndarray | None) -> np.ndarray | None:
    """`a` as float64 when it holds at least two finite values, else None."""
    if a is None:
        return None
    a = np.asarray(a, dtype=np.float64)
    return a if np.count_nonzero(np.isfinite(a)) >= 2 else None


def _fill(t: np.ndarray, a: np.ndarray) -> np.ndarray:
    """`a` with its missing values interpolated in time (held at the ends)."""
    ok = np.isfinite(a)
    if ok.all():
        return a
    return np.interp(t, t[ok], a[ok])


def track_distance(lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
    """Cumulative metres along a track of positions (degrees; NaN where a point has none), as gpxpy's
    `length_2d` adds its steps: sqrt(dlat^2 + (dlon cos lat)^2) x one degree of the equator."""
    lat, lon = np.asarray(lat_deg, np.float64), np.asarray(lon_deg, np.float64)
    ok = np.isfinite(lat) & np.isfinite(lon)
    out = np.full(len(lat), np.nan)
    if np.count_nonzero(ok) < 2:
        return out
    la, lo = lat[ok], lon[ok]
    step = np.hypot(np.diff(la), np.diff(lo) * np.cos(np.radians(la[:-1]))) * ONE_DEGREE_M
    out[ok] = np.concatenate(([0.0], np.cumsum(step)))
    return out


def grades(distance_m: np.ndarray, altitude_m: np.ndarray, window_m: float = SMOOTH_DISTANCE_M) -> np.ndarray:
    """The grade at each point (rise over run, unclamped) from altitude smoothed over `window_m` of distance;
    `distance_m` non-decreasing, both finite.

    The smoothed altitude at x is the mean of the altitude (linear between points) over [x - w/2, x + w/2],
    S(x) = (I(x + w/2) - I(x - w/2)) / w with I the altitude's integral over distance, and the grade at x is
    (S(x + w/2) - S(x - w/2)) / w = (I(x + w) - 2 I(x) + I(x - w)) / w^2: a steady slope's own. I is summed
    exactly at the points and taken linearly between them (exact where x +- w falls on a point, as at an even
    spacing that divides w; otherwise off by at most spacing x altitude step / 8 / w^2 of grade, 0.0002 at 4 m
    spacing on a 5 % slope). Near the ends w shrinks to the distance left; the points with under 1 m on a side
    (the first and last) take their neighbour's grade."""
    d, a = distance_m, altitude_m
    n = len(d)
    integral = np.empty(n)
    integral[0] = 0.0
    np.cumsum(np.diff(d) * (a[1:] + a[:-1]) * 0.5, out=integral[1:])
    first = int(np.searchsorted(d, d[0] + 1.0, side="left"))  # d is non-decreasing: r < 1 only at the ends
    last = int(np.searchsorted(d, d[-1] - 1.0, side="right")) - 1
    if first > last:
        return np.zeros(n)
    r = np.minimum(np.minimum(d - d[0], d[-1] - d), window_m)
    np.maximum(r, 1.0, out=r)
    g = (np.interp(d + r, d, integral) - 2 * integral + np.interp(d - r, d, integral)) / (r * r)
    g[:first], g[last + 1:] = g[first], g[last]
    return g


def _best(seconds: np.ndarray, values: np.ndarray) -> dict[int, float]:
    """Best mean of `values` over each BEST_EFFORT_S duration, on intervals of `seconds` joined end to end:
    the cumulative sum is sampled once a second of moving time (linear within an interval) and each duration's
    best is the largest difference of two samples that far apart."""
    if not len(seconds):
        return {}
    if len(seconds) < BEST_EFFORT_S[0] and float(np.sum(seconds)) < BEST_EFFORT_S[0]:
        return {}
    if np.all(seconds == 1.0):  # a record every second (most watches): the sum is already on the grid
        work = np.empty(len(seconds) + 1)
        work[0] = 0.0
        np.cumsum(values, out=work[1:])
        whole = len(seconds)
    else:
        t = np.concatenate(([0.0], np.cumsum(seconds)))
        whole = int(t[-1] + 1e-9)
        if whole < BEST_EFFORT_S[0]:
            return {}
        work = np.interp(np.arange(whole + 1, dtype=np.float64), t,
                         np.concatenate(([0.0], np.cumsum(values * seconds))))
    return {duration: round(float(np.max(work[duration:] - work[:-duration])) / duration, 4)
            for duration in BEST_EFFORT_S if duration <= whole}


def _hist(keys: np.ndarray, seconds: np.ndarray) -> dict[int, float]:
    if not len(keys):
        return {}
    counts = np.bincount(keys, weights=seconds)
    nz = np.flatnonzero(counts)
    return {int(k): round(float(counts[k]), 3) for k in nz}


def summarise(t_s: np.ndarray, *, speed: np.ndarray | None = None, distance: np.ndarray | None = None,
              altitude: np.ndarray | None = None, power: np.ndarray | None = None,
              lat: np.ndarray | None = None, lon: np.ndarray | None = None, incline: np.ndarray | None = None,
              flat: bool = False, foot: bool = True) -> Intensity:
    """The intensity of one session from its points (see the module docstring). Arrays of one length, NaN
    where a point lacks the value; `t_s` seconds on any clock, in any order (sorted here). `flat`: a treadmill
    or an indoor run, whose altitude is no slope; `incline` the recorded grade (fraction) where a file has
    one; `foot`: a sport scored as running (FOOT_SPORTS), else no GAS bins."""
    t = np.asarray(t_s, dtype=np.float64)
    out = Intensity()
    if len(t) < 2:
        return out
    if np.any(t[1:] < t[:-1]):  # real files repeat and reorder records now and then
        order = np.argsort(t, kind="stable")
        t = t[order]
        speed, distance, altitude, power, lat, lon, incline = (
            None if a is None else np.asarray(a)[order] for a in (speed, distance, altitude, power, lat, lon, incline))
    ok_t = np.isfinite(t)
    if not ok_t.all():
        keep = ok_t
        t = t[keep]
        speed, distance, altitude, power, lat, lon, incline = (
            None if a is None else np.asarray(a)[keep] for a in (speed, distance, altitude, power, lat, lon, incline))
        if len(t) < 2:
            return out
    dt = np.diff(t)
    speed, distance, altitude, power, incline = map(_finite, (speed, distance, altitude, power, incline))
    if distance is None and lat is not None and lon is not None:
        distance = _finite(track_distance(lat, lon))
    if distance is not None:
        distance = _fill(t, distance)
        if np.any(distance[1:] < distance[:-1]):  # a GPS or footpod glitch: never backwards
            distance = np.maximum.accumulate(distance)
    v = np.full(len(dt), np.nan) if speed is None else speed[1:]
    if distance is not None and (speed is None or not np.isfinite(v).all()):
        from_distance = np.diff(distance) / np.where(dt > 0, dt, 1.0)
        v = np.where(np.isfinite(v), v, from_distance)
    if distance is None and speed is not None:
        distance = np.concatenate(([0.0], np.cumsum(np.nan_to_num(v) * dt)))
    gap_ok = (dt > 0) & (dt <= MAX_GAP_S)
    has_v = np.isfinite(v)
    moving = gap_ok & has_v & (v >= MOVING_SPEED_M_S) & (v <= plausible.MAX_SPEED_MPS["running"])
    p = None
    if power is not None:
        p = power[1:]
        p_ok = np.isfinite(p) & (p > 0) & (p <= MAX_POWER_W)  # 0 while moving: no sensor (a pod not worn)
        moving |= gap_ok & ~has_v & p_ok
    if foot and has_v.any():
        grade = np.zeros(len(t))
        if incline is not None:
            grade = np.nan_to_num(_fill(t, incline))
        elif not flat and altitude is not None and distance is not None:
            grade = grades(distance, _fill(t, altitude))
        m = moving & has_v
        gas = v[m]
        if grade.any():  # a treadmill or a run without altitude is flat: GAS is the speed
            gas = gas * (running_cost(np.clip(grade[1:][m], -MAX_GRADE, MAX_GRADE)) / running_cost(0.0))
        keys = np.floor(gas / GAS_BIN_M_S + _EPS_BIN).astype(np.int64)
        out.gas_hist = _hist(keys, dt[m])
        out.best_gas_m_s = _best(dt[m], gas)
    if p is not None:
        m = moving & p_ok
        keys = np.floor(p[m] / POWER_BIN_W + _EPS_BIN).astype(np.int64)
        out.power_hist = _hist(keys, dt[m])
        out.best_power_w = _best(dt[m], p[m])
    return out


__all__ = ["EARTH_RADIUS_M", "FOOT_SPORTS", "MAX_POWER_W", "ONE_DEGREE_M", "Intensity", "grades", "summarise",
           "track_distance"]
