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
    """y_t = y_{t-1} + alpha (x_t - y_{t-1}), y = `seed` the day before the first value."""
    seeded = pd.concat([pd.Series([seed]), load.reset_index(drop=True)], ignore_index=True)
    values = seeded.ewm(alpha=alpha, adjust=False).mean().to_numpy()[1:]
    return pd.Series(values, index=load.index)


def pmc(load: pd.Series) -> pd.DataFrame:
    """ctl (42-day), atl (7-day) from 0, tsb = ctl - atl, ctl_ramp = ctl_t - ctl_{t-7} (Coggan; WKO4)."""
    ctl = ewma(load, 1 / CTL_DAYS)
    atl = ewma(load, 1 / ATL_DAYS)
    return pd.DataFrame({"ctl": ctl, "atl": atl, "tsb": ctl - atl, "ctl_ramp": ctl - ctl.shift(7)})


def _ratio(acute: pd.Series, chronic: pd.Series) -> pd.Series:
    return (acute / chronic.where(chronic > 0)).astype(float)


def acwr(load: pd.Series) -> pd.DataFrame:
    """acwr_coupled 7/28, acwr_uncoupled (t-6..t)/(t-27..t-7), acwr_ewma (lambda 0.25 / 2/29, both seeded at
    the first 28 days' mean daily load). NaN until 28 days exist or when the chronic load is 0."""
    sum7 = load.rolling(7, min_periods=7).sum()
    sum28 = load.rolling(CHRONIC_DAYS, min_periods=CHRONIC_DAYS).sum()
    seed = float(load.iloc[:CHRONIC_DAYS].mean()) if len(load) else 0.0
    by_ewma = _ratio(ewma(load, LAMBDA_ACUTE, seed), ewma(load, LAMBDA_CHRONIC, seed))
    return pd.DataFrame({
        "acwr_coupled": _ratio(sum7 / 7, sum28 / CHRONIC_DAYS),
        "acwr_uncoupled": _ratio(sum7 / 7, (sum28 - sum7) / (CHRONIC_DAYS - 7)),
        "acwr_ewma": by_ewma.where(sum28.notna()),
    })


def monotony(mean: pd.Series, sd: pd.Series) -> pd.Series:
    """Foster 1998 mean/SD, capped at MONOTONY_CAP (also when SD = 0); NaN without load."""
    mono = (mean / sd.where(sd > 0)).clip(upper=MONOTONY_CAP)
    mono = mono.where(~((sd <= 1e-12) & (mean > 0)), MONOTONY_CAP)
    return mono.where(mean > 0)


__all__ = ["ATL_DAYS", "CHRONIC_DAYS", "CTL_DAYS", "LAMBDA_ACUTE", "LAMBDA_CHRONIC", "MONOTONY_CAP", "acwr", "ewma",
           "monotony", "pmc"]
