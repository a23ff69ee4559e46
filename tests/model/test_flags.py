"""Overload flags: which fire, their severity, values, plain messages, windows and order; the pain state."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from loadwatch.config import Profile
from loadwatch.model.flags import pain_state
from loadwatch.model.status import compute_status
from loadwatch.models import DailySteps, Note
from loadwatch.store import Store
from tests.helpers import run_on, write

PROFILE = Profile(hr_max_bpm=200, hr_rest_bpm=50, sex="male")
NO_STEPS = pd.DataFrame({"day": [], "steps": []})


def _status(store: Store, as_of: date, metric: str = "duration", profile: Profile = PROFILE):
    return compute_status(store.sessions("me"), NO_STEPS, store.logs("me"), profile, as_of=as_of, metric=metric)


def _by_rule(flags, rule):
    return [f for f in flags if f.rule == rule]


def test_session_spike_flag_in_plain_words(store: Store) -> None:
    # 13 km on Sat 4 May, then 18 km on Sun 19 May: 18/13 - 1 = 38.5 % -> moderate -> high
    # (a ride on 15 April gives the 19 May run 30 days of history before it: a verdict is due)
    write(store, [run_on(date(2024, 4, 15), km=20, sport="cycling"), run_on(date(2024, 5, 4), km=13),
                  run_on(date(2024, 5, 19), km=18)])
    flags = _by_rule(_status(store, date(2024, 5, 21)).flags, "session_spike")
    assert len(flags) == 1
    flag = flags[0]
    assert (flag.severity, flag.day, flag.threshold) == ("high", date(2024, 5, 19), 0.30)
    assert flag.value == pytest.approx(18 / 13 - 1)
    # next long run cap: 1.10 x 13 km = 14.3 km, quoted as the plan quotes it (issue 13: no longer floored
    # to "14 km"), and carried in the JSON as the number the plan obeys
    assert flag.message == ("Sunday's 18.0 km run was 38% longer than your longest run in the 30 days before it"
                            " (13.0 km): a moderate spike. Keep the next long run at or under 14.3 km (1.10 x your"
                            " longest run of the last 30 days that was not itself a spike, 13.0 km).")
    assert (flag.limit, flag.limit_unit, flag.limit_of) == (pytest.approx(14_300), "m", "long_run")
    assert "Frandsen" in flag.evidence and "1.64" in flag.evidence


def test_small_spike_is_caution_and_value_is_a_fraction(store: Store) -> None:
    # 12 km then 17 km would be moderate; 12 km then 14 km: +16.7 % small -> caution
    write(store, [run_on(date(2024, 4, 1), km=20, sport="cycling"),  # 30 days of history before 10 May
                  run_on(date(2024, 5, 1), km=12), run_on(date(2024, 5, 10), km=14)])
    flag = _by_rule(_status(store, date(2024, 5, 10)).flags, "session_spike")[0]
    assert flag.severity == "caution" and flag.threshold == 0.10
    assert round(flag.value, 3) == 0.167
    assert flag.message.startswith("Today's 14.0 km run was 17% longer")


def test_spike_is_active_for_fourteen_days_only(store: Store) -> None:
    write(store, [run_on(date(2024, 4, 1), km=20, sport="cycling"),  # 30 days of history before 10 May
                  run_on(date(2024, 5, 1), km=10), run_on(date(2024, 5, 10), km=15)])
    assert _by_rule(_status(store, date(2024, 5, 23)).flags, "session_spike")  # day 13 after
    assert not _by_rule(_status(store, date(2024, 5, 24)).flags, "session_spike")  # 14 days later: gone
    assert not _by_rule(_status(store, date(2024, 5, 9)).flags, "session_spike")  # not yet happened


def test_weekly_ramp_flags_this_and_last_week(store: Store) -> None:
    # weeks (Mon): 29 Apr 100 min, 6 May 125 min (+25 % caution), 13 May so far 170 min (+36 % high)
    acts = [run_on(date(2024, 4, 29), minutes=100, km=5), run_on(date(2024, 5, 6), minutes=125, km=5),
            run_on(date(2024, 5, 13), minutes=170, km=5)]
    write(store, acts)
    flags = _by_rule(_status(store, date(2024, 5, 14)).flags, "weekly_ramp")
    assert [(f.severity, f.day) for f in flags] == [("high", date(2024, 5, 14)), ("caution", date(2024, 5, 12))]
    assert flags[0].value == pytest.approx(0.36) and flags[0].threshold == 0.30
    assert flags[1].value == pytest.approx(0.25) and flags[1].threshold == 0.10
    assert flags[0].message == ("This week's load so far (170 min) is already 36% above last week's (125)."
                                " Keep the rest of the week easy or rest.")
    assert "Buist" in flags[0].evidence and "Nielsen" in flags[0].evidence


def test_last_weeks_ramp_is_flagged_even_when_only_this_week_is_shown(store: Store) -> None:
    # the same weeks as above, shown with --weeks 1: last week's +25 % still counts for the flags
    acts = [run_on(date(2024, 4, 29), minutes=100, km=5), run_on(date(2024, 5, 6), minutes=125, km=5),
            run_on(date(2024, 5, 13), minutes=170, km=5)]
    write(store, acts)
    status = compute_status(store.sessions("me"), NO_STEPS, store.logs("me"), PROFILE, as_of=date(2024, 5, 14),
                            metric="duration", weeks=1)
    assert len(status.weeks) == 1
    flags = _by_rule(status.flags, "weekly_ramp")
    assert [(f.severity, f.day) for f in flags] == [("high", date(2024, 5, 14)), ("caution", date(2024, 5, 12))]


def test_exactly_ten_percent_ramp_is_not_flagged(store: Store) -> None:
    write(store, [run_on(date(2024, 5, 6), minutes=100, km=5), run_on(date(2024, 5, 13), minutes=110, km=5)])
    assert not _by_rule(_status(store, date(2024, 5, 19)).flags, "weekly_ramp")


def test_acwr_is_info_context_and_form_and_monotony_fire(store: Store) -> None:
    start = date(2024, 4, 1)
    # 42 days of 60 min (the form rule waits for 42 days of history), then 7 days of 150 min: uniform days
    # -> monotony capped 10 (> 2)
    acts = [run_on(start + timedelta(days=i), minutes=60 if i < 42 else 150, km=5) for i in range(49)]
    write(store, acts)
    status = _status(store, start + timedelta(days=48), metric="trimp")
    acwr = _by_rule(status.flags, "acwr")[0]
    # EWMA seeded at 60 (in minutes; TRIMP is minutes x a constant rate, the ratio is the same), then k days
    # of 150: acute 60 + 90 (1 - 0.75^k), chronic 60 + 90 (1 - (27/29)^k); the ratio on k = 1..7:
    # 82.50/66.21 = 1.2461, 99.38/71.99 = 1.3805, 112.03/77.37 = 1.4481, 121.52/82.38 = 1.4752,
    # 128.64/87.04 = 1.4780, 133.98/91.38 = 1.4662, 137.99/95.42 = 1.4460; the flag quotes their 7-day mean
    # (the weekly table's value): 9.9401 / 7 = 1.420, above 1.3, below 1.5 (was today's 1.446 alone)
    assert acwr.severity == "info" and acwr.value == pytest.approx(1.420, abs=1e-3) and acwr.threshold == 1.3
    assert "averaged 1.42 times" in acwr.message
    assert "Lolli" in acwr.evidence and "Impellizzeri" in acwr.evidence
    form = _by_rule(status.flags, "form")[0]
    last = status.daily.iloc[-1]
    yesterday = status.daily.iloc[-2]  # form is yesterday's fitness minus yesterday's fatigue
    assert form.value == pytest.approx(yesterday["ctl"] - yesterday["atl"]) and form.value < -30
    assert last["tsb"] == pytest.approx(form.value)
    mono = _by_rule(status.flags, "monotony")[0]
    assert mono.value == 10.0 and mono.severity == "caution"
    severities = [f.severity for f in status.flags]
    assert severities == sorted(severities, key={"high": 0, "caution": 1, "info": 2}.get)  # most serious first
    assert status.flags[-1].rule == "acwr"


def _pain_logs(store: Store, entries: list[tuple[date, dict]]) -> pd.DataFrame:
    for day, payload in entries:
        store.add_log("me", day, "pain", {"where": "lower", "level": 3, "radiates": False, "numbness": False,
                                         **payload})
    return store.logs("me")


def test_pain_state_recent_and_red_flags(store: Store) -> None:
    logs = _pain_logs(store, [(date(2024, 5, 1), {}), (date(2024, 5, 5), {}), (date(2024, 5, 9), {})])
    state = pain_state(logs, as_of=date(2024, 5, 10), profile=Profile())
    assert state.recent and not state.red_flag and state.last_day == date(2024, 5, 9)
    # 7 days after the last log (pain_recent_days = 7): no longer recent
    assert not pain_state(logs, as_of=date(2024, 5, 16), profile=Profile()).recent
    assert pain_state(logs, as_of=date(2024, 5, 15), profile=Profile()).recent
    # logged on and off from 1 May to 17 May: 16 days > 14 -> see a doctor
    logs = _pain_logs(store, [(date(2024, 5, 13), {}), (date(2024, 5, 17), {})])
    state = pain_state(logs, as_of=date(2024, 5, 17), profile=Profile())
    assert state.red_flag and state.reasons == ["pain logged on and off for 16 days"]


def test_pain_radiating_is_a_red_flag_but_an_old_episode_is_not(store: Store) -> None:
    logs = _pain_logs(store, [(date(2024, 3, 1), {"radiates": True, "numbness": True}), (date(2024, 5, 9), {})])
    state = pain_state(logs, as_of=date(2024, 5, 10), profile=Profile())
    assert state.recent and not state.red_flag  # March's sciatica is a closed episode
    logs = _pain_logs(store, [(date(2024, 5, 10), {"numbness": True, "level": 5})])
    state = pain_state(logs, as_of=date(2024, 5, 10), profile=Profile())
    assert state.red_flag and state.reasons == ["numbness or tingling"]
    # pain-free entries (level 0) do not count; logs after as_of are not seen
    assert not pain_state(_pain_logs(store, []), as_of=date(2024, 2, 1), profile=Profile()).recent


def test_pain_while_load_rises_is_high(store: Store) -> None:
    start = date(2024, 5, 1)
    write(store, [run_on(start + timedelta(days=i), minutes=30 if i < 7 else 45, km=5) for i in range(14)])
    _pain_logs(store, [(date(2024, 5, 13), {"where": "upper"})])
    status = _status(store, date(2024, 5, 14))
    pain = _by_rule(status.flags, "pain_load")[0]
    # last 7 days 7 x 45 = 315 min vs 7 x 30 = 210 before: +50 %
    assert pain.severity == "high" and pain.value == pytest.approx(0.5)
    # 14 days of 5 km a day: the last 7 days and the usual week are 35 km; the typical easy run 5 km
    assert pain.message == ("You logged upper-back pain on Mon 13 May and your load is rising (50% above the 7"
                            " days before). Only easy runs, none longer than your typical easy run (5.0 km), nothing"
                            " hard (no intervals, hills or races), and at most 35.0 km of running in the next 7 days"
                            " (no more than your usual week) until it settles.")
    assert (pain.limit, pain.limit_unit, pain.limit_of) == (pytest.approx(35_000), "m", "week")


def test_walker_without_a_watch_gets_the_weekly_step_picture(store: Store) -> None:
    # phone steps from Wed 1 May: 6,000/day, then 9,000/day from 15 May
    rows = [DailySteps(date(2024, 5, 1) + timedelta(days=i), 6000 if i < 14 else 9000, "iPhone", "phone")
            for i in range(21)]
    write(store, steps=rows)
    status = compute_status(store.sessions("me"), store.daily_steps("me"), store.logs("me"), PROFILE,
                            as_of=date(2024, 5, 21), weeks=4, metric="steps")
    weeks = status.weeks
    # week of 29 Apr holds 5 days (from Wed 1 May): no ramp against it; 6 May 42,000; 13 May 2 x 6,000 +
    # 5 x 9,000 = 57,000 -> +35.7 % high; the week in progress (2 days) is not compared as a ramp excess
    assert list(weeks["days"]) == [5, 7, 7, 2]
    assert list(weeks["steps"]) == [30_000, 42_000, 57_000, 18_000]
    assert weeks["ramp"].isna().tolist() == [True, True, False, False]
    assert weeks["ramp"].iloc[2] == pytest.approx(57 / 42 - 1)
    assert [f.rule for f in status.flags] == ["weekly_ramp"]  # no monotony/form/ACWR flags on steps
    trimp = compute_status(store.sessions("me"), store.daily_steps("me"), store.logs("me"), PROFILE,
                           as_of=date(2024, 5, 21), metric="trimp")
    assert Note("no_sessions", "No sessions stored: training load is 0 throughout; for a walker, try --metric"
                " steps.") in trimp.notes
