"""The FIT decode workers die with the import that started them.

An import of many FIT files runs in a child process; once its decode workers are busy, the child is
killed with SIGKILL (no cleanup code runs). Within a few seconds no process whose parent was the
import may be left (read from /proc: psutil is not a dependency): before the fix they lived on for
minutes, holding the terminal's pipes open.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import DATA, child_env, loadwatch_cmd

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists() or sys.platform != "linux",
                                reason="reads the process tree from /proc (Linux)")


def children_of(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is `pid`."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def test_decode_workers_exit_when_the_import_is_killed(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(60):  # ~140 MB of FIT to decode: the import is still decoding when it is killed
        shutil.copy(DATA / "fit" / "big_activity.fit", inbox / f"ride{i:03d}.fit")
    proc = subprocess.Popen(loadwatch_cmd(tmp_path / "store.sqlite", "import", str(inbox)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=child_env())
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            workers = children_of(proc.pid)
            if len(workers) >= 2:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the import never started its decode workers"
        time.sleep(0.5)  # let them take jobs
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(alive(w) for w in workers):
            time.sleep(0.05)
        left = [w for w in workers if alive(w)]
        assert not left, f"decode workers {left} outlived the killed import"
    finally:
        proc.kill()
        for w in workers:
            if alive(w):
                os.kill(w, signal.SIGKILL)
