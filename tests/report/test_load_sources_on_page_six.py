"""Page 6 says what the load rests on (issue 14): the share of the shown weeks' load by source and the mapping of
pace to TRIMP that was used, first among the data-quality lines; the method card gives each source's formula."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from loadwatch import api
from loadwatch.config import Profile
from loadwatch.report import text
from loadwatch.store import Store
from tests.helpers import run_on, write

DAY = date(2024, 5, 6)  # a Monday


def test_the_share_of_load_by_source_and_the_calibration_are_on_page_six(store: Store) -> None:
    # Monday: 60 min at 150 bpm (HRmax 200, HRrest 50: TRIMP 92.074). Wednesday: 60 min without HR in GAS bin 34
    # against CS 3.95: (3.45/3.95)^2 x 100 = 76.286 points x 1.66924 (generic) = 127.340 TRIMP.
    # Shares: 92.074 / 219.414 = 42 %, 127.340 / 219.414 = 58 %.
    write(store, [replace(run_on(DAY, 12, 60), moving_s=3600.0, hr_hist={150: 3600.0}),
                  replace(run_on(DAY + timedelta(days=2), 12, 60), moving_s=3600.0, gas_hist={34: 3600.0})])
    store.set_profile("me", {"hr_max_bpm": 200, "hr_rest_bpm": 50, "sex": "male", "critical_speed_m_s": 3.95})
    status = api.status(store, "me", as_of=DAY + timedelta(days=6), weeks=1)
    lines = text.data_quality(store.sources(), status, "me")
    assert lines[1] == "Load by source in these weeks: pace 58%, heart rate 42%."
    assert lines[2].startswith("Pace load in TRIMP: 1 point = 1.67 TRIMP, the generic mapping: fewer than 10 sessions"
                               " have both heart rate and pace (0)")
    assert not any(line.startswith("Assumption: Pace load") for line in lines)  # said once, up front


def test_the_method_card_gives_the_formula_of_each_source() -> None:
    rows = {what: formula for what, formula, _, _ in text.method_rows(Profile(), "trimp")}
    assert "power, pace, RPE" in rows["Session load"]
    pace = rows["Pace, power load"]
    assert "hours x IF^2 x 100 per bin" in pace and "10+ sessions with both" in pace
    assert "slope of the 3-20 min bests of 90 days" in rows["Thresholds"]
