"""The CSV plumbing the step-log readers share (`importers/_csv.py`): bytes to text (BOMs, Windows-1252),
records with their line numbers, the delimiter, header names, dates and their day/month order, step
counts, the bad-row report and `settle()`. Small inputs, expected values by hand."""

from __future__ import annotations

import io
from datetime import date

import pytest

from loadwatch.errors import CorruptFile, HostileInput
from loadwatch.importers import _csv
from loadwatch.models import DailySteps, ParsedFile


# -- bytes -> text --------------------------------------------------------------------------------
@pytest.mark.parametrize(("data", "text"), [
    (b"\xef\xbb\xbfdate,steps", "date,steps"),  # UTF-8 BOM dropped
    (b"\xff\xfe" + "date,steps".encode("utf-16-le"), "date,steps"),  # Excel's "Unicode text"
    (b"\xfe\xff" + "Schritte".encode("utf-16-be"), "Schritte"),
    ("Gerät".encode(), "Gerät"),  # plain UTF-8, no BOM
])
def test_decode_by_bom_or_utf8(data: bytes, text: str) -> None:
    assert _csv.decode(data) == (text, None)


def test_decode_falls_back_to_windows_1252_with_a_warning() -> None:
    # b"\xe4" is not UTF-8 on its own; in Windows-1252 it is "ä"
    assert _csv.decode(b"Ger\xe4t") == ("Gerät", "not UTF-8; read as Windows-1252 (Western European)")


def test_decode_partial_drops_a_character_cut_by_the_sniff_window() -> None:
    head = "Gerä".encode()[:-1]  # b"Ger\xc3": the first byte of the two of "ä"
    assert _csv.decode(head, partial=True) == ("Ger", None)
    # without partial the cut byte makes it not UTF-8: \xc3 is "Ã" in Windows-1252
    assert _csv.decode(head)[0] == "GerÃ"


def test_looks_binary() -> None:
    assert _csv.looks_binary(b"date,steps\x00\x01")
    assert not _csv.looks_binary(b"date,steps\n2024-01-01,5\n")
    # UTF-16 text is full of NUL bytes but has its BOM
    assert not _csv.looks_binary(b"\xff\xfe" + "date".encode("utf-16-le"))


def test_read_limited_refuses_more_than_the_limit() -> None:
    assert _csv.read_limited(io.BytesIO(b"x" * 10), "s.csv", limit=10) == b"x" * 10
    with pytest.raises(HostileInput, match="larger than"):
        _csv.read_limited(io.BytesIO(b"x" * 11), "s.csv", limit=10)


# -- records, delimiter ---------------------------------------------------------------------------
def test_split_records_keeps_the_line_each_record_starts_on() -> None:
    # the quoted cell of record 2 spans lines 2 and 3, so record 3 starts on line 4
    table = _csv.split_records('a,b\n1,"x\ny"\n2,z\n', ",")
    assert table.records == [["a", "b"], ["1", "x\ny"], ["2", "z"]]
    assert table.lines == [1, 2, 4]
    assert _csv.split_records("a\nb\nc\nd\n", ",", limit=2).records == [["a"], ["b"]]


@pytest.mark.parametrize(("text", "delimiter"), [
    ("date,steps\n2024-01-01,5\n", ","),
    ("Datum;Schritte\n01.02.2024;5,5\n02.02.2024;6\n", ";"),  # a decimal comma does not make it comma separated
    ("Date\tSteps\n2024-01-02\t4200\n", "\t"),
    ("a;b;c\n1;2,5;3\n4;5;6\n", ";"),  # 3 records of 3 under ";", only one of 2 under ","
    ("just prose\n", ","),  # nothing with two columns: the default
])
def test_guess_delimiter(text: str, delimiter: str) -> None:
    assert _csv.guess_delimiter(text) == delimiter


# -- header names ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("header", "normal"), [
    ("TotalSteps", "total steps"),  # camel case split
    ("Step count (#)", "step count"),  # a unit in parentheses dropped
    ("\ufeffDate", "date"),  # a BOM left on the first cell
    ("step_count", "step count"),
    ("  Steps [n] ", "steps"),
])
def test_norm(header: str, normal: str) -> None:
    assert _csv.norm(header) == normal


def test_find_columns_matches_normalised_names_in_order() -> None:
    header = ["Date", "TotalSteps", "Note", "total_steps"]
    assert _csv.find_columns(header, ["total steps"]) == [1, 3]
    assert _csv.find_columns(header, ["DATE"]) == [0]
    assert _csv.find_columns(header, ["weight"]) == []


def test_describe_headers() -> None:
    assert _csv.describe_headers(["When", " ", "Walked"]) == "When, (blank), Walked"
    assert _csv.describe_headers([f"c{i}" for i in range(23)]).endswith("c19 and 3 more")


# -- dates ----------------------------------------------------------------------------------------
def test_iso_and_named_dates_need_no_order() -> None:
    col = _csv.parse_dates(["2024-03-05", "2024/03/06", "5 Mar 2024", "Mar 6, 2024", "Total"])
    assert col.days == [date(2024, 3, 5), date(2024, 3, 6), date(2024, 3, 5), date(2024, 3, 6), None]
    assert col.order is None  # no numeric dates


@pytest.mark.parametrize(("cells", "order", "first"), [
    (["01/02/2024", "13/03/2024"], "dmy", date(2024, 2, 1)),  # 13 can only be a day: day first
    (["01/02/2024", "03/13/2024"], "mdy", date(2024, 1, 2)),  # 13 can only be a day: month first
    (["01.02.24", "02.02.24"], "dmy", date(2024, 2, 1)),  # dotted dates are day first; 24 is 2024
])
def test_day_month_order_is_decided_by_the_whole_column(cells: list[str], order: str, first: date) -> None:
    col = _csv.parse_dates(cells)
    assert (col.order, col.days[0]) == (order, first)


