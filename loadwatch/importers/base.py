"""The importer protocol: sniff the first bytes, then read a whole stream into a ParsedFile.

Importers know nothing of SQLite, pandas or the terminal. They raise only LoadwatchError
subclasses (CorruptFile, UnsupportedFormat, HostileInput) for bad input.
"""

from __future__ import annotations

from typing import BinaryIO, Protocol

from ..models import ParsedFile

SNIFF_BYTES = 4096  # how much of a file `sniff` sees
COLUMN_MAP_KEYS = ("date", "steps", "device", "order")  # what the CSV step reader's `column_map` names


class Importer(Protocol):
    """A reader of one format. Modules in `loadwatch.importers` satisfy it at module level."""

    FORMAT: str  # short name stored in `sources.format`, e.g. "fit", "gpx", "apple_health"

    def sniff(self, head: bytes, name: str) -> bool:
        """True when `head` (the first SNIFF_BYTES of the file) is this format. `name` only breaks ties."""
        ...

    def read(self, stream: BinaryIO, *, name: str, strict: bool = False, **options: object) -> ParsedFile:
        """Parse the whole stream. `strict` turns recoverable problems into CorruptFile. `options` are
        the import's reader options (`column_map` for CSV step logs); a reader ignores the ones it
        does not take."""
        ...
