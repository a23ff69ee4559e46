"""Google Fit Takeout CSVs and REST API datasets, through import_paths into a real store."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from loadwatch.importers import google_fit
from loadwatch.importers.registry import detect
from loadwatch.ingest import import_paths
from loadwatch.store import Store

DAILY = "google_fit/Daily activity metrics.csv"
# 15-minute rows as Takeout writes them in `Daily activity metrics/YYYY-MM-DD.csv` (made here: no
# openly licensed per-day file was found; columns as documented in /work/shared/notes).
DAY_HEADER = ("Start time,End time,Move Minutes count,Calories (kcal),Distance (m),Heart Points,"
              "Heart Minutes,Average speed (m/s),Step count,Walking duration (ms)\n")


def _day_file(folder: Path, name: str, steps: list[str]) -> Path:
    rows = [f"{h:02d}:{m:02d}:00.000+05:30,{h:02d}:{m + 14:02d}:59.999+05:30,1,20.5,100.2,,,0.9,{s},60000\n"
            for (h, m), s in zip(((8, 0), (8, 15), (8, 30), (12, 0), (18, 45)), steps, strict=False)]
    path = folder / name
    path.write_text(DAY_HEADER + "".join(rows), encoding="utf-8")
    return path


def test_daily_metrics_real_file(store, sample):
    result = import_paths(store, [sample(DAILY)])
    assert [f.status for f in result.files] == ["imported"]
    assert result.files[0].format == "google_fit"
    frame = store.daily_steps("me")
    # 1,053 data rows, of which 1,029 have a Step count (counted with csv.reader); blanks are no data.
    assert len(frame) == 1029
    by_day = dict(zip(frame["day"], frame["steps"], strict=True))
    # Read off the file: line 10 "2018-04-03,...,1627,852.18...", line 12 "2018-04-05,...,8452,...",
    # the last line "2021-02-17,...,18,..."; the largest day is 2020-01-05 with 33217.
    assert by_day[date(2018, 4, 3)] == 1627
    assert by_day[date(2018, 4, 5)] == 8452
    assert by_day[date(2021, 2, 17)] == 18
    assert max(by_day.values()) == by_day[date(2020, 1, 5)] == 33217
    # 2018-03-19 (weight only) and 2018-03-27 (calories only) have a blank Step count: not zero, absent.
    assert date(2018, 3, 19) not in by_day and date(2018, 3, 27) not in by_day
    # January 2019: 2586 + 2656 + ... + 3655 over 31 days = 81,362 (summed from the 31 rows).
    jan = frame[(frame["day"] >= date(2019, 1, 1)) & (frame["day"] <= date(2019, 1, 31))]
    assert len(jan) == 31 and int(jan["steps"].sum()) == 81362
    assert set(frame["source"]) == {"Google Fit"} and set(frame["device_kind"]) == {"phone"}


def test_per_day_file_sums_quarter_hours(store, tmp_path):
    path = _day_file(tmp_path, "2024-03-05.csv", ["120", "", "2500", "31", "1000"])
    result = import_paths(store, [path])
    assert result.files[0].status == "imported" and result.files[0].format == "google_fit"
    frame = store.daily_steps("me")
    # 120 + (blank: no data) + 2500 + 31 + 1000 = 3651, dated by the file name
    assert frame.to_dict("records") == [
        {"day": date(2024, 3, 5), "steps": 3651, "source": "Google Fit", "device_kind": "phone"}]


def test_summary_and_per_day_file_do_not_double(store, sample, tmp_path):
    folder = tmp_path / "Takeout" / "Fit" / "Daily activity metrics"
    folder.mkdir(parents=True)
    shutil.copy(sample(DAILY), folder / "Daily activity metrics.csv")
    # 2018-04-05 in the summary is 8452; its per-day file says 8000 + 452 = 8452 too.
    _day_file(folder, "2018-04-05.csv", ["8000", "452"])
    # 2018-04-03 is 1627 in the summary; a per-day file holding less (1600) must not add to it.
    _day_file(folder, "2018-04-03.csv", ["1600"])
    result = import_paths(store, [tmp_path / "Takeout"])
    assert sorted(f.status for f in result.files) == ["imported"] * 3
    frame = store.daily_steps("me")
    assert len(frame) == 1029  # no extra days, one row per day
    by_day = dict(zip(frame["day"], frame["steps"], strict=True))
    assert by_day[date(2018, 4, 5)] == 8452  # not 16904
    assert by_day[date(2018, 4, 3)] == 1627  # the larger of 1627 and 1600, never 3227
    every = store.daily_steps("me", all_sources=True)
    assert len(every[every["day"] == date(2018, 4, 3)]) == 1  # one value per day and source


def test_per_day_file_needs_its_date_name(store, tmp_path):
    path = _day_file(tmp_path, "renamed.csv", ["100"])
    result = import_paths(store, [path])
    assert result.files[0].status == "failed"
    assert "YYYY-MM-DD.csv" in result.files[0].error
    assert store.daily_steps("me").empty


def test_bad_step_cells_in_summary_are_reported(store, sample, tmp_path):
    lines = sample(DAILY).read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].split(",")
    col = header.index("Step count")

    def row(day: str, steps: str) -> str:
        cells = [""] * len(header)
        cells[0], cells[col] = day, steps
        return ",".join(cells) + "\n"

    path = tmp_path / "Daily activity metrics.csv"
    path.write_text(lines[0] + row("2024-01-01", "5000") + row("2024-01-02", "-7") + row("2024-01-03", "250000")
                    + row("not a day", "10") + row("2024-01-04", ""), encoding="utf-8")
    result = import_paths(store, [path])
    res = result.files[0]
    assert res.status == "imported" and res.days == 1
    assert any(w.startswith("2 rows with a negative or absurd step count") for w in res.warnings)
    assert any(w.startswith("1 row with no readable date") for w in res.warnings)
    assert store.daily_steps("me")["steps"].tolist() == [5000]
    with Store(tmp_path / "strict.sqlite") as other:
        strict = import_paths(other, [path], strict=True).files[0]
        assert strict.status == "failed" and "3 bad rows (--strict)" in strict.error
        assert other.sources().empty and other.daily_steps("me").empty


API_FILES = {
    "googlefit-empty.json": (None, "no data points"),
    "googlefit-merge-activity-segments.json": (None, "com.google.activity.segment data, which holds no steps"),
    "googlefit-merge-calories-expended.json": (None, "com.google.calories.expended data, which holds no steps"),
    "googlefit-merge-heart-rate.json": (None, "com.google.heart_rate.bpm data, which holds no steps"),
    # step deltas: 4146 from 2015-02-02T22:49:39Z (1422917379.811 s); 0 + 17 + 184 = 201 on 2015-07-10 UTC
    "googlefit-merge-step-deltas.json": ({date(2015, 2, 2): 4146, date(2015, 7, 10): 201}, None),
}


def test_every_real_google_fit_file_is_accounted_for(sample):
    folder = sample(DAILY).parent
    assert sorted(p.name for p in folder.iterdir()) == sorted([*API_FILES, "Daily activity metrics.csv"])


@pytest.mark.parametrize("name", sorted(API_FILES))
def test_api_datasets(store, sample, name):
    expected, reason = API_FILES[name]
    path = sample(f"google_fit/{name}")
    assert detect(path.read_bytes()[:4096], name) is google_fit
    res = import_paths(store, [path]).files[0]
    frame = store.daily_steps("me")
    if expected is None:
        assert res.status == "skipped" and reason in res.error
        assert frame.empty
    else:
        assert res.status == "imported"
        assert dict(zip(frame["day"], frame["steps"], strict=True)) == expected
        assert any("UTC day" in w for w in res.warnings)


def test_takeout_all_data_shape(store, tmp_path):
    # Takeout's `All Data/*.json` nests values as fitValue[].value.intVal and uses "Data Points".
    path = tmp_path / "derived_com.google.step_count.delta.json"
    path.write_text(
        '{"Data Source": "derived:com.google.step_count.delta:com.google.android.gms:merge_step_deltas",'
        ' "Data Points": ['
        '{"fitValue": [{"value": {"intVal": 40}}], "dataTypeName": "com.google.step_count.delta",'
        ' "startTimeNanos": 1700000000000000000, "endTimeNanos": 1700000060000000000},'
        '{"fitValue": [{"value": {"intVal": 60}}], "dataTypeName": "com.google.step_count.delta",'
        ' "startTimeNanos": 1700000100000000000, "endTimeNanos": 1700000160000000000}]}',
        encoding="utf-8")
    assert import_paths(store, [path]).files[0].status == "imported"
    # 1700000000 s = 2023-11-14T22:13:20Z; 40 + 60 = 100
    assert store.daily_steps("me")[["day", "steps"]].values.tolist() == [[date(2023, 11, 14), 100]]


def test_truncated_dataset_fails_cleanly(store, sample, tmp_path):
    data = sample("google_fit/googlefit-merge-step-deltas.json").read_bytes()
    path = tmp_path / "cut.json"
    path.write_bytes(data[: len(data) // 2])
    res = import_paths(store, [path]).files[0]
    assert res.status == "failed" and "not valid JSON" in res.error
    assert store.sources().empty


def test_sniff_wants_google_fit_columns():
    assert google_fit.sniff(b"Date,Steps\n2024-01-01,5\n", "Daily activity metrics.csv") is False
    assert google_fit.sniff(b"Date,Calories (kcal),Heart Points,Step count\n", "x.csv") is True
    assert google_fit.sniff(b'{"foo": 1}', "x.json") is False
