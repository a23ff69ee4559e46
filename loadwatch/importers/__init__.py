"""Format detection by content: `detect(head, name)` returns the importer module for a file."""

from __future__ import annotations

import importlib
from types import ModuleType

from .base import SNIFF_BYTES, Importer

__all__ = ["IMPORTER_MODULES", "SNIFF_BYTES", "Importer", "detect"]

# Order matters only where two sniffers could both say yes: the more specific comes first.
IMPORTER_MODULES: tuple[str, ...] = (
    "fit",
    "apple_health",
    "tcx",
    "gpx",
    "fitbit",
    "google_fit",
    "csv_steps",
)


def _load(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as err:  # a format whose importer is not written yet
        if err.name == f"{__name__}.{name}":
            return None
        raise


def available() -> list[ModuleType]:
    """The importer modules present in this installation, in detection order."""
    return [m for m in (_load(n) for n in IMPORTER_MODULES) if m is not None]


def detect(head: bytes, name: str) -> ModuleType | None:
    """The importer whose `sniff` accepts `head`, or None when no importer knows the content."""
    for module in available():
        if module.sniff(head, name):
            return module
    return None
