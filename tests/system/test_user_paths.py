"""Every path and date a user gives is one line, never a traceback, and the rest of the batch imports.

- an output in a folder that does not exist (goals --csv/--ics, export --json, report -o);
- a path nested past the system's path limit (PATH_MAX), built in tmp_path one folder at a time with
  mkdir/chdir: as an output, as --db, and as an import beside good files;
- an --as-of whose weeks do not exist (9999-12-31, 0001-01-01) for status, plan, goals and report.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch.cli import cli
from tests.helpers import gpx_run, one_error_line, small_history_store

AS_OF = "2024-03-03"
PATH_MAX = os.pathconf("/", "PC_PATH_MAX")


def invoke(db: Path, *args: str, as_of: str = AS_OF):
    return CliRunner().invoke(cli, ["--db", str(db), "--as-of", as_of, *args])


@pytest.fixture
def db(tmp_path):
    return small_history_store(tmp_path / "store.sqlite")


def too_deep(base: Path) -> Path:
    """A folder whose absolute path is longer than PATH_MAX (made one level at a time, as a user's tree
    grows); its path string cannot be opened in one call."""
    name = "d" * 200
    here = os.getcwd()
    depth = PATH_MAX // (len(name) + 1) + 2
    try:
        os.chdir(base)
        for _ in range(depth):
            os.mkdir(name)
            os.chdir(name)
    finally:
        os.chdir(here)
    path = base.joinpath(*[name] * depth)
    assert len(str(path)) > PATH_MAX
    return path


OUTPUTS = [("goals", "--csv", "OUT.csv"), ("goals", "--ics", "OUT.ics"), ("export", "--json", "OUT.json"),
           ("report", "-o", "OUT.pdf")]


@pytest.mark.parametrize("args", OUTPUTS, ids=lambda a: " ".join(a[:2]))
def test_an_output_in_a_missing_folder_is_one_line(db, tmp_path, args):
    out = tmp_path / "no" / "such" / "folder" / "x"
    line = one_error_line(invoke(db, *[a.replace("OUT", str(out)) for a in args]))
    assert "does not exist" in line and "folder" in line, line
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("args", [*OUTPUTS, ("export", "--csv", "OUT")], ids=lambda a: " ".join(a[:2]))
def test_an_output_past_the_path_limit_is_one_line(db, tmp_path, args):
    out = too_deep(tmp_path) / "x"
    line = one_error_line(invoke(db, *[a.replace("OUT", str(out)) for a in args]))
    assert "too long" in line, line


def test_a_store_past_the_path_limit_is_one_line(tmp_path):
    store = too_deep(tmp_path) / "store.sqlite"
    assert "too long" in one_error_line(invoke(store, "profile", "--set", "hr_max_bpm=190"))
    assert "too long" in one_error_line(invoke(store, "status"))


def test_an_import_past_the_path_limit_still_imports_the_rest(tmp_path):
    deep = too_deep(tmp_path)
    good = tmp_path / "good.gpx"
    good.write_text(gpx_run(1))
    result = invoke(tmp_path / "store.sqlite", "import", str(deep / "run.gpx"), str(good))
    assert result.exit_code == 3, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "too long" in result.output
    with sqlite3.connect(tmp_path / "store.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1


def test_a_folder_holding_a_file_past_the_path_limit_imports_the_rest(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.gpx").write_text(gpx_run(2))
    deep = too_deep(inbox)
    here = os.getcwd()
    try:  # a file at the bottom of the deep tree, written relative to its folder
        os.chdir(inbox)
        rel = os.path.relpath(deep, inbox)
        for part in Path(rel).parts:
            os.chdir(part)
        Path("deep.gpx").write_text(gpx_run(3))
    finally:
        os.chdir(here)
    result = invoke(tmp_path / "store.sqlite", "import", str(inbox))
    assert result.exit_code in (0, 3), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    with sqlite3.connect(tmp_path / "store.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] >= 1


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("args", [("status",), ("plan",), ("goals",), ("report", "-o", "OUT")],
                         ids=lambda a: a[0])
def test_an_as_of_without_a_next_week_is_one_line(db, tmp_path, as_of, args):
    line = one_error_line(invoke(db, *[str(tmp_path / "r.pdf") if a == "OUT" else a for a in args], as_of=as_of))
    assert "--as-of" in line and as_of in line, line
    assert not (tmp_path / "r.pdf").exists()
