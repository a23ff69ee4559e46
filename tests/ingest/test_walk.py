"""Walking what `import_paths` is given: folders (links and pipes inside are reported, not followed),
`.gz` files unwrapped, zips member by member (members no importer knows are skipped, a fully imported
zip is remembered by its own hash). Real files in tmp_path and tests/data, a real store."""

from __future__ import annotations

import gzip
import os
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from loadwatch.importers import csv_steps
from loadwatch.importers.registry import detect
from loadwatch.ingest import import_paths
from loadwatch.store import Store
from tests.helpers import DATA, fit_definition, fit_file, fit_message, fit_ts

RUN = "fit/garmin-fenix-5-run.fit"


def test_gzip_of_junk_fails_cleanly(store, tmp_path: Path) -> None:
    path = tmp_path / "ride.fit.gz"
    path.write_bytes(gzip.compress(b"this is not a fit file at all " * 20))
    (res,) = import_paths(store, [path], workers=1).files
    assert res.status == "failed" and res.error.startswith("not a format loadwatch reads")


def test_a_zip_inside_a_gz_is_named_as_such(tmp_path: Path, store: Store, sample) -> None:
    # Before: export.zip.gz failed as "not a format loadwatch reads (unknown binary content)".
    inner = tmp_path / "export.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.write(sample(RUN), "run.fit")
    outer = tmp_path / "export.zip.gz"
    outer.write_bytes(gzip.compress(inner.read_bytes()))
    [res] = import_paths(store, [outer]).files
    assert res.status == "failed"
    assert res.error == ("not a format loadwatch reads"
                         " (a zip archive inside a .gz file; unpack the .gz and import the zip)")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_folder_reports_links_and_pipes_instead_of_dropping_them(tmp_path: Path, store: Store, sample) -> None:
    # Before: a folder of symlinks to real runs imported "0 file(s) ... 0 failed", exit 0, in silence.
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample(RUN), folder / "run.fit")
    (folder / "link.fit").symlink_to(sample("fit/garmin-fenix-5-bike.fit"))
    os.mkfifo(folder / "pipe.fit")
    res = import_paths(store, [folder])
    by_name = {Path(f.path).name: f for f in res.files}
    assert set(by_name) == {"run.fit", "link.fit", "pipe.fit"}
    assert by_name["run.fit"].status == "imported"
    assert by_name["link.fit"].status == "skipped"
    assert "symbolic link" in (by_name["link.fit"].error or "")
    assert by_name["pipe.fit"].status == "skipped"
    assert "not a regular file" in (by_name["pipe.fit"].error or "")
    assert res.failed == 0  # skipped is not failed: the CLI's exit code 0


STRAVA = ('Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Total Steps\n'
          '4171537024,"Oct 7, 2020, 2:43:11 PM",Morning Run,Run,1800,5.01,5400\n')


def test_another_exports_csv_fails_alone_and_is_skipped_in_a_zip(store, tmp_path):
    assert csv_steps.sniff(STRAVA.encode(), "activities.csv") is False
    assert detect(STRAVA.encode(), "activities.csv") is None
    path = tmp_path / "activities.csv"
    path.write_text(STRAVA, encoding="utf-8", newline="")
    [res] = import_paths(store, [path]).files
    assert res.status == "failed" and res.error.startswith("not a format loadwatch reads")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("activities.csv", STRAVA)
        zf.writestr("steps.csv", "date,steps\n2024-01-01,10\n")
    result = import_paths(store, [archive])
    status = {Path(f.path.split("!")[-1]).name: f.status for f in result.files}
    assert status == {"activities.csv": "skipped", "steps.csv": "imported"}
    assert store.daily_steps("me")["steps"].tolist() == [10]


def test_whole_fitbit_folder(store, sample):
    result = import_paths(store, [sample("fitbit/dailySteps_merged.csv").parent])
    assert sorted(f.status for f in result.files) == ["imported"] * 5 + ["skipped"] * 4
    assert result.failed == 0  # the CLI's exit code 0
    assert len(store.athletes()) == 34  # the cohort's 33 Ids, and "me" for the API responses


