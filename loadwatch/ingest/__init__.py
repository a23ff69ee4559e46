"""`import_paths()`: walk files, folders and archives, detect each by content, parse, store.

One source file (or archive member) is one transaction. FIT files, the bulk of a first import,
are decoded in worker processes (both cores) while this process hashes and writes; everything
else streams in this process. Bad input becomes a `failed` FileResult with one clear sentence:
the rest of the batch goes on.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import io
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import FrameType
from typing import BinaryIO

from .. import plausible
from ..errors import DiskFull, HostileInput, LoadwatchError
from ..files import shown
from ..importers import apple_health, fit, registry, strava_csv
from ..importers.base import SNIFF_BYTES
from ..models import FileResult, ImportResult, ParsedFile
from ..store import Store
from .archives import DEFAULT_LIMITS, Limits
from .hashing import HashingReader
from .walk import Archive, Leaf, describe, strip_name, walk

Progress = Callable[[int, int, str], None]  # (files done, files in all, current file)

MAX_IN_MEMORY_BYTES = 256 * 2**20  # a FIT file larger than this is not a real activity
# Other content up to this size is read once, hashed, and parsed from those same bytes; larger content
# (an Apple export.xml) is parsed from a second read that is hashed as it is parsed, memory staying flat.
READ_ONCE_BYTES = 32 * 2**20
POOL_MIN_FILES = 16  # below this, decoding in-process beats starting workers


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
    now: datetime | None = None,
) -> ImportResult:
    """Import every supported file under `paths`; one transaction per source file.

    `options` are passed to the readers that take them (e.g. `column_map` for CSV step logs), except
    `clock_date` (a date), which places sessions whose device clock was never set on that local day.
    Every parsed file passes `plausible.screen` (at `now`, the import's clock) before it is stored.
    """
    options = dict(options or {})
    clock_date = options.pop("clock_date", None)
    result = ImportResult(dry_run=dry_run)
    known = store.known_sources()
    found = walk(paths, limits, known)
    gate = Gate(now or datetime.now(UTC), clock_date if isinstance(clock_date, date) else None,
                strava_efforts(found.leaves))
    result.files.extend(found.results)
    total = len(found.leaves)
    done = 0

    def tick(label: str) -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(done, total, label)

    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    pool = _make_pool(n_workers) if n_workers > 1 and total >= POOL_MIN_FILES else None
    try:
        with _InterruptGuard() as interrupt:
            for leaf, parsed in _parse_all(found.leaves, known, pool, strict, options or {},
                                           route_files(found.leaves)):
                interrupt.check()  # a Ctrl-C a parser swallowed: do not store what it parsed
                try:
                    result.files.append(store_leaf(store, leaf.display, parsed, athlete, dry_run, known, gate))
                except DiskFull:
                    raise _disk_full(store, result, leaf.display) from None
                tick(leaf.display)
    finally:
        found.close()
        if pool is not None:
            # wait for the pool's manager thread (queued files are cancelled; a worker finishes the one FIT file
            # it is decoding): left running, it races Python 3.11's exit hook, which then prints a traceback
            # after the "Interrupted" line of a Ctrl-C
            pool.shutdown(wait=True, cancel_futures=True)
    record_archives(store, found.archives, result.files, athlete, dry_run)
    result.files.sort(key=lambda f: f.path)
    return result


def _disk_full(store: Store, result: ImportResult, display: str) -> DiskFull:
    """A full disk ends the batch (every next file would fail the same way) in one line: the file being
    written was rolled back, the files stored before it are kept (exit 3), and a rerun skips them."""
    stored = result.count("imported", "recovered", "duplicate")
    err = DiskFull(f"the disk is full writing the store {shown(store.path)} while importing {display}: free some "
                   f"space and run the import again; the {stored} file(s) imported before it are kept and will be "
                   "skipped")
    err.exit_code = 3 if result.in_store else 1
    return err


class _InterruptGuard:
    """Make Ctrl-C stick. Some parsers catch everything: gpxpy's time converter has a bare
    `except:` that turns a KeyboardInterrupt into a missing timestamp, so the import went on (and
    would have stored a point short). While importing, SIGINT still raises at once, and is also
    remembered and raised again before the next file is stored. Only the main thread's default
    handler is replaced, and it is restored afterwards."""

    def __init__(self) -> None:
        self.hit = False
        self.previous: Callable[[int, FrameType | None], object] | int | None = None

    def __enter__(self) -> _InterruptGuard:
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self.previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)

    def _handler(self, signum: int, frame: object) -> None:
        self.hit = True
        raise KeyboardInterrupt

    def check(self) -> None:
        if self.hit:
            raise KeyboardInterrupt


# -- parsing --------------------------------------------------------------------------------------
@dataclass(slots=True)
class LeafContent:
    """A leaf hashed, detected and (unless its outcome is already known) parsed."""

    sha256: str | None = None
    size: int = 0
    parsed: ParsedFile | None = None
    error: str | None = None
    status: str | None = None  # set when the outcome is known before storing (failed, skipped, ...)
    fmt: str | None = None
    payload: bytes | None = None  # the content as hashed, held for the parser (None: too large, streamed)


@dataclass(frozen=True, slots=True)
class Decoded:
    """What a FIT decoding job returns: the parsed file, or the one-line error."""

    parsed: ParsedFile | None = None
    error: str | None = None


def _parse_all(
    leaves: list[Leaf], known: set[str], pool: cf.Executor | None, strict: bool, options: dict[str, object],
    routes: Mapping[str, Mapping[str, Callable[[], BinaryIO]]] | None = None,
) -> Iterator[tuple[Leaf, LeafContent]]:
    """Hash, detect and parse each leaf, yielding them in order; FIT files decode in the pool. An Apple
    export.xml is given the route files of its folder (`routes`, see `route_files`)."""
    pending: deque[tuple[Leaf, LeafContent, cf.Future[Decoded] | None]] = deque()
    for leaf in leaves:
        content = _identify(leaf, known)
        future = None
        if content.status is None and content.fmt == "fit" and content.payload is not None and pool is not None:
            future = pool.submit(decode_fit, content.payload, leaf.display, strict)
            content.payload = None
        elif content.status is None:
            mine = options
            if content.fmt == apple_health.FORMAT and routes:
                mine = {**options, "routes": routes.get(_folder(leaf.display), {})}
            _parse_here(leaf, content, strict, mine, known)
        pending.append((leaf, content, future))
        while pending and (len(pending) > 64 or pending[0][2] is None or pending[0][2].done()):
            yield _settle(*pending.popleft())
    while pending:
        yield _settle(*pending.popleft())


ROUTES_FOLDER = "workout-routes/"  # where an Apple export keeps its workouts' route GPX files


def _folder(display: str) -> str:
    """The folder part of a leaf's name, up to and with its last "/" or "!" ("" for a bare name)."""
    cut = max(display.rfind("/"), display.rfind("!"), display.rfind("\\"))
    return display[:cut + 1]


def route_files(leaves: Iterable[Leaf]) -> dict[str, dict[str, Callable[[], BinaryIO]]]:
    """The Apple workout-route files among the leaves, by the export folder they sit in:
    {"export.zip!apple_health_export/": {"workout-routes/route_....gpx": opener}}; an export.xml's
    FileReference names them so."""
    out: dict[str, dict[str, Callable[[], BinaryIO]]] = {}
    for leaf in leaves:
        name = leaf.display.replace("\\", "/")
        at = max(name.rfind("/" + ROUTES_FOLDER), name.rfind("!" + ROUTES_FOLDER))
        if at < 0 and not name.startswith(ROUTES_FOLDER):
            continue
        out.setdefault(leaf.display[:at + 1], {})[leaf.display[at + 1:].replace("\\", "/")] = leaf.opener
    return out


def strava_efforts(leaves: Iterable[Leaf]) -> dict[str, float]:
    """The perceived exertion Strava's activities.csv gives each activity file, by the file's leaf name
    (`strava_csv.key`): "export.zip!activities/123.gpx" -> 6.0. A CSV that cannot be read gives nothing
    (it is reported on its own as skipped or failed)."""
    out: dict[str, float] = {}
    for leaf in leaves:
        if not strava_csv.is_activities_csv(leaf.display):
            continue
        try:
            with leaf.opener() as fh:
                data = fh.read(strava_csv.MAX_BYTES + 1)
        except (LoadwatchError, OSError):
            continue
        if len(data) > strava_csv.MAX_BYTES:
            continue
        folder = _folder(leaf.display)
        for name, rpe in strava_csv.perceived_exertion(data).items():
            out[strava_csv.key(folder + name.lstrip("/"))] = rpe
    return out


def read_leaf(leaf: Leaf, known: set[str], *, strict: bool = False, options: dict[str, object] | None = None
              ) -> LeafContent:
    """Hash, detect and parse one leaf in this process, as `import_paths` does for each leaf (FIT included):
    what `loadwatch cohort build` runs in a Dask task per file, before `store_leaf` stores it."""
    content = _identify(leaf, known)
    if content.status is None:
        _parse_here(leaf, content, strict, options or {}, known)
    return content


def _settle(leaf: Leaf, content: LeafContent, future: cf.Future[Decoded] | None) -> tuple[Leaf, LeafContent]:
    if future is not None:
        _take(content, future.result())
    return leaf, content


def _take(content: LeafContent, decoded: Decoded) -> None:
    if decoded.parsed is not None:
        content.parsed = decoded.parsed
    else:
        content.status, content.error = "failed", decoded.error


def _identify(leaf: Leaf, known: set[str]) -> LeafContent:
    """Hash the content and detect its format, keeping the bytes hashed for the parser: FIT content up to
    MAX_IN_MEMORY_BYTES (the decoder needs it whole), anything else up to READ_ONCE_BYTES."""
    content = LeafContent()
    try:
        with leaf.opener() as fh:
            head = fh.read(SNIFF_BYTES)
            module = registry.detect(head, leaf.display)
            content.fmt = module.FORMAT if module is not None else None
            digest = hashlib.sha256(head)
            size = len(head)
            is_fit = content.fmt == fit.FORMAT
            keep = module is not None
            chunks = [head] if keep else []
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                if is_fit and size > MAX_IN_MEMORY_BYTES:
                    raise HostileInput(f"larger than {MAX_IN_MEMORY_BYTES // 2**20} MiB, not a real FIT file")
                if keep and not is_fit and size > READ_ONCE_BYTES:
                    keep, chunks = False, []  # too large to hold: parsed from a hashed stream instead
                if keep:
                    chunks.append(chunk)
        content.sha256, content.size = digest.hexdigest(), size
    except LoadwatchError as err:
        content.status, content.error = "failed", strip_name(str(err), leaf.display)
        return content
    except OSError as err:
        content.status, content.error = "failed", f"cannot read it ({err})"
        return content
    if content.sha256 in known:
        content.status = "already_imported"
    elif size == 0:
        content.status, content.error = "failed", "empty file (0 bytes); nothing to import"
    elif module is None:
        if leaf.in_archive:
            content.status, content.error = "skipped", "not an activity or steps file"
        else:
            content.status, content.error = "failed", f"not a format loadwatch reads ({describe(head)})"
    elif keep:
        content.payload = b"".join(chunks)
    return content


def _parse_here(leaf: Leaf, content: LeafContent, strict: bool, options: dict[str, object], known: set[str]) -> None:
    """Parse the bytes that were hashed; content too large to have been kept is read again, and that
    read, hashed as it is parsed, names the file (it may have changed since it was first hashed)."""
    if content.fmt == fit.FORMAT:
        _take(content, decode_fit(content.payload or b"", leaf.display, strict))
        content.payload = None
        return
    module = registry.by_format(content.fmt or "")
    try:
        if content.payload is not None:
            data, content.payload = content.payload, None
            content.parsed = module.read(io.BytesIO(data), name=leaf.display, strict=strict, **options)
            return
        with leaf.opener() as raw:
            hashed = HashingReader(raw)
            content.parsed = module.read(io.BufferedReader(hashed, buffer_size=1 << 20), name=leaf.display,
                                         strict=strict, **options)
            hashed.drain()
        if hashed.hexdigest() != content.sha256:  # changed since it was hashed: stored as what was parsed
            content.sha256, content.size = hashed.hexdigest(), hashed.size
            if content.sha256 in known:
                content.status, content.parsed = "already_imported", None
    except LoadwatchError as err:
        content.status, content.error = "failed", strip_name(str(err), leaf.display)
    except Exception as err:  # a reader bug must not abort the batch; say so plainly
        content.status, content.error = "failed", f"could not be read ({type(err).__name__}: {err}); please report" \
                                                   " this file"


def decode_fit(data: bytes, name: str, strict: bool) -> Decoded:
    """Worker entry point: decode FIT bytes into a ParsedFile, or the one-line error."""
    try:
        return Decoded(parsed=fit.read_bytes(data, name=name, strict=strict))
    except LoadwatchError as err:
        return Decoded(error=strip_name(str(err), name))
    except Exception as err:
        return Decoded(error=f"could not be read ({type(err).__name__}: {err}); please report this file")


def _make_pool(n: int) -> cf.Executor | None:
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    try:
        return cf.ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context(method),
                                      initializer=_worker_init, initargs=(os.getpid(),))
    except (OSError, NotImplementedError):
        return None


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL_S = 1.0  # where prctl is missing, how often a worker looks for its parent


