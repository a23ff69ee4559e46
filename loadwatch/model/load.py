"""The load model: per-session load, daily and weekly series, PMC, ACWR, monotony/strain, spikes.

Pure functions of the store's frames and a `Profile`, vectorised pandas: no Python loop per day
(the status of a day, which puts these together with the flags, is `model.status`). Formulas
and sources:

- Banister TRIMP (Banister 1975; fellrnr "TRIMP"): sum over the heart-rate histogram of
  minutes x HRr x 0.64 e^(1.92 HRr) (men; 0.86 e^(1.67 HRr) women), HRr = (HR - HRrest)/(HRmax - HRrest)
  clipped to [0, 1].
- Session-RPE (Foster et al., JSCR 2001): CR-10 RPE x minutes, arbitrary units; the RPE is the user's
  (`log rpe`) or else the watch's own (`device_rpe`: FIT workout_rpe, Strava's perceived exertion).
- Without heart rate (issue 14): a power or pace load per histogram bin in the manner of TSS/rTSS/GOVSS,
  hours x IF^2 x 100 against critical power / critical speed (`model.pace_power`, sources there), with
  thresholds as of each session's day from the athlete's own best efforts (`model.thresholds`), mapped
  to TRIMP per athlete on their own sessions with both (else a documented generic mapping). The source
  of each session's load: the first available of heart rate, power, pace, RPE, duration, or the order a
  profile sets per sport (`load_orders`); HRmax and HRrest are also taken as of each day.
- PMC (Coggan): CTL_t = CTL_{t-1} + (L_t - CTL_{t-1})/42, ATL the same with 7, seeded at 0 the day
  before the first data (as TrainingPeaks and GoldenCheetah start); TSB_t = CTL_{t-1} - ATL_{t-1}, the
  form you start day t with, as TrainingPeaks and GoldenCheetah show it (with today's session in it a
  steady Sunday long run read about -15 where they read -4.5). CTL ramp = CTL_t - CTL_{t-7} (WKO4).
  Because the PMC starts from 0, the form rule waits for 42 days of history (`model.flags`).
- Missing is not zero: a day without a step count (--metric steps) and a day with a session without a
  logged RPE (--metric srpe) have an unknown load (NaN): the recursions hold through it, rolling means
  and monotony leave it out, a week's load counts it as the week's average known day.
- ACWR three ways: coupled rolling mean(t-6..t)/mean(t-27..t); uncoupled mean(t-6..t)/mean(t-27..t-7)
  (Windt & Gabbett 2019); EWMA with lambda = 2/(N+1), lambda_a = 0.25, lambda_c = 2/29 (Williams et al.,
  BJSM 2017), both seeded at the mean daily load of the first 28 days (the first chronic window), so a
  steady athlete reads 1.0 rather than a seed artefact (a seed of 0 gives 1.16 on day 28 of constant load).
  All three are NaN until 28 days of history exist (no chronic base).
  **The one shown (`acwr` in the weekly frame, and flagged) is the EWMA, averaged over the 7 days ending
  on the day** (`acwr_7d`): the daily EWMA rises on a long-run day and falls after it, so a Sunday value
  alone read 1.21-1.27 in every steady week with a Sunday long run; over any 7 days of a steady block the
  mean is 1.00 whichever day the long run falls on. The EWMA itself: Williams et al. proposed it because rolling
  averages weight a load 27 days ago like yesterday's and drop it off a cliff on day 29; the EWMA decays
  smoothly and is the same recursion as the PMC. It is shown as context only: the ratio's thresholds
  (Gabbett 2016) are disputed (Lolli 2019; Impellizzeri 2020) and RUNSAFE (Frandsen 2025) found no
  positive week-level association.
- Monotony = mean / SD of the 7 daily loads (sample SD, ddof=1), strain = weekly load x monotony
  (Foster, MSSE 1998). SD = 0 with training (identical days) and any value above it are capped at 10
  (fellrnr); a week without load has NaN monotony and NaN strain.
- Session spike (Frandsen et al., BJSM 2025): run distance / longest run in the 30 days before it - 1;
  none <= 10 % < small <= 30 % < moderate <= 100 % < large; none for a run without 30 days of history
  before it.
- Session load time basis: moving minutes (elapsed where a file has none), for TRIMP from an average
  HR, RPE, sRPE and the duration estimate alike (GoldenCheetah's basis).
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import chain

import numpy as np
import pandas as pd

from ..config import HR_RESERVE_MIN_BPM, LOAD_SOURCES, Profile, load_order
from ..errors import ConfigError
from ..models import Note
from ..units import METRICS
from . import pace_power, thresholds
from .pmc import acwr, history_days, monotony, pmc

TRIMP_COEFFICIENTS = {"male": (0.64, 1.92), "female": (0.86, 1.67)}  # Banister 1975
DURATION_HRR = 0.6  # the duration-based estimate: minutes at a moderate HRr of 0.6 (~1.2 TRIMP/min, men)
HR_COVERED_MIN = 0.75  # heart rate for less of the moving time than this: the rest is estimated (hr+duration)
SPIKE_WINDOW = pd.Timedelta(days=30)
MONOTONY_MIN_DAYS = 4  # monotony needs this many known days of its 7 (an unknown day is left out, not a 0)
SPIKE_BOUNDS = (0.10, 0.30, 1.00)  # Frandsen 2025: small > 10 %, moderate > 30 %, large > 100 %
SPIKE_CLASSES = ("none", "small", "moderate", "large")
SPIKED = SPIKE_CLASSES[1:]  # the classes that are spikes
SPIKE_THRESHOLDS = dict(zip(SPIKED, SPIKE_BOUNDS, strict=True))  # class -> the fraction it is above


def week_start(days: pd.DatetimeIndex | pd.Series) -> pd.DatetimeIndex | pd.Series:
    """The Monday of each day's ISO week (a DatetimeIndex or a datetime Series, kept as given)."""
    weekday = days.day_of_week if isinstance(days, pd.DatetimeIndex) else days.dt.day_of_week
    return days - pd.to_timedelta(weekday, unit="D")


