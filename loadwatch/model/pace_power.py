"""Load without a heart-rate strap: pace and power loads in the manner of rTSS/GOVSS, and their calibration to TRIMP.

**The load** (points; 100 = one hour at the threshold): per bin of the session's histogram of
grade-adjusted speed (`gas_hist`, GAS in m/s, `loadwatch.intensity`) or of power (`power_hist`, W),
hours x IF^2 x 100 with IF = the bin's speed / critical speed (or power / critical power), summed over the
bins. The form is TrainingPeaks' TSS (hours x IF^2 x 100, IF = NP/FTP) as its running variant rTSS uses it
with IF = normalised graded pace / threshold pace (rTSS read second-hand: TrainingPeaks documents it
behind its help pages; K. Karsten's blog "Running TSS", 2008, and calculators that copy it); Skiba's GOVSS
is the same with Minetti's energy cost of running on a slope turned into power, a 120 s / 30 s rolling
4th-power mean (lactate-normalised power) and threshold = the power at critical velocity: GOVSS = hours x
(LNP/RTP)^2 x 100 (Skiba's "govss.pdf" read second-hand, through GoldenCheetah's src/Metrics/GOVSS.cpp,
read first-hand, which cites it and codes C(i) = 155.4 i^5 - 30.4 i^4 - 43.3 i^3 + 46.3 i^2 + 19.5 i + 3.6 from
Minetti et al., J Appl Physiol 2002;93:1039-1046, itself read second-hand). Stryd's Running Stress Score
sums a per-second (P/CP)^k in the same way (blog.stryd.com, 2017, read first-hand).

What differs here, and why: the store keeps histograms, not streams, so there is no rolling window to
normalise over; the sum per bin of IF^2 is the time-weighted mean of IF^2, which lies between the average-pace
score (intervals.icu's pace load: moving time x average GAP, which under-weights intervals) and the
4th-power normalised one. So 10 x 3 min at threshold with easy jogs scores more than a steady run at the same
average pace (worked in tests/model/test_load_without_hr.py), and a grade-adjusted bin makes the same pace
uphill score more than on the flat. Each bin is read at its middle: key k of `gas_hist` is
(k + 0.5) x GAS_BIN_M_S m/s, of `power_hist` (k + 0.5) x POWER_BIN_W W.

**One unit.** Points are not TRIMP. The PMC needs every session in one scale, so the points are mapped to
TRIMP per athlete, as intervals.icu fits its heart-rate model to each athlete and Strava fills in a power
load from Relative Effort for riders with at least 10 rides that have both (support.strava.com 216918477,
second-hand in our evidence notes): TRIMP = k x points, k = the median of TRIMP / points over the athlete's
own sessions with both a heart rate that covers them and the pace (or power) load, in the year up to the
session's day (a robust ratio through the origin: one odd session moves it little). With fewer than
CALIBRATION_MIN_SESSIONS such sessions, the generic mapping: 100 points = one hour at the threshold = the
TRIMP of one hour at HRr GENERIC_THRESHOLD_HRR = 0.85 (Banister: 60 x 0.85 x 0.64 e^(1.92 x 0.85) = 166.9 for
men, 60 x 0.85 x 0.86 e^(1.67 x 0.85) = 181.4 for women), so k = 1.669 (men) or 1.814 (women). HRr 0.85 at
the threshold is a loadwatch assumption (critical speed sits near the top of the heavy domain, commonly
85-90 % of the heart-rate reserve), not a measured constant: the fitted k replaces it as soon as the data allow.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd

from ..intensity import GAS_BIN_M_S, POWER_BIN_W
from .thresholds import day_ordinals

CALIBRATION_MIN_SESSIONS = 10  # fewer sessions with both: the generic mapping
CALIBRATION_WINDOW_DAYS = 365  # the sessions of the year up to the day
GENERIC_THRESHOLD_HRR = 0.85  # one hour at the threshold ~ one hour at this heart-rate reserve (assumption)
INTENSITY_COVERED_MIN = 0.5  # a histogram must cover this much of the moving time to score the session


def bin_points(hist_column: pd.Series | list[dict[int, float]], threshold: np.ndarray,
               bin_width: float) -> np.ndarray:
    """hours x IF^2 x 100 summed over each session's bins, IF = the bin's middle / the session's threshold.

    NaN where the session has no histogram or no threshold. E.g. one hour in GAS bin 39 (3.95 m/s) against CS
    3.95 m/s: 1 x 1^2 x 100 = 100 points."""
    hists = list(hist_column)
    n = len(hists)
    lens = np.fromiter((len(h) if isinstance(h, dict) else 0 for h in hists), dtype=np.int64, count=n)
    total = int(lens.sum())
    keys = np.fromiter(chain.from_iterable(h.keys() for h in hists if isinstance(h, dict)), dtype=float,
                       count=total)
    secs = np.fromiter(chain.from_iterable(h.values() for h in hists if isinstance(h, dict)), dtype=float,
                       count=total)
    owner = np.repeat(np.arange(n), lens)
    with np.errstate(invalid="ignore", divide="ignore"):
        intensity = (keys + 0.5) * bin_width / threshold[owner]
        per_bin = secs / 3600.0 * intensity**2 * 100.0
    points = np.bincount(owner, weights=np.nan_to_num(per_bin), minlength=n)
    usable = (lens > 0) & np.isfinite(threshold) & (threshold > 0)
    return np.where(usable, points, np.nan)


def hist_minutes(hist_column: pd.Series | list[dict[int, float]]) -> np.ndarray:
    """The minutes each histogram holds (0 without one)."""
    return np.array([sum(h.values()) / 60.0 if isinstance(h, dict) else 0.0 for h in hist_column], dtype=float)


def pace_points(gas_hist: pd.Series | list[dict[int, float]], cs_m_s: np.ndarray) -> np.ndarray:
    """The pace load in points per session, against each session's critical speed (`bin_points`)."""
    return bin_points(gas_hist, np.asarray(cs_m_s, dtype=float), GAS_BIN_M_S)


