"""What the command modules share: the context object, JSON output, the health note."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import click
import platformdirs

from ..store import Store

HEALTH_NOTE = (
    "loadwatch is a training aid, not a diagnosis. See a doctor for back pain that spreads into a "
    "leg, numbness or tingling, or pain that does not ease with rest."
)


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("loadwatch", appauthor=False)) / "loadwatch.sqlite"


@dataclass(slots=True)
class Context:
    """Global options of the `loadwatch` group, and the store opened on first use."""

    db_path: Path
    athlete: str = "me"
    as_of: date | None = None
    _store: Store | None = field(default=None, repr=False)

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.db_path)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def echo_json(data: Any) -> None:
    """Print data as JSON on stdout (dates and numpy numbers made plain)."""
    click.echo(json.dumps(data, indent=2, default=_plain, ensure_ascii=False))


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
