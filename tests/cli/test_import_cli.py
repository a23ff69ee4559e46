"""`loadwatch import`, `sessions`, `steps` end to end: summary, JSON shape, exit codes."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli
from loadwatch.store import Store

pytest.importorskip("loadwatch.importers.fit")

RUNS = ("garmin-fenix-5-run.fit", "garmin-fenix-5-walk.fit", "garmin-fenix-5-bike.fit")


@pytest.fixture
def three(tmp_path: Path, sample) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    out = []
    for name in RUNS:
        out.append(Path(shutil.copy(sample(f"fit/{name}"), folder / name)))
    return out


def invoke(runner: CliRunner, db: Path, *args: str) -> object:
    return runner.invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def test_import_folder_json_shape_and_reimport(runner: CliRunner, db_path: Path, three: list[Path]) -> None:
    result = invoke(runner, db_path, "import", "--json", str(three[0].parent))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"imported", "duplicates", "already_imported", "skipped", "failed", "files"}
    assert (data["imported"], data["failed"]) == (3, 0)
    assert {f["status"] for f in data["files"]} == {"imported"}
    assert all(set(f) >= {"path", "status", "sessions", "days", "error"} for f in data["files"])
    assert sum(f["sessions"] for f in data["files"]) == 3

    again = invoke(runner, db_path, "import", "--json", str(three[0].parent))
    assert again.exit_code == 0
    data = json.loads(again.stdout)
    assert (data["imported"], data["already_imported"]) == (0, 3)


def test_batch_with_a_corrupt_middle_file_imports_the_others_and_exits_3(
    runner: CliRunner, db_path: Path, three: list[Path]
) -> None:
    three[1].write_bytes(b"<!DOCTYPE html><html><body>Not found</body></html>")
    result = invoke(runner, db_path, "import", *map(str, three))
    assert result.exit_code == 3
    assert f"Error: {three[1]}: not a format loadwatch reads (an HTML page)\n" in result.stderr
    assert "Imported 2 file(s)" in result.stdout
    assert "Traceback" not in result.output
    with Store(db_path) as s:
        assert len(s.sessions()) == 2
        assert not (s.sources()["path"] == str(three[1])).any()


def test_nothing_importable_exits_1_with_one_line_per_file(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.fit"
    empty.write_bytes(b"")
    png = tmp_path / "photo.fit"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    result = invoke(runner, db_path, "import", str(empty), str(png))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {empty}: empty file (0 bytes); nothing to import",
        f"Error: {png}: not a format loadwatch reads (a PNG image)",
    ]


def test_gzip_of_junk_fails_cleanly(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    junk = tmp_path / "run.fit.gz"
    junk.write_bytes(gzip.compress(b"this is not a fit file at all" * 20))
    result = invoke(runner, db_path, "import", str(junk))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {junk}: not a format loadwatch reads")


def test_fit_gz_imports_like_the_plain_file(runner: CliRunner, db_path: Path, three: list[Path]) -> None:
    gz = three[0].with_suffix(".fit.gz")
    gz.write_bytes(gzip.compress(three[0].read_bytes()))
    first = json.loads(invoke(runner, db_path, "import", "--json", str(gz)).stdout)
    assert first["imported"] == 1
    # the same content, uncompressed: same sha256 of the content, already imported
    second = json.loads(invoke(runner, db_path, "import", "--json", str(three[0])).stdout)
    assert second["already_imported"] == 1


def test_dry_run_stores_nothing(runner: CliRunner, db_path: Path, three: list[Path]) -> None:
    result = invoke(runner, db_path, "import", "--dry-run", str(three[0]))
    assert result.exit_code == 0
    assert result.stdout.startswith("Dry run, nothing stored: would import 1 file(s)")
    with Store(db_path) as s:
        assert s.sessions().empty and s.sources().empty


def test_sessions_json_is_the_documented_shape(runner: CliRunner, db_path: Path, three: list[Path]) -> None:
    invoke(runner, db_path, "import", str(three[0].parent))
    result = invoke(runner, db_path, "sessions", "--json")
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    for row in rows:
        assert set(row) >= {"start_utc", "utc_offset_s", "sport", "duration_s", "moving_s", "distance_m",
                            "avg_hr", "max_hr", "source"}
    assert sorted(r["sport"] for r in rows) == ["cycling", "running", "walking"]
    later = json.loads(invoke(runner, db_path, "sessions", "--json", "--since", "2100-01-01").stdout)
    assert later == []
    table = invoke(runner, db_path, "sessions")
    assert "3 session(s)." in table.stdout


def test_empty_store_lists_say_what_to_do(runner: CliRunner, db_path: Path, store) -> None:
    assert "loadwatch import PATH" in invoke(runner, db_path, "sessions").stdout
    assert "loadwatch import PATH" in invoke(runner, db_path, "steps").stdout
    assert json.loads(invoke(runner, db_path, "steps", "--json").stdout) == []


def test_missing_path_is_a_failed_file_not_a_traceback(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    result = invoke(runner, db_path, "import", str(tmp_path / "nope.fit"))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope.fit'}: no such file or folder\n"


def test_a_skipped_file_keeps_its_reason_in_the_ledger(runner: CliRunner, db_path: Path, sample) -> None:
    settings = sample("fit/Settings2.fit")
    result = invoke(runner, db_path, "import", "--json", str(settings))
    assert result.exit_code == 0
    reason = json.loads(result.stdout)["files"][0]["error"]
    assert reason and "settings" in reason
    rows = json.loads(invoke(runner, db_path, "sources", "--json").stdout)
    assert [(r["status"], r["error"]) for r in rows] == [("skipped", reason)]
    assert f"({reason})" in invoke(runner, db_path, "sources").stdout


def test_skipped_plus_failed_is_exit_1_nothing_was_imported(runner: CliRunner, db_path: Path, sample,
                                                            tmp_path: Path) -> None:
    bad = tmp_path / "bad.fit"
    bad.write_bytes(b"<html></html>")
    result = invoke(runner, db_path, "import", str(sample("fit/Settings2.fit")), str(bad))
    assert result.exit_code == 1
    assert "1 skipped, 1 failed" in result.stdout


def test_an_empty_folder_says_no_files_found_and_exits_1(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    result = invoke(runner, db_path, "import", str(empty))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: no files found in {empty}; point loadwatch at a file, a folder of files or an "
                             "export archive\n")
