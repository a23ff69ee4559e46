"""One exception family. The library raises these; only the CLI turns them into messages."""

from __future__ import annotations


class LoadwatchError(Exception):
    """Base of every error loadwatch raises on purpose. `str(err)` is a user-facing sentence."""

    exit_code: int = 1


class UnsupportedFormat(LoadwatchError):
    """The bytes are not a format loadwatch reads (or not yet)."""


class CorruptFile(LoadwatchError):
    """The file claims a format we read but its content is broken."""

    def __init__(self, message: str, *, offset: int | None = None) -> None:
        self.offset = offset
        if offset is not None and "byte" not in message:
            message = f"{message} (at byte {offset})"
        super().__init__(message)


class HostileInput(LoadwatchError):
    """An input built (or broken) in a way that could harm the machine: refused outright."""


class StoreError(LoadwatchError):
    """The SQLite store cannot be opened, migrated or written."""


class WriteError(LoadwatchError):
    """A file (an output or the store) cannot be written where asked: no such folder, no permission, a
    path too long, a read-only medium. Nothing half-written is left."""


class DiskFull(WriteError):
    """The disk (or the quota, or the file size limit) ran out while writing; nothing half-written is
    left and the store is as it was before the write."""


class ConfigError(LoadwatchError):
    """A bad option, profile value or log entry given by the user."""


class NoData(LoadwatchError):
    """There is nothing stored to compute from."""
