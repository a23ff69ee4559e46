"""Where a cohort runs: a local cluster of worker processes on this machine, or an existing Dask cluster."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..errors import ConfigError

if TYPE_CHECKING:
    from distributed import Client

EXTRA = "cohort"
NEEDS = ("dask", "distributed", "pyarrow")


def require() -> None:
    """ConfigError, one line, when the optional extra is not installed."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as err:
        raise ConfigError(f"loadwatch cohort needs the optional extra '{EXTRA}' ({err.name} is not installed):"
                          f" pip install 'loadwatch[{EXTRA}]'") from None


@contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client on the scheduler at `scheduler` (tcp://HOST:8786: a running cluster, left running), else on
    a local cluster of `workers` processes (default: the cores), one thread each, closed at the end."""
    require()
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as err:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler} ({err}); start one with"
                              " `dask scheduler` and workers with `dask worker ADDRESS`") from None
        try:
            yield client
        finally:
            client.close()
        return
    n = workers or os.cpu_count() or 1
    if n < 1:
        raise ConfigError(f"--workers must be at least 1, not {n}")
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


__all__ = ["EXTRA", "connect", "require"]
