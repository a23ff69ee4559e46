"""Issue 13: the CLI (`status --json`, `plan --json`, their text), the report's pages (read back with pypdf)
and the flags quote one number per limit: the next long run after two spikes in a row, and the hold after
a +39 % week. Histories built by hand; the numbers are worked out in tests/model/test_one_limit.py."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from loadwatch.cli import cli
from loadwatch.store import Store
from loadwatch.wording import amount
from tests.helpers import easy_run, weeks_of, write

SUNDAY = date(2024, 3, 3)


def outputs(runner, db: Path, tmp_path: Path) -> tuple[dict, dict, str, str, str]:
    """status --json, plan --json, status text, plan text and the report's text (pages joined)."""
    def invoke(*args: str) -> str:
        result = runner.invoke(cli, ["--db", str(db), "--as-of", SUNDAY.isoformat(), *args])
        assert result.exit_code == 0, result.output
        return result.output

    status, plan = json.loads(invoke("status", "--json")), json.loads(invoke("plan", "--json"))
    pdf = tmp_path / "r.pdf"
    invoke("report", "-o", str(pdf))
    pages = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages)
    return status, plan, " ".join(invoke("status").split()), " ".join(invoke("plan").split()), pages


def test_two_spikes_in_a_row_one_long_run_limit_everywhere(runner, db_path: Path, tmp_path: Path) -> None:
    # Tue 6 / Thu 6 / Sun 12 km, then a 17.5 km and a 25 km Sunday: 1.10 x 12 km = 13.2 km (not "19 km")
    acts = [a for a in weeks_of({1: 6, 3: 6, 6: 12}, 8, SUNDAY)
            if a.start_utc.date() not in (SUNDAY, SUNDAY - timedelta(days=7))]
    with Store(db_path) as store:
        write(store, [*acts, easy_run(SUNDAY - timedelta(days=7), 17.5), easy_run(SUNDAY, 25.0)])
    status, plan, status_text, plan_text, report = outputs(runner, db_path, tmp_path)
    spikes = [f for f in status["flags"] if f["rule"] == "session_spike"]
    assert len(spikes) == 2
    assert {(f["limit"], f["limit_unit"], f["limit_of"]) for f in spikes} == {(13_200, "m", "long_run")}
    assert plan["caps"]["long_run_max_m"] == 13_200
    quoted = "Keep the next long run at or under 13.2 km"
    assert status_text.count(quoted) == 2 and "19 km" not in status_text
    assert "long run at most 13.2 km" in plan_text
    assert quoted in report and "Long run 13.2 km" in report  # page 1: the flags and the caps table


def test_a_plus_39_percent_week_one_hold_number_everywhere(runner, db_path: Path, tmp_path: Path) -> None:
    # 30 km weeks, then 41.7 km (+39 %): the ramp flag's "stay at or under" is the plan's most
    acts = weeks_of({1: 8, 3: 8, 6: 14}, 6, SUNDAY - timedelta(days=7)) + weeks_of({1: 10, 2: 8, 3: 9.7, 6: 14},
                                                                                    1, SUNDAY)
    with Store(db_path) as store:
        write(store, acts)
    status, plan, status_text, plan_text, report = outputs(runner, db_path, tmp_path)
    (ramp,) = [f for f in status["flags"] if f["rule"] == "weekly_ramp"]
    assert (ramp["limit_unit"], ramp["limit_of"]) == ("TRIMP", "week")
    caps = plan["caps"]
    assert caps["weekly_max"] == ramp["limit"] and caps["binding"] == "hold"
    assert caps["distance_max_m"] == pytest.approx(41_700)
    shown = amount(ramp["limit"], "TRIMP")
    assert f"stay at or under {shown}" in status_text
    assert f"; {shown} (suggest" in plan_text and "The most: 41.7 km" in plan_text
    assert f"stay at or under {shown}" in report and f"Weekly load {shown}" in report
    assert "Too much too soon" in report and "Weekly running distance 41.7 km" in report
