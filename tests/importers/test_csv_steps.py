"""Generic CSV step logs: header finding, dialects, dates, bad rows; every case through import_paths."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from loadwatch.importers import csv_steps
from loadwatch.importers.registry import detect
from loadwatch.ingest import import_paths
from loadwatch.models import FileResult
from loadwatch.store import Store


def _import(store: Store, tmp_path: Path, content: str | bytes, name: str = "steps.csv", **kw) -> FileResult:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    result = import_paths(store, [path], **kw)
    assert len(result.files) == 1
    return result.files[0]


def _steps(store: Store, athlete: str = "me") -> list[tuple[date, int]]:
    frame = store.daily_steps(athlete)
    return [(d, int(s)) for d, s in zip(frame["day"], frame["steps"], strict=True)]


def test_plain_iso_log(store, tmp_path):
    res = _import(store, tmp_path, "date,steps\n2024-01-01,5000\n2024-01-02,6123\n")
    assert (res.status, res.format, res.days) == ("imported", "csv_steps", 2)
    assert _steps(store) == [(date(2024, 1, 1), 5000), (date(2024, 1, 2), 6123)]
    frame = store.daily_steps("me")
    assert set(frame["source"]) == {"CSV step log (steps.csv)"} and set(frame["device_kind"]) == {"manual"}


def test_bom_semicolons_german_header_and_thousands(store, tmp_path):
    content = "\ufeffDatum;Schritte\n01.02.2024;5.000\n02.02.2024;12.345\n03.02.2024;876\n"
    res = _import(store, tmp_path, content)
    assert res.status == "imported" and res.warnings == []
    # dotted dates are day first; "5.000" and "12.345" are thousands, not decimals
    assert _steps(store) == [(date(2024, 2, 1), 5000), (date(2024, 2, 2), 12345), (date(2024, 2, 3), 876)]


def test_duplicate_header_names_take_first_usable_and_warn(store, tmp_path):
    # The first "Steps" column is blank on every row (an app's unused field); the second holds values.
    res = _import(store, tmp_path, "Date,Steps,Note,Steps\n2024-01-01,,x,7000\n2024-01-02,,y,8000\n")
    assert res.status == "imported"
    assert _steps(store) == [(date(2024, 1, 1), 7000), (date(2024, 1, 2), 8000)]
    assert res.warnings == ["the header names 'Steps' 2 times; used column 4, the first that holds steps values"]


def test_duplicate_header_names_both_filled_take_the_first(store, tmp_path):
    res = _import(store, tmp_path, "day,steps,steps\n2024-01-01,100,200\n")
    assert _steps(store) == [(date(2024, 1, 1), 100)]
    assert "used column 2" in res.warnings[0]


def test_header_not_on_the_first_line(store, tmp_path):
    content = ("My Step Tracker export\nUser: jo@example.com\nGenerated 2024-02-01 10:00\n\n"
               "Fecha,Pasos\n2024-01-30,4100\n2024-01-31,3900\n")
    res = _import(store, tmp_path, content)
    assert res.status == "imported"
    assert _steps(store) == [(date(2024, 1, 30), 4100), (date(2024, 1, 31), 3900)]


def test_quoted_commas_and_newlines(store, tmp_path):
    content = ('date,steps,note\n2024-03-01,"10,500","walked to work, then\nback home"\n'
               '2024-03-02,3000,"said ""hi"", twice"\n')
    res = _import(store, tmp_path, content)
    assert res.status == "imported" and res.warnings == []
    assert _steps(store) == [(date(2024, 3, 1), 10500), (date(2024, 3, 2), 3000)]


def test_formula_cell_is_data_kept_verbatim(store, tmp_path):
    formula = '=HYPERLINK("http://evil.example","click")'
    content = f'date,steps,source\n2024-03-01,4000,"{formula.replace(chr(34), chr(34) * 2)}"\n2024-03-02,=1+1,\n'
    res = _import(store, tmp_path, content)
    assert res.status == "imported" and res.days == 1
    frame = store.daily_steps("me")
    assert frame["source"].tolist() == [formula]  # stored as written; escaping is the writer's job
    # "=1+1" is not a number: never evaluated, counted as a bad row
    assert res.warnings == ["1 row with a step count that is not a number, not stored (e.g. line 3: 2024-03-02,=1+1,)"]


def test_negative_and_absurd_counts_reported_not_stored(store, tmp_path):
    content = "date,steps\n2024-01-01,5000\n2024-01-02,-20\n2024-01-03,100001\n2024-01-04,100000\n"
    res = _import(store, tmp_path, content)
    assert res.status == "imported"
    assert _steps(store) == [(date(2024, 1, 1), 5000), (date(2024, 1, 4), 100000)]  # 100,000 is the limit
    assert res.warnings == ["2 rows with a negative or absurd step count (over 100,000 a day), not stored"
                            " (e.g. line 3: 2024-01-02,-20)"]
    ledger = store.sources()
    assert ledger["n_records"].tolist() == [4]
    assert json.loads(ledger["warnings"][0]) == res.warnings


def test_non_date_rows_are_counted(store, tmp_path):
    content = "date,steps\n2024-01-01,5000\nTotal,5000\n2024-02-30,10\n"
    res = _import(store, tmp_path, content)
    assert res.status == "imported" and _steps(store) == [(date(2024, 1, 1), 5000)]
    # "Total" and the impossible 30 February are both rows with no readable date
    assert res.warnings == ["2 rows with no readable date, not stored (e.g. line 3: Total,5000)"]


def test_empty_csv(store, tmp_path):
    res = _import(store, tmp_path, b"", name="empty.csv")
    assert res.status == "failed" and "empty file" in res.error
    res = _import(store, tmp_path, "date,steps\n\n", name="header_only.csv")
    assert res.status == "skipped" and res.error == "a step log with a header but no step rows"
    assert store.daily_steps("me").empty


def test_no_recognisable_columns_suggests_map(store, tmp_path):
    content = "When;Walked\n2024-01-01;5000\n2024-01-02;6000\n"
    res = _import(store, tmp_path, content)
    assert res.status == "failed"
    assert res.error == ("no date and steps columns recognised (columns: When, Walked); name them with"
                         " --map date=COLUMN,steps=COLUMN")
    assert store.sources().empty
    with Store(tmp_path / "second.sqlite") as other:
        column_map = {"date": "when", "steps": "Walked"}  # names match ignoring case
        mapped = import_paths(other, [tmp_path / "steps.csv"], options={"column_map": column_map})
        assert mapped.files[0].status == "imported"
        assert _steps(other) == [(date(2024, 1, 1), 5000), (date(2024, 1, 2), 6000)]


def test_map_names_a_missing_column(store, tmp_path):
    res = _import(store, tmp_path, "When,Walked\n2024-01-01,5000\n", options={"column_map": {"date": "When",
                                                                                            "steps": "Paces"}})
    assert res.status == "failed"
    assert res.error == "the --map column steps='Paces' not found in the header (columns: When, Walked)"


def test_ambiguous_dates_rejected_with_iso_hint(store, tmp_path):
    content = "date,steps\n01/02/2024,100\n03/04/2024,200\n"
    res = _import(store, tmp_path, content)
    assert res.status == "failed"
    assert "write them as ISO dates (YYYY-MM-DD) or add order=dmy or order=mdy to --map" in res.error
    with Store(tmp_path / "second.sqlite") as other:
        ok = import_paths(other, [tmp_path / "steps.csv"], options={"column_map": {"order": "dmy"}})
        assert ok.files[0].status == "imported"
        assert _steps(other) == [(date(2024, 2, 1), 100), (date(2024, 4, 3), 200)]


@pytest.mark.parametrize(("rows", "expected"), [
    # 13/03 can only be day first, so 01/02 is 1 February
    (["01/02/2024,100", "13/03/2024,200"], [(date(2024, 2, 1), 100), (date(2024, 3, 13), 200)]),
    # 03/13 can only be month first, so 01/02 is 2 January
    (["01/02/2024,100", "03/13/2024,200"], [(date(2024, 1, 2), 100), (date(2024, 3, 13), 200)]),
    # two-digit years and month names
    (["5 Mar 2024,300", "Mar 6, 2024,400", "2024/03/07,500"],
     [(date(2024, 3, 5), 300), (date(2024, 3, 6), 400), (date(2024, 3, 7), 500)]),
])
def test_day_month_order_decided_by_the_column(store, tmp_path, rows, expected):
    body = "\n".join(f'"{r.rsplit(",", 1)[0]}",{r.rsplit(",", 1)[1]}' for r in rows)
    res = _import(store, tmp_path, "date,steps\n" + body + "\n")
    assert res.status == "imported" and _steps(store) == expected


def test_mixed_orders_rejected(store, tmp_path):
    res = _import(store, tmp_path, "date,steps\n13/01/2024,1\n01/13/2024,2\n")
    assert res.status == "failed" and "mixes day/month and month/day" in res.error


def test_intraday_rows_summed_and_repeated_days_kept_once(store, tmp_path):
    res = _import(store, tmp_path, "timestamp,steps\n2024-01-01 08:00,300\n2024-01-01 09:00,450\n"
                                   "2024-01-02T10:00:00,20\n", name="hourly.csv")
    assert res.status == "imported"
    assert _steps(store) == [(date(2024, 1, 1), 750), (date(2024, 1, 2), 20)]  # 300 + 450
    with Store(tmp_path / "second.sqlite") as other:
        path = tmp_path / "daily.csv"
        path.write_text("date,steps\n2024-01-01,3000\n2024-01-01,3500\n", encoding="utf-8")
        res = import_paths(other, [path]).files[0]
        assert _steps(other) == [(date(2024, 1, 1), 3500)]  # the larger, not 6500
        assert res.warnings == ["1 day listed more than once; kept the largest value of each, not the sum"]


def test_strict_rejects_the_whole_file(store, tmp_path):
    res = _import(store, tmp_path, "date,steps\n2024-01-01,5000\n2024-01-02,-1\n", strict=True)
    assert res.status == "failed" and res.error.startswith("1 bad rows (--strict)")
    assert store.sources().empty and store.daily_steps("me").empty


def test_only_bad_rows_fail(store, tmp_path):
    res = _import(store, tmp_path, "date,steps\nsoon,5000\n2024-01-02,lots\n")
    assert res.status == "failed" and res.error.startswith("no usable step rows")
    assert store.sources().empty


def test_windows_1252_and_utf16(store, tmp_path):
    res = _import(store, tmp_path, "Date;Pas;Remarque\n2024-01-01;4000;promenade à pied\n".encode("cp1252"),
                  name="latin.csv")
    assert res.status == "imported"
    assert res.warnings == ["not UTF-8; read as Windows-1252 (Western European)"]
    # Excel's "Unicode text": UTF-16 with a BOM, tab separated
    res = _import(store, tmp_path, "\ufeffDate\tSteps\n2024-01-02\t4200\n".encode("utf-16-le"), name="excel.txt")
    assert res.status == "imported"
    assert _steps(store) == [(date(2024, 1, 1), 4000), (date(2024, 1, 2), 4200)]


@pytest.mark.parametrize("content", [
    "Date,Weight (kg)\n2024-01-01,72\n",  # a weight log: some other daily measure
    "Date,Sleep minutes\n2024-01-01,420\n",
    "name,age\nann,42\n",
    '{"date": "2024-01-01", "steps": 5}',
    "just one line of prose, nothing more\n",
])
def test_sniff_leaves_other_texts_alone(content):
    assert csv_steps.sniff(content.encode(), "x.csv") is False


def test_google_fit_and_fitabase_go_to_their_own_readers(sample):
    from loadwatch.importers import fitbit, google_fit

    head = sample("google_fit/Daily activity metrics.csv").read_bytes()[:4096]
    assert detect(head, "Daily activity metrics.csv") is google_fit
    head = sample("fitbit/dailySteps_merged.csv").read_bytes()[:4096]
    assert detect(head, "dailySteps_merged.csv") is fitbit
