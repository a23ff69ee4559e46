"""Acceptance review of the import side (issues 2, 3, 8): defects found by trying odd inputs.

Each test names what a user met before the fix.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli
from loadwatch.ingest import import_paths
from loadwatch.store import Store

RUN = "fit/garmin-fenix-5-run.fit"


def invoke(runner: CliRunner, db: Path, *args: str):
    return runner.invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_given_directly_fails_at_once(tmp_path: Path, db_path: Path) -> None:
    # Before: `loadwatch import pipe.fit` blocked forever waiting for a writer, and
    # `loadwatch import <(cat run.fit)` read the pipe twice and called the run "empty file".
    fifo = tmp_path / "pipe.fit"
    os.mkfifo(fifo)
    proc = subprocess.run([sys.executable, "-m", "loadwatch", "--db", str(db_path), "import", str(fifo)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert f"Error: {fifo}: not a regular file (a pipe or device)" in proc.stderr
    assert "Traceback" not in proc.stderr


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
    assert res.exit_code == 0


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


def test_a_zip_inside_a_gz_is_named_as_such(tmp_path: Path, store: Store, sample) -> None:
    # Before: export.zip.gz failed as "not a format loadwatch reads (unknown binary content)".
    import gzip
    import zipfile

    inner = tmp_path / "export.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.write(sample(RUN), "run.fit")
    outer = tmp_path / "export.zip.gz"
    outer.write_bytes(gzip.compress(inner.read_bytes()))
    [res] = import_paths(store, [outer]).files
    assert res.status == "failed"
    assert res.error == ("not a format loadwatch reads"
                         " (a zip archive inside a .gz file; unpack the .gz and import the zip)")
