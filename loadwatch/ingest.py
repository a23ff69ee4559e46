"""`import_paths()`: walk files, folders and archives, detect each by content, parse, store.

One source file (or archive member) is one transaction. FIT files, the bulk of a first import,
are decoded in worker processes (both cores) while this process hashes and writes; everything
else streams in this process. Bad input becomes a `failed` FileResult with one clear sentence:
the rest of the batch goes on.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from . import importers
from .errors import HostileInput, LoadwatchError
from .importers.archives import (
    DEFAULT_LIMITS,
    GZIP_MAGIC,
    ZIP_MAGIC,
    Limits,
    Skipped,
    open_gzip,
    printable_name,
    walk_zip,
)
from .models import FileResult, ImportResult, ParsedFile
from .store import Store

Progress = Callable[[int, int, str], None]  # (files done, files in all, current file)

SNIFF = importers.SNIFF_BYTES
MAX_IN_MEMORY_BYTES = 256 * 2**20  # a FIT file larger than this is not a real activity
POOL_MIN_FILES = 16  # below this, decoding in-process beats starting workers
IGNORED_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


@dataclass(slots=True)
class _Unit:
    """One leaf to import: a plain file, a decompressed .gz, or an archive member."""

    display: str
    opener: Callable[[], BinaryIO]  # a fresh stream over the (decompressed) content
    in_archive: bool


def import_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    athlete: str = "me",
    strict: bool = False,
    dry_run: bool = False,
    on_progress: Progress | None = None,
    workers: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    options: dict[str, object] | None = None,
) -> ImportResult:
    """Import every supported file under `paths`; one transaction per source file.

    `options` are passed to the readers that take them (e.g. `column_map` for CSV step logs).
    """
    result = ImportResult(dry_run=dry_run)
    units: list[_Unit] = []
    archives: list[tuple[str, str, int]] = []  # (display, sha256, size) of each zip walked
    known = store.known_sources()
    seen: set[Path] = set()  # a file named twice (a folder given twice, or the folder and the file) counts once
    for path in paths:
        for item in _walk(Path(path), limits, known, result, archives, seen):
            units.append(item)
    total = len(units)
    done = 0

    def tick(label: str) -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(done, total, label)

    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    pool = _make_pool(n_workers) if n_workers > 1 and total >= POOL_MIN_FILES else None
    unit_results: list[FileResult] = []
    try:
        with _InterruptGuard() as interrupt:
            for unit, prepared in _prepare(units, known, pool, strict, options or {}):
                interrupt.check()  # a Ctrl-C a parser swallowed: do not store what it parsed
                unit_results.append(_finish(store, unit, prepared, athlete, strict, dry_run, known))
                tick(unit.display)
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
    result.files.extend(unit_results)
    _record_archives(store, archives, result.files, athlete, dry_run)
    result.files.sort(key=lambda f: f.path)
    return result


class _InterruptGuard:
    """Make Ctrl-C stick. Some parsers catch everything: gpxpy's time converter has a bare
    `except:` that turns a KeyboardInterrupt into a missing timestamp, so the import went on (and
    would have stored a point short). While importing, SIGINT still raises at once, and is also
    remembered and raised again before the next file is stored. Only the main thread's default
    handler is replaced, and it is restored afterwards."""

    def __init__(self) -> None:
        self.hit = False
        self.previous: object = None

    def __enter__(self) -> _InterruptGuard:
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self.previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)  # type: ignore[arg-type]

    def _handler(self, signum: int, frame: object) -> None:
        self.hit = True
        raise KeyboardInterrupt

    def check(self) -> None:
        if self.hit:
            raise KeyboardInterrupt


# -- walking --------------------------------------------------------------------------------------
def _walk(
    path: Path,
    limits: Limits,
    known: set[str],
    result: ImportResult,
    archives: list[tuple[str, str, int]],
    seen: set[Path],
) -> Iterator[_Unit]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.name.lower() in IGNORED_NAMES or child.name.startswith("._"):
                continue
            if child.is_symlink():  # not followed inside a folder; say so rather than drop it unseen
                result.files.append(FileResult(printable_name(str(child)), "skipped",
                                               error="a symbolic link, not followed; name its target to import it"))
            elif child.is_file():
                yield from _walk(child, limits, known, result, archives, seen)
            elif not child.is_dir():
                result.files.append(FileResult(printable_name(str(child)), "skipped",
                                               error="not a regular file (a pipe, socket or device)"))
        return
    display = printable_name(str(path))  # a name with a newline or non-UTF-8 bytes prints on one line
    if not path.exists():
        result.files.append(FileResult(display, "failed", error="no such file or folder"))
        return
    if not path.is_file():  # opening a pipe blocks until a writer comes, and it can be read only once
        result.files.append(FileResult(display, "failed", error="not a regular file (a pipe or device); "
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
        result.files.append(FileResult(display, "failed", error=f"cannot read it ({err.strerror})"))
        return
    if head in ZIP_MAGIC:
        sha = _sha256_of(lambda: path.open("rb"))
        if sha in known:
            result.files.append(FileResult(display, "already_imported", format="zip"))
            return
        archives.append((display, sha, path.stat().st_size))
        try:
            members = list(walk_zip(str(path), display, limits=limits))
        except LoadwatchError as err:
            result.files.append(FileResult(display, "failed", format="zip", error=_strip(str(err), display)))
            return
        for m in members:
            if isinstance(m, Skipped):
                result.files.append(FileResult(m.display, "failed" if m.failed else "skipped", error=m.reason))
            else:
                yield _Unit(m.display, _content_opener(m.opener, m.display, limits), True)
        return
    yield _Unit(display, _content_opener(lambda: path.open("rb"), display, limits), False)


def _content_opener(opener: Callable[[], BinaryIO], display: str, limits: Limits) -> Callable[[], BinaryIO]:
    """Open a file or member's content; a gzip is unwrapped, so X.fit.gz imports like X.fit.

    The magic bytes are peeked at on the stream that is read anyway: no extra open per file.
    """

    def open_content() -> BinaryIO:
        raw = opener()
        try:
            is_gzip = raw.peek(2)[:2] == GZIP_MAGIC  # type: ignore[attr-defined]
        except BaseException:
            raw.close()
            raise
        return open_gzip(lambda: raw, display, limits) if is_gzip else raw

    return open_content


# -- parsing --------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Prepared:
    sha256: str | None = None
    size: int = 0
    parsed: ParsedFile | None = None
    error: str | None = None
    status: str | None = None  # set when the outcome is known before storing (failed, skipped, ...)
    fmt: str | None = None
    payload: bytes | None = None  # FIT content, held for the decoder


def _prepare(
    units: list[_Unit], known: set[str], pool: cf.Executor | None, strict: bool, options: dict[str, object]
) -> Iterator[tuple[_Unit, _Prepared]]:
    """Hash, detect and parse each unit, yielding them in order; FIT files decode in the pool."""
    pending: deque[tuple[_Unit, _Prepared, cf.Future[tuple[str, object]] | None]] = deque()
    for unit in units:
        prep = _identify(unit, known)
        future = None
        if prep.status is None and prep.fmt == "fit" and pool is not None:
            future = pool.submit(_parse_fit_job, prep.payload, unit.display, strict)
            prep.payload = None
        elif prep.status is None:
            _parse_here(unit, prep, strict, options)
        pending.append((unit, prep, future))
        while pending and (len(pending) > 64 or pending[0][2] is None or pending[0][2].done()):
            yield _resolve(*pending.popleft())
    while pending:
        yield _resolve(*pending.popleft())


def _resolve(
    unit: _Unit, prep: _Prepared, future: cf.Future[tuple[str, object]] | None
) -> tuple[_Unit, _Prepared]:
    if future is not None:
        _apply(prep, future.result())
    return unit, prep


def _apply(prep: _Prepared, outcome: tuple[str, object]) -> None:
    kind, value = outcome
    if kind == "ok":
        prep.parsed = value  # type: ignore[assignment]
    else:
        prep.status, prep.error = "failed", str(value)


def _identify(unit: _Unit, known: set[str]) -> _Prepared:
    """Hash the content and detect its format; FIT content is kept in memory for the decoder."""
    prep = _Prepared()
    try:
        with unit.opener() as fh:
            head = fh.read(SNIFF)
            module = importers.detect(head, unit.display)
            prep.fmt = getattr(module, "FORMAT", None)
            digest = hashlib.sha256(head)
            size = len(head)
            keep = prep.fmt == "fit"
            chunks = [head] if keep else []
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                if keep:
                    if size > MAX_IN_MEMORY_BYTES:
                        raise HostileInput(f"larger than {MAX_IN_MEMORY_BYTES // 2**20} MiB, not a real FIT file")
                    chunks.append(chunk)
        prep.sha256, prep.size = digest.hexdigest(), size
    except LoadwatchError as err:
        prep.status, prep.error = "failed", _strip(str(err), unit.display)
        return prep
    except OSError as err:
        prep.status, prep.error = "failed", f"cannot read it ({err})"
        return prep
    if prep.sha256 in known:
        prep.status = "already_imported"
    elif size == 0:
        prep.status, prep.error = "failed", "empty file (0 bytes); nothing to import"
    elif module is None:
        if unit.in_archive:
            prep.status, prep.error = "skipped", "not an activity or steps file"
        else:
            prep.status, prep.error = "failed", f"not a format loadwatch reads ({_describe(head)})"
    elif keep:
        prep.payload = b"".join(chunks)
    return prep


def _parse_here(unit: _Unit, prep: _Prepared, strict: bool, options: dict[str, object]) -> None:
    if prep.fmt == "fit":
        _apply(prep, _parse_fit_job(prep.payload or b"", unit.display, strict))
        prep.payload = None
        return
    module = importers._load(prep.fmt or "")
    try:
        with unit.opener() as fh:
            prep.parsed = module.read(fh, name=unit.display, strict=strict, **options)  # type: ignore[union-attr]
    except LoadwatchError as err:
        prep.status, prep.error = "failed", _strip(str(err), unit.display)
    except Exception as err:  # a reader bug must not abort the batch; say so plainly
        prep.status, prep.error = "failed", f"could not be read ({type(err).__name__}: {err}); please report this file"


def _parse_fit_job(data: bytes, name: str, strict: bool) -> tuple[str, object]:
    """Worker entry point: decode FIT bytes. Returns ("ok", ParsedFile) or ("error", message)."""
    from .importers import fit

    try:
        return "ok", fit.read_bytes(data, name=name, strict=strict)
    except LoadwatchError as err:
        return "error", _strip(str(err), name)
    except Exception as err:
        return "error", f"could not be read ({type(err).__name__}: {err}); please report this file"


def _make_pool(n: int) -> cf.Executor | None:
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    try:
        return cf.ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context(method),
                                      initializer=_worker_init)
    except (OSError, NotImplementedError):
        return None


def _worker_init() -> None:
    """Ctrl-C reaches the whole process group: workers ignore it (no traceback per worker) and the
    main process, which owns the store, stops the pool and reports the interruption once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# -- storing --------------------------------------------------------------------------------------
