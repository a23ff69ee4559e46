"""No verdict before the history supports it (issue 13): no spike without 30 days of history before the run,
no form flag before 42 days of history (the PMC starts from 0, as TrainingPeaks' does), never a long-run cap
below what a new user ran."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from loadwatch.config import Profile
from loadwatch.model.load import spikes
from loadwatch.model.status import compute_status
from loadwatch.store import Store
from tests.helpers import run_on, write

PROFILE = Profile(hr_max_bpm=200, hr_rest_bpm=50, sex="male")
NO_STEPS = pd.DataFrame({"day": [], "steps": []})


def _status(store: Store, as_of: date, metric: str = "duration"):
    return compute_status(store.sessions("me"), NO_STEPS, store.logs("me"), PROFILE, as_of=as_of, metric=metric)


def _rules(status) -> list[str]:
    return [f.rule for f in status.flags]


def test_the_first_long_runs_of_a_history_are_no_spikes(store: Store) -> None:
    # the first file: 10 km on Wed 1 May; 15 km on Fri 10 May is +50 % over the 10 km, which would be a
    # moderate spike (HIGH), but the 30 days before 10 May are mostly before the first file: unknown, not empty
    write(store, [run_on(date(2024, 5, 1), km=10), run_on(date(2024, 5, 10), km=15)])
    out = spikes(store.sessions("me"))
    assert list(out["spike_class"]) == ["none", "none"] and out["spike"].isna().all()
    assert out["longest_prior_30d_m"].iloc[1] == 10_000  # the longest before it is still known
    assert "session_spike" not in _rules(_status(store, date(2024, 5, 10)))


def test_a_run_thirty_days_after_the_first_session_gets_its_verdict(store: Store) -> None:
    # first session Wed 1 May (10 km); 12 km on Thu 30 May is 29 days after it: no verdict;
    # 13 km on Fri 31 May is 30 days after it: 13 / 12 - 1 = +8.3 % -> none; 15 km on Sat 1 June (31 days):
    # longest in the 30 days before = 13 km -> 15 / 13 - 1 = +15.4 % -> small (caution)
    write(store, [run_on(date(2024, 5, 1), km=10), run_on(date(2024, 5, 30), km=12),
                  run_on(date(2024, 5, 31), km=13), run_on(date(2024, 6, 1), km=15)])
    out = spikes(store.sessions("me"))
    assert np.isnan(out["spike"].iloc[1])  # 29 days: no verdict (it would be +20 %, small)
    assert out["spike"].iloc[2] == pytest.approx(13 / 12 - 1)
    assert out["spike"].iloc[3] == pytest.approx(15 / 13 - 1) and out["spike_class"].iloc[3] == "small"
    flags = [f for f in _status(store, date(2024, 6, 1)).flags if f.rule == "session_spike"]
    assert [(f.day, f.severity) for f in flags] == [(date(2024, 6, 1), "caution")]


def test_a_steady_new_runner_gets_no_form_caution_in_week_two(store: Store) -> None:
    # 60 min every day from Mon 1 April; as of day 10 (Wed 10 April), form (TRIMP) is yesterday's
    # CTL - ATL = L ((6/7)^9 - (41/42)^9) with L = 60 x 0.6 x 0.64 e^(1.152) = 72.91 TRIMP a day
    # = 72.91 x (0.24967 - 0.80496) = -40.5: below -30, a caution under the old rule, though nothing but the
    # zero start of the PMC makes it so. Now no form flag before 42 days of history.
    start = date(2024, 4, 1)
    write(store, [run_on(start + timedelta(days=i), minutes=60, km=10) for i in range(10)])
    status = _status(store, start + timedelta(days=9), metric="trimp")
    load = 60 * 0.6 * 0.64 * np.exp(1.92 * 0.6)
    assert status.daily["tsb"].iloc[-1] == pytest.approx(load * ((6 / 7) ** 9 - (41 / 42) ** 9))
    assert status.daily["tsb"].iloc[-1] < -30
    assert status.daily["history_days"].iloc[-1] == 10
    assert "form" not in _rules(status)
    # the step goals hold on flag days: here only the days of 7 identical days (monotony 10 > 2, from day 7),
    # none for form (the old rule made days 3-10 form days)
    monotonous = [d.date() for d in status.daily.index[status.daily["monotony_7d"] > 2]]
    assert status.hold_days == monotonous == [start + timedelta(days=i) for i in range(6, 10)]


def test_form_is_flagged_once_the_history_holds_42_days(store: Store) -> None:
    # 42 days of 30 min, then 120 min a day: form on day 45 is yesterday's CTL - ATL, well below -30 in TRIMP
    start = date(2024, 4, 1)
    write(store, [run_on(start + timedelta(days=i), minutes=30 if i < 42 else 120, km=5) for i in range(45)])
    status = _status(store, start + timedelta(days=44), metric="trimp")
    assert status.daily["history_days"].iloc[-1] == 45
    form = [f for f in status.flags if f.rule == "form"]
    yesterday = status.daily.iloc[-2]
    assert form and form[0].value == pytest.approx(yesterday["ctl"] - yesterday["atl"]) and form[0].value < -30
