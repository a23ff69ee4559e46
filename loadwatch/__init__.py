"""loadwatch: training load, overload flags, step goals and back care from watch and phone exports.

The library never prints; it returns named results. `loadwatch.api` is the application: one call
per command (`api.status(store, "me")`, `api.plan(...)`, `api.import_files(...)`), each taking an
open `Store`. Importing this package loads neither pandas nor matplotlib: the model and the report
are loaded by the calls that need them.
"""

from __future__ import annotations

from . import api as api
from ._version import __version__ as __version__
from .config import Profile as Profile
from .errors import ConfigError as ConfigError
from .errors import CorruptFile as CorruptFile
from .errors import HostileInput as HostileInput
from .errors import LoadwatchError as LoadwatchError
from .errors import NoData as NoData
from .errors import StoreError as StoreError
from .errors import UnsupportedFormat as UnsupportedFormat
from .models import Activity as Activity
from .models import DailySteps as DailySteps
from .models import FileResult as FileResult
from .models import Flag as Flag
from .models import ImportResult as ImportResult
from .models import ParsedFile as ParsedFile
from .store import Store as Store

__all__ = [
    "Activity",
    "ConfigError",
    "CorruptFile",
    "DailySteps",
    "FileResult",
    "Flag",
    "HostileInput",
    "ImportResult",
    "LoadwatchError",
    "NoData",
    "ParsedFile",
    "Profile",
    "Store",
    "StoreError",
    "UnsupportedFormat",
    "__version__",
    "api",
]
