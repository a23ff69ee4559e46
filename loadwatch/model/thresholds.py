"""Thresholds as of each day, from the athlete's own data: critical speed and critical power, HRmax, HRrest.

Pure functions of the sessions frame (and the resting-HR records, where an export had them) and a
`Profile`. Every threshold of a session's day is worked out from the data *up to and including that day*
and no later, so a past week's load never changes when a new best or a new maximum arrives; a value the
user set in the profile wins over every estimate.

- **Critical speed (CS, the threshold of the pace load)**: the two-parameter critical-speed model,
  distance = CS x t + D', fitted by least squares over the athlete's best grade-adjusted efforts of
  3 to 20 minutes (`CS_DURATIONS_S`) in the 90 days up to the day (the best of each duration over every run
  of the window). The model is Monod & Scherrer's critical power (Ergonomics 1965;8:329-338) in its
  distance-time form, reviewed by Hill (Sports Med 1993;16:237-254) and Jones & Vanhatalo (Sports Med
  2017;47 Suppl 1:65-78), whose 2-20 minute range of efforts we follow; all three read second-hand. That it
  can be taken from training data rather than from time trials: Smyth & Muniz-Pumares, MSSE 2020;52:2637-2645
  (abstract read first-hand: best grade-adjusted efforts over 400-5000 m of >25,000 runners' logs gave a
  linear distance-time relationship, R^2 0.9999). Runs only (grade-adjusted speed is a running measure).
  When the fit has no positive slope or a negative D' (efforts that were not all-out), CS is the best mean
  speed over the longest of those durations: what the athlete did hold.
- **Critical power (CP)**: the same fit over the best mean power (`best_power_w`), per sport family
  (running power and cycling power are different scales: `family`).
- **HRmax**: per session, the highest bpm held for at least HR_MIN_SECONDS (the session's max_hr where it has
  no histogram), over the 365 days up to the day; the highest of those, unless it stands more than
  HR_SPIKE_GAP_BPM above every other session's (one artefact spike: a GPX file's 203 bpm among runs that
  peak at 186), then the second highest.
- **HRrest**: the median of the watch's or phone's resting-HR records (FIT monitoring, Apple
  RestingHeartRate) of the 30 days up to the day (or of the 30 days up to the latest record, when none is that
  recent but one is within a year); without records, the 5th percentile of the held bpm below 60 in the
  year's sessions, else 60 bpm (the rule before these records were read).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from ..config import Profile
from ..intensity import BEST_EFFORT_S

CS_DURATIONS_S = tuple(d for d in BEST_EFFORT_S if 180 <= d <= 1200)  # 3-20 min: (180, 300, 600, 720, 1200)
CS_WINDOW_DAYS = 90  # best efforts of the last 90 days
CS_MIN_DURATIONS = 2  # a line needs two durations
HR_MAX_WINDOW_DAYS = 365
HR_SPIKE_GAP_BPM = 10.0  # a lone session maximum this far above all others is an artefact
HR_MAX_DEFAULT = 190.0  # no heart rate of 100-230 bpm seen at all
HR_PLAUSIBLE = (100.0, 230.0)  # a session maximum outside this is no HRmax
HR_REST_WINDOW_DAYS = 30
HR_REST_DEFAULT = 60.0
HR_MIN_SECONDS = 5.0  # a bpm must be held this long to count for HRmax/HRrest estimates (drops spikes)
HR_REST_PERCENTILE = 5.0
THRESHOLD_KEYS = ("critical_speed_m_s", "critical_power_w", "critical_power_bike_w", "hr_max_bpm", "hr_rest_bpm")
POWER_FAMILIES = {"running": "critical_power_w", "cycling": "critical_power_bike_w"}  # the profile key of each
PACE_FAMILY = "running"


def family(sport: str | None) -> str:
    """The sport family a threshold belongs to: "running" (any sport naming 'run', as `load.is_run`),
    "cycling" (cycling, biking, e-biking, riding), else the sport itself."""
    s = (sport or "").lower()
    if "run" in s:
        return "running"
    if "cycl" in s or "bik" in s or "rid" in s:
        return "cycling"
    return s


def families(sport: pd.Series) -> np.ndarray:
    """`family` of every sport, as an object array (worked out once per distinct sport)."""
    codes, names = pd.factorize(pd.Series(sport, dtype=object), use_na_sentinel=False)
    per_name = np.array([family(s if isinstance(s, str) else None) for s in names], dtype=object)
    return per_name[codes] if len(codes) else np.zeros(0, dtype=object)


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def day_ordinals(days: pd.Series | list[Any]) -> np.ndarray:
    """The proleptic Gregorian ordinal (`date.toordinal`) of each day (dates, timestamps or ISO strings)."""
    if not len(days):
        return np.zeros(0, dtype=np.int64)
    as_days = pd.to_datetime(pd.Series(days)).to_numpy().astype("datetime64[D]")
    return as_days.astype(np.int64) + _EPOCH_ORDINAL


def critical_fit(best: Mapping[int, float]) -> tuple[float, float] | None:
    """(CS or CP, D' or W') from the best mean speed (m/s) or power (W) over each duration in seconds.

    Two-parameter model: work (distance, or joules) = CS x t + D', least squares over the durations of
    CS_DURATIONS_S that have a value. None with fewer than CS_MIN_DURATIONS. A fit with no positive slope or
    a negative intercept (efforts that were not all-out) gives (the best over the longest duration, 0).
    Worked example: 3 min at 4.5 m/s and 12 min at 4.0 m/s -> 810 m and 2,880 m: CS = 2,070 / 540 = 3.833 m/s,
    D' = 810 - 3.833 x 180 = 120 m."""
    values, reserves = _fits(np.array([[float(best[d]) if _finite(best.get(d)) else np.nan for d in CS_DURATIONS_S]]))
    return None if np.isnan(values[0]) else (float(values[0]), float(reserves[0]))


