"""Paths -> leaves: the files, decompressed `.gz` streams and archive members an import will read.

Folders are searched recursively (symbolic links and pipes inside them are listed as skipped, never
followed or opened); a zip is walked member by member with the archive limits; a gzip is unwrapped
so `x.fit.gz` imports like `x.fit`. Nothing is extracted to disk.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..errors import LoadwatchError
from ..files import shown
from ..models import FileResult
from .archives import GZIP_MAGIC, ZIP_MAGIC, Limits, Skipped, open_gzip, printable_name, walk_zip
from .hashing import sha256_of_handle

IGNORED_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


@dataclass(slots=True)
class Leaf:
    """One thing to import: a plain file, a decompressed .gz, or an archive member."""

    display: str
    opener: Callable[[], BinaryIO]  # a fresh stream over the (decompressed) content
    in_archive: bool


@dataclass(frozen=True, slots=True)
class Archive:
    """A zip that was walked: its display name, sha256 and size (remembered once its members are in)."""

    display: str
    sha256: str
    size_bytes: int


@dataclass(slots=True)
class Walk:
    """What walking the paths found: the leaves to read, the results already known (missing files,
    skipped links, refused members, archives imported before) and the archives walked."""

    leaves: list[Leaf] = field(default_factory=list)
    results: list[FileResult] = field(default_factory=list)
    archives: list[Archive] = field(default_factory=list)
    handles: list[BinaryIO] = field(default_factory=list)  # the open zips the members are read from

    def close(self) -> None:
        """Close the zips opened while walking (once their members have been read)."""
        for fh in self.handles:
            fh.close()
        self.handles.clear()


def walk(paths: Iterable[str | Path], limits: Limits, known: set[str]) -> Walk:
    """Every leaf under `paths`, each file once (a folder given twice, or a folder and a file in it)."""
    found = Walk()
    seen: set[Path] = set()
    for path in paths:
        _walk_path(Path(path), limits, known, found, seen)
    return found


def _walk_path(path: Path, limits: Limits, known: set[str], found: Walk, seen: set[Path]) -> None:
    try:
        is_dir = path.is_dir()
    except OSError as err:  # a path past the system's limit, a folder without permission
        found.results.append(_unreadable(path, err))
        return
    if is_dir:
        for child in folder_files(path, found.results):
            _walk_path(child, limits, known, found, seen)
        return
    display = printable_name(str(path))  # a name with a newline or non-UTF-8 bytes prints on one line
    if not path.exists():
        found.results.append(FileResult(display, "failed", error="no such file or folder"))
        return
    if not path.is_file():  # opening a pipe blocks until a writer comes, and it can be read only once
        found.results.append(FileResult(display, "failed", error="not a regular file (a pipe or device); "
                                                                 "save it to a file and import that"))
        return
    real = path.resolve()
    if real in seen:
        return
    seen.add(real)
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as err:
        found.results.append(FileResult(display, "failed", error=f"cannot read it ({err.strerror})"))
        return
    if head in ZIP_MAGIC:
        _walk_zip(path, display, limits, known, found)
        return
    found.leaves.append(Leaf(display, content_opener(lambda: path.open("rb"), display, limits), False))


def folder_files(folder: Path, results: list[FileResult]) -> list[Path]:
    """The regular files under `folder`, sorted, as an import walks them; symbolic links (not followed),
    pipes and entries that cannot be read are results (skipped or failed) instead, ignored names dropped."""
    files = []
    for child in _tree(folder, results):
        if child.name.lower() in IGNORED_NAMES or child.name.startswith("._"):
            continue
        try:
            if child.is_symlink():  # not followed inside a folder; say so rather than drop it unseen
                results.append(FileResult(printable_name(str(child)), "skipped", error="a symbolic link, "
                                          "not followed; name its target to import it"))
            elif child.is_file():
                files.append(child)
            elif not child.is_dir():
                results.append(FileResult(printable_name(str(child)), "skipped",
                                          error="not a regular file (a pipe, socket or device)"))
        except OSError as err:
            results.append(_unreadable(child, err))
    return files


def _tree(folder: Path, results: list[FileResult]) -> list[Path]:
    """Everything under `folder`, sorted (as `rglob("*")`: symbolic links are listed, not followed). A
    sub-folder that cannot be listed (nested past the system's path limit, no permission) is one failed
    result and the rest of the tree is still walked."""
    entries: list[Path] = []

    def unlistable(err: OSError) -> None:
        results.append(_unreadable(Path(err.filename or folder), err))

    for root, dirs, files in os.walk(folder, onerror=unlistable):
        entries.extend(Path(root, name) for name in dirs + files)
    return sorted(entries)


def _unreadable(path: Path, err: OSError) -> FileResult:
    if err.errno == errno.ENAMETOOLONG:
        why = "its path is too long for this system; move it somewhere shorter and import it from there"
    else:
        why = f"cannot read it ({err.strerror or err})"
    return FileResult(printable_name(shown(path)), "failed", error=why)


def _walk_zip(path: Path, display: str, limits: Limits, known: set[str], found: Walk) -> None:
    # One handle: the zip is hashed and its members read through it, so a new version renamed over the
    # path meanwhile is not remembered under this version's hash (a change in place fails the CRC checks)
    try:
        fh = path.open("rb")
    except OSError as err:
        found.results.append(FileResult(display, "failed", format="zip", error=f"cannot read it ({err.strerror})"))
        return
    try:
        sha, size = sha256_of_handle(fh)
    except OSError as err:
        fh.close()
        found.results.append(FileResult(display, "failed", format="zip", error=f"cannot read it ({err.strerror})"))
        return
    if sha in known:
        fh.close()
        found.results.append(FileResult(display, "already_imported", format="zip"))
        return
    found.handles.append(fh)
    found.archives.append(Archive(display, sha, size))
    try:
        members = list(walk_zip(fh, display, limits=limits))
    except LoadwatchError as err:
        found.results.append(FileResult(display, "failed", format="zip", error=strip_name(str(err), display)))
        return
    for m in members:
        if isinstance(m, Skipped):
            found.results.append(FileResult(m.display, "failed" if m.failed else "skipped", error=m.reason))
        else:
            found.leaves.append(Leaf(m.display, content_opener(m.opener, m.display, limits), True))


def content_opener(opener: Callable[[], BinaryIO], display: str, limits: Limits) -> Callable[[], BinaryIO]:
    """Open a file or member's content; a gzip is unwrapped, so X.fit.gz imports like X.fit.

    The magic bytes are peeked at on the stream that is read anyway: no extra open per file.
    """

    def open_content() -> BinaryIO:
        raw = opener()
        try:
            is_gzip = raw.peek(2)[:2] == GZIP_MAGIC  # type: ignore[attr-defined]  # files and members are buffered
        except BaseException:
            raw.close()
            raise
        return open_gzip(lambda: raw, display, limits) if is_gzip else raw

    return open_content


def strip_name(message: str, name: str) -> str:
    """Errors name the file themselves; the FileResult carries the path, so drop the prefix."""
    for prefix in (name + ": ", Path(name).name + ": "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def describe(head: bytes) -> str:
    """What a file that no importer knows seems to be, from its first bytes."""
    h = head.lstrip()[:64].lower()
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "a PNG image"
    if h.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if head[:4] in ZIP_MAGIC:  # a zip on its own is walked before this; here it came out of a .gz
        return "a zip archive inside a .gz file; unpack the .gz and import the zip"
    if head[:4] == b"%PDF":
        return "a PDF document"
    if h.startswith(b"<?xml") or h.startswith(b"<"):
        return "XML of an unknown kind"
    if all(32 <= b < 127 or b in (9, 10, 13) for b in head[:512]):
        return "text of an unknown kind"
    return "unknown binary content"


__all__ = ["Archive", "Leaf", "Walk", "content_opener", "describe", "folder_files", "strip_name", "walk"]
