"""What the command modules share: the context object with the store, today, JSON output."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

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
        if self._store is None:
            self._store = Store(self.db_path)
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