def power_points(power_hist: pd.Series | list[dict[int, float]], cp_w: np.ndarray) -> np.ndarray:
    """The power load in points per session, against each session's critical power (`bin_points`)."""
    return bin_points(power_hist, np.asarray(cp_w, dtype=float), POWER_BIN_W)


def scaled_to(points: np.ndarray, hist_min: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """Points of a histogram that covers at least INTENSITY_COVERED_MIN of the moving minutes, scaled up to them
    (a signal lost for part of a run counts as its average, as the heart rate's partial rule assumes); NaN where
    the histogram covers less. Never scaled down (a histogram may count a few more seconds than the file's
    moving time)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(hist_min > 0, np.maximum(1.0, minutes / hist_min), np.nan)
        covers = hist_min >= INTENSITY_COVERED_MIN * minutes
    return np.where(covers & np.isfinite(points), points * factor, np.nan)


def generic_factor(rate_at_threshold_per_min: float) -> float:
    """TRIMP per point of the generic mapping: 60 min x the TRIMP rate at HRr 0.85 / 100 points."""
    return 60.0 * rate_at_threshold_per_min / 100.0


def calibrate(days: pd.Series, trimp: np.ndarray, points: np.ndarray, hr_full: np.ndarray,
              generic: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TRIMP per point for every session as of its own day, the count of sessions it rests on, and whether it
    was fitted: the median of trimp / points over the sessions of the CALIBRATION_WINDOW_DAYS up to the day
    with both (heart rate covering the session, points > 0), when there are at least CALIBRATION_MIN_SESSIONS;
    else `generic`. A later session never changes an earlier one's factor."""
    n = len(trimp)
    both = hr_full & np.isfinite(points) & (points > 0) & np.isfinite(trimp)
    if not both.any():  # nothing to fit on: the generic mapping for every session
        return np.full(n, generic), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    ords = day_ordinals(days)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(both, trimp / points, np.nan)
    order = np.argsort(ords[both], kind="stable")
    pair_ord, pair_ratio = ords[both][order], ratio[both][order]
    day, which = np.unique(ords, return_inverse=True)  # one window per distinct day
    lo = pair_ord.searchsorted(day - CALIBRATION_WINDOW_DAYS + 1, "left")
    hi = pair_ord.searchsorted(day, "right")
    count_day = (hi - lo).astype(np.int64)
    factor_day = np.full(len(day), generic)
    for j in np.flatnonzero(count_day >= CALIBRATION_MIN_SESSIONS):
        factor_day[j] = float(np.median(pair_ratio[lo[j]:hi[j]]))
    factor, count = factor_day[which], count_day[which]
    return factor, count, count >= CALIBRATION_MIN_SESSIONS


__all__ = ["CALIBRATION_MIN_SESSIONS", "CALIBRATION_WINDOW_DAYS", "GENERIC_THRESHOLD_HRR", "INTENSITY_COVERED_MIN",
           "bin_points", "calibrate", "generic_factor", "hist_minutes", "pace_points", "power_points",
           "scaled_to"]