_T = np.array(CS_DURATIONS_S, dtype=float)


def _fits(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`critical_fit` of each row of bests (rows x CS_DURATIONS_S, NaN where none): (CS or CP, D' or W'), NaN
    where a row has values for fewer than CS_MIN_DURATIONS durations. The sums add the missing durations as
    exact zeros, so each row's arithmetic is that of its own durations alone."""
    ok = np.isfinite(v)
    count = ok.sum(axis=1)
    fitted = count >= CS_MIN_DURATIONS
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(ok, _T, 0.0)
        work = np.where(ok, v * _T, 0.0)
        t_mean = t.sum(axis=1) / count
        work_mean = work.sum(axis=1) / count
        dt = np.where(ok, _T - t_mean[:, None], 0.0)
        slope = (dt * np.where(ok, work - work_mean[:, None], 0.0)).sum(axis=1) / (dt * dt).sum(axis=1)
        intercept = work_mean - slope * t_mean
    longest = np.where(ok, v, np.nan)[np.arange(len(v)), np.where(ok.any(axis=1), _T.size - 1 - np.argmax(
        ok[:, ::-1], axis=1), 0)]  # the best over the longest duration with a value
    not_all_out = (slope <= 0) | (intercept < 0)
    value = np.where(not_all_out, longest, slope)
    reserve = np.where(not_all_out, 0.0, intercept)
    return np.where(fitted, value, np.nan), np.where(fitted, reserve, np.nan)


def _finite(value: Any) -> bool:
    return value is not None and isinstance(value, (int, float)) and bool(np.isfinite(value)) and value > 0


@dataclass(frozen=True, slots=True)
class Estimate:
    """One threshold as of a day: its value (None: none could be made), where it came from ("profile": set by
    the user; "data": estimated; "default": a stand-in), what it rests on in words, how many sessions or
    records, and the dates of the first and last of them."""

    key: str
    value: float | None
    as_of: date
    source: str
    basis: str
    n: int = 0
    first: date | None = None
    last: date | None = None

    def as_json(self) -> dict[str, object]:
        value = None if self.value is None else round(float(self.value), 3)
        return {"value": value, "as_of": self.as_of.isoformat(), "from": self.basis, "source": self.source,
                "n": self.n, "first": self.first.isoformat() if self.first else None,
                "last": self.last.isoformat() if self.last else None}


# -- the data behind the estimates, gathered once ----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class History:
    """Sessions sorted by day: day ordinals, families, best efforts, session HR maxima and held bpm."""

    ordinal: np.ndarray  # day ordinal per session, ascending
    day: np.ndarray  # datetime.date per session
    family: np.ndarray
    best_gas: np.ndarray  # n x len(CS_DURATIONS_S), NaN where none
    best_power: np.ndarray
    hr_top: np.ndarray  # highest held bpm (or max_hr) per session, NaN without HR
    low_bpm: np.ndarray  # held bpm in [30, 60): flattened, session by session
    low_offsets: np.ndarray  # start of each session's low bpm in low_bpm (n + 1)
    rest_ordinal: np.ndarray  # resting-HR record days, ascending
    rest_bpm: np.ndarray


def _best_matrix(column: pd.Series | None, n: int) -> np.ndarray:
    out = np.full((n, len(CS_DURATIONS_S)), np.nan)
    if column is None:
        return out
    for i, best in enumerate(column):
        if isinstance(best, dict) and best:
            for j, d in enumerate(CS_DURATIONS_S):
                value = best.get(d)
                if value is not None and _finite(value):
                    out[i, j] = float(value)
    return out


def history(sessions: pd.DataFrame, resting_hr: pd.DataFrame | None = None) -> History:
    """The data every estimate rests on, gathered once (sessions sorted by day). A threshold as of a day reads
    only the rows up to that day from it, so one history serves every day."""
    n = len(sessions)
    days = pd.to_datetime(sessions["day"]) if n else pd.Series(dtype="datetime64[ns]")
    order = np.argsort(days.to_numpy(), kind="stable")
    frame = sessions.iloc[order]
    ordinal = day_ordinals(days.iloc[order])
    day = np.array([date.fromordinal(int(d)) for d in ordinal], dtype=object)
    hists = [h if isinstance(h, dict) else {} for h in frame["hr_hist"]] if n and "hr_hist" in frame \
        else [{}] * n
    lens = np.fromiter((len(h) for h in hists), dtype=np.int64, count=n)
    total = int(lens.sum())
    bpm = np.fromiter(chain.from_iterable(hists), dtype=float, count=total)
    secs = np.fromiter(chain.from_iterable(h.values() for h in hists), dtype=float, count=total)
    owner = np.repeat(np.arange(n), lens)
    held = secs >= HR_MIN_SECONDS
    top_ok = held & (bpm >= HR_PLAUSIBLE[0]) & (bpm <= HR_PLAUSIBLE[1])
    hr_top = np.full(n, -np.inf)
    np.maximum.at(hr_top, owner[top_ok], bpm[top_ok])
    hr_top[~np.isfinite(hr_top)] = np.nan
    max_col = frame["max_hr"].to_numpy(dtype=float) if n and "max_hr" in frame else np.full(n, np.nan)
    plausible_max = np.where((max_col >= HR_PLAUSIBLE[0]) & (max_col <= HR_PLAUSIBLE[1]), max_col, np.nan)
    hr_top = np.where(lens > 0, hr_top, plausible_max)
    low = held & (bpm >= 30) & (bpm < HR_REST_DEFAULT)
    low_bpm = bpm[low]  # in session order, as owner is
    offsets = np.zeros(n + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(np.bincount(owner[low], minlength=n)) if n else []
    if resting_hr is not None and len(resting_hr):
        rest = resting_hr.dropna(subset=["bpm"]).sort_values("day")
        rest_ord = day_ordinals(rest["day"])
        rest_bpm = rest["bpm"].to_numpy(dtype=float)
    else:
        rest_ord, rest_bpm = np.zeros(0, np.int64), np.zeros(0)
    fam = families(frame["sport"]) if n else np.zeros(0, dtype=object)
    return History(ordinal, day, fam, _best_matrix(frame.get("best_gas_m_s"), n),
                    _best_matrix(frame.get("best_power_w"), n),
                    hr_top, low_bpm, offsets, rest_ord, rest_bpm)


def _windows(ordinal: np.ndarray, days: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """`_window` of each day: the (start, stop) rows of the `length` days ending on it."""
    return ordinal.searchsorted(days - length + 1, "left"), ordinal.searchsorted(days, "right")


class _RangeTop:
    """Where the highest value of any run of rows lies, in constant time per query (a sparse table: level k holds
    the row of the highest value of the 2^k rows from each row on). NaN counts as below every value; ties go
    to the earlier row."""

    def __init__(self, values: np.ndarray) -> None:
        self.v = np.where(np.isfinite(values), values, -np.inf)
        n = len(self.v)
        self.levels = [np.arange(n)]
        while (2 << (len(self.levels) - 1)) <= n:
            prev, half = self.levels[-1], 1 << (len(self.levels) - 1)
            a, b = prev[:n - 2 * half + 1], prev[half:n - half + 1]
            self.levels.append(np.where(self.v[a] >= self.v[b], a, b))

    def argmax(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """The row of the highest value in rows lo..hi-1 of each query; -1 where the run is empty."""
        out = np.full(len(lo), -1, dtype=np.int64)
        some = hi > lo
        level = np.zeros(len(lo), dtype=np.int64)
        level[some] = np.log2(hi[some] - lo[some]).astype(np.int64)  # exact for whole numbers below 2^53
        for k in np.unique(level[some]):
            sel = some & (level == k)
            a, b = self.levels[k][lo[sel]], self.levels[k][hi[sel] - (1 << int(k))]
            out[sel] = np.where(self.v[a] >= self.v[b], a, b)
        return out

    def _at(self, at: np.ndarray) -> np.ndarray:
        """The value at each row (NaN for -1, no row)."""
        got = self.v[np.maximum(at, 0)] if len(self.v) else np.full(len(at), -np.inf)
        got = np.where(at >= 0, got, -np.inf)
        return np.where(np.isfinite(got), got, np.nan)

    def top(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """The highest value in each run of rows (NaN where it holds none)."""
        return self._at(self.argmax(lo, hi))

    def top_two(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The highest and the second-highest value in each run of rows (NaN where there are not so many)."""
        at = self.argmax(lo, hi)
        first = self._at(at)
        second = np.fmax(self.top(lo, np.where(at >= 0, at, lo)), self.top(np.where(at >= 0, at + 1, hi), hi))
        return first, second


def _window(ordinal: np.ndarray, day: int, days: int) -> slice:
    """The rows of the `days` days ending on `day` (inclusive) in an ascending ordinal array."""
    return slice(int(ordinal.searchsorted(day - days + 1, "left")), int(ordinal.searchsorted(day, "right")))


# -- one threshold as of one day ------------------------------------------------------------------------------
def _window_tops(h: History, best: np.ndarray, fam: str, days: np.ndarray) -> np.ndarray:
    """The best of each duration over the `fam` sessions of the CS_WINDOW_DAYS to each day (days x
    CS_DURATIONS_S, NaN where none)."""
    lo, hi = _windows(h.ordinal, days, CS_WINDOW_DAYS)
    mine = np.where((h.family == fam)[:, None], best, np.nan)
    return np.column_stack([_RangeTop(mine[:, j]).top(lo, hi) for j in range(len(CS_DURATIONS_S))])


def _critical_values(h: History, best: np.ndarray, fam: str, days: np.ndarray) -> np.ndarray:
    """CS (or CP) of `fam` as of each day (NaN where none): `_fits` over `_window_tops`."""
    return _fits(_window_tops(h, best, fam, days))[0]


def _critical(h: History, best: np.ndarray, fam: str, day: int, key: str, unit: str) -> Estimate:
    as_of = date.fromordinal(day)
    what = "speed" if unit == "m/s" else "power"
    window = _window(h.ordinal, day, CS_WINDOW_DAYS)
    mine = (h.family[window] == fam) & np.isfinite(best[window]).any(axis=1)  # the sessions it rests on
    if not mine.any():
        return Estimate(key, None, as_of, "none", f"no {fam} session with a best {what} of 3-20 min in the"
                        f" {CS_WINDOW_DAYS} days to {as_of}")
    values, reserves = _fits(_window_tops(h, best, fam, np.array([day])))
    used = h.day[window][mine]
    n = int(mine.sum())
    if np.isnan(values[0]):
        return Estimate(key, None, as_of, "none", f"{n} {fam} session(s) in the {CS_WINDOW_DAYS} days to {as_of},"
                        " but best efforts of fewer than two durations of 3-20 min", n, used[0], used[-1])
    value, reserve = float(values[0]), float(reserves[0])
    basis = (f"two-parameter critical {what} fit over the best efforts of 3-20 min of {n} {fam} session(s)"
             f" in the {CS_WINDOW_DAYS} days to {as_of}")
    basis += f" (D' {reserve:.0f} m)" if unit == "m/s" else f" (W' {reserve / 1000:.1f} kJ)"
    if reserve == 0.0:
        basis = (f"best mean {what} over the longest of 3-20 min held in {n} {fam} session(s) in the"
                 f" {CS_WINDOW_DAYS} days to {as_of} (no all-out efforts to fit a line to)")
    return Estimate(key, value, as_of, "data", basis, n, used[0], used[-1])


def _hr_max_values(h: History, days: np.ndarray) -> np.ndarray:
    """HRmax as of each day: the highest session maximum of the HR_MAX_WINDOW_DAYS to it, or the second highest
    where the highest stands more than HR_SPIKE_GAP_BPM above it (an artefact); HR_MAX_DEFAULT without any."""
    lo, hi = _windows(h.ordinal, days, HR_MAX_WINDOW_DAYS)
    first, second = _RangeTop(h.hr_top).top_two(lo, hi)
    spike = np.isfinite(second) & (first - second > HR_SPIKE_GAP_BPM)
    return np.where(np.isnan(first), HR_MAX_DEFAULT, np.where(spike, second, first))


def _hr_max(h: History, day: int) -> Estimate:
    rows = _window(h.ordinal, day, HR_MAX_WINDOW_DAYS)
    tops = h.hr_top[rows]
    ok = np.isfinite(tops)
    as_of = date.fromordinal(day)
    value = float(_hr_max_values(h, np.array([day]))[0])
    if not ok.any():
        return Estimate("hr_max_bpm", value, as_of, "default",
                        f"no heart rate of {HR_PLAUSIBLE[0]:.0f}-{HR_PLAUSIBLE[1]:.0f} bpm held in the year to {as_of}")
    used = h.day[rows][ok]
    n = int(ok.sum())
    top = float(tops[ok].max())
    if value < top:
        return Estimate("hr_max_bpm", value, as_of, "data",
                        f"the second-highest session maximum of {n} session(s) in the year to {as_of}: the highest,"
                        f" {top:.0f} bpm, stands more than {HR_SPIKE_GAP_BPM:.0f} bpm above all others"
                        " (an artefact)", n, used[0], used[-1])
    return Estimate("hr_max_bpm", value, as_of, "data",
                    f"the highest heart rate held {HR_MIN_SECONDS:.0f} s or more in {n} session(s) in the year to"
                    f" {as_of}", n, used[0], used[-1])


def _hr_rest_values(h: History, days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """HRrest as of each day, what it rests on ("records", "sessions" or "default") and the rows it rests on
    (start, stop: of the resting-HR records, else of the sessions).

    The median of the resting-HR records of the HR_REST_WINDOW_DAYS to the day, or of the same span up to the
    latest record when none is that recent but one is within HR_MAX_WINDOW_DAYS; else the HR_REST_PERCENTILE
    of the held bpm below HR_REST_DEFAULT in the sessions of the year to the day; else HR_REST_DEFAULT."""
    lo, hi = _windows(h.rest_ordinal, days, HR_REST_WINDOW_DAYS)
    if len(h.rest_ordinal):
        last = h.rest_ordinal[np.maximum(hi - 1, 0)]
        earlier = (lo == hi) & (hi > 0) & (days - last < HR_MAX_WINDOW_DAYS)
        lo[earlier], hi[earlier] = _windows(h.rest_ordinal, last[earlier], HR_REST_WINDOW_DAYS)
    records = hi > lo
    slo, shi = _windows(h.ordinal, days, HR_MAX_WINDOW_DAYS)
    a, b = h.low_offsets[slo], h.low_offsets[shi]
    sessions = ~records & (b > a)
    value = np.full(len(days), HR_REST_DEFAULT)
    if records.any():  # one record per day: at most HR_REST_WINDOW_DAYS of them, padded side by side
        starts, sizes = lo[records], hi[records] - lo[records]
        at = starts[:, None] + np.arange(int(sizes.max()))
        padded = np.where(at < hi[records][:, None], h.rest_bpm[np.minimum(at, len(h.rest_bpm) - 1)], np.nan)
        value[records] = np.nanmedian(padded, axis=1)
    for i in np.flatnonzero(sessions):
        value[i] = float(np.percentile(h.low_bpm[a[i]:b[i]], HR_REST_PERCENTILE))
    basis = np.where(records, "records", np.where(sessions, "sessions", "default"))
    return value, basis, np.where(records, lo, slo), np.where(records, hi, shi)


def _hr_rest(h: History, day: int) -> Estimate:
    as_of = date.fromordinal(day)
    values, bases, starts, stops = _hr_rest_values(h, np.array([day]))
    value, basis, rows = float(values[0]), str(bases[0]), slice(int(starts[0]), int(stops[0]))
    if basis == "records":
        first = date.fromordinal(int(h.rest_ordinal[rows.start]))
        last = date.fromordinal(int(h.rest_ordinal[rows.stop - 1]))
        n = rows.stop - rows.start
        return Estimate("hr_rest_bpm", value, as_of, "data",
                        f"the median of {n} resting-HR record(s) of your watch or phone, {first} to {last}",
                        n, first, last)
    if basis == "sessions":
        return Estimate("hr_rest_bpm", value, as_of, "data",
                        f"the {HR_REST_PERCENTILE:.0f}th percentile of the heart rates below {HR_REST_DEFAULT:.0f} bpm"
                        f" held in your sessions of the year to {as_of} (no resting-HR records)",
                        int(rows.stop - rows.start), h.day[rows.start], h.day[rows.stop - 1])
    return Estimate("hr_rest_bpm", value, as_of, "default",
                    f"a stand-in: no resting-HR records and no session heart rate below {HR_REST_DEFAULT:.0f} bpm")


def _from_profile(key: str, value: float, as_of: date) -> Estimate:
    return Estimate(key, float(value), as_of, "profile", "set in your profile (it wins over any estimate)")


def _estimate(h: History, key: str, day: int, profile: Profile) -> Estimate:
    as_of = date.fromordinal(day)
    set_value = getattr(profile, key, None)
    if isinstance(set_value, (int, float)):
        return _from_profile(key, float(set_value), as_of)
    if key == "hr_max_bpm":
        return _hr_max(h, day)
    if key == "hr_rest_bpm":
        return _hr_rest(h, day)
    if key == "critical_speed_m_s":
        return _critical(h, h.best_gas, PACE_FAMILY, day, key, "m/s")
    fam = next(f for f, k in POWER_FAMILIES.items() if k == key)
    return _critical(h, h.best_power, fam, day, key, "W")


def _values(h: History, key: str, days: np.ndarray, profile: Profile) -> np.ndarray:
    """`key` as of each day, as `_estimate` gives it without the words (the per-session path)."""
    set_value = getattr(profile, key, None)
    if isinstance(set_value, (int, float)):
        return np.full(len(days), float(set_value))
    if key == "hr_max_bpm":
        return _hr_max_values(h, days)
    if key == "hr_rest_bpm":
        return _hr_rest_values(h, days)[0]
    if key == "critical_speed_m_s":
        return _critical_values(h, h.best_gas, PACE_FAMILY, days)
    fam = key[3:] if key.startswith("cp:") else next(f for f, k in POWER_FAMILIES.items() if k == key)
    return _critical_values(h, h.best_power, fam, days)


def estimates(sessions: pd.DataFrame, profile: Profile, as_of: date, resting_hr: pd.DataFrame | None = None, *,
              data: History | None = None, keys: tuple[str, ...] = THRESHOLD_KEYS) -> dict[str, Estimate]:
    """Every threshold (or those of `keys`) as of `as_of` (data after it ignored), keyed as in THRESHOLD_KEYS:
    `loadwatch profile`. `data`: the `history` of these sessions and records when the caller has it already."""
    h = data if data is not None else history(sessions, resting_hr)
    return {key: _estimate(h, key, as_of.toordinal(), profile) for key in keys}


def session_thresholds(sessions: pd.DataFrame, profile: Profile, resting_hr: pd.DataFrame | None = None, *,
                       data: History | None = None) -> pd.DataFrame:
    """Each session's thresholds as of its own day, indexed like `sessions`.

    Columns: cs_m_s (runs with a pace histogram), cp_w (the critical power of the session's sport family, for
    sessions with a power histogram), hr_max_bpm, hr_rest_bpm (sessions with heart rate); NaN where none can be
    made or the session has nothing to apply it to. Worked out once per distinct day (and family), each with
    the data up to that day only."""
    n = len(sessions)
    out = pd.DataFrame({"cs_m_s": np.full(n, np.nan), "cp_w": np.full(n, np.nan), "hr_max_bpm": np.full(n, np.nan),
                        "hr_rest_bpm": np.full(n, np.nan)}, index=sessions.index)
    if not n:
        return out
    h = data if data is not None else history(sessions, resting_hr)
    ords = day_ordinals(sessions["day"])
    fams = families(sessions["sport"])

    def per_day(key: str, rows: np.ndarray, into: np.ndarray) -> None:
        """`key` as of the day of each session in `rows`, worked out once per distinct day."""
        if rows.any():
            days, which = np.unique(ords[rows], return_inverse=True)
            into[rows] = _values(h, key, days, profile)[which]

    hr = has_entries(sessions, "hr_hist") | \
        np.isfinite(sessions["avg_hr"].to_numpy(dtype=float) if "avg_hr" in sessions else np.full(n, np.nan))
    gas = has_entries(sessions, "gas_hist")
    power = has_entries(sessions, "power_hist")
    cs, cp, hmax, hrest = (np.full(n, np.nan) for _ in range(4))
    per_day("critical_speed_m_s", gas & (fams == PACE_FAMILY), cs)
    for fam in set(fams[power]):
        per_day(POWER_FAMILIES.get(fam, f"cp:{fam}"), power & (fams == fam), cp)
    per_day("hr_max_bpm", hr, hmax)
    per_day("hr_rest_bpm", hr, hrest)
    out["cs_m_s"], out["cp_w"], out["hr_max_bpm"], out["hr_rest_bpm"] = cs, cp, hmax, hrest
    return out


def has_entries(frame: pd.DataFrame, col: str) -> np.ndarray:
    """Whether each row's `col` holds a non-empty dict (a histogram, best efforts); all False without it."""
    if col not in frame:
        return np.zeros(len(frame), dtype=bool)
    return np.fromiter((isinstance(x, dict) and len(x) > 0 for x in frame[col]), dtype=bool, count=len(frame))


def pace_text(speed_m_s: float) -> str:
    """A speed as a running pace, min:s per km (3.85 m/s -> '4:20 /km')."""
    secs = round(1000.0 / speed_m_s)
    return f"{secs // 60}:{secs % 60:02d} /km"


__all__ = ["CS_DURATIONS_S", "CS_WINDOW_DAYS", "HR_MAX_WINDOW_DAYS", "HR_REST_WINDOW_DAYS", "HR_SPIKE_GAP_BPM",
           "POWER_FAMILIES", "THRESHOLD_KEYS", "Estimate", "History", "critical_fit", "day_ordinals", "estimates",
           "families", "family", "has_entries", "history",
           "pace_text", "session_thresholds"]
