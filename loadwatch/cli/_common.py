"""What the command modules share: the context object with the store, today, JSON output."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import click
import platformdirs

from ..store import Store


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
        """The store opened for writing (created and migrated when new): import, log, profile --set, forget."""
        return self._open("write")

    @property
    def reader(self) -> Store:
        """The store opened for reading only (every command that shows or exports): never created, migrated
        or written, so a read on a new path says there is no store yet, and a read-only medium works."""
        return self._open("read")

    def _open(self, mode: Literal["read", "write"]) -> Store:
        if self._store is not None and self._store.mode != mode and mode == "write":
            self.close()
        if self._store is None:
            self._store = Store(self.db_path, mode=mode)
        return self._store

    @property
    def today(self) -> date:
        """The --as-of day, else today."""
        return self.as_of or date.today()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def echo_json(data: Any) -> None:
    """Print data (already made of plain types by the results' `as_json`) as JSON on stdout."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))


__all__ = ["Context", "default_db_path", "echo_json"]
