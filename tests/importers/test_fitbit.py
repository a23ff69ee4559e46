"""Fitbit: Fitabase cohort CSVs, Web API JSON and the account export's steps JSON, into a real store."""

from __future__ import annotations

import json
from datetime import date

import pytest

from loadwatch.importers import fitbit
from loadwatch.importers.registry import detect
from loadwatch.ingest import import_paths

# Every real file under tests/data/fitbit: the day totals it must give, or the reason it is skipped.
REAL = {
    # summary.steps 15242 = the activities' 6761 + 0 + 8481, all with startDate 2015-06-23
    "fitbit-activities-date-multiple-in-activities-list.json": ({date(2015, 6, 23): 15242}, None),
    "fitbit-activities-heart-1d-1m-intraday.json": (None, "activities-heart data, which holds no daily steps"),
    # the day total "3212" is used, not the three intraday minutes shown (7 + 0 + 52)
    "fitbit-activities-steps-1d-1m-intraday.json": ({date(2015, 8, 21): 3212}, None),
    "fitbit-activities-steps-timeseries.json": (
        {date(2015, 8, 23): 175, date(2015, 8, 24): 2937, date(2015, 8, 25): 0}, None),
    "fitbit-sleep-date.json": (None, "Fitbit sleep data, which holds no daily steps"),
    "dailyIntensities_merged.csv": (None, "a Fitabase file without steps"),
    "sleepDay_merged.csv": (None, "a Fitabase file without steps"),
    "dailySteps_merged.csv": ("cohort", None),
    "dailyActivity_merged.csv": ("cohort", None),
}


def test_every_real_fitbit_file_is_accounted_for(sample):
    folder = sample("fitbit/dailySteps_merged.csv").parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(REAL)


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_fitbit_files(store, sample, name):
    expected, reason = REAL[name]
    path = sample(f"fitbit/{name}")
    assert detect(path.read_bytes()[:4096], name) is fitbit
    res = import_paths(store, [path]).files[0]
    if expected is None:
        assert res.status == "skipped" and reason in res.error
        assert store.athletes() == []
    elif expected == "cohort":
        assert res.status == "imported" and res.days == 940
        _check_cohort(store)
    else:
        assert res.status == "imported"
        frame = store.daily_steps("me")
        assert dict(zip(frame["day"], frame["steps"], strict=True)) == expected
        assert set(frame["source"]) == {"Fitbit"} and set(frame["device_kind"]) == {"tracker"}


def _check_cohort(store) -> None:
    athletes = store.athletes()
    assert len(athletes) == 33 and "me" not in athletes
    first = store.daily_steps("1503960366")
    # dailySteps_merged.csv line 2: "1503960366,4/12/2016,13162"; 31 lines for this Id (grep -c)
    assert len(first) == 31
    assert first.iloc[0][["day", "steps"]].tolist() == [date(2016, 4, 12), 13162]
    assert int(first["steps"].sum()) == 375619  # sum of the Id's 31 StepTotal values
    # line 500: "4558609924,5/6/2016,3755"; last line: "8877689391,5/12/2016,8064"
    other = store.daily_steps("4558609924")
    assert other[other["day"] == date(2016, 5, 6)]["steps"].tolist() == [3755]
    assert store.daily_steps("8877689391").iloc[-1][["day", "steps"]].tolist() == [date(2016, 5, 12), 8064]


def test_both_fitabase_daily_files_do_not_double(store, sample):
    result = import_paths(store, [sample("fitbit/dailySteps_merged.csv"), sample("fitbit/dailyActivity_merged.csv")])
    assert [f.status for f in result.files] == ["imported", "imported"]
    _check_cohort(store)  # same totals, not 2 x 13162
    every = store.daily_steps("1503960366", all_sources=True)
    assert len(every) == 31  # one value per day and source


def _export(tmp_path, name: str, points: list[dict[str, object]]):
    path = tmp_path / name
    path.write_text(json.dumps(points, indent=1), encoding="utf-8")
    return path


