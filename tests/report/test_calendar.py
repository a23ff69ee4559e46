"""Step goals as files: the CSV (cells a spreadsheet will not run) and the iCalendar text (RFC 5545)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from loadwatch.files import csv_safe
from loadwatch.models import GoalDay
from loadwatch.report.calendar import goals_csv, goals_ics, ics_fold

FIRST = date(2024, 2, 1)
# a reason as model.goals writes it (long enough that its DESCRIPTION line must be folded)
WHY = ("9-day 60th percentile 9,000; +10.0% this week; rise held to +10% a week (goal a week before 5,000);"
       " carried forward from 2024-01-31")


def goal_days(n: int) -> list[GoalDay]:
    """`n` days of goals from Thu 1 Feb 2024: 5,500, then 6,050 (the weekly 10 % rise)."""
    return [GoalDay(FIRST + timedelta(days=i), 5500 if i == 0 else 6050, WHY, 5000 if i == 0 else 5500, True,
                    False, 10_000) for i in range(n)]


@pytest.mark.parametrize(("cell", "escaped"), [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("-2", "'-2"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("9-day", "9-day"), ("", ""), (None, ""),
    # numbers are never touched: a negative number stays a number (the csv module writes 7840 as "7840")
    (7840, 7840), (-2, -2),
])
def test_csv_cells_that_look_like_formulas_are_escaped(cell: object, escaped: object) -> None:
    assert csv_safe(cell) == escaped


def test_goals_csv_round_trips_and_escapes_the_why_column() -> None:
    goals = goal_days(3)
    goals[0] = replace(goals[0], why="=HYPERLINK(\"http://evil\")")
    rows = list(csv.reader(io.StringIO(goals_csv(goals))))
    assert rows[0] == ["day", "goal", "why"]
    assert rows[1] == ["2024-02-01", "5500", "'=HYPERLINK(\"http://evil\")"]
    assert rows[2] == ["2024-02-02", "6050", WHY]
    assert len(rows) == 4


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_ics_is_valid_icalendar_one_all_day_event_per_day() -> None:
    text = goals_ics(goal_days(14), athlete="me", stamp=datetime(2024, 2, 1, 6, 0, tzinfo=UTC))
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
    assert starts == [(FIRST + timedelta(days=i)).strftime("%Y%m%d") for i in range(14)]
    ends = [line.split(":", 1)[1] for line in lines if line.startswith("DTEND;VALUE=DATE:")]
    assert ends == [(FIRST + timedelta(days=i + 1)).strftime("%Y%m%d") for i in range(14)]  # all-day: the next day
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
