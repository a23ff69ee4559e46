"""Shared fixtures: a real store file in tmp_path, a CLI runner, and paths to real sample files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from loadwatch.store import Store
from tests.helpers import DATA


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite"


@pytest.fixture
def store(db_path: Path):
    with Store(db_path) as s:
        yield s


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def sample():
    """sample("fit/garmin-fenix-5-run.fit") -> the path of a committed real file under tests/data."""

    def _sample(name: str) -> Path:
        path = DATA / name
        if not path.exists():
            raise FileNotFoundError(path)
        return path

    return _sample


@pytest.fixture(scope="session")
def dask_client():
    """A real local Dask cluster (two worker processes, one thread each) for the cohort tests, started once;
    skipped where the optional extra `cohort` is not installed."""
    distributed = pytest.importorskip("distributed")
    import logging

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                       silence_logs=logging.ERROR)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()
