"""The pace load against heart rate on real runs (issue 14): every real FIT run in tests/data/fit (SOURCES.md) with
heart rate and speed, imported as one athlete, scored twice: by heart rate (Banister TRIMP, HRmax and HRrest as of
its day) and with the heart rate taken away (the pace load against critical speed as of its day, from the run's
own best efforts and those of the 90 days before).

The figures (9 runs from 7 watches and at least 7 people, 2012-2026; each person's runs are more than a year from
the next person's, so no threshold mixes two people):

| run | min | TRIMP | pace load, generic mapping | pace / TRIMP |
|---|---:|---:|---:|---:|
| Forerunner 70 + footpod, no GPS (clock never set: placed on 2011-01-01) | 63 | 187.9 | 127.4 | 0.68 |
| 2013-02-06 Forerunner 110 | 44 | 109.2 | 111.0 | 1.02 |
| 2015-08-15 fenix2 | 47 | 124.7 | 109.1 | 0.87 |
| 2015-08-29 fenix2 multisport, run leg 1 (2.2 km, 732 m up) | 38 | 122.2 | 114.2 | 0.93 |
| 2015-08-29 fenix2 multisport, run leg 2 (12.7 km) | 113 | 302.8 | 90.1 | 0.30 |
| 2018-10-20 fenix 5X Plus | 110 | 275.2 | 308.7 | 1.12 |
| 2020-09-24 fenix 6X | 71 | 165.0 | 137.7 | 0.83 |
| 2023-09-02 Forerunner 255 triathlon, run leg | 26 | 98.5 | 75.0 | 0.76 |
| 2026-05-14 Forerunner 965, intervals | 75 | 104.2 | 216.0 | 2.07 |

- The calibrated pace load is within 25 % of the HR TRIMP for the median run: the median |pace / TRIMP - 1| is
  0.165 with the generic mapping (fewer than 10 runs have both, so the model uses it), 0.190 with the athlete's
  own median TRIMP per point fitted on the other runs (leave one out).
- The ranking is NOT as heart rate's: Spearman 0.22 over the 9 runs. It is 0.86 over the 7 others once two runs
  are set aside, and those two disagree with heart rate for reasons no threshold rule can remove:
  - the second multisport leg comes 4.5 hours into a mountain race: per minute its heart rate is as high as that
    of the same watch's flat run at 3.2 m/s two weeks before, at a grade-adjusted 2 m/s (rolling, mostly down).
    Its critical speed (4.31 m/s) comes from the first leg, a climb of 732 m in 2.2 km whose grade-adjusted speed
    (Minetti's cost of running uphill) the heart rate of that leg confirms. Heart rate counts the drift of a long
    day; the energy cost of the pace does not.
  - the Forerunner 965 run is 3-minute intervals at 4.75 m/s with walked recoveries. Heart rate lags behind short
    repeats, which is why the issue asks a pace load to score intervals above a steady run at the same average:
    here it does, and so it parts from the heart rate. It is also that athlete's only run, so its critical speed
    (2.87 m/s) comes from its own best efforts, which include the recoveries.
- What any threshold can reach: one critical speed for every run (any value) scales every load alike and ranks
  them at 0.45; the minutes alone rank them at 0.72. The target (>= 0.8 over all 9) is kept below as an expected
  failure so that the day it holds, the test says so.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from loadwatch import api
from loadwatch.config import Profile
from loadwatch.model.load import session_loads, trimp_rate
from loadwatch.model.pace_power import generic_factor, hist_minutes, pace_points, scaled_to
from loadwatch.store import Store
from tests.helpers import DATA

FILES = ("2013-02-06-12-11-14.fit", "activity-small-fenix2-run.fit", "FitFileParser_running.fit",
         "fit-benchmarks_sample.fit", "fit-parser_garmin-stamina.fit", "activity-large-fenxi2-multisport.fit",
         "triathlon_summary_first.fit", "garmin-fenix-5-run.fit")
FR70, FR70_DAY = "compressed-speed-distance.fit", date(2011, 1, 1)


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> pd.DataFrame:
    """Per real run with heart rate and a pace load: its HR TRIMP, its pace load with the heart rate removed, and
    its pace histogram."""
    with Store(tmp_path_factory.mktemp("real") / "store.sqlite") as store:
        api.import_files(store, [DATA / "fit" / name for name in FILES])
        # the Forerunner 70's clock was never set, so its day is unknown: placed in a year of its own
        api.import_files(store, [DATA / "fit" / FR70], options={"clock_date": FR70_DAY})
        frame = store.sessions("me")
    runs = frame[frame["sport"].str.contains("run")].reset_index(drop=True)
    by_hr, _ = session_loads(runs, Profile())
    blind = runs.assign(hr_hist=[{} for _ in range(len(runs))], avg_hr=np.nan, max_hr=np.nan)
    by_pace, _ = session_loads(blind, Profile())
    out = pd.DataFrame({"day": runs["day"], "minutes": runs["moving_s"] / 60, "trimp": by_hr["load_trimp"],
                        "pace": by_pace["load_pace"], "gas_hist": runs["gas_hist"]})
    return out[out["trimp"].notna() & out["pace"].notna()].reset_index(drop=True)


def _spearman(a: pd.Series, b: pd.Series) -> float:
    return float(np.corrcoef(a.rank().to_numpy(), b.rank().to_numpy())[0, 1])


def test_nine_real_runs_have_both_heart_rate_and_a_pace_load(scored: pd.DataFrame) -> None:
    # garmin-fenix-5-run.fit (1 min) has no best effort of 3 min or more, so no critical speed
    assert len(scored) == 9


def test_the_pace_load_is_within_25_percent_of_the_trimp_for_the_median_run(scored: pd.DataFrame) -> None:
    generic = np.abs(scored["pace"] / scored["trimp"] - 1)
    assert float(np.median(generic)) == pytest.approx(0.165, abs=0.02)
    assert float(np.median(generic)) <= 0.25
    points = scored["pace"] / generic_factor(float(trimp_rate(0.85, "male")))
    ratio = (scored["trimp"] / points).to_numpy()
    own = np.array([np.median(np.delete(ratio, i)) * points.iloc[i] for i in range(len(scored))])
    loo = np.abs(own / scored["trimp"].to_numpy() - 1)
    assert float(np.median(loo)) == pytest.approx(0.190, abs=0.02)
    assert float(np.median(loo)) <= 0.25


def test_the_ranking_as_measured(scored: pd.DataFrame) -> None:
    assert _spearman(scored["trimp"], scored["pace"]) == pytest.approx(0.217, abs=0.03)
    no_multisport = scored[scored["day"].astype(str) != "2015-08-29"]
    assert _spearman(no_multisport["trimp"], no_multisport["pace"]) == pytest.approx(0.571, abs=0.03)
    # set aside the mountain race's long second leg and the interval session (module docstring)
    leg_two = (scored["day"].astype(str) == "2015-08-29") & (scored["minutes"] > 100)
    intervals = scored["day"].astype(str) == "2026-05-14"
    others = scored[~leg_two & ~intervals]
    assert len(others) == 7
    assert _spearman(others["trimp"], others["pace"]) == pytest.approx(0.857, abs=0.03)


def test_what_any_threshold_can_reach(scored: pd.DataFrame) -> None:
    # one critical speed for every run scales every load by the same factor: one ranking, whatever the value
    for cs in (2.5, 3.5, 4.5):
        points = pace_points(scored["gas_hist"], np.full(len(scored), cs))
        load = scaled_to(points, hist_minutes(scored["gas_hist"]), scored["minutes"].to_numpy())  # as the model does
        assert _spearman(scored["trimp"], pd.Series(load)) == pytest.approx(0.45, abs=0.01)
    assert _spearman(scored["trimp"], scored["minutes"]) == pytest.approx(0.717, abs=0.01)


@pytest.mark.xfail(strict=True, reason="two runs where heart rate and pace part for cause: Spearman 0.22 (docstring)")
def test_the_pace_load_ranks_the_runs_as_heart_rate_does(scored: pd.DataFrame) -> None:
    assert _spearman(scored["trimp"], scored["pace"]) >= 0.8
