"""loadwatch: training load, overload flags, step goals and back care from watch and phone exports.

The library never prints; it returns named results. Heavy modules load on first use so the
command line starts fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

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
from .models import Activity, DailySteps, FileResult, ImportResult, ParsedFile
from .store import Store

__all__ = [
    "Activity",
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
