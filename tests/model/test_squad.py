"""The squad's pure rules (loadwatch.model.squad): the silent flag's threshold, where it joins the status flags,
pain in the last 7 days, and the urgency order; hand-made rows and frames, answers worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from loadwatch.model.squad import (
    SILENT_AFTER_DAYS,
    SquadRow,
    cells,
    last_data_day,
    most_urgent_first,
    pain_7d,
    silent_flag,
    with_silent,
)
from loadwatch.models import Flag

AS_OF = date(2024, 3, 3)


def _flag(rule: str, severity: str) -> Flag:
    return Flag(rule, severity, AS_OF, 1.0, 0.5, f"{rule} message", "evidence")


def _row(name: str, flags: tuple[Flag, ...] = (), pain: int | None = None, since: int | None = 0) -> SquadRow:
    return SquadRow(name, "Steady build \u2014 keep it", "ok", 100.0, 90.0, 0.1111, "TRIMP", 14_000.0, 15_400.0,
                    flags, pain, 110.0, 99.0, since)


def test_silent_after_ten_days_not_before() -> None:
    assert SILENT_AFTER_DAYS == 10
    assert silent_flag(AS_OF - timedelta(days=10), AS_OF) is None  # 10 days: not yet
    flag = silent_flag(AS_OF - timedelta(days=11), AS_OF)
    assert flag is not None and (flag.rule, flag.severity, flag.value, flag.day) == (
        "silent", "caution", 11.0, date(2024, 2, 21))
    assert flag.message.startswith("Silent for 11 days: nothing recorded since Wed 21 Feb 2024.")
    nothing = silent_flag(None, AS_OF)
    assert nothing is not None and nothing.message.startswith("No sessions or steps on or before 2024-03-03")


def test_silent_flag_goes_after_the_status_flags_of_its_severity() -> None:
    high, caution, info = _flag("session_spike", "high"), _flag("monotony", "caution"), _flag("acwr", "info")
    silent = silent_flag(AS_OF - timedelta(days=20), AS_OF)
    assert [f.rule for f in with_silent([high, caution, info], silent)] == ["session_spike", "monotony", "silent",
                                                                             "acwr"]
    assert [f.rule for f in with_silent([info], silent)] == ["silent", "acwr"]
    assert with_silent([info], None) == (info,)


def test_last_data_day_counts_sessions_and_steps_up_to_as_of() -> None:
    sessions = pd.DataFrame({"day": [date(2024, 2, 20), date(2024, 3, 9)]})  # the 9 March one is after as_of
    steps = pd.DataFrame({"day": [date(2024, 2, 25)]})
    assert last_data_day(sessions, steps, AS_OF) == date(2024, 2, 25)
    assert last_data_day(sessions.iloc[:0], steps.iloc[:0], AS_OF) is None


def test_pain_in_the_last_seven_days_is_its_highest_level() -> None:
    def log(day: date, level: int) -> dict:
        return {"id": 1, "day": day, "kind": "pain", "payload": {"where": "lower", "level": level}}

    # 26 Feb is as_of - 6 (in the window), 25 Feb is as_of - 7 (out), level 0 is pain-free (not pain)
    logs = pd.DataFrame([log(date(2024, 2, 25), 9), log(date(2024, 2, 26), 3), log(date(2024, 3, 1), 2),
                         log(date(2024, 3, 3), 0)])
    assert pain_7d(logs, AS_OF) == 3
    assert pain_7d(logs.iloc[:1], AS_OF) is None


def test_most_urgent_first() -> None:
    rows = [
        _row("ann"),  # no flag, data today
        _row("bea", since=5),  # no flag, 5 days since data
        _row("cid", (_flag("acwr", "info"),)),  # context only
        _row("dan", (_flag("monotony", "caution"),), pain=2),
        _row("eve", (_flag("monotony", "caution"),), pain=6),
        _row("fay", (_flag("monotony", "caution"),), pain=6, since=None),  # nothing on or before as_of
        _row("gus", (_flag("weekly_ramp", "high"),)),
    ]
    # severity: high (gus), caution (fay, eve, dan), info (cid), none (bea, ann); within caution pain 6, 6, 2 and
    # between the two 6s no data (fay) before data today (eve); among the unflagged, 5 days since data first
    assert [r.athlete for r in most_urgent_first(rows)] == ["gus", "fay", "eve", "dan", "cid", "bea", "ann"]


def test_cells_quote_the_row_in_the_words_of_status() -> None:
    row = _row("ann", (_flag("session_spike", "high"),), pain=4, since=3)
    assert cells(row) == ("ann", "Steady build \u2014 keep it", "100", "90", "+11%", "14.0 km / 15.4 km",
                          "HIGH session spike", "4/10", "110 / 99", "3 d ago")
