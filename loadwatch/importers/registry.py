"""Every importer by name, and detection by content: `detect(head, name)` returns the importer whose
`sniff` accepts a file's first bytes.

Each importer is imported here explicitly: a missing module fails loudly at import time, never as a
format that is silently not read.
"""

from __future__ import annotations

from types import ModuleType

from . import apple_health, csv_steps, fit, fitbit, garmin_uds, google_fit, gpx, tcx

# Order matters only where two sniffers could both say yes: the more specific comes first.
IMPORTERS: tuple[ModuleType, ...] = (fit, apple_health, tcx, gpx, fitbit, google_fit, garmin_uds, csv_steps)
_BY_FORMAT = {module.FORMAT: module for module in IMPORTERS}


def detect(head: bytes, name: str) -> ModuleType | None:
    """The importer whose `sniff` accepts `head`, or None when no importer knows the content."""
    for module in IMPORTERS:
        if module.sniff(head, name):
            return module
    return None


def by_format(fmt: str) -> ModuleType:
    """The importer module of a `FORMAT` name ("fit", "gpx", ...)."""
    return _BY_FORMAT[fmt]


__all__ = ["IMPORTERS", "by_format", "detect"]
