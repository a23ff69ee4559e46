"""Next week's caps on small hand-made daily frames: the ramp, 4-week and ACWR ceilings, which one binds, the
long-run cap, pain, the short-history starting plan, and the notes that explain them."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from loadwatch.config import Profile
from loadwatch.model.caps import Caps, cap_notes, compute_caps, run_frame
from loadwatch.model.flags import PainState
from loadwatch.model.status import Status

AS_OF = date(2024, 3, 31)  # a Sunday
LOAD_PER_KM = 11.0  # load units per km in these frames
S_PER_KM = 300.0  # 5:00 min/km
NO_PAIN = PainState(recent=False, red_flag=False)

# Days back from AS_OF -> run km. Weeks of 7 days back from AS_OF: the last 7 days (0-6) 20 km; days 7-13
# 30 km, 14-20 30 km, 21-27 32 km; before the 28 days, a 16 km run 29 days back (inside the 30-day long-run
# window) and a 25 km run 30 days back (outside it).
STEADY = {0: 12, 3: 8, 7: 14, 10: 8, 12: 8, 14: 14, 17: 8, 19: 8, 21: 14, 24: 10, 26: 8, 29: 16, 30: 25}


def frame(runs: dict[int, float], spikes: frozenset[int] = frozenset(), load_only: dict[int, float] | None = None
          ) -> pd.DataFrame:
    """A run_frame by hand: 35 days to AS_OF, one run a day (km), its load and minutes from the km;
    the runs on `spikes` days are left out of the long-run base; `load_only`: load without a run."""
    days = pd.date_range(AS_OF - timedelta(days=34), AS_OF, freq="D")
    out = pd.DataFrame(0.0, index=days, columns=["load", "distance_m", "duration_s", "long_run_m", "long_base_m"])
    out["runs"] = 0
    for back, km in runs.items():
        day = pd.Timestamp(AS_OF - timedelta(days=back))
        out.loc[day, ["load", "distance_m", "duration_s", "long_run_m"]] = [km * LOAD_PER_KM, km * 1000,
                                                                           km * S_PER_KM, km * 1000]
        out.loc[day, "long_base_m"] = 0.0 if back in spikes else km * 1000
        out.loc[day, "runs"] = 1
    for back, load in (load_only or {}).items():
        out.loc[pd.Timestamp(AS_OF - timedelta(days=back)), "load"] = load
    return out


def caps(daily: pd.DataFrame, history_days: int = 60, pain: PainState = NO_PAIN) -> Caps:
    return compute_caps(daily, Profile(), unit="TRIMP", history_days=history_days, pain=pain)


def test_ceilings_by_hand_and_the_ramp_binds() -> None:
    out = caps(frame(STEADY))
    # last 7 days 20 km; 28-day total 20 + 30 + 30 + 32 = 112 km -> mean 28 km; last 21 days 80 km
    #   ramp: max(20, 28) x 1.10 = 30.8 km (a down week does not shrink the base below the 4-week mean)
    #   4-week: 28 x 1.30 = 36.4 km; ACWR: 80 x 1.3 / (4 - 1.3) = 38.52 km
    assert [c.rule for c in out.ceilings] == ["ramp", "ramp_4wk", "acwr"]
    assert [c.distance_m for c in out.ceilings] == pytest.approx([30_800, 36_400, 80_000 * 1.3 / 2.7])
    # the same rules in load (11 a km) and minutes (5 a km): 338.8 / 400.4 / 423.7 and 154 / 182 / 192.6 min
    assert [c.load for c in out.ceilings] == pytest.approx([338.8, 400.4, 880 * 1.3 / 2.7])
    assert [c.duration_s / 60 for c in out.ceilings] == pytest.approx([154, 182, 400 * 1.3 / 2.7])
    assert out.binding == "ramp"
    assert out.distance_max_m == pytest.approx(30_800) and out.distance_suggested_m == pytest.approx(27_720)
    assert out.weekly_max == pytest.approx(338.8) and out.weekly_suggested == pytest.approx(304.92)  # x 0.90
    assert out.duration_max_s == pytest.approx(9_240) and out.duration_suggested_s == pytest.approx(8_316)
    # long run: the longest run in the last 30 days is the 16 km 29 days back (the 25 km is 30 days back,
    # outside): 1.10 x 16 = 17.6 km, suggested 15.84 km
    assert out.long_run_max_m == pytest.approx(17_600) and out.long_run_suggested_m == pytest.approx(15_840)
    assert out.unit == "TRIMP"


@pytest.mark.parametrize(("runs", "binding", "most_km"), [
    # a spike week: weeks 30, 30, 30, 60 km: ramp 60 x 1.1 = 66; 4-week (150 / 4) x 1.3 = 48.75;
    # ACWR 120 x 1.3 / 2.7 = 57.8 -> the 4-week rule binds
    ({0: 30, 3: 30, 7: 30, 14: 30, 21: 30}, "ramp_4wk", 48.75),
    # a heavy first week then three light ones: 60, 10, 10, 10 km: ramp max(10, 22.5) x 1.1 = 24.75;
    # 4-week 22.5 x 1.3 = 29.25; ACWR 30 x 1.3 / 2.7 = 14.44 -> the ACWR rule binds
    ({0: 10, 7: 10, 14: 10, 21: 20, 23: 20, 26: 20}, "acwr", 30 * 1.3 / 2.7),
])
def test_which_ceiling_binds(runs: dict[int, float], binding: str, most_km: float) -> None:
    out = caps(frame(runs))
    assert out.binding == binding
    assert out.distance_max_m == pytest.approx(most_km * 1000)
    assert out.distance_max_m == pytest.approx(min(c.distance_m for c in out.ceilings))


def test_long_run_base_leaves_out_spikes_and_never_outgrows_the_week() -> None:
    # the 16 km run 29 days back was itself a spike: the base is the 14 km runs -> 1.10 x 14 = 15.4 km
    assert caps(frame(STEADY, spikes=frozenset({29}))).long_run_max_m == pytest.approx(15_400)
    # the heavy-first-week frame: 1.10 x 20 = 22 km by the 30-day rule, but the week may hold 14.44 km
    acwr_bound = caps(frame({0: 10, 7: 10, 14: 10, 21: 20, 23: 20, 26: 20}))
    assert acwr_bound.long_run_max_m == pytest.approx(30_000 * 1.3 / 2.7) == acwr_bound.distance_max_m


def test_recent_pain_means_no_increase_over_the_last_seven_days() -> None:
    out = caps(frame(STEADY), pain=PainState(recent=True, red_flag=False))
    # the most = the last 7 days: 20 km, 220 load, 100 min; the long run at most the last 7 days' longest, 12 km
    assert out.binding == "pain" and [c.rule for c in out.ceilings] == ["ramp", "ramp_4wk", "acwr", "pain"]
    assert out.distance_max_m == pytest.approx(20_000) and out.distance_suggested_m == pytest.approx(18_000)
    assert out.weekly_max == pytest.approx(220) and out.duration_max_s == pytest.approx(6_000)
    assert out.long_run_max_m == pytest.approx(12_000)
    red = caps(frame(STEADY), pain=PainState(recent=True, red_flag=True, reasons=["numbness or tingling"]))
    assert red.binding == "red_flag" and red.distance_max_m == pytest.approx(20_000)


def test_short_history_gets_the_starting_ceiling_only() -> None:
    # 10 days of data: 5 km 7 days back, 5 km 2 days back, 6 km today (a +20 % spike over 5 km)
    out = caps(frame({7: 5, 2: 5, 0: 6}, spikes=frozenset({0})), history_days=10)
    # last 7 days 11 km + 10 % = 12.1 km, suggested 10.89; the long-run base is 5 km: 5.5 km
    assert [c.rule for c in out.ceilings] == ["start"] and out.binding == "start"
    assert out.ceilings[0].reason == "only 10 days of runs: at most the most you did in any 7 days so far + 10%"
    assert out.distance_max_m == pytest.approx(12_100) and out.distance_suggested_m == pytest.approx(10_890)
    assert out.long_run_max_m == pytest.approx(5_500)
    # with 28 days the personal ceilings take over
    assert [c.rule for c in caps(frame({7: 5, 2: 5, 0: 6}), history_days=28).ceilings] == ["ramp", "ramp_4wk",
                                                                                          "acwr"]


def test_load_without_runs_caps_the_load_but_gives_no_run_caps() -> None:
    # strength load of 50 on days 0, 7, 14, 21 and no run: ramp 50 x 1.1 = 55, 4-week 65, ACWR 150 x 1.3/2.7
    out = caps(frame({}, load_only={0: 50, 7: 50, 14: 50, 21: 50}))
    assert out.weekly_max == pytest.approx(55) and out.weekly_suggested == pytest.approx(49.5)
    assert out.distance_max_m is None and out.duration_max_s is None and out.long_run_max_m is None


def test_cap_notes_name_each_ceiling_and_mark_the_lowest() -> None:
    daily = frame(STEADY)
    out = caps(daily)
    assert cap_notes(out, Profile(), daily) == [
        "ramp ceiling 30.8 km / 154 min / 339 TRIMP: last 7 days + 10% (a down week counts as the 4-week mean)"
        " <- the lowest",
        "ramp_4wk ceiling 36.4 km / 182 min / 400 TRIMP: 4-week mean + 30% (Nielsen 2014)",
        "acwr ceiling 38.5 km / 193 min / 424 TRIMP: keeps the 7/28-day load ratio at or under 1.3 (Gabbett 2016;"
        " context only)",
        "long run: at most 17.6 km (1.10 x your longest run of the last 30 days, 16.0 km; Frandsen 2025)",
        "we suggest the lowest ceiling - 10%: a little less than your head would like",
    ]
    spiked = frame(STEADY, spikes=frozenset({29}))
    assert "long run: at most 15.4 km (1.10 x your longest run of the last 30 days that was not itself a spike," \
           " 14.0 km; Frandsen 2025)" in cap_notes(caps(spiked), Profile(), spiked)
    pain = caps(daily, pain=PainState(recent=True, red_flag=False))
    assert "long run: at most 12.0 km (1.10 x your longest run of the last 30 days, 16.0 km would be 17.6 km; held" \
           " to the last 7 days' longest run, while pain is logged; Frandsen 2025)" in cap_notes(pain, Profile(), daily)


def test_run_frame_sums_runs_per_day_over_the_last_35_days() -> None:
    day = pd.Timestamp
    sessions = pd.DataFrame([
        # sport, day, distance_m, duration_s, spike_class
        ("running", date(2024, 3, 31), 10_000.0, 3_000.0, "none"),
        ("cycling", date(2024, 3, 31), 30_000.0, 3_600.0, None),  # a ride: load yes, run km no
        ("running", date(2024, 3, 28), 5_000.0, 1_500.0, "none"),
        ("running", date(2024, 3, 28), 8_000.0, 2_400.0, "none"),
        ("running", date(2024, 3, 25), np.nan, 1_800.0, "none"),  # no distance: minutes only
        ("trail_running", date(2024, 3, 20), 12_000.0, 4_200.0, "small"),  # a spike: not a long-run base
        ("running", date(2024, 2, 20), 40_000.0, 14_400.0, "none"),  # 40 days back: outside the frame
    ], columns=["sport", "day", "distance_m", "duration_s", "spike_class"])
    daily = pd.DataFrame({"load": [500.0, 70.0, 100.0]}, index=[day(2024, 2, 20), day(2024, 3, 28), day(2024, 3, 31)])
    status = Status(as_of=AS_OF, metric="trimp", unit="TRIMP", sessions=sessions, daily=daily, weeks=pd.DataFrame(),
                    flags=[])
    out = run_frame(status, AS_OF)
    assert len(out) == 35 and out.index[0] == day(2024, 2, 26) and out.index[-1] == day(2024, 3, 31)
    out = out.drop(columns="spike_ref_m")  # the spike runs' references: NaN on these days
    assert out.loc[day(2024, 3, 31)].to_dict() == {"load": 100.0, "distance_m": 10_000.0, "duration_s": 3_000.0,
                                                   "long_run_m": 10_000.0, "long_base_m": 10_000.0, "runs": 1}
    # two runs on 28 Mar: 5 + 8 = 13 km in 25 + 40 = 65 min, the longest 8 km
    assert out.loc[day(2024, 3, 28)].to_dict() == {"load": 70.0, "distance_m": 13_000.0, "duration_s": 3_900.0,
                                                   "long_run_m": 8_000.0, "long_base_m": 8_000.0, "runs": 2}
    assert out.loc[day(2024, 3, 25), ["distance_m", "duration_s", "runs"]].tolist() == [0.0, 1_800.0, 1]
    assert out.loc[day(2024, 3, 20), ["long_run_m", "long_base_m"]].tolist() == [12_000.0, 0.0]
    assert out["distance_m"].sum() == 35_000  # 10 + 13 + 12 km: no ride, nothing from 20 Feb
    assert out["load"].sum() == 170.0  # the loads of the 35 days only
