"""A Garmin account export through the CLI: the daily summaries (`DI-Connect-Aggregator/UDSFile_*.json`)
give a Garmin user their steps, and the watch's monitoring FIT files in the nested UploadedFiles zip do not
count the same days twice.

The export is built here, shaped as Garmin ships it: `DI_CONNECT/DI-Connect-Aggregator/UDSFile_<from>_<to>.json`
(daily summaries, field names as in public readers of the export), other JSON of the export that holds no
steps, and `DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip` with a real activity FIT
(tests/data/fit/garmin-fenix-5-run.fit) and a monitoring FIT written byte by byte.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from loadwatch.cli import cli
from tests.helpers import fit_definition, fit_file, fit_message, fit_ts

ENUM, UINT16, UINT32 = 0x00, 0x84, 0x86
WALKING = 6


def monitoring_fit(samples: list[tuple[datetime, int]]) -> bytes:
    """A Garmin fenix 5 monitoring_b file, local time UTC+1: walking `cycles` (steps so far that day) at
    each UTC instant given, each with a full timestamp."""
    first = fit_ts(samples[0][0])
    body = fit_definition(0, 0, [(0, 1, ENUM), (1, 2, UINT16), (2, 2, UINT16)]) + fit_message(0, "BHH", 32, 1, 2697)
    body += fit_definition(1, 103, [(253, 4, UINT32), (0, 4, UINT32)]) + fit_message(1, "II", first, first + 3600)
    body += fit_definition(2, 55, [(253, 4, UINT32), (5, 1, ENUM), (3, 4, UINT32)])
    for when, cycles in samples:
        body += fit_message(2, "IBI", fit_ts(when), WALKING, cycles)
    return fit_file(body)


def uds(day: str, steps: int | None) -> dict[str, object]:
    return {"userProfilePK": 12345678, "calendarDate": day, "totalSteps": steps, "dailyStepGoal": 7500,
            "totalDistanceMeters": None if steps is None else steps * 0.8, "includesWellnessData": steps is not None,
            "includesActivityData": False, "wellnessStartTimeGmt": f"{day}T23:00:00.0", "source": "GARMIN"}


UDS_MEMBER = "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2024-03-01_2024-03-12.json"
PART = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip"


def garmin_export(path: Path, sample) -> Path:
    # Daily summaries: 9 Mar 11,234; 10 Mar 6,900; 11 Mar not worn (null); 12 Mar 5,000.
    summaries = [uds("2024-03-09", 11234), uds("2024-03-10", 6900), uds("2024-03-11", None), uds("2024-03-12", 5000)]
    # The watch's monitoring file: 10 Mar 6,850 by 18:00 local (synced before the day's last steps), 12 Mar 5,000,
    # 13 Mar 3,000 (after the summaries' last day).
    monitoring = monitoring_fit([(datetime(2024, 3, 10, 17, 0, tzinfo=UTC), 6850),
                                 (datetime(2024, 3, 12, 17, 0, tzinfo=UTC), 5000),
                                 (datetime(2024, 3, 13, 10, 0, tzinfo=UTC), 3000)])
    part = io.BytesIO()
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("runner@example.com_248100001.fit", sample("fit/garmin-fenix-5-run.fit").read_bytes())
        z.writestr("runner@example.com_248100002.fit", monitoring)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(UDS_MEMBER, json.dumps(summaries, indent=2))
        z.writestr("DI_CONNECT/DI-Connect-Aggregator/HydrationLogFile_2024-03-01_2024-03-12.json",
                   json.dumps([{"userProfilePK": 12345678, "calendarDate": "2024-03-10", "valueInML": 250.0}]))
        z.writestr("DI_CONNECT/DI-Connect-Wellness/2024-03-01_2024-03-12_12345678_sleepData.json",
                   json.dumps([{"calendarDate": "2024-03-10", "sleepStartTimestampGMT": "2024-03-09T22:10:00.0",
                                "deepSleepSeconds": 5400}]))
        z.writestr("DI_CONNECT/DI-Connect-Fitness/runner@example.com_0_summarizedActivities.json",
                   json.dumps([{"summarizedActivitiesExport": [{"activityId": 1, "steps": 9800}]}]))
        z.writestr(PART, part.getvalue())
    return path


def invoke(runner: CliRunner, db: Path, *args: str):
    return runner.invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def test_a_garmin_export_gives_steps_from_its_daily_summaries_once_per_day(
    runner: CliRunner, db_path: Path, tmp_path: Path, sample
) -> None:
    export = garmin_export(tmp_path / "garmin-export.zip", sample)
    result = invoke(runner, db_path, "import", "--json", str(export))
    assert result.exit_code == 0, result.output
    files = {f["path"].split("!", 1)[1]: f for f in json.loads(result.stdout)["files"] if "!" in f["path"]}
    summary = files[UDS_MEMBER]
    assert (summary["status"], summary["format"], summary["days"]) == ("imported", "garmin_uds", 3)
    monitoring = files[PART + "!runner@example.com_248100002.fit"]
    assert (monitoring["status"], monitoring["days"]) == ("imported", 3)
    assert files[PART + "!runner@example.com_248100001.fit"]["sessions"] == 1
    others = [f for name, f in files.items() if name.endswith(".json") and name != UDS_MEMBER]
    assert len(others) == 3 and {f["status"] for f in others} == {"skipped"}

    steps = json.loads(invoke(runner, db_path, "steps", "--json").stdout)
    # one source per day, never the sum: 10 Mar is 6,900 (the summary), not 6,900 + 6,850; 11 Mar has no
    # data at all (not a 0); 12 Mar both say 5,000; 13 Mar only the watch file knows.
    assert steps == [{"day": "2024-03-09", "steps": 11234, "source": "Garmin Connect"},
                     {"day": "2024-03-10", "steps": 6900, "source": "Garmin Connect"},
                     {"day": "2024-03-12", "steps": 5000, "source": "Garmin Connect"},
                     {"day": "2024-03-13", "steps": 3000, "source": "Garmin fenix 5"}]

    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        kinds = conn.execute("SELECT DISTINCT device_kind FROM daily_steps").fetchall()
        assert kinds == [("watch",)]
        per_day = conn.execute("SELECT day, count(*), sum(is_primary) FROM daily_steps GROUP BY day").fetchall()
        assert per_day == [("2024-03-09", 1, 1), ("2024-03-10", 2, 1), ("2024-03-12", 2, 1), ("2024-03-13", 1, 1)]

    again = invoke(runner, db_path, "import", "--json", str(export))
    assert again.exit_code == 0
    assert json.loads(again.stdout)["already_imported"] == 1