def test_real_apple_export_zip_with_macos_junk(store) -> None:
    result = import_paths(store, [DATA / "apple_health" / "apple-health-parser_export.zip"], workers=1)
    export = next(f for f in result.files if f.path.endswith("apple_health_export/export.xml"))
    assert export.status == "skipped" and "no step counts or workouts" in (export.error or "")
    assert result.failed == 0  # the CLI's exit code 0


# -- zips of FIT files, plain and gzipped, as a Strava bulk export holds them -------------------------
ENUM, UINT16, UINT32 = 0x00, 0x84, 0x86
SESSION = [(253, 4, UINT32), (2, 4, UINT32), (7, 4, UINT32), (9, 4, UINT32), (5, 1, ENUM)]


def one_run(start: datetime, seconds: int, metres: int) -> bytes:
    """A FIT activity (a Garmin fenix 5, no records) holding one running session; the session's
    total_elapsed_time is in ms (scale 1000) and total_distance in cm (scale 100)."""
    t0 = fit_ts(start)
    body = fit_definition(0, 0, [(0, 1, ENUM), (1, 2, UINT16), (2, 2, UINT16)])  # file_id: type, maker, product
    body += fit_message(0, "BHH", 4, 1, 2697)  # an activity file, garmin, fenix 5
    body += fit_definition(1, 18, SESSION) + fit_message(1, "IIIIB", t0 + seconds, t0, seconds * 1000, metres * 100, 1)
    return fit_file(body)


def test_fit_and_fit_gz_members_import_and_the_zip_is_remembered(store, tmp_path: Path) -> None:
    archive = tmp_path / "export_123.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("activities/1.fit.gz", gzip.compress(one_run(datetime(2024, 3, 10, 7, tzinfo=UTC), 1800, 5000)))
        zf.writestr("activities/2.fit", one_run(datetime(2024, 3, 12, 7, tzinfo=UTC), 2700, 7500))
        zf.writestr("README.txt", "Your Strava export.\n")
    first = import_paths(store, [archive], workers=1)
    got = {f.path: (f.status, f.format, f.sessions) for f in first.files}
    assert got == {f"{archive}!activities/1.fit.gz": ("imported", "fit", 1),
                   f"{archive}!activities/2.fit": ("imported", "fit", 1),
                   f"{archive}!README.txt": ("skipped", None, 0)}
    frame = store.sessions()
    # 1800 s and 5000 m, then 2700 s and 7500 m, as written into the two sessions
    assert frame[["sport", "duration_s", "distance_m"]].values.tolist() == [["running", 1800.0, 5000.0],
                                                                             ["running", 2700.0, 7500.0]]
    assert str(archive) in store.sources()["path"].tolist()  # the zip itself, by its own hash
    again = import_paths(store, [archive], workers=1)
    assert [(f.path, f.status, f.format) for f in again.files] == [(str(archive), "already_imported", "zip")]


def test_a_zip_with_a_failed_member_is_not_remembered(store, tmp_path: Path) -> None:
    run = one_run(datetime(2024, 3, 10, 7, tzinfo=UTC), 1800, 5000)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("good.fit", run)
        zf.writestr("cut.fit", run[:30])  # the header and part of the first definition
    first = import_paths(store, [archive], workers=1)
    assert {Path(f.path).name: f.status for f in first.files} == {"export.zip!good.fit": "imported",
                                                                   "export.zip!cut.fit": "failed"}
    assert str(archive) not in store.sources()["path"].tolist()
    # a re-import walks the zip again: the good member is in the ledger, the cut one is reported again
    again = import_paths(store, [archive], workers=1)
    assert {Path(f.path).name: f.status for f in again.files} == {"export.zip!good.fit": "already_imported",
                                                                   "export.zip!cut.fit": "failed"}
    assert len(store.sessions()) == 1
