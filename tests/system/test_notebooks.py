"""The notebooks run top to bottom on the current Python (nbclient, kernel "python3": ipykernel's own
spec, available wherever ipykernel is installed), are committed without outputs, and show the demo's
planted numbers."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from tests.helpers import REPO

NOTEBOOKS = REPO / "notebooks"
NAMES = ["01-quickstart.ipynb", "02-load-model.ipynb"]


def _text(nb: nbformat.NotebookNode) -> str:
    """Every stream and text/plain output of the executed notebook, joined."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                parts.append(out["text"])
            elif "data" in out:
                parts.append(out["data"].get("text/plain", ""))
    return "\n".join(parts)


def _execute(name: str, cwd: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def test_python3_kernel_is_ipykernel_of_this_env():
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.language == "python"
    assert spec.argv[1:3] == ["-m", "ipykernel_launcher"]


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)


@pytest.mark.slow
def test_quickstart_runs(tmp_path):
    text = _text(_execute("01-quickstart.ipynb", tmp_path))
    assert "90 sessions, 140 days of steps, 2026-06-29 to 2026-11-15" in text  # 87 watch runs + 2 phone + 1 treadmill
    assert "'imported': 225" in text  # 222 + the two phone GPX runs and the treadmill FIT
    # 2026-07-01: Garmin 3,591 and phone 2,280 (sample_data/README.md); the day counts the Garmin's
    assert "2026-07-01                 2280.0                 3591.0" in text
    # the spike flag: 21 km / 15 km - 1 = 0.4 (0.3999999999999999 in floating point); Flag.as_json rounds value
    # and threshold to 4 places (the pain flag's -0.598074 becomes -0.5981), so pandas prints the column as 0.4000
    assert "session_spike  2026-11-08  0.4000 " in text
    assert "'binding': 'pain'" in text
    assert list(tmp_path.iterdir()) == []  # the temporary store lives elsewhere and is removed


@pytest.mark.slow
def test_load_model_runs(tmp_path):
    text = _text(_execute("02-load-model.ipynb", tmp_path))
    # the spike: 21.0 km / 15.0 km - 1 = 0.400, "moderate" (> 30 %)
    assert "2026-11-08  21.0      15.0  0.400    moderate" in text
    # distance ramp of the week of 2026-10-26: 47.0 / 34.0 - 1 = 0.382 (sample_data/README.md)
    assert "distance              km              47.000  0.382" in text
