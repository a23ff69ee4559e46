"""`cohort build` on a real two-worker Dask cluster: a bad file, a rebuild, a worker killed mid-build."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from loadwatch import api
from loadwatch.cohort import dataset
from loadwatch.cohort.build import athletes_of, build
from loadwatch.errors import ConfigError
from loadwatch.store import Store
from tests.helpers import DATA, gpx_run

FITS = ["fit/garmin-fenix-5-run.fit", "fit/activity-small-fenix2-run.fit", "fit/garmin-fenix-5-walk.fit",
        "fit/FitFileParser_running.fit", "fit/sample-activity.fit", "fit/garmin-fenix-5-bike.fit"]


def make_root(root: Path, n: int = 3, runs: int = 4) -> Path:
    """n athletes, each with one real FIT file and `runs` distinct GPX runs of their own."""
    for a in range(n):
        folder = root / f"athlete{a:02d}"
        folder.mkdir(parents=True)
        shutil.copy(DATA / FITS[a % len(FITS)], folder)
        for i in range(runs):
            (folder / f"run{i}.gpx").write_text(gpx_run(a * 40 + i))
    return root


def sqlite_import(root: Path, db: Path) -> dict[str, tuple[int, list[str]]]:
    """Each athlete imported into one SQLite store as `loadwatch import --per-folder` does: {athlete:
    (sessions, sorted error lines)}."""
    with Store(db) as store:
        done = api.import_per_folder(store, root)
        out = {}
        for name in done.folders:
            errors = sorted(f"{f.path}: {f.error}" for f in done.result.files
                            if f.status == "failed" and f.path.startswith(str(root / name) + os.sep))
            out[name] = (len(store.sessions(name)), errors)
    return out


def dataset_sessions(out: Path) -> dict[str, list[str]]:
    """{athlete: sorted dedupe keys of the sessions in their partition}."""
    return {name: sorted(pq.read_table(folder / "sessions.parquet").column("dedupe_key").to_pylist())
            for name, folder in dataset.partitions(out).items()}


def test_a_bad_file_is_named_in_its_athletes_summary_and_everyone_else_is_built(tmp_path: Path,
                                                                                 dask_client) -> None:
    root = make_root(tmp_path / "root")
    bad = root / "athlete01"
    (bad / "broken.fit").write_bytes((DATA / FITS[0]).read_bytes()[:40] + b"\x00" * 10)  # a FIT cut in its header
    (bad / "notes.txt").write_text("not an export\n")
    expected = sqlite_import(root, tmp_path / "store.sqlite")
    result = build(root, tmp_path / "ds", client=dask_client)
    by = {a.athlete: a for a in result.athletes}
    failures = sorted(f"{f.path}: {f.error}" for f in by["athlete01"].files if f.status == "failed")
    assert failures == expected["athlete01"][1]  # the very lines `loadwatch import` prints
    assert [Path(line.split(": ")[0]).name for line in failures] == ["broken.fit", "notes.txt"]
    assert result.as_json()["athletes"]["athlete01"]["failed"] == 2
    for name, (sessions, errors) in expected.items():
        assert by[name].sessions == sessions > 0  # everyone's data is in, the bad file's athlete's too
        assert (by[name].result.failed > 0) == bool(errors)
    ledger = pq.read_table(tmp_path / "ds" / "athlete=athlete01" / "sources.parquet").to_pylist()
    assert sorted(Path(r["path"]).name for r in ledger if r["status"] == "failed") == ["broken.fit", "notes.txt"]


def test_a_rebuild_skips_files_already_in_the_dataset_and_adds_new_ones(tmp_path: Path, dask_client) -> None:
    root = make_root(tmp_path / "root")
    out = tmp_path / "ds"
    first = build(root, out, client=dask_client)
    before = dataset_sessions(out)
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("athlete=*/*.parquet")}
    again = build(root, out, client=dask_client)
    assert all(f.status == "already_imported" for a in again.athletes for f in a.files)
    assert not any(a.written for a in again.athletes)
    assert {p: p.stat().st_mtime_ns for p in out.glob("athlete=*/*.parquet")} == stamps  # untouched
    (root / "athlete02" / "new.gpx").write_text(gpx_run(300))
    third = build(root, out, client=dask_client)
    by = {a.athlete: a for a in third.athletes}
    assert [f.path for f in by["athlete02"].files if f.status == "imported"] == [str(root / "athlete02" / "new.gpx")]
    assert by["athlete02"].written and not by["athlete00"].written
    after = dataset_sessions(out)
    assert len(after["athlete02"]) == len(before["athlete02"]) + 1
    assert after["athlete00"] == before["athlete00"]
    assert sum(a.sessions for a in first.athletes) + 1 == sum(a.sessions for a in third.athletes)


def test_a_worker_killed_mid_build_then_a_rerun_loses_nothing_and_stores_nothing_twice(tmp_path: Path,
                                                                                     dask_client) -> None:
    root = make_root(tmp_path / "root", n=6, runs=6)
    expected = {name: n for name, (n, _) in sqlite_import(root, tmp_path / "store.sqlite").items()}
    out = tmp_path / "ds"
    pids = dask_client.run(os.getpid)
    killed: list[int] = []

    def kill_one(done: int, total: int, _what: str) -> None:
        if done == 5 and not killed:  # a few files parsed, the partitions not yet all written
            victim = sorted(pids.values())[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    with contextlib.suppress(Exception):  # a build may also fail with the worker; the rerun must finish it
        build(root, out, client=dask_client, on_progress=kill_one)
    assert killed
    # whatever is there is whole: every partition has all its tables, nothing half written outside .tmp
    with Store(tmp_path / "store.sqlite") as store:  # the tables a store holds athletes' rows in
        whole = sorted(f"{t}.parquet" for t in dataset.athlete_tables(store.conn))
    assert set(whole) >= {f"{t}.parquet" for t in dataset.TABLES}
    for folder in dataset.partitions(out).values():
        assert sorted(p.name for p in folder.iterdir()) == whole
    dask_client.wait_for_workers(2, timeout=60)
    rerun = build(root, out, client=dask_client)
    assert rerun.failed == 0
    assert not (out / dataset.TMP).exists() or not any((out / dataset.TMP).iterdir())
    got = dataset_sessions(out)
    assert {name: len(keys) for name, keys in got.items()} == expected  # nothing lost
    for keys in got.values():
        assert len(keys) == len(set(keys))  # nothing twice
    for folder in dataset.partitions(out).values():
        ledger = pq.read_table(folder / "sources.parquet").column("sha256").to_pylist()
        assert len(ledger) == len(set(ledger))


def test_leftovers_of_a_killed_write_are_never_read_and_are_cleared(tmp_path: Path, dask_client) -> None:
    root = make_root(tmp_path / "root", n=1, runs=1)
    out = tmp_path / "ds"
    half = out / dataset.TMP / "0123abcd"
    half.mkdir(parents=True)
    (half / "sessions.parquet").write_bytes(b"PAR1 half")  # what a worker killed mid-write leaves
    assert dataset.partitions(out) == {}
    build(root, out, client=dask_client)
    assert list(dataset.partitions(out)) == ["athlete00"]
    assert not half.exists()


def test_a_manifest_names_each_athletes_files(tmp_path: Path, dask_client) -> None:
    root = make_root(tmp_path / "root", n=2, runs=2)
    manifest = tmp_path / "cohort.csv"
    manifest.write_text("athlete,path\n"
                        f"zoe,{root / 'athlete00'}\n"
                        f"zoe,{root / 'athlete01' / 'run0.gpx'}\n"
                        "yan,root/athlete01/run1.gpx\n")
    assert [(a.athlete, len(a.paths)) for a in athletes_of(manifest)] == [("yan", 1), ("zoe", 2)]
    result = build(manifest, tmp_path / "ds", client=dask_client)
    # zoe: the FIT run, athlete00's 2 GPX runs and athlete01's run0; yan: run1
    assert {a.athlete: a.sessions for a in result.athletes} == {"yan": 1, "zoe": 4}


def test_a_root_without_athletes_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "loose.fit").write_bytes(b"")
    with pytest.raises(ConfigError, match="holds no folder"):
        athletes_of(tmp_path)
    bad = tmp_path / "m.csv"
    bad.write_text("athlete,path\nann\n")
    with pytest.raises(ConfigError, match="line 2"):
        athletes_of(bad)