def test_account_export_minutes_sum_per_day(store, tmp_path):
    # Shape of `Physical Activity/steps-YYYY-MM-DD.json` (values are strings, two-digit years).
    path = _export(tmp_path, "steps-2019-04-30.json", [
        {"dateTime": "04/30/19 23:58:00", "value": "12"},
        {"dateTime": "04/30/19 23:59:00", "value": "30"},
        {"dateTime": "05/01/19 00:00:00", "value": "0"},
        {"dateTime": "05/01/19 07:15:00", "value": "101"},
        {"dateTime": "05/01/19 07:16:00", "value": "-4"},
        {"dateTime": "garbage", "value": "5"},
    ])
    res = import_paths(store, [path]).files[0]
    assert res.status == "imported" and res.days == 2
    # 12 + 30 = 42 on 30 April; 0 + 101 = 101 on 1 May; the -4 and the undated row are reported
    frame = store.daily_steps("me")
    assert frame[["day", "steps"]].values.tolist() == [[date(2019, 4, 30), 42], [date(2019, 5, 1), 101]]
    assert any(w.startswith("1 row with a negative or absurd step count") for w in res.warnings)
    assert any(w.startswith("1 row with no readable date") for w in res.warnings)


def test_account_export_other_metrics_are_skipped(store, tmp_path):
    path = _export(tmp_path, "calories-2019-04-30.json", [{"dateTime": "04/30/19 00:00:00", "value": "1.1"}])
    res = import_paths(store, [path]).files[0]
    assert res.status == "skipped" and "'calories' data, which holds no steps" in res.error
    assert store.daily_steps("me").empty


def test_json_that_is_not_a_fitbit_shape(store, tmp_path):
    path = tmp_path / "steps.json"
    path.write_text('{"user": "x", "steps": [1, 2, 3]}', encoding="utf-8")
    res = import_paths(store, [path]).files[0]
    assert res.status == "failed" and res.error.startswith("not a format loadwatch reads")
    assert store.sources().empty


def test_truncated_fitbit_json(store, tmp_path, sample):
    data = sample("fitbit/fitbit-activities-steps-timeseries.json").read_bytes()
    path = tmp_path / "cut.json"
    path.write_bytes(data[:120])
    res = import_paths(store, [path]).files[0]
    assert res.status == "failed" and "not valid JSON" in res.error and "cut short" in res.error
    assert store.sources().empty


def test_fitabase_hourly_steps_sum_per_day(store, tmp_path):
    path = tmp_path / "hourlySteps_merged.csv"
    path.write_text("Id,ActivityHour,StepTotal\n"
                    "42,4/12/2016 12:00:00 AM,373\n42,4/12/2016 1:00:00 PM,160\n42,4/13/2016 1:00:00 AM,151\n"
                    "43,4/12/2016 9:00:00 AM,1000\n", encoding="utf-8")
    assert import_paths(store, [path]).files[0].status == "imported"
    # Id 42: 373 + 160 = 533 on 12 April, 151 on 13 April; Id 43: 1000
    assert store.daily_steps("42")["steps"].tolist() == [533, 151]
    assert store.daily_steps("43")["steps"].tolist() == [1000]


def test_strict_rejects_bad_rows(store, tmp_path):
    path = tmp_path / "dailySteps_merged.csv"
    path.write_text("Id,ActivityDay,StepTotal\n1,4/12/2016,100\n1,4/13/2016,999999\n", encoding="utf-8")
    res = import_paths(store, [path], strict=True).files[0]
    assert res.status == "failed" and "--strict" in res.error
    assert store.sources().empty
    res = import_paths(store, [path]).files[0]
    assert res.status == "imported" and store.daily_steps("1")["steps"].tolist() == [100]


def test_sniff_does_not_claim_garmin_or_strava():
    assert not fitbit.sniff(b'[{"activityId":6609987243,"activityName":"Walk"}]', "activities-list.json")
    assert not fitbit.sniff(b'{"userProfileId":2836200,"statisticsStartDate":null}', "userstats.json")
    assert not fitbit.sniff(b"Activity ID,Activity Date,Total Steps\n", "activities.csv")
