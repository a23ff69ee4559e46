"""Step goals rise gently from what you walk (issue 13): one chain a day, never below the window's
median, at most +10 % a week above it, a hold keeps the day before's number, a gap restarts the rule,
and the sentence says what set the goal. Every history here is hand-made and worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from loadwatch.config import Profile
from loadwatch.model.goals import goal_days, goal_series
from tests.helpers import DATA

START = date(2024, 1, 1)  # a Monday
# 1.1 ** (1/7) = 1.0137089: the most a goal may rise in one day, so 7 days rise at most 10 %
LOW, HIGH = 5_000, 9_000
# period 9: every 9-day window holds 5 x 5,000 and 4 x 9,000 -> median (position 4 of 9 sorted) 5,000,
# 60th percentile (position 0.6 x 8 = 4.8) 5,000 + 0.8 x 4,000 = 8,200
PERIOD = [LOW] * 5 + [HIGH] * 4


def day(i: int) -> date:
    return START + timedelta(days=i)


def frame(values: list[float | None], start: date = START) -> pd.DataFrame:
    rows = [(start + timedelta(days=i), v) for i, v in enumerate(values) if v is not None]
    return pd.DataFrame({"day": [d for d, _ in rows], "steps": [v for _, v in rows]})


def by_day(values: list[float | None], *, as_of: int, ahead: int = 0, **kwargs) -> pd.DataFrame:
    return goal_series(frame(values), Profile(), as_of=day(as_of), days_ahead=ahead, **kwargs).set_index("day")


def test_one_chain_a_day_rises_at_most_ten_percent_a_week_toward_the_percentile() -> None:
    goals = by_day(PERIOD * 8, as_of=71)
    # days 1-7: windows of 5,000s with at most two 9,000s -> median and 60th percentile 5,000
    assert [goals.loc[day(d), "goal"] for d in range(1, 8)] == [5_000] * 7
    # day 8: 8 days, 3 x 9,000: 60th percentile at position 4.2 -> 5,800; the rise allows
    # 5,000 x 1.0137 = 5,068.5 -> 5,060 (whole tens, rounded down). Day 9 on: every window is the
    # period (target 8,200), one chain: 5,060 -> 5,120 -> 5,190 -> 5,260 -> 5,330 -> 5,400 -> 5,470 -> 5,540
    chain = [goals.loc[day(d), "goal"] for d in range(8, 16)]
    assert chain == [5_060, 5_120, 5_190, 5_260, 5_330, 5_400, 5_470, 5_540]
    assert chain[7] / chain[0] <= 1.10  # 5,540 / 5,060 = 1.095: at most +10 % over 7 days
    assert goals.loc[day(9), "set_by"] == "rise" and goals.loc[day(9), "capped"]
    assert goals.loc[day(9), "why"] == ("rising at most +10% a week toward your 9-day 60th percentile 8,200 "
                                        "(the day before: 5,060)")
    # ... 8,030 (day 44), 8,140 (day 45), then 8,140 x 1.0137 = 8,251 > 8,200: the percentile sets it
    assert goals.loc[day(45), "goal"] == 8_140
    assert goals.loc[day(46), "goal"] == 8_200 and goals.loc[day(46), "set_by"] == "percentile"
    assert goals.loc[day(46), "why"] == "your 9-day 60th percentile 8,200"
    assert (goals.loc[day(46):day(71), "goal"] == 8_200).all()


def test_never_below_what_you_already_walk() -> None:
    # 4,000 for 21 days, then 8,000. Day 25's window (days 16-24): 5 x 4,000 and 4 x 8,000 -> median 4,000,
    # 60th percentile 4,000 + 0.8 x 4,000 = 7,200; the rise allows 4,000 x 1.0137 -> 4,050.
    # Day 26's window holds 5 x 8,000: the median, 8,000, is what they walk now: the goal is 8,000 at once.
    goals = by_day([4_000] * 21 + [8_000] * 20, as_of=40)
    assert goals.loc[day(25), "goal"] == 4_050 and goals.loc[day(25), "set_by"] == "rise"
    assert goals.loc[day(26), "goal"] == 8_000 and goals.loc[day(26), "set_by"] == "level"
    assert goals.loc[day(26), "why"] == "what you already walk: 9-day median 8,000"
    assert (goals["goal"] >= goals["level"].fillna(0)).all()


def test_the_ceiling_stops_the_percentile_but_not_your_own_level() -> None:
    # born 1950 (74 in 2024): ceiling 8,000. The period's 60th percentile 8,200 stops at 8,000
    old = goal_series(frame(PERIOD * 8), Profile(birth_year=1950), as_of=day(71)).set_index("day")
    assert old.loc[day(71), "goal"] == 8_000 and old.loc[day(71), "set_by"] == "ceiling"
    assert old.loc[day(71), "why"] == ("ceiling 8,000 a day (Paluch 2022, 60 or older); "
                                       "your 9-day 60th percentile is 8,200")
    # walking 9,000 every day (median 9,000 > 8,000): their own level is the goal, not cut to 8,000
    walker = goal_series(frame([9_000] * 20), Profile(birth_year=1950), as_of=day(19)).set_index("day")
    assert walker.loc[day(19), "goal"] == 9_000 and walker.loc[day(19), "set_by"] == "own_level"


def test_a_goal_comes_back_after_a_one_day_dip_so_it_never_falls_unless_you_walked_less() -> None:
    # The period, converged at 8,200 by day 46; then days 62 and 63 swap (5,000 on day 62, 9,000 on day 63
    # instead of 9,000 then 5,000). Only the windows holding one of the two change: day 63's (days 54-62)
    # has 6 x 5,000 and 3 x 9,000 -> median and 60th percentile 5,000 (they walked less in it), and day 72's
    # (days 63-71) has 4 x 5,000 and 5 x 9,000 -> median 9,000 (they walked more). Day 64's window holds
    # the period again (8,200): the goal comes back to the week's highest goal at once (the old weekday
    # chains climbed back on that weekday at +10 % a week for seven weeks).
    values: list[float | None] = list(PERIOD * 9)
    assert (values[62], values[63]) == (HIGH, LOW)
    values[62], values[63] = LOW, HIGH
    goals = by_day(values, as_of=80)
    assert [goals.loc[day(d), "goal"] for d in (62, 63, 64, 70, 72, 73)] == [8_200, 5_000, 8_200, 8_200, 9_000, 8_200]
    assert goals.loc[day(64), "set_by"] == "percentile" and goals.loc[day(72), "set_by"] == "level"
    wk = goals["goal"].shift(7)
    raw_wk = goals["raw"].shift(7)
    falls = goals.index[goals["goal"] < wk]
    # the two days whose window walked less than the window a week before (5,000 < 8,200; 8,200 < 9,000)
    assert list(falls) == [day(63), day(79)]
    assert (goals.loc[falls, "raw"] < raw_wk.loc[falls]).all()


def test_pain_keeps_the_day_befores_goal_and_never_cuts_it() -> None:
    # 8,800 a day for 30 days; back pain logged on day 30 and 4,000 steps a day from day 30.
    # The hold covers days 30-36 (the pain day and 6 after). Without it: days 30-34 stay 8,800 (at most
    # 4 of 9 window days are 4,000, the median and percentile are 8,800); day 35's window has 5 x 4,000:
    # median 4,000, 60th percentile 4,000 + 0.8 x 4,800 = 7,840; day 36: 4,000. With it: 8,800 through day 36.
    values: list[float | None] = [8_800] * 30 + [4_000] * 15
    free = by_day(values, as_of=44)
    held = by_day(values, as_of=44, hold_on=[day(30)])
    assert [free.loc[day(d), "goal"] for d in (34, 35, 36, 37)] == [8_800, 7_840, 4_000, 4_000]
    assert [held.loc[day(d), "goal"] for d in range(29, 37)] == [8_800] * 8
    # `held` only where the hold changed the goal (days 35 and 36); `hold` on every day it was active
    assert held.loc[day(30):day(36), "hold"].all()
    assert [bool(held.loc[day(d), "held"]) for d in range(30, 38)] == [False] * 5 + [True, True, False]
    why = held.loc[day(35), "why"]
    assert why.startswith("held at the day before's 8,800: pain or an overload flag in the last 7 days")
    assert "+10%" not in why and "rising" not in why
    assert held.loc[day(37), "goal"] == 4_000  # the hold is over and they walk 4,000: the goal follows
    json_held = [g.as_json()["held"] for g in goal_days(held.reset_index())]
    assert sum(json_held) == 2


def test_a_held_goal_below_what_you_walk_says_why() -> None:
    # 5,000 a day for 20 days, a flag on day 20, then 9,000 a day. Day 25's window (16-24) holds
    # 5 x 9,000: median 9,000, but the hold (days 20-26) keeps the day before's 5,000, and says so.
    goals = by_day([5_000] * 20 + [9_000] * 10, as_of=29, hold_on=[day(20)])
    row = goals.loc[day(25)]
    assert row["goal"] == 5_000 and row["held"] and row["level"] == 9_000
    assert row["why"].endswith("; below what you already walk (9-day median 9,000) only while it holds")
    assert goals.loc[day(27), "goal"] == 9_000  # the hold is over: what they walk


def test_after_a_gap_longer_than_the_window_the_goal_starts_again_from_the_new_days() -> None:
    # 3,000 a day for days 0-29, no count on days 30-39 (10 days), 9,000 a day from day 40.
    # Days 39 and 40 have an empty window (30-38, 31-39): the last goal, 3,000, is kept. Day 41's window holds
    # day 40 only: median 9,000, the goal starts again from it (not 3,000 x 1.1 a week for weeks).
    values: list[float | None] = [3_000] * 30 + [None] * 10 + [9_000] * 20
    goals = by_day(values, as_of=59)
    assert [goals.loc[day(d), "set_by"] for d in (38, 39, 40)] == ["level", "no_data", "no_data"]
    assert goals.loc[day(40), "goal"] == 3_000
    assert goals.loc[day(40), "why"].startswith("no step count since Tue 30 Jan 2024 (the last 9 days hold none)")
    assert goals.loc[day(41), "goal"] == 9_000 and goals.loc[day(41), "restart"]
    assert goals.loc[day(41), "why"] == ("what you already walk: 9-day median 9,000; started again on Sun 11 Feb "
                                         "2024 after 10 days without a step count")
    # a gap shorter than the window does not restart: day 36's window still holds days 27-29
    short = by_day([3_000] * 30 + [None] * 5 + [9_000] * 20, as_of=54)
    assert not short.loc[day(31):day(54), "restart"].any()


def test_real_google_fit_nine_day_gap_restarts_from_the_new_days() -> None:
    # The real Takeout file: counts stop on Fri 16 Nov 2018 and come back on Mon 26 Nov (1,250 steps);
    # 17-25 Nov (9 days) have none. The old rule carried a value from before the gap and climbed for weeks.
    raw = pd.read_csv(DATA / "google_fit" / "Daily activity metrics.csv", usecols=["Date", "Step count"]).dropna()
    steps = pd.DataFrame({"day": pd.to_datetime(raw["Date"]).dt.date, "steps": raw["Step count"].astype(int)})
    goals = goal_series(steps, Profile(), as_of=date(2021, 2, 17), days_ahead=14).set_index("day")
    assert goals.loc[date(2018, 11, 26), "set_by"] == "no_data"  # window 17-25 Nov: empty
    restart = goals.loc[date(2018, 11, 27)]
    # the window holds 26 Nov only: 1,250 steps is what they walk; the goal restarts from it
    assert restart["restart"] and restart["goal"] == 1_250 and restart["level"] == 1_250
    assert "started again on Tue 27 Nov 2018 after 9 days without a step count" in restart["why"]
    # over the whole history: one goal a day, never below the median (unless held), never above
    # max(ceiling, median), whole tens, and the highest goal of any 7 days at most 10 % above that of the
    # 7 days before except where the median itself lifted it
    g = goals[~goals["future"] & (goals["set_by"] != "no_data")]
    assert ((g["goal"] >= g["level"] - 1e-9) | g["held"]).all()
    assert (g["goal"] <= g[["ceiling", "level"]].max(axis=1).map(lambda v: -(-v // 10) * 10)).all()
    assert (goals["goal"] % 10 == 0).all()
    rises = goals[goals["set_by"] == "rise"]
    assert len(rises) > 20  # the real data does try to rise faster, and is held back
    # each rise is at most one day's share of +10 % a week on the day before, or back to a goal of the last 7
    # days (the first day of a run starts from the median instead)
    day_share = goals["goal"].shift(1).loc[rises.index] * 1.1 ** (1 / 7) + 1e-6
    week_high = goals["goal"].rolling(7, min_periods=1).max().shift(1).loc[rises.index]
    from_level = rises["restart"] & (rises["goal"] <= rises["level"] * 1.1 ** (1 / 7) + 10)
    assert ((rises["goal"] <= day_share) | (rises["goal"] <= week_high) | from_level).all()


def test_the_plan_keeps_the_last_goal_while_the_back_hurts(store) -> None:
    # Runs as steady_weeks (to Sun 3 Mar 2024); 8,800 steps a day through Tue 27 Feb, then 4,000 a day from Wed
    # 28 Feb; back pain logged on Sun 3 Mar. Sun 3 Mar's window (23 Feb-2 Mar): 5 x 8,800 and 4 x 4,000 ->
    # median 8,800: the goal is 8,800. Mon 4 Mar's window (24 Feb-3 Mar) holds 5 x 4,000: median 4,000,
    # percentile 4,000 + 0.8 x 4,800 = 7,840, but the pain holds 3-9 Mar: 8,800 kept, not cut (the old rule
    # cut it to 7,840 under "held, not raised"). Sun 10 Mar, the hold over, follows the walking: 7,840.
    from loadwatch import api
    from loadwatch.models import DailySteps
    from tests.helpers import steady_weeks, write

    sunday = date(2024, 3, 3)
    steps = [DailySteps(sunday - timedelta(days=i), 8_800 if i > 4 else 4_000, "Pixel", "phone") for i in range(60)]
    write(store, steady_weeks(end=sunday), steps)
    store.add_log("me", sunday, "pain", {"where": "lower", "level": 3, "radiates": False, "numbness": False})
    plan = api.plan(store, "me", as_of=sunday)
    assert [d.step_goal for d in plan.days] == [8_800] * 6 + [7_840]
    assert all(d.step_why.startswith("held at the day before's 8,800: pain or an overload flag")
               for d in plan.days[:6])
    goals = api.goals(store, "me", as_of=sunday, days=7)
    assert [g.held for g in goals] == [True] * 6 + [False]
