"""`loadwatch import` as a user meets it: the acceptance review of the import side (issues 2, 3, 8), each test
naming what a user met before the fix; --map through the CLI; and the exit code, which the CLI decides
(`cli.imports.exit_code`) from the ImportResult that `api.import_files` returns.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli
from loadwatch.cli.imports import exit_code
from loadwatch.models import FileResult, ImportResult
from tests.helpers import DATA, child_env, loadwatch_cmd

RUN = "fit/garmin-fenix-5-run.fit"


def invoke(runner: CliRunner, db: Path, *args: str):
    return runner.invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_given_directly_fails_at_once(tmp_path: Path, db_path: Path) -> None:
    # Before: `loadwatch import pipe.fit` blocked forever waiting for a writer, and
    # `loadwatch import <(cat run.fit)` read the pipe twice and called the run "empty file".
    fifo = tmp_path / "pipe.fit"
    os.mkfifo(fifo)
    proc = subprocess.run(loadwatch_cmd(db_path, "import", str(fifo)), env=child_env(), capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert f"Error: {fifo}: not a regular file (a pipe or device)" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_same_file_named_twice_counts_once(tmp_path: Path, runner: CliRunner, db_path: Path, sample) -> None:
    # Before: `import DIR DIR DIR/run.fit` listed run.fit three times: "1 imported, 2 already imported".
    folder = tmp_path / "in"
    folder.mkdir()
    run = Path(shutil.copy(sample(RUN), folder / "run.fit"))
    out = invoke(runner, db_path, "import", "--json", str(folder), str(folder), str(run), str(folder / "." / "run.fit"))
    data = json.loads(out.stdout)
    assert (data["imported"], data["already_imported"], len(data["files"])) == (1, 0, 1)
    assert out.exit_code == 0


def test_map_order_and_device_through_the_cli(tmp_path: Path, runner: CliRunner, db_path: Path) -> None:
    # Before: the CLI refused every --map key but date and steps, although the CSV reader (and
    # its own error message, and the README) offer order=dmy|mdy and device=COL.
    path = tmp_path / "steps.csv"
    path.write_text("Tag;Schritte;Gerät\n03/04/2024;1000;Uhr\n05/04/2024;2000;Uhr\n", encoding="utf-8")
    out = invoke(runner, db_path, "import", "--json", "--map", "date=Tag,steps=Schritte,device=Gerät,order=dmy",
                 str(path))
    assert out.exit_code == 0, out.output
    steps = json.loads(invoke(runner, db_path, "steps", "--json").stdout)
    # dmy: 03/04/2024 is 3 April, 05/04/2024 is 5 April
    assert [(d["day"], d["steps"]) for d in steps] == [("2024-04-03", 1000), ("2024-04-05", 2000)]
    bad = invoke(runner, db_path, "import", "--map", "colour=Tag", str(path))
    assert bad.exit_code == 2 and "date=COL,steps=COL" in bad.output


def test_sessions_help_names_the_id_that_forget_takes(runner: CliRunner) -> None:
    # `forget --help` says a session id comes from `sessions --json`; its help must list it.
    out = runner.invoke(cli, ["sessions", "--help"])
    assert '{"id", "start_utc"' in out.output


def test_map_through_the_cli(runner, db_path, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("When,Walked\n2024-01-01,5000\n", encoding="utf-8")
    out = runner.invoke(cli, ["--db", str(db_path), "import", "--json", str(path)])
    assert out.exit_code == 1 and "--map date=COLUMN,steps=COLUMN" in out.output
    out = runner.invoke(cli, ["--db", str(db_path), "import", "--json", "--map", "date=When,steps=Walked", str(path)])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["files"][0]["days"] == 1


# -- the exit code: 0 nothing failed; 3 failures but other files' data is in the store; 1 failures and none is --
def _result(*statuses: str) -> ImportResult:
    return ImportResult([FileResult(f"f{i}", status) for i, status in enumerate(statuses)])


@pytest.mark.parametrize(("statuses", "code"), [
    ((), 0),
    (("imported", "skipped", "duplicate", "already_imported", "recovered"), 0),  # nothing failed
    (("failed",), 1),
    (("failed", "skipped", "skipped"), 1),  # a skipped file (settings, a readme) holds no data in the store
    (("failed", "imported"), 3),
    (("failed", "recovered"), 3),  # a truncated file's sessions were stored
    (("failed", "already_imported"), 3),  # imported before: its data is in the store
    (("failed", "duplicate"), 3),  # all its sessions were already there through another file
])
def test_exit_code_from_the_file_outcomes(statuses: tuple[str, ...], code: int) -> None:
    assert exit_code(_result(*statuses)) == code


def _gpx_folder(tmp_path: Path) -> list[Path]:
    good = (DATA / "gpx" / "togeojson_run.gpx").read_bytes()
    (tmp_path / "run.gpx").write_bytes(good)
    (tmp_path / "cut.gpx").write_bytes(good[: len(good) // 2])
    (tmp_path / "route.gpx").write_bytes((DATA / "gpx" / "gpxpy_route.gpx").read_bytes())
    return [tmp_path]


def _cut_tcx(tmp_path: Path) -> list[Path]:
    data = (DATA / "tcx" / "tcxparser_test.tcx").read_bytes()
    (tmp_path / "cut.tcx").write_bytes(data[: len(data) * 2 // 3])
    return [tmp_path / "cut.tcx"]


def _run_and_settings(tmp_path: Path) -> list[Path]:
    return [DATA / RUN, DATA / "fit" / "Settings2.fit"]


@pytest.mark.parametrize(("make", "code", "counts"), [
    (_gpx_folder, 3, (1, 1, 1)),  # run.gpx imported, route.gpx skipped, cut.gpx failed
    (_cut_tcx, 1, (0, 0, 1)),  # the one file failed
    (_run_and_settings, 0, (1, 1, 0)),  # a settings file is skipped, not failed
])
def test_exit_code_of_an_import(runner: CliRunner, db_path: Path, tmp_path: Path, make, code: int,
                                counts: tuple[int, int, int]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    out = invoke(runner, db_path, "import", "--json", *map(str, make(folder)))
    data = json.loads(out.stdout)
    assert (data["imported"], data["skipped"], data["failed"]) == counts
    assert out.exit_code == code
