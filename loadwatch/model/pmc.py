"""The daily recursions of the load model: PMC, the three ACWRs and Foster monotony, on a daily load Series.

Vectorised: pandas' ewm(adjust=False, alpha=a) is exactly y_t = y_{t-1} + a (x_t - y_{t-1}) once the seed
is prepended, so no Python loop per day. Sources in `model.load`'s module docstring.
"""

from __future__ import annotations

import pandas as pd

LAMBDA_ACUTE = 2 / (7 + 1)  # 0.25, Williams et al., BJSM 2017: lambda = 2/(N+1)
LAMBDA_CHRONIC = 2 / (28 + 1)  # 2/29 ~ 0.069
CTL_DAYS, ATL_DAYS = 42, 7  # Coggan's PMC time constants
CHRONIC_DAYS = 28  # the chronic window of the ACWR and of next week's caps
MONOTONY_CAP = 10.0  # fellrnr: monotony capped at 10 when the SD is 0


def ewma(load: pd.Series, alpha: float, seed: float = 0.0) -> pd.Series:
    """y_t = y_{t-1} + alpha (x_t - y_{t-1}), y = `seed` the day before the first value.

    A NaN load is an unknown day (no step count; a session without its RPE): it moves nothing, so y
    holds its value through it (pandas' ignore_na), rather than decaying as if the day were a 0."""
    seeded = pd.concat([pd.Series([seed]), load.reset_index(drop=True)], ignore_index=True)
    values = seeded.ewm(alpha=alpha, adjust=False, ignore_na=True).mean().to_numpy()[1:]
    return pd.Series(values, index=load.index)


def _known(load: pd.Series) -> pd.Series:
    """`load` from its first known (non-NaN) day on: the days before are no history at all."""
    first = load.first_valid_index()
    return load.loc[first:] if first is not None else load.iloc[:0]


def pmc(load: pd.Series) -> pd.DataFrame:
    """ctl (42-day), atl (7-day) from 0, tsb, ctl_ramp = ctl_t - ctl_{t-7} (Coggan; WKO4).

    tsb (form) is *yesterday's* ctl minus yesterday's atl, as TrainingPeaks and GoldenCheetah show it: the
    form you start the day with, before today's session (0 on the first day). Days before the first known
    load are 0; an unknown day holds ctl and atl (see `ewma`)."""
    known = _known(load)
    ctl = ewma(known, 1 / CTL_DAYS).reindex(load.index, fill_value=0.0)
    atl = ewma(known, 1 / ATL_DAYS).reindex(load.index, fill_value=0.0)
    tsb = (ctl - atl).shift(1, fill_value=0.0)
    return pd.DataFrame({"ctl": ctl, "atl": atl, "tsb": tsb, "ctl_ramp": ctl - ctl.shift(7)})


def _ratio(acute: pd.Series, chronic: pd.Series) -> pd.Series:
    return (acute / chronic.where(chronic > 0)).astype(float)


def acwr(load: pd.Series) -> pd.DataFrame:
    """acwr_coupled 7/28, acwr_uncoupled (t-6..t)/(t-27..t-7), acwr_ewma (lambda 0.25 / 2/29, both seeded at
    the first 28 days' mean daily load), and acwr_7d: the mean of acwr_ewma over the 7 days ending on the day
    (the weekly value: the same for any week of a steady block, whichever day its long run fell on).
    NaN until 28 days exist from the first known load, or when the chronic load is 0. The rolling means are
    means of the known days of their windows (an unknown day is left out, not counted as 0)."""
    known = _known(load)
    mean7 = known.rolling(7, min_periods=1).mean().where(_elapsed(known) >= 7)
    mean28 = known.rolling(CHRONIC_DAYS, min_periods=1).mean().where(_elapsed(known) >= CHRONIC_DAYS)
    mean21 = known.shift(7).rolling(CHRONIC_DAYS - 7, min_periods=1).mean().where(mean28.notna())
    seed = float(known.iloc[:CHRONIC_DAYS].mean()) if known.notna().any() else 0.0
    by_ewma = _ratio(ewma(known, LAMBDA_ACUTE, seed), ewma(known, LAMBDA_CHRONIC, seed)).where(mean28.notna())
    out = pd.DataFrame({
        "acwr_coupled": _ratio(mean7, mean28),
        "acwr_uncoupled": _ratio(mean7, mean21),
        "acwr_ewma": by_ewma,
        "acwr_7d": by_ewma.rolling(7, min_periods=1).mean(),
    })
    return out.reindex(load.index)


def history_days(load: pd.Series) -> pd.Series:
    """Days of history on each day: 1 on the first day with a known load, counting on (unknown days
    included); 0 before it. The form rule waits for CTL_DAYS of them (`model.flags`)."""
    known = _known(load)
    return _elapsed(known).reindex(load.index, fill_value=0).astype(int)


def _elapsed(series: pd.Series) -> pd.Series:
    """1, 2, 3, ... : the number of days from the first of `series` to each day, inclusive."""
    return pd.Series(range(1, len(series) + 1), index=series.index)


def monotony(mean: pd.Series, sd: pd.Series) -> pd.Series:
    """Foster 1998 mean/SD, capped at MONOTONY_CAP (also when SD = 0); NaN without load."""
    mono = (mean / sd.where(sd > 0)).clip(upper=MONOTONY_CAP)
    mono = mono.where(~((sd <= 1e-12) & (mean > 0)), MONOTONY_CAP)
    return mono.where(mean > 0)


__all__ = ["ATL_DAYS", "CHRONIC_DAYS", "CTL_DAYS", "LAMBDA_ACUTE", "LAMBDA_CHRONIC", "MONOTONY_CAP", "acwr", "ewma",
           "history_days", "monotony", "pmc"]
