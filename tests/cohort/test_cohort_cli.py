"""`loadwatch cohort build|analyze|summary` through the CLI on a running cluster (--scheduler), and the
one line a base install gets instead."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from loadwatch.cli import cli
from tests.helpers import DATA, child_env, gpx_run

# A child interpreter where dask cannot be imported, as on an install without the extra: a meta path
# finder refuses it before any other finder looks (nothing is uninstalled).
NO_DASK = """\
import sys
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("dask", "distributed"):
            raise ImportError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Blocker())
from loadwatch.cli import cli
cli(sys.argv[1:], prog_name="loadwatch")
"""


def make_root(root: Path) -> Path:
    for name, fit in (("anna", "garmin-fenix-5-run.fit"), ("ben", "activity-small-fenix2-run.fit")):
        (root / name).mkdir(parents=True)
        shutil.copy(DATA / "fit" / fit, root / name)
        (root / name / "run.gpx").write_text(gpx_run(len(name) * 30))
    (root / "ben" / "junk.fit").write_text("hello")
    return root


def test_build_analyze_summary_on_an_existing_cluster(tmp_path: Path, dask_client) -> None:
    root = make_root(tmp_path / "root")
    where = ["--scheduler", dask_client.scheduler.address]
    runner = CliRunner()
    built = runner.invoke(cli, ["cohort", "build", str(root), "--out", str(tmp_path / "ds"), *where])
    assert built.exit_code == 3, built.output  # a file failed, the rest is built
    assert f"Error: {root / 'ben' / 'junk.fit'}: not a format loadwatch reads (text of an unknown kind)" \
        in built.output
    table = built.output.splitlines()
    assert any(line.split()[:1] == ["ben"] and line.split()[-1] == "1" for line in table)  # 1 failed
    assert any("failed: " + str(root / "ben" / "junk.fit") in line for line in table)
    done = runner.invoke(cli, ["cohort", "analyze", str(tmp_path / "ds"), "--out", str(tmp_path / "res"), *where,
                               "--json"])
    assert done.exit_code == 0, done.output
    assert sorted(json.loads(done.output)["athletes"]) == ["anna", "ben"]
    summary = runner.invoke(cli, ["cohort", "summary", str(tmp_path / "res"), "--json"])
    assert summary.exit_code == 0, summary.output
    s = json.loads(summary.output)
    assert (s["athletes"], s["sessions"]) == (2, 4)
    assert s["quality"]["files_failed"] == 1
    text = runner.invoke(cli, ["cohort", "summary", str(tmp_path / "res")])
    assert text.exit_code == 0 and "2 athlete(s)" in text.output


def test_without_the_extra_cohort_says_which_to_install(tmp_path: Path) -> None:
    root = make_root(tmp_path / "root")
    done = subprocess.run([sys.executable, "-c", NO_DASK, "cohort", "build", str(root), "--out", str(tmp_path / "ds")],
                          capture_output=True, text=True, env=child_env(), timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "Error: loadwatch cohort needs the optional extra 'cohort' (dask is not installed): pip install"
        " 'loadwatch[cohort]'"]
    assert not (tmp_path / "ds").exists()
