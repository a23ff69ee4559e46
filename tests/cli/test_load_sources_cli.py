"""What a session's load rests on, visible (issue 14): sessions --json gains `loads` beside load and load_source, the
text table shows load and source, profile shows the thresholds the data give as of a day and what they rest on."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from loadwatch.cli import cli
from loadwatch.store import Store
from tests.helpers import run_on, write

DAY = date(2024, 5, 6)


def _invoke(runner, db: Path, *args: str):
    return runner.invoke(cli, ["--db", str(db), *args])


def _history(store: Store) -> None:
    # Two weeks apart, two runs with best efforts: 3 min at 4.5 m/s (810 m) and 12 min at 4.0 m/s (2,880 m), so
    # critical speed = 2,070 / 540 = 3.8333 m/s (4:21 /km) as of each; the second run has no heart rate.
    # The second: 60 min in GAS bin 34 (3.45 m/s): (3.45 / 3.8333)^2 x 100 = 81.0 points x the generic 1.66924
    # TRIMP per point (male: 0.6 x 0.85 x 0.64 e^1.632) = 135.2 TRIMP.
    best = {180: 4.5, 720: 4.0}
    first = replace(run_on(DAY, 12, 60, avg_hr=150.0), moving_s=3600.0, gas_hist={34: 3600.0}, best_gas_m_s=best,
                    hr_hist={150: 3600.0})
    second = replace(run_on(DAY + timedelta(days=14), 12, 60), moving_s=3600.0, gas_hist={34: 3600.0},
                     best_gas_m_s=best)
    write(store, [first, second])
    store.set_profile("me", {"hr_max_bpm": 200, "hr_rest_bpm": 50, "sex": "male"})


def test_sessions_json_has_loads_by_source_and_the_table_shows_load_and_source(store, db_path, runner) -> None:
    _history(store)
    rows = json.loads(_invoke(runner, db_path, "sessions", "--json").output)
    assert [r["load_source"] for r in rows] == ["trimp", "pace"]
    points = (3.45 / (2070 / 540)) ** 2 * 100  # 81.00
    k = 0.6 * 0.85 * 0.64 * math.exp(1.92 * 0.85)
    # the first: TRIMP 60 x 0.6667 x 0.64 e^1.28 = 92.1; its pace load 135.2; duration 60 x 0.6 x 0.64 e^1.152 = 72.9
    assert rows[0]["loads"] == {"hr": 92.1, "pace": round(points * k, 1), "duration": 72.9}
    assert rows[1]["loads"] == {"pace": 135.2, "duration": 72.9}
    assert rows[1]["load"] == pytest.approx(points * k)
    text = _invoke(runner, db_path, "sessions").output.splitlines()
    assert text[0].endswith("avg HR   load  source")
    assert text[1].endswith("150     92  trimp") and text[2].endswith("135  pace")


def test_profile_shows_the_estimates_as_of_a_day_and_what_they_rest_on(store, db_path, runner) -> None:
    _history(store)
    store.set_profile("me", {"hr_max_bpm": None})
    doc = json.loads(_invoke(runner, db_path, "--as-of", "2024-05-20", "profile", "--json").output)
    cs = doc["estimates"]["critical_speed_m_s"]
    assert cs["value"] == round(2070 / 540, 3) and cs["as_of"] == "2024-05-20" and cs["source"] == "data"
    assert cs["n"] == 2 and cs["first"] == "2024-05-06" and cs["last"] == "2024-05-20"
    assert "best efforts of 3-20 min of 2 running session(s) in the 90 days to 2024-05-20" in cs["from"]
    assert doc["estimates"]["hr_rest_bpm"]["source"] == "profile"
    assert doc["estimates"]["hr_max_bpm"]["value"] == 150.0  # the one heart rate held: 150 bpm
    # before the first run nothing was known; the text shows the same with a pace
    early = json.loads(_invoke(runner, db_path, "--as-of", "2024-05-01", "profile", "--json").output)
    assert early["estimates"]["critical_speed_m_s"]["value"] is None
    text = _invoke(runner, db_path, "--as-of", "2024-05-20", "profile").output
    assert "From your data as of 2024-05-20" in text
    assert "critical_speed_m_s     3.83 (4:21/km)" in text


def test_a_load_priority_is_checked_and_changes_the_source(store, db_path, runner) -> None:
    _history(store)
    bad = _invoke(runner, db_path, "profile", "--set", "load_priority_running=pace,heart")
    assert bad.exit_code != 0 and "unknown load source 'heart'" in bad.output
    done = _invoke(runner, db_path, "profile", "--set", "load_priority_running=pace")
    assert done.exit_code == 0, done.output
    assert "load_priority_running  pace,hr,power,rpe,duration set" in done.output
    rows = json.loads(_invoke(runner, db_path, "sessions", "--json").output)
    assert [r["load_source"] for r in rows] == ["pace", "pace"]
