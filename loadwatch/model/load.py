"""The load model: per-session load, daily and weekly series, PMC, ACWR, monotony/strain, spikes.

Pure functions of the store's frames and a `Profile`, vectorised pandas: no Python loop per day
(the status of a day, which puts these together with the flags, is `model.status`). Formulas
and sources:

- Banister TRIMP (Banister 1975; fellrnr "TRIMP"): sum over the heart-rate histogram of
  minutes x HRr x 0.64 e^(1.92 HRr) (men; 0.86 e^(1.67 HRr) women), HRr = (HR - HRrest)/(HRmax - HRrest)
  clipped to [0, 1].
- Session-RPE (Foster et al., JSCR 2001): CR-10 RPE x minutes, arbitrary units.
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

from ..config import Profile, hr_reserve_too_small
from ..errors import ConfigError
from ..models import Note
from ..units import METRICS
from .pmc import acwr, history_days, monotony, pmc

TRIMP_COEFFICIENTS = {"male": (0.64, 1.92), "female": (0.86, 1.67)}  # Banister 1975
DURATION_HRR = 0.6  # the duration-based estimate: minutes at a moderate HRr of 0.6 (~1.2 TRIMP/min, men)
HR_COVERED_MIN = 0.75  # heart rate for less of the moving time than this: the rest is estimated (hr+duration)
HR_REST_DEFAULT = 60.0
HR_MIN_SECONDS = 5.0  # a bpm must be held this long to count for HRmax/HRrest estimates (drops spikes)
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
    """True for running sports (running, trail_running, treadmill ...): any sport naming 'run'."""
    return sport.fillna("").astype(str).str.lower().str.contains("run")


def trimp_rate(hrr: np.ndarray | float, sex: str | None) -> np.ndarray | float:
    """Banister TRIMP per minute at heart-rate reserve fraction `hrr`: HRr x a e^(b HRr)."""
    a, b = TRIMP_COEFFICIENTS.get(sex or "male", TRIMP_COEFFICIENTS["male"])
    return hrr * a * np.exp(b * hrr)


def _hr_bounds(sessions: pd.DataFrame, bpm: np.ndarray, secs: np.ndarray, profile: Profile,
               notes: list[Note]) -> tuple[float, float]:
    """HRmax and HRrest from the profile, or estimated from the data (and said so in `notes`)."""
    held = bpm[secs >= HR_MIN_SECONDS]
    no_hist = sessions["hr_hist"].map(len).to_numpy() == 0 if len(sessions) else np.zeros(0, bool)
    max_col = sessions["max_hr"].to_numpy(dtype=float)[no_hist] if len(sessions) else np.zeros(0)
    if profile.hr_max_bpm is not None:
        hr_max = float(profile.hr_max_bpm)
    else:
        seen = np.concatenate([held, max_col[np.isfinite(max_col)]])
        seen = seen[(seen >= 100) & (seen <= 230)]
        hr_max = float(seen.max()) if seen.size else 190.0
        notes.append(Note("hr", f"HRmax not set: estimated {hr_max:.0f} bpm from your highest recorded heart rate"
                          " (set it: loadwatch profile --set hr_max_bpm=N)."))
    if profile.hr_rest_bpm is not None:
        hr_rest = float(profile.hr_rest_bpm)
    else:
        hr_rest = HR_REST_DEFAULT
        low = held[(held >= 30) & (held < HR_REST_DEFAULT)]
        if low.size:
            hr_rest = float(np.percentile(low, 5))
        notes.append(Note("hr", f"HRrest not set: assumed {hr_rest:.0f} bpm (set it: loadwatch profile --set"
                          " hr_rest_bpm=N)."))
    if hr_reserve_too_small(hr_max, hr_rest):
        raise ConfigError(f"HRmax {hr_max:.0f} bpm is not well above HRrest {hr_rest:.0f} bpm; fix them with"
                          " loadwatch profile --set hr_max_bpm=N --set hr_rest_bpm=N")
    return hr_max, hr_rest


def session_loads(sessions: pd.DataFrame, profile: Profile) -> tuple[pd.DataFrame, list[Note]]:
    """Add load_trimp, load_srpe, load_duration, load and load_source to a copy of `sessions`.

    Every minutes-based load counts *moving* minutes (`moving_s`, as GoldenCheetah does; the elapsed
    `duration_s` where a file gives no moving time), so a café stop is no training.
    load_trimp: Banister TRIMP from `hr_hist` (or from avg_hr x moving minutes without a histogram);
    NaN without heart rate. load_srpe: RPE x moving minutes (Foster 2001), NaN without RPE.
    load_duration: moving minutes x the TRIMP rate at HRr 0.6 (a moderate effort; ~1.2/min for men), the
    documented estimate for sessions with neither. `load` (TRIMP units) takes the first available:
    trimp, else RPE converted to TRIMP (minutes x the TRIMP rate at HRr = RPE/10, so a CR-10 RPE maps
    onto the heart-rate reserve), else duration; `load_source` says which: "trimp", "srpe", "duration", or
    "hr+rpe" / "hr+duration" for a session whose heart rate covers less than HR_COVERED_MIN of its moving
    time (a strap that dropped out): TRIMP for the covered seconds plus the RPE (else duration) estimate
    for the uncovered minutes, so 1 s of HR in a 38-minute ride no longer scores 0. The list holds the notes.
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
    trimp = np.full(n, np.nan)
    if has_hr.any():
        hr_max, hr_rest = _hr_bounds(out, bpm, secs, profile, notes)
        hrr = np.clip((bpm - hr_rest) / (hr_max - hr_rest), 0.0, 1.0)
        per_bin = secs / 60.0 * trimp_rate(hrr, sex)
        from_hist = np.bincount(np.repeat(np.arange(n), lens), weights=per_bin, minlength=n)
        hrr_avg = np.clip((avg_hr - hr_rest) / (hr_max - hr_rest), 0.0, 1.0)
        from_avg = minutes * trimp_rate(hrr_avg, sex)
        trimp = np.where(has_hist, from_hist, np.where(np.isfinite(avg_hr), from_avg, np.nan))
    rpe = out["rpe"].to_numpy(dtype=float) if n else np.zeros(0)
    srpe = rpe * minutes
    has_rpe = np.isfinite(rpe)
    duration_est = minutes * trimp_rate(DURATION_HRR, sex)
    rpe_as_trimp = minutes * trimp_rate(np.clip(rpe / 10.0, 0, 1), sex)
    no_hr_est = np.where(has_rpe, rpe_as_trimp, duration_est)  # the estimate without heart rate
    covered = np.bincount(np.repeat(np.arange(n), lens), weights=secs, minlength=n) / 60.0 if n else np.zeros(0)
    partial = has_hist & (covered < HR_COVERED_MIN * minutes)
    uncovered = np.clip(minutes - covered, 0.0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        rest_est = np.where(minutes > 0, no_hr_est * uncovered / minutes, 0.0)
    trimp = np.where(partial, trimp + rest_est, trimp)
    source = np.where(has_hr, np.where(partial, np.where(has_rpe, "hr+rpe", "hr+duration"), "trimp"),
                      np.where(has_rpe, "srpe", "duration"))
    load = np.where(has_hr, trimp, no_hr_est)
    out["load_trimp"], out["load_srpe"], out["load_duration"] = trimp, srpe, duration_est
    out["load"] = np.nan_to_num(load, nan=0.0)
    out["load_source"] = source
    n_rpe, n_dur = int((source == "srpe").sum()), int((source == "duration").sum())
    n_part = int(partial.sum())
    if n_part:
        notes.append(Note("load_source", f"{n_part} session(s) with heart rate for less than"
                          f" {HR_COVERED_MIN:.0%} of their moving time: TRIMP for the covered part plus the"
                          " RPE or duration estimate for the rest (load_source hr+rpe / hr+duration)."))
    if n_rpe:
        notes.append(Note("load_source", f"{n_rpe} session(s) without heart rate: load from your RPE x minutes,"
                          " converted to TRIMP at HRr = RPE/10."))
    if n_dur:
        notes.append(Note("load_source", f"{n_dur} session(s) without heart rate or RPE: load estimated from"
                          f" duration at a moderate effort (HRr {DURATION_HRR}); log an RPE to improve it:"
                          " loadwatch log rpe."))
    return out, notes


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
    "SPIKED",
    "SPIKE_CLASSES",
    "SPIKE_THRESHOLDS",
    "daily_frame",
    "is_run",
    "is_spike",
    "monday_of",
    "session_loads",
    "spikes",
    "trimp_rate",
    "week_start",
    "weekly_frame",
]
