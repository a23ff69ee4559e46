"""The pace load against heart rate on real runs (issue 14): every real FIT run in tests/data/fit (SOURCES.md) with
heart rate and speed, imported as one athlete, scored twice: by heart rate (Banister TRIMP, HRmax and HRrest as of
its day) and with the heart rate taken away (the pace load against critical speed as of its day, from the run's
own best efforts and those of the 90 days before).

The figures (8 runs from 6 watches and at least 6 people, 2012-2026):

| run | min | TRIMP | pace load, generic mapping | pace / TRIMP |
|---|---:|---:|---:|---:|
| 2013-02-06 Forerunner 110 | 44 | 109.2 | 111.6 | 1.02 |
| 2015-08-15 fenix2 | 47 | 124.7 | 109.1 | 0.87 |
| 2015-08-29 fenix2 multisport, run leg 1 (2.2 km, 732 m up) | 38 | 122.2 | 114.1 | 0.93 |
| 2015-08-29 fenix2 multisport, run leg 2 (12.7 km) | 113 | 302.8 | 90.1 | 0.30 |
| 2018-10-20 fenix 5X Plus | 110 | 275.2 | 308.7 | 1.12 |
| 2020-09-24 fenix 6X | 71 | 165.0 | 137.8 | 0.83 |
| 2023-09-02 Forerunner 255 triathlon, run leg | 26 | 98.5 | 74.9 | 0.76 |
| 2026-05-14 Forerunner 965, intervals | 75 | 104.2 | 216.1 | 2.07 |

- The calibrated pace load is within 25 % of the HR TRIMP for the median run: the median |pace / TRIMP - 1| is
  0.145 with the generic mapping (fewer than 10 runs have both, so the model uses it), 0.177 with the athlete's
  own median TRIMP per point fitted on the other runs (leave one out).
- The ranking is NOT as heart rate's: Spearman 0.19 (0.60 without the multisport day). Two runs carry it. The
  second multisport leg's critical speed (4.31 m/s) comes from the first, a climb of 732 m in 2.2 km that grade-
  adjusted speed (Minetti's cost of *running* uphill) scores as 4.3-4.7 m/s on the flat, so the long, slow leg
  after it reads easy while its heart rate says hard. The Forerunner 965 run is the athlete's only run: its
  critical speed comes from an interval session's own best efforts (3 min at 4.75 m/s, 20 min at 3.13 m/s with the
  recoveries in it), 2.87 m/s, so the whole run reads as near the threshold. Both are the cold start of a model
  that takes its threshold from the athlete's own history; the target (>= 0.8) is kept below as an expected failure
  so that the day it holds, the test says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from loadwatch import api
from loadwatch.config import Profile
from loadwatch.model.load import session_loads, trimp_rate
from loadwatch.model.pace_power import generic_factor
from loadwatch.store import Store
from tests.helpers import DATA

FILES = ("2013-02-06-12-11-14.fit", "activity-small-fenix2-run.fit", "FitFileParser_running.fit",
         "fit-benchmarks_sample.fit", "fit-parser_garmin-stamina.fit", "activity-large-fenxi2-multisport.fit",
         "triathlon_summary_first.fit", "garmin-fenix-5-run.fit", "compressed-speed-distance.fit")


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> pd.DataFrame:
    """Per real run with heart rate and a pace load: its HR TRIMP and its pace load with the heart rate removed."""
    with Store(tmp_path_factory.mktemp("real") / "store.sqlite") as store:
        api.import_files(store, [DATA / "fit" / name for name in FILES])
        frame = store.sessions("me")
    runs = frame[frame["sport"].str.contains("run")].reset_index(drop=True)
    by_hr, _ = session_loads(runs, Profile())
    blind = runs.assign(hr_hist=[{} for _ in range(len(runs))], avg_hr=np.nan, max_hr=np.nan)
    by_pace, _ = session_loads(blind, Profile())
    out = pd.DataFrame({"day": runs["day"], "minutes": runs["moving_s"] / 60, "trimp": by_hr["load_trimp"],
                        "pace": by_pace["load_pace"]})
    return out[out["trimp"].notna() & out["pace"].notna()].reset_index(drop=True)


def _spearman(a: pd.Series, b: pd.Series) -> float:
    return float(np.corrcoef(a.rank().to_numpy(), b.rank().to_numpy())[0, 1])


def test_eight_real_runs_have_both_heart_rate_and_a_pace_load(scored: pd.DataFrame) -> None:
    # compressed-speed-distance.fit has no speed the importer reads; garmin-fenix-5-run.fit (1 min) has no best
    # effort of 3 min or more, so no critical speed
    assert len(scored) == 8


def test_the_pace_load_is_within_25_percent_of_the_trimp_for_the_median_run(scored: pd.DataFrame) -> None:
    generic = np.abs(scored["pace"] / scored["trimp"] - 1)
    assert float(np.median(generic)) == pytest.approx(0.145, abs=0.02)
    assert float(np.median(generic)) <= 0.25
    points = scored["pace"] / generic_factor(float(trimp_rate(0.85, "male")))
    ratio = (scored["trimp"] / points).to_numpy()
    own = np.array([np.median(np.delete(ratio, i)) * points.iloc[i] for i in range(len(scored))])
    loo = np.abs(own / scored["trimp"].to_numpy() - 1)
    assert float(np.median(loo)) == pytest.approx(0.177, abs=0.02)
    assert float(np.median(loo)) <= 0.25


def test_the_ranking_as_measured(scored: pd.DataFrame) -> None:
    assert _spearman(scored["trimp"], scored["pace"]) == pytest.approx(0.190, abs=0.03)
    no_multisport = scored[scored["day"].astype(str) != "2015-08-29"]
    assert _spearman(no_multisport["trimp"], no_multisport["pace"]) == pytest.approx(0.60, abs=0.03)


@pytest.mark.xfail(strict=True, reason="cold-start thresholds: Spearman 0.19 on these 8 runs (module docstring)")
def test_the_pace_load_ranks_the_runs_as_heart_rate_does(scored: pd.DataFrame) -> None:
    assert _spearman(scored["trimp"], scored["pace"]) >= 0.8
