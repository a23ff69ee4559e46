"""One read per file: the sha256 a file is stored under is the hash of the bytes that were parsed.

A file can change while it is imported (a sync client renames a new version over it, a symbolic link
is flipped). Hashing one read and parsing another stored one version's data under the other
version's hash. So content is hashed on the stream the parser reads (`HashingReader`), or read once
into memory and parsed from those bytes; a zip is hashed through the handle its members are read from.
"""

from __future__ import annotations

import hashlib
import io
from typing import BinaryIO

CHUNK_BYTES = 1 << 20


class HashingReader(io.RawIOBase):
    """A read-only stream over `raw` that hashes and counts every byte handed out.

    Closing it (a parser may close the stream it was given) leaves `raw` open for `drain`: the
    caller that opened `raw` closes it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]  # io hands in one of these
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.digest.update(data)
        self.size += n
        return n

    def drain(self) -> None:
        """Read (and hash) what the parser left unread, so the hash covers the whole content."""
        while chunk := self.raw.read(CHUNK_BYTES):
            self.digest.update(chunk)
            self.size += len(chunk)

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def sha256_of_handle(fh: BinaryIO) -> tuple[str, int]:
    """The sha256 and size of an open file's bytes, read from its start; the handle is left at 0."""
    digest = hashlib.sha256()
    size = 0
    fh.seek(0)
    while chunk := fh.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    fh.seek(0)
    return digest.hexdigest(), size


__all__ = ["HashingReader", "sha256_of_handle"]
