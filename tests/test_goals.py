"""Adaptive step goals: percentile, weekly-rise cap, hold, Paluch ceiling, CSV and iCalendar output."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from loadwatch.config import Profile
from loadwatch.errors import NoData
from loadwatch.goals import (
    GOAL_FLOOR_STEPS,
    csv_safe,
    goal_series,
    goals_csv,
    goals_ics,
    goals_json,
    held_mask,
    ics_fold,
    upcoming_goals,
)

DATA = Path(__file__).parent / "data"
START = date(2024, 1, 1)  # a Monday


def steps_frame(values: list[int], start: date = START) -> pd.DataFrame:
    return pd.DataFrame({"day": [start + timedelta(days=i) for i in range(len(values))], "steps": values})


def google_fit_steps() -> pd.DataFrame:
    """The real Google Takeout daily metrics (2018-2021): Date and Step count columns."""
    raw = pd.read_csv(DATA / "google_fit" / "Daily activity metrics.csv", usecols=["Date", "Step count"])
    raw = raw.dropna()
    return pd.DataFrame({"day": pd.to_datetime(raw["Date"]).dt.date, "steps": raw["Step count"].astype(int)})


def day(i: int) -> date:
    return START + timedelta(days=i)


def test_goal_is_the_60th_percentile_of_the_last_9_days() -> None:
    # days 0..8 walk 1000, 2000, ..., 9000 (shuffled). numpy/pandas linear percentile of 9 sorted values:
    # position 0.6 x (9 - 1) = 4.8 -> 5000 + 0.8 x (6000 - 5000) = 5800 for day 9.
    values = [3000, 9000, 1000, 7000, 5000, 2000, 8000, 4000, 6000]
    goals = goal_series(steps_frame(values), Profile(), as_of=day(8), days_ahead=1)
    row = goals[goals["day"] == day(9)].iloc[0]
    assert row["raw"] == pytest.approx(5800.0)
    assert row["goal"] == 5800
    assert row["why"].startswith("9-day 60th percentile 5,800; ")
    assert goals.iloc[0]["why"].startswith("9-day 60th percentile 3,000; first week of goals")
    assert row["future"]


def rise_history() -> pd.DataFrame:
    # 5,000 steps a day for three weeks, then 9,000 a day: the goal may rise only 10 % a week.
    return steps_frame([5000] * 21 + [9000] * 40)


def test_weekly_rise_is_capped_at_ten_percent_by_hand() -> None:
    goals = goal_series(rise_history(), Profile(), as_of=day(60)).set_index("day")
    # day 24's window (days 15..23) has 3 x 9000 and 6 x 5000: position 4.8 falls among the 5000s -> 5000.
    assert goals.loc[day(24), "goal"] == 5000
    # day 31: raw 9000, but at most 1.10 x 5000 = 5500; then 6050, 6655 -> 6650 (whole tens, rounded down),
    # 7315 -> 7310: the same weekday rises by at most 10 % a week.
    assert [goals.loc[day(d), "goal"] for d in (31, 38, 45, 52)] == [5500, 6050, 6650, 7310]
    assert goals.loc[day(38), "capped"]
    assert "+10.0% this week" in goals.loc[day(38), "why"]
    assert "rise held to +10% a week (goal a week before 5,500)" in goals.loc[day(38), "why"]


def test_as_of_a_week_apart_shows_the_same_gentle_rise() -> None:
    steps = rise_history()
    first = upcoming_goals(steps, Profile(), as_of=day(30), days=7)
    later = upcoming_goals(steps, Profile(), as_of=day(37), days=7)
    assert first["day"].tolist() == [day(d) for d in range(31, 38)]
    assert later["day"].tolist() == [day(d) for d in range(38, 45)]
    # the same weekday one week later: exactly the capped 10 % (rounded down to whole tens)
    assert first.iloc[0]["goal"] == 5500 and later.iloc[0]["goal"] == 6050
    ratio = later["goal"].to_numpy() / first["goal"].to_numpy()
    assert np.all(ratio <= 1.10 + 1e-12)
    assert np.all(ratio > 1.05)  # a real rise, not a freeze
    assert all("carried forward from" in why for why in first["why"])


def test_future_goals_keep_rising_gently_from_as_of() -> None:
    future = upcoming_goals(rise_history(), Profile(), as_of=day(30), days=14)
    by_day = dict(zip(future["day"], future["goal"], strict=True))
    # raw 9000 carried forward; the cap still binds: day 38 = 1.1 x day 31
    assert by_day[day(31)] == 5500 and by_day[day(38)] == 6050


def test_goal_is_held_while_pain_or_a_flag_is_active() -> None:
    steps = rise_history()
    free = goal_series(steps, Profile(), as_of=day(60)).set_index("day")
    held = goal_series(steps, Profile(), as_of=day(60), hold_on=[day(35)]).set_index("day")
    window = [day(d) for d in range(35, 42)]  # an event on day 35 holds days 35..41 (7 days)
    assert held.loc[window, "held"].all()
    assert not held.loc[day(34), "held"] and not held.loc[day(42), "held"]
    goals = held["goal"]
    for d in range(35, 42):
        assert goals.loc[day(d)] <= goals.loc[day(d - 1)]
    assert goals.loc[day(41)] == free.loc[day(34), "goal"]  # flat from the day before the hold
    assert free.loc[day(41), "goal"] > goals.loc[day(41)]  # without the hold it would have risen
    assert "held, not raised" in held.loc[day(36), "why"]
    # after the hold the weekly cap applies again, from the held (lower) goals
    assert goals.loc[day(42)] <= int(goals.loc[day(35)] * 1.1 // 10 * 10)


def test_held_mask_counts_the_event_day_and_six_after() -> None:
    days = pd.date_range("2024-03-01", "2024-03-12")
    mask = held_mask(days, [date(2024, 3, 3)], 7)
    assert mask.tolist() == [False, False] + [True] * 7 + [False] * 3


# Nine different days repeated: every 9-day window holds all of them. Sorted, the median (position 4)
# is 7,900 and the 60th percentile (position 4.8) is 7,900 + 0.8 x (9,500 - 7,900) = 9,180.
NINE = [9_600, 6_000, 9_800, 7_000, 7_900, 9_500, 6_500, 9_700, 7_500]


def test_ceiling_under_60_and_from_60() -> None:
    steps = steps_frame(NINE * 4)
    young = goal_series(steps, Profile(birth_year=1990), as_of=day(35))
    assert young["goal"].iloc[-1] == 9_180  # below the 10k ceiling: their own 60th percentile
    old = goal_series(steps, Profile(birth_year=1950), as_of=day(35))  # 74 in 2024, median 7,900 < 8,000
    assert old["goal"].iloc[-1] == 8_000
    assert "ceiling 8,000 a day (Paluch 2022, 60 or older)" in old["why"].iloc[-1]
    unknown = goal_series(steps, Profile(birth_year=None), as_of=day(35))
    assert unknown["goal"].iloc[-1] == 9_180 and unknown["ceiling"].iloc[-1] == 10_000
    assert "ceiling 8,000 a day (Paluch 2022, 60 or older)" in old["why"].iloc[-1]


def test_someone_already_above_the_ceiling_keeps_their_own_level() -> None:
    values = [x + 5_100 for x in NINE] * 4  # median 13,000, 60th percentile 14,280
    goals = goal_series(steps_frame(values), Profile(), as_of=day(35))
    last = goals.iloc[-1]
    assert last["goal"] == 13_000  # the window's median: not pushed further, not cut to 10k
    assert "your own level holds" in last["why"]


def test_non_wear_days_are_skipped_and_goal_never_below_the_floor() -> None:
    values = [4000, 12, 4000, 4000, 0, 4000]  # 12 and 0 steps: phone left at home
    goals = goal_series(steps_frame(values), Profile(), as_of=day(5))
    assert goals["raw"].iloc[-1] == 4000
    tiny = goal_series(steps_frame([300] * 10), Profile(), as_of=day(9))
    assert (tiny["goal"] == GOAL_FLOOR_STEPS).all()
    assert "never below 1,000" in tiny["why"].iloc[-1]


def test_no_steps_raises_nodata() -> None:
    with pytest.raises(NoData, match="no daily steps stored"):
        goal_series(pd.DataFrame({"day": [], "steps": []}), Profile(), as_of=START)
    with pytest.raises(NoData, match="on or before"):
        goal_series(steps_frame([5000]), Profile(), as_of=START - timedelta(days=1))


def test_real_google_fit_history_never_rises_faster_than_the_weekly_limit() -> None:
    steps = google_fit_steps()
    assert len(steps) > 1000
    flagged = [date(2019, 5, 1), date(2019, 5, 20), date(2020, 3, 16), date(2020, 6, 1)]
    goals = goal_series(steps, Profile(), as_of=date(2021, 2, 17), days_ahead=14, hold_on=flagged)
    assert len(goals) > 1000  # one goal per day of the whole history, plus 14 ahead
    assert goals["day"].is_monotonic_increasing and goals["day"].is_unique
    week_before = goals["week_before"].to_numpy()
    known = ~np.isnan(week_before)
    assert np.all(goals["goal"].to_numpy()[known] <= week_before[known] * 1.10)
    assert goals["capped"].sum() > 20  # the real data does try to rise faster, and is held back
    held = goals["held"].to_numpy()
    previous = goals["goal"].shift(1).to_numpy()
    assert held.sum() == 4 * 7
    assert np.all(goals["goal"].to_numpy()[held] <= previous[held])
    assert (goals["goal"] >= GOAL_FLOOR_STEPS).all() and (goals["goal"] % 10 == 0).all()
    ceiling_ok = goals["goal"] <= np.maximum(goals["ceiling"], np.ceil(goals["level"] / 10) * 10)
    assert ceiling_ok.all()


def test_goals_json_shape() -> None:
    out = goals_json(upcoming_goals(rise_history(), Profile(), as_of=day(30), days=2))
    assert [g["day"] for g in out] == ["2024-02-01", "2024-02-02"]
    assert out[0]["goal"] == 5500 and isinstance(out[0]["goal"], int)
    assert out[0]["why"].startswith("9-day 60th percentile 9,000")


@pytest.mark.parametrize(("cell", "escaped"), [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("-2", "'-2"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("9-day", "9-day"), ("", ""), (7840, "7840"),
])
def test_csv_cells_that_look_like_formulas_are_escaped(cell: object, escaped: str) -> None:
    assert csv_safe(cell) == escaped


def test_goals_csv_round_trips_and_escapes_the_why_column() -> None:
    goals = upcoming_goals(rise_history(), Profile(), as_of=day(30), days=3)
    goals.loc[0, "why"] = "=HYPERLINK(\"http://evil\")"
    rows = list(csv.reader(io.StringIO(goals_csv(goals))))
    assert rows[0] == ["day", "goal", "why"]
    assert rows[1] == ["2024-02-01", "5500", "'=HYPERLINK(\"http://evil\")"]
    assert len(rows) == 4


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_ics_is_valid_icalendar_one_all_day_event_per_day() -> None:
    goals = upcoming_goals(rise_history(), Profile(), as_of=day(30), days=14)
    text = goals_ics(goals, athlete="me", stamp=datetime(2024, 2, 1, 6, 0, tzinfo=UTC))
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends with CRLF, no bare LF
    physical = raw.split(b"\r\n")[:-1]
    assert max(len(line) for line in physical) <= 75
    assert any(line.startswith(b" ") for line in physical)  # the long DESCRIPTIONs were folded
    lines = unfold(text)[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 14
    starts = [line.split(":", 1)[1] for line in lines if line.startswith("DTSTART;VALUE=DATE:")]
    assert starts == [(day(31) + timedelta(days=i)).strftime("%Y%m%d") for i in range(14)]
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == 14 and uids[0] == "UID:20240201-step-goal-me@loadwatch"
    assert lines.count("DTSTAMP:20240201T060000Z") == 14
    assert "SUMMARY:Step goal 5\\,500" in lines  # the comma is escaped (RFC 5545 3.3.11)
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "percentile 9\\,000\\; " in description


def test_ics_folding_never_splits_a_utf8_character() -> None:
    line = "DESCRIPTION:" + "é→" * 60
    folded = ics_fold(line)
    parts = folded.encode("utf-8").split(b"\r\n")
    assert all(len(p) <= 75 for p in parts)
    assert all(p[:1] == b" " for p in parts[1:])
    for p in parts:
        p.decode("utf-8")  # each physical line is whole UTF-8
    assert folded.replace("\r\n ", "") == line
