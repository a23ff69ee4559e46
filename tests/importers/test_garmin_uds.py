"""Garmin account export daily summaries (`DI_CONNECT/DI-Connect-Aggregator/UDSFile_*.json`).

No UDS file under a licence that allows copying it was found (shared/realdata/SOURCES.md lists none), so
the UDS files here are written by the tests, with the field names and layout public readers of the export
use (a JSON list of one object per day: `userProfilePK`, `calendarDate` "YYYY-MM-DD", `totalSteps`,
`dailyStepGoal`, `totalDistanceMeters`, `includesWellnessData`, `wellnessStartTimeGmt`, `source`, ...; a day
the watch was not worn has `totalSteps` null). The real Garmin JSON files in tests/data/garmin_json/ (Connect
activity and statistics JSON, pe-st/garmin-connect-export) are what the sniffer must NOT take for one.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from loadwatch.errors import CorruptFile
from loadwatch.importers import garmin_uds, registry
from loadwatch.importers.base import SNIFF_BYTES
from tests.helpers import DATA


def uds_day(day: str, steps: object, *, worn: bool = True, **extra: object) -> dict[str, object]:
    """One user daily summary as the export writes it (values invented, field names as in the export)."""
    record: dict[str, object] = {
        "userProfilePK": 12345678, "calendarDate": day, "uuid": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "durationInMilliseconds": 86400000, "totalKilocalories": 2210.0, "activeKilocalories": 410.0,
        "bmrKilocalories": 1800.0, "wellnessKilocalories": 2210.0, "totalSteps": steps, "dailyStepGoal": 7500,
        "totalDistanceMeters": None if steps is None else 6200, "wellnessDistanceMeters": None,
        "wellnessStartTimeGmt": f"{day}T22:00:00.0", "wellnessStartTimeLocal": f"{day}T00:00:00.0",
        "wellnessEndTimeGmt": f"{day}T21:59:59.0", "highlyActiveSeconds": 1200, "activeSeconds": 3600,
        "moderateIntensityMinutes": 20, "vigorousIntensityMinutes": 10, "restingHeartRate": 52 if worn else None,
        "includesWellnessData": worn, "includesActivityData": False, "includesCalorieConsumedData": False,
        "allDayStress": {"aggregatorList": [{"type": "TOTAL", "averageStressLevel": 31 if worn else -1}]},
        "bodyBattery": {"chargedValue": 60, "drainedValue": 55} if worn else {},
        "source": "GARMIN", "version": 3,
    }
    record.update(extra)
    return record


def uds_bytes(records: list[object], *, indent: int | None = 2) -> bytes:
    return json.dumps(records, indent=indent).encode()


def read(data: bytes, *, strict: bool = False, name: str = "UDSFile_2024-03-01_2024-06-08.json"):
    return garmin_uds.read(io.BytesIO(data), name=name, strict=strict)


# -- detection -------------------------------------------------------------------------------------
REAL_GARMIN_JSON = sorted((DATA / "garmin_json").glob("*.json"))


def test_the_real_garmin_json_files_are_here() -> None:
    assert len(REAL_GARMIN_JSON) == 11


@pytest.mark.parametrize("path", REAL_GARMIN_JSON, ids=lambda p: p.name)
def test_real_garmin_connect_json_is_not_taken_for_a_daily_summary(path: Path) -> None:
    # activities-list.json is a JSON list of activities with "steps" in each (e.g. 1,266 in the first walk):
    # a list of objects that counts steps, and still no daily summary.
    head = path.read_bytes()[:SNIFF_BYTES]
    assert not garmin_uds.sniff(head, f"DI_CONNECT/DI-Connect-Aggregator/UDSFile_{path.name}")
    assert registry.detect(head, path.name) is None


OTHER_EXPORT_FILES = {
    # the export's other JSON lists with a calendarDate (shapes from public readers of the export)
    "DI-Connect-Fitness/x_0_summarizedActivities.json":
        [{"summarizedActivitiesExport": [{"activityId": 1, "name": "Run", "beginTimestamp": 1710050400000,
                                          "duration": 3600000.0, "distance": 1000000.0, "steps": 9800}]}],
    "DI-Connect-Wellness/2024-03-01_2024-06-08_1_sleepData.json":
        [{"calendarDate": "2024-03-10", "sleepStartTimestampGMT": "2024-03-09T22:10:00.0",
          "sleepEndTimestampGMT": "2024-03-10T05:50:00.0", "deepSleepSeconds": 5400, "lightSleepSeconds": 14000}],
    "DI-Connect-Aggregator/HydrationLogFile_2024-03-01_2024-06-08.json":
        [{"userProfilePK": 12345678, "calendarDate": "2024-03-10", "valueInML": 250.0,
          "hydrationSource": "GARMIN_GCM", "timestampLocal": "2024-03-10T10:00:00.0"}],
    "DI-Connect-Metrics/TrainingReadinessDTO_20240301_20240608_1.json":
        [{"userProfilePK": 12345678, "calendarDate": "2024-03-10", "deviceId": 3400000000, "score": 64,
          "timestamp": "2024-03-10T04:00:00.0", "level": "MODERATE"}],
    "DI-Connect-Metrics/MetricsMaxMetData_20240301_20240608_1.json":
        [{"calendarDate": "2024-03-10", "updateTimestamp": "2024-03-10T04:30:00.0", "vo2MaxValue": 50.0,
          "sport": "RUNNING"}],
}


@pytest.mark.parametrize("member", sorted(OTHER_EXPORT_FILES))
def test_other_files_of_the_export_are_not_daily_summaries(member: str) -> None:
    head = uds_bytes(OTHER_EXPORT_FILES[member])[:SNIFF_BYTES]
    assert registry.detect(head, member) is None


@pytest.mark.parametrize("indent", [None, 2, 4])
def test_a_uds_file_is_recognised_by_content_in_any_layout(indent: int | None) -> None:
    data = uds_bytes([uds_day("2024-03-10", 6900), uds_day("2024-03-11", None, worn=False)], indent=indent)
    assert registry.detect(data[:SNIFF_BYTES], "anything.json") is garmin_uds
    # the keys' order is not fixed: the step count far down a record still counts
    moved = [{"calendarDate": "2024-03-10", "allDayStress": {"aggregatorList": [{"type": "TOTAL"}] * 40},
              "totalSteps": 6900, "includesWellnessData": True}]
    assert registry.detect(uds_bytes(moved)[:SNIFF_BYTES], "x.json") is garmin_uds


def test_the_step_files_of_other_formats_are_not_taken_for_garmin(sample) -> None:
    for name in ("fitbit/dailySteps_merged.csv", "fitbit/fitbit-activities-steps-timeseries.json",
                 "google_fit/Daily activity metrics.csv", "google_fit/googlefit-merge-step-deltas.json"):
        head = sample(name).read_bytes()[:SNIFF_BYTES]
        assert not garmin_uds.sniff(head, name), name


# -- reading ---------------------------------------------------------------------------------------
def test_steps_per_calendar_day_and_days_without_data_left_out() -> None:
    records = [
        uds_day("2024-03-09", 11234),
        uds_day("2024-03-10", 6900),
        uds_day("2024-03-11", None, worn=False),          # not worn: null, no data
        {k: v for k, v in uds_day("2024-03-12", 1).items() if k != "totalSteps"},  # no totalSteps at all
        uds_day("2024-03-13", 0, worn=False),             # a summary with nothing measured: no data either
        uds_day("2024-03-14", 0),                         # worn all day, no step: a real 0
        uds_day("2024-03-15", 8123.0),                    # a number written as a float
    ]
    parsed = read(uds_bytes(records))
    assert [(d.day, d.steps) for d in parsed.daily_steps] == [
        (date(2024, 3, 9), 11234), (date(2024, 3, 10), 6900), (date(2024, 3, 14), 0), (date(2024, 3, 15), 8123)]
    assert {(d.device, d.device_kind) for d in parsed.daily_steps} == {("Garmin Connect", "watch")}
    assert parsed.format == "garmin_uds"
    assert (parsed.n_records, parsed.bad_rows, parsed.warnings) == (7, 0, [])


def test_a_day_in_two_summaries_keeps_the_larger_total_not_the_sum() -> None:
    records = [uds_day("2024-03-10", 6900), uds_day("2024-03-10", 7100, version=4), uds_day("2024-03-11", 5000)]
    parsed = read(uds_bytes(records))
    assert [(d.day, d.steps) for d in parsed.daily_steps] == [(date(2024, 3, 10), 7100), (date(2024, 3, 11), 5000)]
    assert parsed.warnings == ["1 day(s) appear in more than one summary (e.g. 2024-03-10); the larger step total"
                               " of each was kept, not the sum"]


def test_bad_records_are_counted_and_the_rest_kept() -> None:
    records = [uds_day("2024-03-10", 6900), uds_day("2024-03-11", -5), uds_day("2024-03-12", 4_000_000_000),
               uds_day("2024-03-13", "many"), uds_day("13/03/2024", 5000), "not a day", uds_day("2024-03-14", True)]
    parsed = read(uds_bytes(records))
    assert [(d.day, d.steps) for d in parsed.daily_steps] == [(date(2024, 3, 10), 6900)]
    assert parsed.bad_rows == 6
    text = " | ".join(parsed.warnings)
    assert "2 rows with a negative or absurd step count (over 100,000 a day), not stored" in text
    assert "2 rows with a step count that is not a number" in text
    assert "1 row with no readable date" in text and "1 row not a JSON object" in text
    with pytest.raises(CorruptFile, match="6 bad rows"):
        read(uds_bytes(records), strict=True)


def test_files_with_nothing_to_store_are_skipped_with_a_reason() -> None:
    assert read(b"[]").skip_reason == "an empty Garmin daily summary file"
    never_worn = read(uds_bytes([uds_day("2024-03-10", None, worn=False), uds_day("2024-03-11", 0, worn=False)]))
    assert never_worn.daily_steps == []
    assert never_worn.skip_reason == ("a Garmin daily summary file with no step counts (the watch was not worn on"
                                      " any of its days)")


def test_a_cut_or_wrong_shape_file_is_one_clear_error() -> None:
    data = uds_bytes([uds_day("2024-03-10", 6900), uds_day("2024-03-11", 5000)])
    with pytest.raises(CorruptFile, match=r"not valid JSON .*cut short or damaged"):
        read(data[: len(data) // 2])
    with pytest.raises(CorruptFile, match="must be a JSON list of days"):
        read(b'{"calendarDate": "2024-03-10", "totalSteps": 5}')
    with pytest.raises(CorruptFile, match="no usable step rows"):
        read(uds_bytes([uds_day("2024-03-10", -1)]))