def _worker_init(parent: int) -> None:
    """Ctrl-C reaches the whole process group: workers ignore it (no traceback per worker) and the
    main process, which owns the store, stops the pool and reports the interruption once. A worker
    also dies with its import, even one killed by SIGKILL (no cleanup runs there): it must not live on
    holding the terminal's pipes open."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(parent)


def _die_with(parent: int) -> None:
    """Linux: ask the kernel for SIGKILL when the parent dies (prctl PR_SET_PDEATHSIG); elsewhere a
    daemon thread polls for the parent. Either way, a parent already gone means exit now."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
        if armed:
            if os.getppid() != parent:  # it died before the request took effect
                os._exit(1)
            return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="loadwatch-parent-watch").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


# -- storing --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Gate:
    """What `plausible.screen` needs: the import's clock and the day the user confirmed, if any; and the
    efforts another file of the export gives a file's sessions (`strava_efforts`: leaf name -> RPE)."""

    now: datetime
    clock_date: date | None = None
    efforts: Mapping[str, float] = field(default_factory=dict)


def store_leaf(
    store: Store, display: str, content: LeafContent, athlete: str, dry_run: bool, known: set[str], gate: Gate
) -> FileResult:
    """Store one parsed leaf (named `display`) through the plausibility gate: its FileResult."""
    res = FileResult(display, content.status or "imported", format=content.fmt, error=content.error)
    if content.status is not None:
        return res
    parsed = content.parsed
    assert parsed is not None and content.sha256 is not None
    res.warnings = list(parsed.warnings)
    if parsed.skip_reason:
        res.status, res.error = "skipped", parsed.skip_reason
        if not dry_run:
            store.write_source(sha256=content.sha256, path=display,
                               parsed=ParsedFile(parsed.format, skip_reason=parsed.skip_reason),
                               athlete=athlete, size_bytes=content.size, status="skipped")
        return res
    if not parsed.activities and not parsed.daily_steps and not parsed.resting_hr:
        res.status, res.error = "skipped", "holds no sessions or daily steps"
        return res
    rpe = gate.efforts.get(strava_csv.key(display)) if gate.efforts else None
    if rpe is not None:  # Strava's perceived exertion, where the device recorded none
        parsed.activities = [a if a.device_rpe is not None else replace(a, device_rpe=rpe) for a in parsed.activities]
    try:
        plausible.screen(parsed, gate.now, clock_date=gate.clock_date)  # no importer bypasses the rules
    except LoadwatchError as err:
        res.status, res.error = "failed", str(err)
        return res
    res.warnings = list(parsed.warnings)
    status = "recovered" if parsed.recovered else "imported"
    outcome = store.write_source(sha256=content.sha256, path=display, parsed=parsed, athlete=athlete,
                                 size_bytes=content.size, status=status, dry_run=dry_run)
    if outcome.already_imported:  # another process imported the same bytes meanwhile
        res.status = "already_imported"
        return res
    known.add(content.sha256)
    res.sessions, res.duplicates, res.days = outcome.sessions, outcome.duplicates, outcome.days
    res.notes = list(outcome.notes)  # which file each duplicate session came from, whose recording was kept
    res.athletes = dict(outcome.athletes)
    if outcome.duplicates and not outcome.sessions and not outcome.days:
        res.status = "duplicate"
    else:
        res.status = status
    return res


def record_archives(store: Store, archives: list[Archive], results: list[FileResult], athlete: str,
                     dry_run: bool) -> None:
    """Remember a fully imported archive by its own hash so a re-import skips it at once.

    Not when the archive itself or any member failed (including members refused while walking:
    unsafe names, bombs): a re-import must report those again, not say "already imported".
    """
    if dry_run:
        return
    for archive in archives:
        prefix = archive.display + "!"
        members = [r for r in results if r.path.startswith(prefix)]
        if any(r.status == "failed" for r in members) or any(r.path == archive.display for r in results):
            continue
        store.write_source(sha256=archive.sha256, path=archive.display,
                           parsed=ParsedFile("zip", n_records=len(members)), athlete=athlete,
                           size_bytes=archive.size_bytes, status="archive")


__all__ = ["DEFAULT_LIMITS", "Gate", "LeafContent", "Limits", "Progress", "import_paths", "read_leaf",
           "record_archives", "store_leaf"]
