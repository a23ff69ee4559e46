"""Exporting a store: the CSV cell escape (`files.csv_safe`) and the row counts per table, on a real store."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from loadwatch import api
from loadwatch.files import csv_safe
from loadwatch.store import Store
from tests.helpers import run_on, steps_days, write


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Morning run", "Morning run"), ("", ""), (None, ""), (-3, -3), (2.5, 2.5),
])
def test_csv_safe(cell, written):
    assert csv_safe(cell) == written


def test_json_and_csv_hold_the_same_rows(store: Store, tmp_path: Path) -> None:
    # one file: 2 runs + 3 step days; one pain log; one profile value.
    # rows: sources 1, sessions 2, session_sources 2 (one link per session), daily_steps 3, logs 1, profile 1
    write(store, [run_on(date(2024, 5, 6), 10), run_on(date(2024, 5, 8), 12)], steps_days(3, date(2024, 5, 8)),
          tag="f1")
    store.add_log("me", date(2024, 5, 7), "pain", {"where": "lower", "level": 2})
    store.set_profile("me", {"hr_max_bpm": 188})
    # resting_hr 0: the table (schema 3, issue 14) is exported too, empty here
    expected = {"sources": 1, "sessions": 2, "session_sources": 2, "daily_steps": 3, "logs": 1, "profile": 1,
                "resting_hr": 0}
    out = io.StringIO()
    assert api.export_json(store, out) == expected
    doc = json.loads(out.getvalue())
    assert [s["distance_m"] for s in doc["sessions"]] == [10_000.0, 12_000.0]
    assert api.export_csv(store, tmp_path / "csv") == expected
    for table, n in expected.items():
        with (tmp_path / "csv" / f"{table}.csv").open(newline="") as fh:
            assert len(list(csv.DictReader(fh))) == n, table
