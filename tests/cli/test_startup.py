"""What starting loadwatch loads, checked in a fresh child interpreter (this process has everything loaded):

- `import loadwatch` and `import loadwatch.api` load neither click nor matplotlib (nor pandas, as the
  package promises);
- the CLI's help, --version and usage errors load no pandas, numpy or matplotlib, and open no store;
- importing a real FIT file into a new store through the CLI loads no pandas and no matplotlib;
- nothing but a cohort command itself loads the optional extra `cohort` (dask, distributed, pyarrow).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from loadwatch.store import Store
from tests.helpers import DATA, child_env

HEAVY = ("click", "matplotlib", "numpy", "pandas", "dask", "distributed", "pyarrow")

# Runs the CLI as the `loadwatch` script does (standalone mode: click exits with the exit code), then
# prints one last line: the exit code and which heavy modules are loaded.
RUN_CLI = f"""\
import json, sys
from loadwatch.cli import cli
try:
    cli(sys.argv[1:], prog_name="loadwatch", standalone_mode=True)
    code = 0
except SystemExit as done:
    code = done.code
print("\\nLOADED " + json.dumps([code, sorted(m for m in {HEAVY!r} if m in sys.modules)]))
"""


def child(code: str, *args: str, cwd: Path, db: Path) -> subprocess.CompletedProcess[str]:
    """`python -c code args...` with this checkout on the path and LOADWATCH_DB set to `db` (never the
    user's own store), in `cwd`."""
    env = {**child_env(), "LOADWATCH_DB": str(db)}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120)


def run_cli(tmp_path: Path, *args: str) -> tuple[int, set[str], str]:
    """(exit code, heavy modules loaded, what the command printed on stdout)."""
    done = child(RUN_CLI, *args, cwd=tmp_path, db=tmp_path / "env.sqlite")
    assert done.returncode == 0, done.stderr
    out, _, last = done.stdout.rstrip("\n").rpartition("\n")
    assert last.startswith("LOADED "), done.stdout
    code, loaded = json.loads(last.removeprefix("LOADED "))
    return code, set(loaded), out


@pytest.mark.parametrize("statement", ["import loadwatch", "import loadwatch.api"])
def test_importing_the_package_loads_no_click_matplotlib_or_pandas(tmp_path: Path, statement: str) -> None:
    code = f"import json, sys\n{statement}\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    done = child(code, cwd=tmp_path, db=tmp_path / "env.sqlite")
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout))
    assert loaded & {"click", "matplotlib", "pandas"} == set()


@pytest.mark.parametrize(("args", "exit_code", "says"), [
    (["--help"], 0, "Usage: loadwatch [OPTIONS] COMMAND [ARGS]..."),
    (["--version"], 0, "loadwatch, version "),
    (["report", "--help"], 0, "Usage: loadwatch report [OPTIONS]"),
    (["--frobnicate"], 2, ""),  # click's usage error goes to stderr
    (["frobnicate"], 2, ""),
    (["status", "--metric", "watts"], 2, ""),
])
def test_help_version_and_usage_errors_load_no_pandas_numpy_or_matplotlib(
    tmp_path: Path, args: list[str], exit_code: int, says: str
) -> None:
    code, loaded, out = run_cli(tmp_path, *args)
    assert code == exit_code
    assert out.startswith(says)
    assert loaded & {"pandas", "numpy", "matplotlib"} == set()
    assert "click" in loaded  # the probe does see what the CLI loaded
    assert not (tmp_path / "env.sqlite").exists()  # nor was a store opened


def test_importing_a_fit_file_loads_no_pandas_or_matplotlib(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    fit = DATA / "fit" / "garmin-fenix-5-run.fit"
    code, loaded, out = run_cli(tmp_path, "--db", str(db), "import", "--json", str(fit))
    assert code == 0, out
    assert json.loads(out)["imported"] == 1
    assert loaded & {"pandas", "matplotlib"} == set()
    with Store(db) as store:  # it did walk, decode and store the run
        assert [r["path"] for r in store.source_rows()] == [str(fit)]
        assert store.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1
    assert not (tmp_path / "env.sqlite").exists()


@pytest.mark.parametrize("args", [["--help"], ["cohort", "--help"], ["cohort", "build", "--help"], ["--version"]])
def test_only_a_cohort_command_loads_dask_or_pyarrow(tmp_path: Path, args: list[str]) -> None:
    code, loaded, out = run_cli(tmp_path, *args)
    assert code == 0, out
    assert loaded & {"dask", "distributed"} == set()
    assert "pyarrow" not in loaded or "pandas" in loaded  # pandas 3 loads pyarrow when it is installed
    if args[0] == "cohort":
        assert out.startswith("Usage: loadwatch cohort")