def test_ambiguous_and_mixed_orders() -> None:
    with pytest.raises(_csv.AmbiguousDates, match="order=dmy or order=mdy"):
        _csv.parse_dates(["01/02/2024", "03/04/2024"], column="Tag")
    forced = _csv.parse_dates(["01/02/2024", "03/04/2024"], "mdy")
    assert forced.days == [date(2024, 1, 2), date(2024, 3, 4)]
    with pytest.raises(CorruptFile, match="mixes day/month and month/day") as err:
        _csv.parse_dates(["13/01/2024", "01/13/2024"])
    assert not isinstance(err.value, _csv.AmbiguousDates)


def test_times_of_day_are_noted_but_midnight_is_not_a_time() -> None:
    col = _csv.parse_dates(["2024-01-01 08:00", "4/12/2016 12:00:00 AM", "2024-01-02T00:00:00", "2024-02-30"],
                           "mdy")
    assert col.days == [date(2024, 1, 1), date(2016, 4, 12), date(2024, 1, 2), None]  # no 30 February
    assert col.has_time == [True, False, False, False]


# -- counts and bad rows --------------------------------------------------------------------------
@pytest.mark.parametrize(("cell", "count"), [
    ("12345", 12345), ("12,345", 12345), ("12.345", 12345), ("12 345", 12345), ("1.234.567", 1234567),
    ("1234.0", 1234), (" 876 ", 876), ("-20", -20), ("=1+1", None), ("lots", None), ("nan", None), ("inf", None),
])
def test_parse_count(cell: str, count: int | None) -> None:
    assert _csv.parse_count(cell) == count


@pytest.mark.parametrize(("value", "per_day", "reason"), [
    (5000, True, None), (100_000, True, None), (100_001, True, _csv.ABSURD), (-1, True, _csv.ABSURD),
    (None, True, _csv.NOT_A_NUMBER), (250_000, False, None),  # a per-minute or per-sample value is summed later
])
def test_check_steps(value: int | None, per_day: bool, reason: str | None) -> None:
    assert _csv.check_steps(value, per_day) == reason


def test_example_is_one_short_line() -> None:
    assert _csv.example(["2024-01-02", "-20"], ",", 3) == "line 3: 2024-01-02,-20"
    assert _csv.example(["walked\nhome", "5"], ";", 4) == "line 4: walked home;5"  # one line
    assert _csv.example(["a" * 100], ",", 7) == "line 7: " + "a" * 77 + "..."  # 80 characters at most


def test_problems_count_per_reason_with_the_first_example() -> None:
    problems = _csv.Problems()
    assert problems.steps("5000", "line 2") == 5000
    assert problems.steps("-4", "line 3") is None
    assert problems.steps("x", "line 4") is None
    assert problems.steps("200000", "line 5") is None
    problems.add(_csv.NOT_A_DATE, "line 6")
    assert problems.total == 4
    assert problems.warnings() == [
        f"2 rows {_csv.ABSURD}, not stored (e.g. line 3)",
        f"1 row {_csv.NOT_A_NUMBER}, not stored (e.g. line 4)",
        f"1 row {_csv.NOT_A_DATE}, not stored (e.g. line 6)",
    ]
    parsed = ParsedFile("csv_steps")
    problems.finish(parsed, {date(2024, 1, 2): 20, date(2024, 1, 1): 10}, "Pixel", "phone")
    assert parsed.bad_rows == 4 and len(parsed.warnings) == 3
    assert [(d.day, d.steps, d.device, d.device_kind) for d in parsed.daily_steps] == [
        (date(2024, 1, 1), 10, "Pixel", "phone"), (date(2024, 1, 2), 20, "Pixel", "phone")]  # sorted by day


# -- settle ---------------------------------------------------------------------------------------
def _parsed(days: int, bad: int) -> ParsedFile:
    parsed = ParsedFile("csv_steps", warnings=[f"{bad} bad"] if bad else [])
    parsed.bad_rows = bad
    parsed.daily_steps = [DailySteps(date(2024, 1, 1 + i), 100, "x", "manual") for i in range(days)]
    return parsed


def test_settle_keeps_good_days_and_reports_bad_rows() -> None:
    parsed = _csv.settle(_parsed(2, 1), strict=False, empty_reason="empty")
    assert len(parsed.daily_steps) == 2 and parsed.skip_reason is None


def test_settle_strict_refuses_any_bad_row() -> None:
    with pytest.raises(CorruptFile, match=r"^1 bad rows \(--strict\): 1 bad$"):
        _csv.settle(_parsed(2, 1), strict=True, empty_reason="empty")
    assert _csv.settle(_parsed(2, 0), strict=True, empty_reason="empty").skip_reason is None


def test_settle_all_bad_fails_and_nothing_at_all_is_skipped() -> None:
    with pytest.raises(CorruptFile, match=r"^no usable step rows: 3 bad$"):
        _csv.settle(_parsed(0, 3), strict=False, empty_reason="empty")
    parsed = _csv.settle(_parsed(0, 0), strict=False, empty_reason="a log with no rows")
    assert parsed.skip_reason == "a log with no rows"


@pytest.mark.parametrize(("name", "base"), [
    ("export.zip!Takeout/Fit/x.csv", "x.csv"), ("C:\\logs\\steps.csv", "steps.csv"), ("steps.csv", "steps.csv"),
])
def test_basename(name: str, base: str) -> None:
    assert _csv.basename(name) == base
