"""`loadwatch demo` and `api.import_demo`: the bundled athlete imported end to end, its report, its store
rules (never the user's store), and the installed-wheel case."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import tomllib
import venv
from datetime import date
from pathlib import Path

import pypdf
import pytest

from loadwatch.api import DEMO_LAST_DAY, demo_files, import_demo, import_files
from loadwatch.cli import cli
from loadwatch.store import Store
from tests.helpers import REPO

ROOT = REPO.resolve()
# sample_data/README.md: 87 watch runs, 134 Garmin monitoring days, one Apple export, 140 local days; and
# (issue 14) 3 runs without heart rate: 2 phone GPX files and 1 treadmill FIT, each its own session.
N_FILES = 87 + 134 + 1 + 3
N_SESSIONS, N_DAYS = 87 + 3, 140
# per-file days: 134 watch days + 140 phone days; the store keeps one primary per day (140).
SUMMARY = f"Imported {N_FILES} file(s) ({N_SESSIONS} new session(s), {134 + 140} day(s) of steps);" \
          " 0 already imported, 0 duplicate(s), 0 skipped, 0 failed."
SPIKE = "Sun 8 Nov's 21.0 km run was 40% longer than your longest run in the 30 days before it (15.0 km)"


def _pdf_text(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory):
    with Store(tmp_path_factory.mktemp("demo") / "demo.sqlite") as store:
        result = import_demo(store)
        yield store, result


def test_files_are_the_checkout_sample_data():
    files = demo_files()
    assert files.devices == ROOT / "sample_data" / "devices"
    assert files.logs == ROOT / "sample_data" / "logs.json"


def test_import_counts_and_logs(demo_store):
    store, result = demo_store
    assert (result.imported.imported, result.imported.failed) == (N_FILES, 0)
    assert sum(f.sessions for f in result.imported.files) == N_SESSIONS
    sessions, steps = store.sessions("me"), store.daily_steps("me")
    assert len(sessions) == N_SESSIONS
    assert len(steps) == N_DAYS
    assert (steps["day"].min(), steps["day"].max()) == (date(2026, 6, 29), DEMO_LAST_DAY)
    # the six days the Garmin was off are filled by the phone (sample_data/README.md)
    off = {date(2026, 7, 10), date(2026, 8, 18), date(2026, 8, 19), date(2026, 8, 20), date(2026, 9, 4),
           date(2026, 10, 16)}
    phone_days = set(steps.loc[~steps["source"].str.contains("garmin", case=False), "day"])
    assert phone_days == off
    # logs.json: 10 RPEs, 4 pain days, 42 strength exercise rows
    assert (result.logs.rpe, result.logs.pain, result.logs.strength, result.logs.skipped) == (10, 4, 42, 0)
    spike = sessions[sessions["day"] == date(2026, 11, 8)].iloc[0]
    assert spike["rpe"] == 8
    assert round(spike["distance_m"]) == 21_000
    pain = store.logs("me", "pain")
    assert list(pain["payload"].map(lambda p: (p["where"], p["level"]))) == [("lower", 4), ("lower", 4),
                                                                             ("lower", 3), ("lower", 3)]
    strength = store.logs("me", "strength")
    first = strength.iloc[0]["payload"]
    assert (strength.iloc[0]["day"], first["exercise"], first["sets"], first["reps"], first["pain"]) == \
           (date(2026, 10, 5), "superman", 3, 8, False)
    assert store.profile("me") == {"hr_max_bpm": "186.0", "hr_rest_bpm": "52.0", "sex": "male",
                                   "birth_year": "1987"}


def test_second_run_adds_nothing(demo_store):
    store, _ = demo_store
    again = import_demo(store)
    assert again.imported.imported == 0
    assert again.imported.count("already_imported") == N_FILES
    assert (again.logs.added, again.logs.skipped) == (0, 56)
    assert len(store.logs("me")) == 56
    assert len(store.sessions("me")) == N_SESSIONS


def test_demo_command_end_to_end(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    real = tmp_path / "real.sqlite"
    result = runner.invoke(cli, ["demo"], env={"LOADWATCH_DB": str(real)})
    assert result.exit_code == 0, result.output
    out = result.output
    assert SUMMARY in out
    assert f"the store holds {N_SESSIONS} sessions and {N_DAYS} days of steps" in out
    assert "Status as of Sun 2026-11-15 (load in TRIMP)" in out
    assert f"HIGH    {SPIKE}" in out
    assert "Wrote loadwatch-demo.pdf (6 pages)" in out
    # the store is a new temporary file, never LOADWATCH_DB
    assert not real.exists()
    (store_path,) = (tmp_path / "tmp").glob("loadwatch-demo-*/demo.sqlite")
    assert f"Demo athlete imported into a temporary store {store_path}" in out
    assert f"loadwatch --db {store_path} --as-of 2026-11-15 plan" in out
    assert "loadwatch import YOUR_EXPORT.zip" in out
    pages = _pdf_text(tmp_path / "loadwatch-demo.pdf")
    assert len(pages) == 6
    assert pages[0].startswith("This week at a glance")
    assert SPIKE in " ".join(pages[0].split())  # the PDF wraps lines


def test_demo_store_can_be_reopened_by_the_printed_commands(runner, tmp_path):
    db = tmp_path / "demo.sqlite"
    first = runner.invoke(cli, ["demo", "--db", str(db), "-o", str(tmp_path / "a.pdf")])
    assert first.exit_code == 0, first.output
    assert f"Demo athlete imported into {db}\n" in first.output
    # the global --db typed on the command line is the same store; a second run adds nothing
    again = runner.invoke(cli, ["--db", str(db), "demo", "-o", str(tmp_path / "b.pdf")])
    assert again.exit_code == 0, again.output
    assert f"Imported 0 file(s) (0 new session(s), 0 day(s) of steps); {N_FILES} already imported" in again.output
    assert "Logged 0 RPE(s), 0 day(s) of pain and 0 strength exercise(s) (56 already there)" in again.output
    assert (tmp_path / "b.pdf").is_file()
    into_folder = runner.invoke(cli, ["demo", "--db", str(db), "-o", str(tmp_path)])
    assert into_folder.exit_code == 0, into_folder.output
    assert f"Wrote {tmp_path / 'loadwatch-demo.pdf'} (6 pages)" in into_folder.output
    plan = runner.invoke(cli, ["--db", str(db), "--as-of", "2026-11-15", "plan", "--json"])
    assert plan.exit_code == 0, plan.output
    assert json.loads(plan.output)["as_of"] == "2026-11-15"


def test_global_as_of(runner, tmp_path):
    result = runner.invoke(cli, ["--as-of", "2026-11-01", "demo", "--db", str(tmp_path / "d.sqlite"),
                                 "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    assert "Status as of Sun 2026-11-01" in result.output
    assert SPIKE not in result.output  # the spike run is a week later
    assert "--as-of 2026-11-01 plan" in result.output
    assert "as of Sun 01 Nov 2026" in _pdf_text(tmp_path / "r.pdf")[0]


def test_two_different_stores_is_a_usage_error(runner, tmp_path):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    result = runner.invoke(cli, ["--db", str(a), "demo", "--db", str(b)])
    assert result.exit_code == 2
    assert "two stores given" in result.output
    assert not a.exists() and not b.exists()


def test_refuses_a_store_with_other_imports(runner, tmp_path, sample):
    db = tmp_path / "mine.sqlite"
    with Store(db) as store:
        import_files(store, [sample("fit/2013-02-06-12-11-14.fit")])
        before = len(store.sessions("me"))
    result = runner.invoke(cli, ["demo", "--db", str(db), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1
    assert result.output == (f"Error: {db} already holds other imports; the demo needs a new or demo-only store:"
                             " give --db with a new file, or leave --db out for a temporary one\n")
    with Store(db) as store:
        assert len(store.sessions("me")) == before
        assert store.logs("me").empty
    assert not (tmp_path / "r.pdf").exists()


def test_every_package_is_listed_for_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "loadwatch").rglob("__init__.py")}
    assert found <= set(config["packages"]), "add the new subpackage to [tool.setuptools] packages"
    assert config["package-dir"]["loadwatch.sample_data"] == "sample_data"


def _run(args: list[str], cwd: Path | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{args[:4]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_demo_from_an_installed_wheel(tmp_path):
    """Build a wheel from a copy of the sources, install it in a fresh venv, run the demo outside the checkout."""
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in ("loadwatch", "sample_data"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(src)])
    (wheel,) = (tmp_path / "dist").glob("loadwatch-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=False)
    python = env_dir / "bin" / "python"
    # the dependencies come from the interpreter running the tests, which may itself be a venv (whose packages
    # a new venv's system_site_packages does not see): a plain .pth path line, so no editable finder of this
    # checkout is run and loadwatch itself comes from the wheel
    deps = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    site = env_dir / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    (site / "test-deps.pth").write_text("".join(f"{d}\n" for d in sorted(deps)))
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
          str(wheel)])
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = _run([str(python), "-c", "import loadwatch.api as a; print(a.demo_files().devices)"], cwd=work).strip()
    assert Path(where).is_relative_to(env_dir), where  # the wheel's copy, not the checkout's
    done = subprocess.run([str(env_dir / "bin" / "loadwatch"), "demo", "--db", str(work / "demo.sqlite")],
                          cwd=work, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert SUMMARY in done.stdout
    assert "Wrote loadwatch-demo.pdf (6 pages)" in done.stdout
    assert len(pypdf.PdfReader(work / "loadwatch-demo.pdf").pages) == 6
