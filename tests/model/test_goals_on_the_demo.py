"""The step goals on the demo athlete (issue 13): the mean goal within 10 % of the plain 60th percentile
of the 9 days before, the goal met on 35-65 % of worn days, and no week-on-week fall unless the person
walked less. Before: the goals averaged 5,817 steps against a 60th percentile of 9,889 (-41 %) and were
met on 72 % of days."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from loadwatch import api
from loadwatch.api import DEMO_LAST_DAY
from loadwatch.model.goals import MIN_WORN_STEPS
from loadwatch.store import Store


@pytest.fixture(scope="module")
def demo_goals(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    with Store(tmp_path_factory.mktemp("demo-goals") / "demo.sqlite") as store:
        api.import_demo(store)
        goals = api.goal_history(store, "me", as_of=DEMO_LAST_DAY)
        steps = store.daily_steps("me")
    assert goals is not None
    past = goals[~goals["future"]].copy()
    past.index = pd.DatetimeIndex(pd.to_datetime(past["day"]))
    # the plain 60th percentile of the worn days among the 9 days before, straight from the stored counts
    counts = pd.Series(steps["steps"].to_numpy(dtype=float), index=pd.to_datetime(steps["day"]))
    counts = counts[counts >= MIN_WORN_STEPS]
    past["p60"] = [np.percentile(w, 60) if len(w := counts[(counts.index >= d - pd.Timedelta(days=9))
                                                          & (counts.index < d)]) else np.nan for d in past.index]
    return past


def test_mean_goal_is_within_ten_percent_of_the_60th_percentile_of_the_nine_days_before(demo_goals) -> None:
    assert np.allclose(demo_goals["raw"], demo_goals["p60"], equal_nan=True)
    ratio = demo_goals["goal"].mean() / demo_goals["p60"].mean()
    assert 0.90 <= ratio <= 1.10, ratio


def test_goal_is_met_on_35_to_65_percent_of_worn_days(demo_goals) -> None:
    worn = demo_goals[demo_goals["steps"] >= MIN_WORN_STEPS]
    share = float((worn["steps"] >= worn["goal"]).mean())
    assert len(worn) > 100 and 0.35 <= share <= 0.65, share


def test_no_week_on_week_fall_unless_the_person_walked_less(demo_goals) -> None:
    # "walked less": the 60th percentile that set today's goal (today's, or that of the day the goal was
    # last changed, when a hold keeps it) is below the 60th percentile of a week before
    goal, raw = demo_goals["goal"], demo_goals["raw"]
    set_on = pd.Series(np.where(goal.ne(goal.shift(1)), demo_goals.index, pd.NaT), index=goal.index).ffill()
    week_before = goal.shift(7, freq="D").reindex(goal.index)
    raw_before = raw.shift(7, freq="D").reindex(goal.index)
    falls = goal.index[goal < week_before]
    unexplained = [d.date() for d in falls if not (raw[d] < raw_before[d] or raw[set_on[d]] < raw_before[d])]
    assert unexplained == []


def test_held_goals_keep_the_day_befores_number(demo_goals) -> None:
    held = demo_goals[demo_goals["held"]]
    previous = demo_goals["goal"].shift(1)
    assert (held["goal"] == previous.loc[held.index]).all()
    assert not held["why"].str.contains(r"\+10%|rising").any()
    assert (demo_goals["held"] <= demo_goals["hold"]).all()  # held only where a hold is active