def _finish(
    store: Store, unit: _Unit, prep: _Prepared, athlete: str, strict: bool, dry_run: bool, known: set[str]
) -> FileResult:
    res = FileResult(unit.display, prep.status or "imported", format=prep.fmt, error=prep.error)
    if prep.status is not None:
        return res
    parsed = prep.parsed
    assert parsed is not None and prep.sha256 is not None
    res.warnings = list(parsed.warnings)
    if parsed.skip_reason:
        res.status, res.error = "skipped", parsed.skip_reason
        if not dry_run:
            store.write_source(sha256=prep.sha256, path=unit.display,
                               parsed=ParsedFile(parsed.format, skip_reason=parsed.skip_reason),
                               athlete=athlete, size_bytes=prep.size, status="skipped")
        return res
    if not parsed.activities and not parsed.daily_steps:
        res.status, res.error = "skipped", "holds no sessions or daily steps"
        return res
    status = "recovered" if parsed.recovered else "imported"
    outcome = store.write_source(sha256=prep.sha256, path=unit.display, parsed=parsed, athlete=athlete,
                                 size_bytes=prep.size, status=status, dry_run=dry_run)
    if outcome.already_imported:  # another process imported the same bytes meanwhile
        res.status = "already_imported"
        return res
    known.add(prep.sha256)
    res.sessions, res.duplicates, res.days = outcome.sessions, outcome.duplicates, outcome.days
    if outcome.duplicates and not outcome.sessions and not outcome.days:
        res.status = "duplicate"
    else:
        res.status = status
    return res


def _record_archives(
    store: Store, archives: list[tuple[str, str, int]], results: list[FileResult], athlete: str, dry_run: bool
) -> None:
    """Remember a fully imported archive by its own hash so a re-import skips it at once.

    Not when the archive itself or any member failed (including members refused while walking:
    unsafe names, bombs): a re-import must report those again, not say "already imported".
    """
    if dry_run:
        return
    for display, sha, size in archives:
        prefix = display + "!"
        members = [r for r in results if r.path.startswith(prefix)]
        if any(r.status == "failed" for r in members) or any(r.path == display for r in results):
            continue
        store.write_source(sha256=sha, path=display, parsed=ParsedFile("zip", n_records=len(members)),
                           athlete=athlete, size_bytes=size, status="archive")


def _sha256_of(opener: Callable[[], BinaryIO]) -> str:
    digest = hashlib.sha256()
    with opener() as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _strip(message: str, name: str) -> str:
    """Errors name the file themselves; the FileResult carries the path, so drop the prefix."""
    for prefix in (name + ": ", Path(name).name + ": "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def _describe(head: bytes) -> str:
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


__all__ = ["Progress", "import_paths"]