def monday_of(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def is_spike(spike_class: pd.Series) -> pd.Series:
    """True where a session's spike class is one of SPIKED (small, moderate, large)."""
    return spike_class.isin(SPIKED)


def is_run(sport: pd.Series) -> pd.Series:
    """True for running sports (running, trail_running, treadmill ...): any sport naming 'run' (worked out once
    per distinct sport)."""
    codes, names = pd.factorize(sport)
    runs = np.array(["run" in str(name).lower() for name in names] + [False], dtype=bool)  # code -1: no sport
    return pd.Series(runs[codes], index=sport.index)


def trimp_rate(hrr: np.ndarray | float, sex: str | None) -> np.ndarray | float:
    """Banister TRIMP per minute at heart-rate reserve fraction `hrr`: HRr x a e^(b HRr)."""
    a, b = TRIMP_COEFFICIENTS.get(sex or "male", TRIMP_COEFFICIENTS["male"])
    return hrr * a * np.exp(b * hrr)


def _hr_notes(sessions: pd.DataFrame, profile: Profile, data: thresholds.History, notes: list[Note]) -> None:
    """Say which heart-rate bounds were estimated (their values as of the last day with heart rate)."""
    if profile.hr_max_bpm is not None and profile.hr_rest_bpm is not None:
        return
    with_hr = thresholds.has_entries(sessions, "hr_hist") | np.isfinite(sessions["avg_hr"].to_numpy(dtype=float))
    est = {}
    if with_hr.any():  # as of the last day with heart rate
        last = date.fromordinal(int(thresholds.day_ordinals(sessions["day"])[with_hr].max()))
        est = thresholds.estimates(sessions, profile, last, data=data, keys=("hr_max_bpm", "hr_rest_bpm"))
    if profile.hr_max_bpm is None and "hr_max_bpm" in est:
        e = est["hr_max_bpm"]
        notes.append(Note("hr", f"HRmax not set: estimated {e.value:.0f} bpm from your highest recorded heart rate"
                          f" as of {e.as_of} ({e.basis}; each session uses the estimate as of its own day; set it:"
                          " loadwatch profile --set hr_max_bpm=N)."))
    if profile.hr_rest_bpm is None and "hr_rest_bpm" in est:
        e = est["hr_rest_bpm"]
        notes.append(Note("hr", f"HRrest not set: assumed {e.value:.0f} bpm as of {e.as_of} ({e.basis}; set it:"
                          " loadwatch profile --set hr_rest_bpm=N)."))


def _dicts(frame: pd.DataFrame, col: str) -> list[dict]:
    if col not in frame:
        return [{} for _ in range(len(frame))]
    return [x if isinstance(x, dict) else {} for x in frame[col]]


def load_orders(sport: pd.Series, profile: Profile) -> np.ndarray:
    """Each session's order of load sources (`config.load_order`): load_priority_running for runs,
    load_priority_cycling for rides, load_priority otherwise (or where the sport's own is not set)."""
    default = load_order(profile.load_priority)
    by_family = {"running": load_order(profile.load_priority_running, ",".join(default))
                 if profile.load_priority_running else default,
                 "cycling": load_order(profile.load_priority_cycling, ",".join(default))
                 if profile.load_priority_cycling else default}
    fams = thresholds.families(sport) if len(sport) else np.zeros(0, dtype=object)
    out = np.empty(len(fams), dtype=object)
    for i, fam in enumerate(fams):
        out[i] = by_family.get(fam, default)
    return out


def session_loads(sessions: pd.DataFrame, profile: Profile, *,
                  resting_hr: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[Note]]:
    """Add the loads of every source, `load`, `load_source` and `loads` to a copy of `sessions`.

    Every minutes-based load counts *moving* minutes (`moving_s`, as GoldenCheetah does; the elapsed
    `duration_s` where a file gives no moving time), so a café stop is no training. Every threshold is the
    one as of the session's own day (`model.thresholds`: HRmax, HRrest, critical speed and power from the
    data up to that day, or the profile's value), so a later best never changes an earlier load.

    The loads, each in TRIMP units (NaN where the session does not allow it):
    load_trimp (heart rate): Banister TRIMP from `hr_hist` (or from avg_hr x moving minutes without a
    histogram). load_power / load_pace: the power and pace loads (`model.pace_power`: hours x IF^2 x 100 per
    bin against critical power / critical speed, grade-adjusted speed for runs) times the athlete's TRIMP per
    point (`pace_power.calibrate`: fitted on their own sessions with both, else the generic mapping).
    load_rpe: minutes x the TRIMP rate at HRr = RPE/10 (a CR-10 RPE mapped onto the heart-rate reserve), the
    RPE being the one the user logged (`log rpe`) or else the watch's (`device_rpe`). load_duration: moving
    minutes x the TRIMP rate at HRr 0.6 (a moderate effort; ~1.2/min for men). load_srpe: RPE x moving minutes
    (Foster 2001, arbitrary units: the srpe metric), NaN without an RPE.

    `load` takes the first available source in the session's order (`load_orders`; by default heart rate,
    power, pace, RPE, duration) and `load_source` says which: "trimp" (heart rate), "power", "pace", "srpe"
    (RPE), "duration"; heart rate for less than HR_COVERED_MIN of the moving time (a strap that dropped out)
    is "hr+power", "hr+pace", "hr+rpe" or "hr+duration": TRIMP for the covered seconds plus the next
    available source's load for the uncovered share of the minutes, so 1 s of HR in a 38-minute ride no longer
    scores 0 and a strap that died halfway is heart rate for the first half and pace for the second. `loads`
    holds every available source's value ({"hr": 81.2, "pace": 77.9, "rpe": ..., "duration": 72.0}; a partial
    heart rate as its "hr+..." form), so the sources can be compared. The list holds the notes.
    """
    out = sessions.copy()
    notes: list[Note] = []
    n = len(out)
    hists = list(out["hr_hist"]) if n else []
    lens = np.fromiter((len(h) for h in hists), dtype=np.int64, count=n)
    total = int(lens.sum())
    bpm = np.fromiter(chain.from_iterable(hists), dtype=float, count=total)
    secs = np.fromiter(chain.from_iterable(h.values() for h in hists), dtype=float, count=total)
    elapsed = out["duration_s"].to_numpy(dtype=float) / 60.0
    moving = out["moving_s"].to_numpy(dtype=float) / 60.0 if "moving_s" in out else elapsed
    minutes = np.where(np.isfinite(moving) & (moving > 0), moving, elapsed)  # the one time basis
    avg_hr = out["avg_hr"].to_numpy(dtype=float) if n else np.zeros(0)
    has_hist = lens > 0
    has_hr = has_hist | np.isfinite(avg_hr)
    sex = profile.sex
    if sex is None and n:
        notes.append(Note("sex", "Sex not set: TRIMP uses the male coefficients 0.64 e^(1.92 HRr)"
                          " (set it: loadwatch profile --set sex=female|male)."))
    data = thresholds.history(out, resting_hr)
    bounds = thresholds.session_thresholds(out, profile, data=data)
    trimp = np.full(n, np.nan)
    if has_hr.any():
        _hr_notes(out, profile, data, notes)
        hr_max = bounds["hr_max_bpm"].to_numpy(dtype=float)
        hr_rest = bounds["hr_rest_bpm"].to_numpy(dtype=float)
        bad = has_hr & (hr_max <= hr_rest + HR_RESERVE_MIN_BPM)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ConfigError(f"HRmax {hr_max[i]:.0f} bpm is not well above HRrest {hr_rest[i]:.0f} bpm; fix them"
                              " with loadwatch profile --set hr_max_bpm=N --set hr_rest_bpm=N")
        owner = np.repeat(np.arange(n), lens)
        with np.errstate(invalid="ignore"):
            hrr = np.clip((bpm - hr_rest[owner]) / (hr_max[owner] - hr_rest[owner]), 0.0, 1.0)
            per_bin = secs / 60.0 * trimp_rate(hrr, sex)
            from_hist = np.bincount(owner, weights=per_bin, minlength=n)
            hrr_avg = np.clip((avg_hr - hr_rest) / (hr_max - hr_rest), 0.0, 1.0)
            from_avg = minutes * trimp_rate(hrr_avg, sex)
        trimp = np.where(has_hist, from_hist, np.where(np.isfinite(avg_hr), from_avg, np.nan))
    covered = np.bincount(np.repeat(np.arange(n), lens), weights=secs, minlength=n) / 60.0 if n else np.zeros(0)
    partial = has_hist & (covered < HR_COVERED_MIN * minutes)
    hr_full = has_hr & ~partial
    uncovered = np.clip(minutes - covered, 0.0, None)
    days = out["day"] if n else pd.Series(dtype=object)
    generic = pace_power.generic_factor(float(trimp_rate(pace_power.GENERIC_THRESHOLD_HRR, sex)))
    runs = thresholds.families(out["sport"]) == thresholds.PACE_FAMILY if n else np.zeros(0, dtype=bool)
    gas, power_h = _dicts(out, "gas_hist"), _dicts(out, "power_hist")
    pace_pts = pace_power.scaled_to(pace_power.pace_points(gas, np.where(runs, bounds["cs_m_s"], np.nan)),
                                    pace_power.hist_minutes(gas), minutes)
    power_pts = pace_power.scaled_to(pace_power.power_points(power_h, bounds["cp_w"].to_numpy(dtype=float)),
                                     pace_power.hist_minutes(power_h), minutes)
    k_pace, n_pace, fit_pace = pace_power.calibrate(days, trimp, pace_pts, hr_full, generic)
    k_power, n_power, fit_power = pace_power.calibrate(days, trimp, power_pts, hr_full, generic)
    pace = pace_pts * k_pace
    power = power_pts * k_power
    user_rpe = out["rpe"].to_numpy(dtype=float) if n else np.zeros(0)
    device_rpe = out["device_rpe"].to_numpy(dtype=float) if "device_rpe" in out and n else np.full(n, np.nan)
    rpe = np.where(np.isfinite(user_rpe), user_rpe, device_rpe)
    has_rpe = np.isfinite(rpe)
    rpe_load = minutes * trimp_rate(np.clip(rpe / 10.0, 0, 1), sex)
    duration_est = minutes * trimp_rate(DURATION_HRR, sex)
    value = {"hr": trimp, "power": power, "pace": pace, "rpe": rpe_load, "duration": duration_est}
    available = {"hr": has_hr, "power": np.isfinite(power), "pace": np.isfinite(pace), "rpe": has_rpe,
                 "duration": np.ones(n, dtype=bool)}
    chosen, rest = _choose(load_orders(out["sport"], profile) if n else np.zeros(0, dtype=object), available)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(minutes > 0, uncovered / minutes, 0.0)
    rest_load = np.full(n, np.nan)
    for src in LOAD_SOURCES:
        rest_load = np.where(rest == src, value[src] * share, rest_load)
    hr_part = partial & (chosen == "hr")
    load = np.full(n, np.nan)
    for src in LOAD_SOURCES:
        load = np.where(chosen == src, value[src], load)
    load = np.where(hr_part, trimp + rest_load, load)
    source = np.array([_LABEL[c] for c in chosen], dtype=object) if n else np.zeros(0, dtype=object)
    source = np.where(hr_part, np.char.add("hr+", rest.astype(str)), source).astype(object)
    out["load_trimp"] = np.where(partial, trimp + np.where(hr_part, rest_load, value["duration"] * share), trimp)
    out["load_power"], out["load_pace"], out["load_rpe"], out["load_duration"] = power, pace, rpe_load, duration_est
    out["load_srpe"] = rpe * minutes
    out["load"] = np.nan_to_num(load, nan=0.0)
    out["load_source"] = source
    out["loads"] = [_loads_of(i, value, available, hr_full, hr_part, source, load) for i in range(n)]
    out["cs_m_s"], out["cp_w"] = bounds["cs_m_s"].to_numpy(), bounds["cp_w"].to_numpy()
    out["hr_max_bpm"], out["hr_rest_bpm"] = bounds["hr_max_bpm"].to_numpy(), bounds["hr_rest_bpm"].to_numpy()
    notes += _source_notes(source, partial)
    notes += _calibration_notes(source, days, ("pace", k_pace, n_pace, fit_pace),
                                ("power", k_power, n_power, fit_power))
    notes += _threshold_notes(out, source, profile, data)
    return out, notes


_LABEL = {"hr": "trimp", "power": "power", "pace": "pace", "rpe": "srpe", "duration": "duration"}  # load_source
HR_SOURCES = ("trimp", "hr+power", "hr+pace", "hr+rpe", "hr+duration")  # the load_source values that rest on HR


def _choose(orders: np.ndarray, available: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per session the first available source of its order, and for a heart rate that covers part of it, the
    first available source of the order after leaving heart rate out (the rest's estimate)."""
    n = len(orders)
    chosen = np.empty(n, dtype=object)
    rest = np.empty(n, dtype=object)
    for order in set(orders):
        rows = np.array([o == order for o in orders], dtype=bool)
        chosen[rows] = np.array(order, dtype=object)[np.select([available[s][rows] for s in order],
                                                                 list(range(len(order))), len(order) - 1)]
        others = [s for s in order if s != "hr"]
        rest[rows] = np.array(others, dtype=object)[np.select([available[s][rows] for s in others],
                                                                list(range(len(others))), len(others) - 1)]
    return chosen, rest


def _loads_of(i: int, value: dict[str, np.ndarray], available: dict[str, np.ndarray], hr_full: np.ndarray,
              hr_part: np.ndarray, source: np.ndarray, load: np.ndarray) -> dict[str, float]:
    out: dict[str, float] = {}
    for src in LOAD_SOURCES:
        if src == "hr":
            if hr_full[i]:
                out["hr"] = float(value["hr"][i])
            elif hr_part[i]:
                out[str(source[i])] = float(load[i])
        elif available[src][i]:
            out[src] = float(value[src][i])
    return out


def _source_notes(source: np.ndarray, partial: np.ndarray) -> list[Note]:
    notes: list[Note] = []
    count = {label: int((source == label).sum()) for label in set(source)} if len(source) else {}
    n_part = sum(v for k, v in count.items() if k.startswith("hr+"))
    if n_part:
        notes.append(Note("load_source", f"{n_part} session(s) with heart rate for less than"
                          f" {HR_COVERED_MIN:.0%} of their moving time: TRIMP for the covered part plus the"
                          " power, pace, RPE or duration load for the rest (load_source hr+power / hr+pace / hr+rpe /"
                          " hr+duration)."))
    if count.get("power"):
        notes.append(Note("load_source", f"{count['power']} session(s) without heart rate: load from power against"
                          " your critical power (hours x IF^2 x 100 per 5 W bin), converted to TRIMP."))
    if count.get("pace"):
        notes.append(Note("load_source", f"{count['pace']} run(s) without heart rate: load from grade-adjusted pace"
                          " against your critical speed (hours x IF^2 x 100 per 0.1 m/s bin, after rTSS/GOVSS),"
                          " converted to TRIMP."))
    if count.get("srpe"):
        notes.append(Note("load_source", f"{count['srpe']} session(s) without heart rate: load from your RPE x"
                          " minutes (logged, or the watch's own), converted to TRIMP at HRr = RPE/10."))
    if count.get("duration"):
        notes.append(Note("load_source", f"{count['duration']} session(s) without heart rate or RPE: load estimated"
                          f" from duration at a moderate effort (HRr {DURATION_HRR}; no power or pace to score"
                          " either); log an RPE to improve it: loadwatch log rpe."))
    return notes


def _calibration_notes(source: np.ndarray, days: pd.Series,
                       *fits: tuple[str, np.ndarray, np.ndarray, np.ndarray]) -> list[Note]:
    """Which mapping from points to TRIMP the pace and power loads used, as of the last session that used it."""
    notes: list[Note] = []
    for name, factor, count, fitted in fits:
        used = np.flatnonzero(np.array([s == name or s == f"hr+{name}" for s in source], dtype=bool))
        if not used.size:
            continue
        i = int(used[-1])
        day = days.iloc[i]
        if fitted[i]:
            how = (f"fitted on your own {int(count[i])} session(s) with both heart rate and {name} in the year to"
                   f" {day} (the median of TRIMP / points)")
        else:
            how = (f"the generic mapping: fewer than {pace_power.CALIBRATION_MIN_SESSIONS} sessions have both heart"
                   f" rate and {name} ({int(count[i])}), so 100 points = one hour at the threshold = the TRIMP of"
                   f" one hour at HRr {pace_power.GENERIC_THRESHOLD_HRR}")
        notes.append(Note("calibration", f"{name.capitalize()} load in TRIMP: 1 point = {factor[i]:.2f} TRIMP, {how}."))
    return notes


THIN_HISTORY_RUNS = 3  # a critical speed or power resting on fewer sessions than this is said to be thin


def _threshold_notes(out: pd.DataFrame, source: np.ndarray, profile: Profile, data: thresholds.History) -> list[Note]:
    """What the critical speed and power of the last session that used them rest on, when not set."""
    notes: list[Note] = []
    for used_by, what in (({"pace", "hr+pace"}, "speed"), ({"power", "hr+power"}, "power")):
        used = np.flatnonzero(np.array([s in used_by for s in source], dtype=bool))
        if not used.size:
            continue
        i = int(used[-1])
        fam = thresholds.family(str(out["sport"].iloc[i]))
        key = "critical_speed_m_s" if what == "speed" else thresholds.POWER_FAMILIES.get(fam)
        if key is not None and getattr(profile, key) is not None:
            continue
        day = pd.Timestamp(out["day"].iloc[i]).date()
        est = thresholds.estimates(out, profile, day, data=data).get(key or "")
        value = float(out["cs_m_s" if what == "speed" else "cp_w"].iloc[i])
        shown = f"{value:.2f} m/s ({thresholds.pace_text(value)})" if what == "speed" else f"{value:.0f} W"
        basis = f": {est.basis}" if est is not None else f" from your best efforts of 3-20 min ({fam})"
        thin = (f" Only {est.n} session(s) so far: a single session's own efforts set it, so set it if you know it."
                if est is not None and est.n < THIN_HISTORY_RUNS else "")
        hint = f" Set it: loadwatch profile --set {key}=N." if key else ""
        notes.append(Note("threshold", f"Critical {what} ({fam}) not set: estimated {shown} as of {day}{basis}; each"
                          f" session uses the estimate as of its own day.{thin}{hint}"))
    return notes


def _metric_daily(sessions: pd.DataFrame, steps: pd.DataFrame, metric: str, days: pd.DatetimeIndex) -> pd.Series:
    """The daily load in the metric's unit; NaN where the day's load is unknown (missing is not zero):
    steps: a day without a step count; srpe: a day with a session without a logged RPE, and every day
    before the first session with one (nothing was measured yet); a day without sessions is a 0."""
    if metric not in METRICS:
        raise ConfigError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    if metric == "steps":
        return _steps_daily(steps, days)
    values = {
        "trimp": sessions["load"],
        "srpe": sessions["load_srpe"],
        "duration": sessions["duration_s"] / 60.0,
        "distance": sessions["distance_m"].fillna(0.0) / 1000.0,
    }[metric].astype(float)
    sday = pd.to_datetime(sessions["day"])
    daily = values.fillna(0.0).groupby(sday).sum().reindex(days, fill_value=0.0).astype(float)
    if metric == "srpe":
        unknown = values.isna().groupby(sday).any().reindex(days, fill_value=False).astype(bool)
        daily = daily.mask(unknown)
        logged = sday[values.notna()]
        daily = daily.mask(daily.index < (logged.min() if len(logged) else pd.Timestamp.max))
    return daily


def _steps_daily(steps: pd.DataFrame, days: pd.DatetimeIndex) -> pd.Series:
    if steps is None or steps.empty:
        return pd.Series(np.nan, index=days)
    return steps.groupby(pd.to_datetime(steps["day"]))["steps"].max().astype(float).reindex(days)


def daily_frame(sessions: pd.DataFrame, steps: pd.DataFrame, *, metric: str, start: date, end: date,
                profile: Profile) -> pd.DataFrame:
    """One row per local day start..end (DatetimeIndex `day`; rest days are 0).

    Columns: load (in the metric's unit, see `units.METRIC_UNITS`; NaN on a day whose load is unknown: see
    `_metric_daily`), distance_m, duration_s, runs, long_run_m, steps (NaN where unknown), ctl, atl, tsb
    (yesterday's ctl - atl, see `pmc.pmc`), ctl_ramp, acwr_coupled, acwr_uncoupled, acwr_ewma, acwr_7d (the
    7-day mean of acwr_ewma, the value shown and flagged), history_days (days since the first known load,
    inclusive), monotony_7d, tracked (on or after the first data day).
    The recursions run over the whole history from the first data day up to `end`, so CTL on `start`
    already carries the weeks before it; days before the first data have load 0, CTL 0 and no ratios.
    Only data on or before `end` is used.
    """
    if "load" not in sessions.columns:
        sessions, _ = session_loads(sessions, profile)
    end_ts = pd.Timestamp(end)
    sessions = sessions[pd.to_datetime(sessions["day"]) <= end_ts] if len(sessions) else sessions
    if steps is None or steps.empty:
        steps = pd.DataFrame({"day": pd.Series(dtype=object), "steps": pd.Series(dtype=float)})
    steps = steps[pd.to_datetime(steps["day"]) <= end_ts]
    shown = pd.date_range(pd.Timestamp(start), end_ts, freq="D", name="day")
    firsts = [pd.to_datetime(f["day"]).min() for f in (sessions, steps) if len(f)]
    days = pd.date_range(min(firsts), end_ts, freq="D", name="day") if firsts else shown[:0]
    frame = _history(sessions, steps, metric, days)
    if len(days) and days[0] > shown[0]:  # before the first data: nothing happened, nothing known
        frame = frame.reindex(frame.index.union(shown))
        before = frame.index < days[0]
        zero_cols = ["load", "distance_m", "duration_s", "runs", "long_run_m", "ctl", "atl", "tsb", "history_days"]
        frame.loc[before, zero_cols] = 0.0
        frame.index.name = "day"
    elif not len(days):
        frame = _history(sessions, steps, metric, shown)
    frame["runs"] = frame["runs"].astype(int)
    frame["history_days"] = frame["history_days"].astype(int)
    frame["tracked"] = frame.index >= days[0] if len(days) else False  # on or after the first data day
    return frame.loc[shown[0]:]


def _history(sessions: pd.DataFrame, steps: pd.DataFrame, metric: str, days: pd.DatetimeIndex) -> pd.DataFrame:
    load = _metric_daily(sessions, steps, metric, days)
    sday = pd.to_datetime(sessions["day"]) if len(sessions) else pd.Series(dtype="datetime64[ns]")
    run_mask = is_run(sessions["sport"]).to_numpy() if len(sessions) else np.zeros(0, bool)
    dist = sessions["distance_m"].astype(float).fillna(0.0) if len(sessions) else pd.Series(dtype=float)
    dur = sessions["duration_s"].astype(float) if len(sessions) else pd.Series(dtype=float)
    frame = pd.DataFrame(index=days)
    frame["load"] = load
    frame["distance_m"] = dist.groupby(sday).sum().reindex(days, fill_value=0.0)
    frame["duration_s"] = dur.groupby(sday).sum().reindex(days, fill_value=0.0)
    frame["runs"] = dist[run_mask].groupby(sday[run_mask]).size().reindex(days, fill_value=0)
    frame["long_run_m"] = dist[run_mask].groupby(sday[run_mask]).max().reindex(days, fill_value=0.0)
    frame["steps"] = _steps_daily(steps, days)
    frame = frame.join(pmc(load)).join(acwr(load))
    frame["history_days"] = history_days(load)
    # Foster's monotony over the known days of the 7 (at least MONOTONY_MIN_DAYS), once 7 days have passed
    week = load.rolling(7, min_periods=MONOTONY_MIN_DAYS)
    whole = pd.Series(np.arange(1, len(load) + 1), index=load.index) >= 7
    frame["monotony_7d"] = monotony(week.mean(), week.std()).where(whole)
    return frame


def weekly_frame(daily: pd.DataFrame) -> pd.DataFrame:
    """One row per ISO week (DatetimeIndex `week` = its Monday) from `daily_frame`.

    distance_m, duration_s, runs, steps: sums over the days present (steps NaN when no day
    is known; `steps_days` counts known days); days: days counted, from the first data day up to the
    frame's end (< 7 for the first week or a week in progress); load: the sum of the days' loads, where
    every day's load is known; a day whose load is unknown (see `_metric_daily`) counts as the mean of the
    week's known days (load = known mean x the week's days with history, those on or after the first known
    load; NaN when none is known), so a day without a step count is not a 0 in the ramp; ramp = load /
    last week's - 1, only
    against a whole week (a first, partial week is no base); base_4wk = mean load of the 4 whole weeks
    before; ramp_4wk = load / base_4wk - 1 (NaN when the base is 0 or missing); acwr: the mean of the
    daily EWMA ratio over the 7 days ending on the week's last day (`acwr_7d`): a steady block reads 1.00
    whichever day its long run falls on, where the Sunday value alone swings with it; ctl, atl, tsb: at the
    week's last day; monotony: Foster mean/SD over the week's known days (capped at 10); strain = load x
    monotony (NaN where monotony is); long_run_m: the week's longest run; steps_ramp: steps / last week's - 1.
    """
    week = week_start(daily.index)
    g = daily.groupby(week)
    days = g["tracked"].sum() if "tracked" in daily else g.size()
    known = g["load"].count()
    # the days an unknown load stands in for: those with history (on or after the first known load)
    counted = (daily["history_days"] > 0).groupby(week).sum().clip(upper=days) if "history_days" in daily else days
    out = pd.DataFrame({
        "load": g["load"].sum().where(known >= counted, g["load"].mean() * counted).where(known > 0),
        "days": days,
        "distance_m": g["distance_m"].sum(),
        "duration_s": g["duration_s"].sum(),
        "runs": g["runs"].sum(),
        "long_run_m": g["long_run_m"].max(),
        "steps": g["steps"].sum(min_count=1),
        "steps_days": g["steps"].count(),
    })
    out.index.name = "week"
    prev = out["load"].shift(1)
    # a base week must be whole: not before the data, nor before the first known load (srpe before the first RPE)
    whole = (out["days"] == 7) & (pd.Series(counted, index=out.index) == 7)
    full = whole.shift(1, fill_value=False)
    out["ramp"] = (out["load"] / prev.where(prev > 0) - 1).where(full)
    base_full = whole.astype(float).rolling(4, min_periods=4).min().shift(1) == 1
    out["base_4wk"] = out["load"].rolling(4, min_periods=4).mean().shift(1).where(base_full)
    out["ramp_4wk"] = out["load"] / out["base_4wk"].where(out["base_4wk"] > 0) - 1
    counted = daily["load"].where(daily["tracked"]) if "tracked" in daily else daily["load"]
    out["monotony"] = monotony(counted.groupby(week).mean(), counted.groupby(week).std())
    out["strain"] = out["load"] * out["monotony"]
    prev_steps = out["steps"].shift(1)
    out["steps_ramp"] = out["steps"] / prev_steps.where(prev_steps > 0) - 1
    # at the week's last day (not .last(), which would skip a NaN)
    last_day = daily.groupby(week).tail(1)
    for col, src in (("acwr", "acwr_7d"), ("ctl", "ctl"), ("atl", "atl"), ("tsb", "tsb")):
        out[col] = last_day[src].to_numpy()
    return out


def spikes(sessions: pd.DataFrame) -> pd.DataFrame:
    """Per run with a distance: id, day, distance_m, longest_prior_30d_m, spike, spike_class.

    longest_prior_30d_m: the longest run that started in the 30 days before this one (exclusive);
    spike = distance / that - 1 (NaN when there was no prior run); class none (<= 10 %), small
    (> 10 %), moderate (> 30 %), large (> 100 %): Frandsen et al., BJSM 2025 (Garmin-RUNSAFE).
    No verdict before the history supports it: a run less than 30 days after the first session of
    `sessions` has no whole 30-day window before it (the month before the first file is unknown, not
    empty), so its spike is NaN and its class "none". Indexed like `sessions`.
    """
    cols = ["id", "day", "distance_m", "longest_prior_30d_m", "spike", "spike_class"]
    if sessions.empty:
        return pd.DataFrame(columns=cols)
    runs = sessions[is_run(sessions["sport"]) & (sessions["distance_m"].fillna(0) > 0)]
    if runs.empty:
        return pd.DataFrame(columns=cols)
    runs = runs.sort_values("start_utc", kind="stable")
    dist = pd.Series(runs["distance_m"].to_numpy(dtype=float), index=pd.DatetimeIndex(runs["start_utc"]))
    prior = dist.rolling(SPIKE_WINDOW, closed="left").max().to_numpy()
    out = pd.DataFrame({"id": runs["id"].to_numpy(), "day": runs["day"].to_numpy(),
                        "distance_m": dist.to_numpy(), "longest_prior_30d_m": prior}, index=runs.index)
    first_day = pd.to_datetime(sessions["day"]).min()
    whole_window = (pd.to_datetime(out["day"]) - first_day) >= SPIKE_WINDOW
    out["spike"] = (out["distance_m"] / out["longest_prior_30d_m"] - 1).where(whole_window)
    rounded = out["spike"].round(9)  # 11 km / 10 km - 1 is 0.1000000000000001 in floats: exactly 10 %
    out["spike_class"] = pd.cut(rounded, [-np.inf, *SPIKE_BOUNDS, np.inf], labels=list(SPIKE_CLASSES)) \
        .astype(object).where(rounded.notna(), "none")
    return out.sort_index()



__all__ = [
    "HR_SOURCES",
    "SPIKED",
    "SPIKE_CLASSES",
    "SPIKE_THRESHOLDS",
    "daily_frame",
    "is_run",
    "is_spike",
    "load_orders",
    "monday_of",
    "session_loads",
    "spikes",
    "trimp_rate",
    "week_start",
    "weekly_frame",
]
