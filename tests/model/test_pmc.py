"""The daily recursions on short series worked out by hand: EWMA seeding, PMC time constants, ACWR, monotony."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from loadwatch.model.pmc import (
    ATL_DAYS,
    CHRONIC_DAYS,
    CTL_DAYS,
    LAMBDA_ACUTE,
    LAMBDA_CHRONIC,
    MONOTONY_CAP,
    acwr,
    ewma,
    monotony,
    pmc,
)


def days(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2024-01-01", periods=len(values), freq="D"), dtype=float)


# --- EWMA ---------------------------------------------------------------------------------------
def test_ewma_starts_from_the_seed_the_day_before_and_keeps_the_index() -> None:
    # seed 20, alpha 0.5: y0 = 20 + 0.5 (10 - 20) = 15; y1 = 15 + 0.5 (10 - 15) = 12.5; y2 = 12.5 + 0.5 (40 - 12.5)
    # = 26.25
    load = days([10, 10, 40])
    out = ewma(load, 0.5, seed=20.0)
    assert out.tolist() == [15.0, 12.5, 26.25]
    assert out.index.equals(load.index)
    # no seed: from 0, y0 = 0.5 x 10 = 5, y1 = 5 + 0.5 x 5 = 7.5
    assert ewma(days([10, 10]), 0.5).tolist() == [5.0, 7.5]


def test_ewma_lambdas_are_williams_2017() -> None:
    assert LAMBDA_ACUTE == 0.25  # 2 / (7 + 1)
    assert round(LAMBDA_CHRONIC, 4) == 0.069  # 2 / (28 + 1) = 0.0690
    # one 100-min day after nothing: acute EWMA = 0.25 x 100 = 25, next day 0.75 x 25 = 18.75;
    # chronic = 100 x 2/29 = 6.897, next day 6.897 x 27/29 = 6.421
    impulse = pd.Series([100.0, 0.0])
    assert list(ewma(impulse, LAMBDA_ACUTE)) == [25.0, 18.75]
    assert np.allclose(ewma(impulse, LAMBDA_CHRONIC), [6.897, 6.421], atol=1e-3)


# --- PMC ----------------------------------------------------------------------------------------
def test_pmc_time_constants_on_an_impulse() -> None:
    assert (CTL_DAYS, ATL_DAYS) == (42, 7)
    # 42 on day 0, then 7 days of rest, from 0:
    # CTL_0 = 42/42 = 1, then x 41/42 a day: CTL_i = (41/42)^i; ATL_0 = 42/7 = 6, then x 6/7: ATL_i = 6 (6/7)^i
    out = pmc(days([42] + [0] * 7))
    assert out["ctl"].iloc[0] == pytest.approx(1.0)
    assert out["atl"].iloc[0] == pytest.approx(6.0)
    # TSB is yesterday's CTL - ATL (TrainingPeaks, GoldenCheetah): 0 on day 0, 1 - 6 = -5 on day 1
    assert out["tsb"].iloc[0] == pytest.approx(0.0)
    assert out["tsb"].iloc[1] == pytest.approx(-5.0)  # 1 - 6
    assert out["ctl"].iloc[1] == pytest.approx(41 / 42)  # 0.97619
    assert out["atl"].iloc[1] == pytest.approx(36 / 7)  # 5.142857
    assert out["tsb"].iloc[2] == pytest.approx(41 / 42 - 36 / 7)  # -4.16667
    i = np.arange(8)
    assert np.allclose(out["ctl"], (41 / 42) ** i)
    assert np.allclose(out["atl"], 6 * (6 / 7) ** i)
    # ctl_ramp = CTL_t - CTL_{t-7}: NaN for the first 7 days, then (41/42)^7 - 1 = 0.84477 - 1 = -0.15523
    assert out["ctl_ramp"].iloc[:7].isna().all()
    assert out["ctl_ramp"].iloc[7] == pytest.approx(-0.15523, abs=1e-5)


# --- ACWR ---------------------------------------------------------------------------------------
def test_acwr_needs_28_days_then_reads_one_on_steady_load() -> None:
    out = acwr(days([12] * 28))
    assert out.iloc[:27].isna().all().all()  # no 28-day chronic base yet
    # day 28: coupled 12/12, uncoupled 12/12, EWMA seeded at the 28-day mean 12 stays 12/12, its 7-day mean 1
    assert out.iloc[27].tolist() == pytest.approx([1.0, 1.0, 1.0, 1.0])


def test_acwr_three_ways_after_one_hard_day() -> None:
    # 28 days of 12, then 40 on day 29 (index 28):
    #   last 7 days = 6 x 12 + 40 = 112 -> acute 112/7 = 16; last 28 = 27 x 12 + 40 = 364 -> 13
    #   coupled 16 / 13 = 1.23077; uncoupled: days t-27..t-7 = (364 - 112) / 21 = 12 -> 16 / 12 = 1.33333
    #   EWMA seeded at 12: acute 12 + 0.25 x (40 - 12) = 19; chronic 12 + 2/29 x 28 = 12 + 56/29 = 13.93103
    #   -> 19 / 13.93103 = 1.36386
    out = acwr(days([12] * 28 + [40]))
    last = out.iloc[-1]
    assert last["acwr_coupled"] == pytest.approx(16 / 13)
    assert last["acwr_uncoupled"] == pytest.approx(16 / 12)
    assert last["acwr_ewma"] == pytest.approx(19 / (12 + 56 / 29))
    assert last["acwr_ewma"] == pytest.approx(1.36386, abs=1e-5)
    assert CHRONIC_DAYS == 28


def test_acwr_is_nan_without_chronic_load() -> None:
    out = acwr(days([0] * 30))  # 0 / 0: no ratio, not 0 or infinity
    assert out.isna().all().all()


# --- monotony -----------------------------------------------------------------------------------
def test_monotony_is_mean_over_sd_capped_at_ten() -> None:
    mean = pd.Series([30.0, 30.0, 30.0, 30.0, 0.0, 0.0])
    sd = pd.Series([10.0, 2.0, 0.0, 1e-13, 0.0, 5.0])
    out = monotony(mean, sd)
    assert out.iloc[0] == pytest.approx(3.0)  # 30 / 10
    assert out.iloc[1] == MONOTONY_CAP == 10.0  # 30 / 2 = 15 -> capped at 10
    assert out.iloc[2] == 10.0  # SD 0 with training (identical days): the cap, not infinity
    assert out.iloc[3] == 10.0  # SD within rounding of 0: the same
    assert np.isnan(out.iloc[4]) and np.isnan(out.iloc[5])  # no load: no monotony
