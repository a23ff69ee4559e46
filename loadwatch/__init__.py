"""loadwatch: training load, overload flags, step goals and back care from watch and phone exports.

The library never prints; it returns named results. Heavy modules load on first use so the
command line starts fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .config import Profile, load_profile
from .errors import (
    ConfigError,
    CorruptFile,
    HostileInput,
    LoadwatchError,
    NoData,
    StoreError,
    UnsupportedFormat,
)
from .ingest import import_paths
from .models import Activity, DailySteps, FileResult, Flag, ImportResult, ParsedFile
from .store import Store

# The analysis API, loaded on first use: `loadwatch.status_from_store(store, "me")` in a notebook.
_LAZY = {
    "compute_status": "load",
    "status_from_store": "load",
    "Status": "load",
    "pain_state": "flags",
    "next_week": "plan",
    "plan_from_store": "plan",
    "goals_from_store": "plan",
    "goal_series": "goals",
    "write_report": "report",
    "import_demo": "demo",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'loadwatch' has no attribute {name!r}")


__all__ = [  # noqa: RUF022 (grouped: types, errors, functions)
    "Activity",
    "Flag",
    "Profile",
    "Status",
    "compute_status",
    "goal_series",
    "goals_from_store",
    "import_demo",
    "load_profile",
    "next_week",
    "pain_state",
    "plan_from_store",
    "status_from_store",
    "write_report",
    "ConfigError",
    "CorruptFile",
    "DailySteps",
    "FileResult",
    "HostileInput",
    "ImportResult",
    "LoadwatchError",
    "NoData",
    "ParsedFile",
    "Store",
    "StoreError",
    "UnsupportedFormat",
    "__version__",
    "import_paths",
]
