"""`import_paths`: one transaction per source file, the per-file outcome, and the ledger that makes a
re-import a no-op. Real device files from tests/data, copied (or cut) into tmp_path, into a real store.

The exit code the CLI derives from these outcomes is tested where it is decided, in
tests/cli/test_import_review_cli.py; here the counts it is made from (failed, in_store) are checked.
"""

from __future__ import annotations

from pathlib import Path

from loadwatch.ingest import import_paths
from tests.helpers import DATA


def test_fit_folder_import_and_reimport(store, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for name in ("activity-large-fenxi2-multisport.fit", "garmin-fenix-5-run.fit", "Settings2.fit"):
        (folder / name).write_bytes((DATA / "fit" / name).read_bytes())
    first = import_paths(store, [folder], workers=1)
    by_name = {Path(f.path).name: f for f in first.files}
    assert by_name["activity-large-fenxi2-multisport.fit"].status == "imported"
    assert by_name["activity-large-fenxi2-multisport.fit"].sessions == 7
    assert by_name["garmin-fenix-5-run.fit"].sessions == 1
    assert by_name["Settings2.fit"].status == "skipped"
    sessions = store.sessions("me", None)
    assert len(sessions) == 8
    again = import_paths(store, [folder], workers=1)
    assert {f.status for f in again.files} == {"already_imported"}
    assert len(store.sessions("me", None)) == 8


def test_gpx_folder_stores_the_good_file_and_not_the_cut_one(tmp_path: Path, store) -> None:
    good = (DATA / "gpx" / "togeojson_run.gpx").read_bytes()
    tmp_path = tmp_path / "in"
    tmp_path.mkdir()
    (tmp_path / "run.gpx").write_bytes(good)
    (tmp_path / "cut.gpx").write_bytes(good[: len(good) // 2])
    (tmp_path / "route.gpx").write_bytes((DATA / "gpx" / "gpxpy_route.gpx").read_bytes())
    result = import_paths(store, [tmp_path], workers=1)
    status = {Path(f.path).name: (f.status, f.format) for f in result.files}
    assert status == {"cut.gpx": ("failed", "gpx"), "route.gpx": ("skipped", "gpx"), "run.gpx": ("imported", "gpx")}
    cut = next(f for f in result.files if f.path.endswith("cut.gpx"))
    assert cut.error is not None and cut.error.startswith("not well-formed XML")
    # some failed, some imported (the CLI's exit code 3): cut.gpx failed; run.gpx is in the store, the
    # skipped route.gpx does not count
    assert (result.failed, result.in_store) == (1, 1)
    frame = store.sessions()
    assert len(frame) == 1 and frame["duration_s"].iloc[0] == 948.0
    assert frame["hr_hist"].iloc[0] and max(frame["hr_hist"].iloc[0]) == 203


def test_a_cut_tcx_fails_and_stores_nothing_then_the_rest_imports(tmp_path: Path, store) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    data = (DATA / "tcx" / "tcxparser_test.tcx").read_bytes()
    (folder / "cut.tcx").write_bytes(data[: len(data) * 2 // 3])
    result = import_paths(store, [folder / "cut.tcx"], workers=1)
    [cut] = result.files
    assert cut.status == "failed" and (cut.error or "").startswith("not well-formed XML (unclosed token")
    assert (result.failed, result.in_store) == (1, 0)  # nothing imported: the CLI's exit code 1
    assert store.sessions().empty and store.sources().empty
    (folder / "course.tcx").write_bytes((DATA / "tcx" / "togeojson_tcx-courses.tcx").read_bytes())
    (folder / "run.tcx").write_bytes(data)
    again = import_paths(store, [folder], workers=1)
    status = {Path(f.path).name: (f.status, f.error) for f in again.files}
    assert status["course.tcx"] == ("skipped", "a course (a planned route), not an activity")
    assert status["run.tcx"] == ("imported", None)
    # the cut file still fails (a failure is not in the ledger), the others are fine: the CLI's exit code 3
    assert (again.failed, again.in_store) == (1, 1)
    assert len(store.sessions()) == 1
