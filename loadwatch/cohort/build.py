"""`loadwatch cohort build`: every athlete's files through the importers, on Dask, into the Parquet dataset.

The client lists each athlete's files (`ingest.walk.folder_files`, as an import lists a folder); each file
is one Dask task (`parse_path`: the walk with its limits, a zip's members as one batch, hashing, detection
and parsing by `ingest.read_leaf`, the code `loadwatch import` runs); one task per athlete (`write_athlete`)
then stores the parsed files, in the walk's order, into a scratch SQLite store through the plausibility
gate (`ingest.store_leaf`: the store's dedupe, the primary step source, the ledger) and writes the
athlete's partition from it (`dataset.tables_of`, `dataset.write_partition`: atomic). The messages are
the import's own. A file whose sha256 is in the athlete's partition is hashed, not parsed again; an athlete
with nothing new keeps its partition untouched.
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, WriteError
from ..files import shown
from ..ingest import DEFAULT_LIMITS, Gate, LeafContent, Limits, read_leaf, record_archives, store_leaf
from ..ingest.walk import Archive, folder_files, walk
from ..models import FileResult, ImportResult
from ..store import Store
from . import dataset

if TYPE_CHECKING:
    from distributed import Client

Progress = Callable[[int, int, str], None]  # (tasks done, tasks in all, what just finished)


@dataclass(frozen=True, slots=True)
class AthleteFiles:
    """One athlete of the cohort and the folders or files that are theirs."""

    athlete: str
    paths: tuple[Path, ...]


def athletes_of(root: Path) -> list[AthleteFiles]:
    """ROOT's athletes: each folder directly under it (hidden ones skipped), by name; or, when ROOT is a
    file, a CSV manifest `athlete,path` (a header row optional; relative paths are read from its folder)."""
    if root.is_file():
        return _manifest(root)
    try:
        entries = sorted(root.iterdir(), key=lambda p: p.name)
    except OSError as err:
        raise ConfigError(f"cannot read {shown(root)} ({err.strerror}); give a folder holding one folder per athlete"
                          " or a CSV manifest athlete,path") from None
    folders = [AthleteFiles(p.name, (p,)) for p in entries if not p.name.startswith(".") and p.is_dir()]
    if not folders:
        raise ConfigError(f"{shown(root)} holds no folder; each folder under ROOT is one athlete's files "
                          "(ROOT/anna/..., ROOT/ben/...), or give a CSV manifest athlete,path")
    return folders


def _manifest(path: Path) -> list[AthleteFiles]:
    found: dict[str, list[Path]] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            for n, row in enumerate(csv.reader(fh), start=1):
                if not row or all(not cell.strip() for cell in row):
                    continue
                if n == 1 and [c.strip().lower() for c in row[:2]] == ["athlete", "path"]:
                    continue
                if len(row) < 2 or not row[0].strip() or not row[1].strip():
                    raise ConfigError(f"{shown(path)} line {n}: a manifest row is athlete,path (both given)")
                where = Path(row[1].strip())
                found.setdefault(row[0].strip(), []).append(where if where.is_absolute() else path.parent / where)
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read the manifest {shown(path)} ({err}); it is a CSV file athlete,path") from None
    if not found:
        raise ConfigError(f"the manifest {shown(path)} names no athlete; each row is athlete,path")
    return [AthleteFiles(name, tuple(paths)) for name, paths in sorted(found.items())]


# -- the tasks (run on the workers) ---------------------------------------------------------------
@dataclass(slots=True)
class ParsedPath:
    """What one file gave: results known before storing, each leaf parsed, the archives walked."""

    results: list[FileResult] = field(default_factory=list)
    leaves: list[tuple[str, LeafContent]] = field(default_factory=list)
    archives: list[Archive] = field(default_factory=list)


def parse_path(path: str, known: frozenset[str], strict: bool, limits: Limits) -> ParsedPath:
    """One file (a zip: its members, one batch) walked and parsed as `loadwatch import` reads it."""
    found = walk([path], limits, set(known))
    try:
        leaves = [(leaf.display, read_leaf(leaf, set(known), strict=strict)) for leaf in found.leaves]
    finally:
        found.close()
    return ParsedPath(found.results, leaves, found.archives)


@dataclass(frozen=True, slots=True)
class AthleteBuilt:
    """One athlete after the build: every file's result, what the dataset holds for them, whether the
    partition was (re)written, and the error that kept it from being built, if any."""

    athlete: str
    files: tuple[FileResult, ...] = ()
    sessions: int = 0
    days: int = 0
    written: bool = False
    error: str | None = None

    @property
    def result(self) -> ImportResult:
        return ImportResult(files=list(self.files))

    def as_json(self) -> dict[str, Any]:
        counts = self.result.as_json()
        return {"sessions": self.sessions, "days": self.days, "written": self.written, "error": self.error,
                **{k: counts[k] for k in ("imported", "already_imported", "duplicates", "skipped", "failed")},
                "files": len(self.files),
                "failures": [{"path": f.path, "error": f.error} for f in self.files if f.status == "failed"]}


def _failed_rows(results: list[FileResult], when: str) -> list[dict[str, Any]]:
    return [{"sha256": None, "path": f.path, "format": f.format, "imported_at": when, "status": dataset.FAILED,
             "error": f.error} for f in results if f.status == "failed"]


def write_athlete(root: str, athlete: str, parts: list[ParsedPath], now: datetime, listed: list[FileResult]
                  ) -> AthleteBuilt:
    """Store one athlete's parsed files on top of their partition (if any) and write the partition."""
    out = Path(root)
    folder = out / dataset.partition_name(athlete)
    before = dataset.read_partition(folder) if folder.exists() else {}
    with tempfile.TemporaryDirectory(prefix="loadwatch-cohort-") as scratch:
        store = Store(Path(scratch) / "athlete.sqlite")
        try:
            dataset.fill_store(store, athlete, before)
            known = store.known_sources()
            old = set(known)
            gate = Gate(now)
            results = list(listed)
            archives: list[Archive] = []
            for part in parts:
                results.extend(part.results)
                archives.extend(part.archives)
                for display, content in part.leaves:
                    results.append(store_leaf(store, display, content, athlete, False, known, gate))
            record_archives(store, archives, results, athlete, False)
            results.sort(key=lambda f: f.path)
            had_failed = "sources" in before and dataset.FAILED in before["sources"].column("status").to_pylist()
            failed = _failed_rows(results, now.isoformat(timespec="seconds"))
            write = not before or store.known_sources() != old or bool(failed) or had_failed
            if write:
                dataset.write_partition(out, athlete, dataset.tables_of(store.conn, athlete, failed))
            sessions = store.conn.execute("SELECT count(*) FROM sessions WHERE athlete = ?", (athlete,)).fetchone()[0]
            days = store.conn.execute("SELECT count(DISTINCT day) FROM daily_steps WHERE athlete = ?",
                                      (athlete,)).fetchone()[0]
        finally:
            store.close()
    return AthleteBuilt(athlete, tuple(results), int(sessions), int(days), write)


# -- the client -----------------------------------------------------------------------------------
@dataclass(slots=True)
class BuildResult:
    """`cohort build`: each athlete's outcome (by name), the files read and the seconds it took."""

    dataset: Path
    athletes: list[AthleteBuilt]
    files: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return sum(a.result.failed for a in self.athletes) + sum(a.error is not None for a in self.athletes)

    @property
    def sessions(self) -> int:
        return sum(a.sessions for a in self.athletes)

    def as_json(self) -> dict[str, Any]:
        return {"dataset": str(self.dataset), "files": self.files, "sessions": self.sessions,
                "failed": self.failed, "seconds": round(self.seconds, 3),
                "athletes": {a.athlete: a.as_json() for a in self.athletes}}


def _files_of(person: AthleteFiles, listed: list[FileResult]) -> list[Path]:
    """The athlete's files in the order an import walks them, each once."""
    files: list[Path] = []
    seen: set[Path] = set()
    for path in person.paths:
        try:
            is_dir = path.is_dir()
        except OSError:
            is_dir = False
        for f in folder_files(path, listed) if is_dir else [path]:
            try:
                real = f.resolve()
            except OSError:
                real = f
            if real not in seen:
                seen.add(real)
                files.append(f)
    return files


def _describe_error(err: BaseException) -> str:
    if type(err).__name__ == "KilledWorker":
        return "not built: the workers running it died (out of memory?); run the build again"
    return f"not built: {type(err).__name__}: {err}"


def build(root: str | Path, out: str | Path, *, client: Client, strict: bool = False,
          limits: Limits = DEFAULT_LIMITS, on_progress: Progress | None = None, now: datetime | None = None
          ) -> BuildResult:
    """Build (or bring up to date) the dataset at `out` from the athletes under `root` on `client`'s cluster.

    ConfigError when `root` names no athlete; WriteError when `out` cannot be made. A task that fails
    (a worker that keeps dying) is that athlete's error; the others are built.
    """
    from distributed import as_completed

    started = time.perf_counter()
    root, out = Path(root), Path(out)
    people = athletes_of(root)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise WriteError(f"cannot make the dataset folder {shown(out)} ({err.strerror}); choose another --out") \
            from None
    dataset.clean(out)
    existing = dataset.partitions(out)
    now = now or datetime.now(UTC)
    labels: dict[Any, str] = {}
    finals: dict[str, Any] = {}
    pending = as_completed()
    n_files = 0
    for person in people:
        listed: list[FileResult] = []
        files = _files_of(person, listed)
        n_files += len(files)
        known = frozenset(dataset.known_files(existing[person.athlete])) if person.athlete in existing else frozenset()
        parts = [client.submit(parse_path, str(f), known, strict, limits, pure=False) for f in files]
        for fut, f in zip(parts, files, strict=True):
            labels[fut.key] = str(f)
            pending.add(fut)
        final = client.submit(write_athlete, str(out), person.athlete, parts, now, listed, pure=False)
        labels[final.key] = person.athlete
        finals[person.athlete] = final
        pending.add(final)
        del parts
    total = pending.count()
    for done, fut in enumerate(pending, start=1):
        if on_progress is not None:
            on_progress(done, total, labels.pop(fut.key, ""))
    built = []
    for name, fut in finals.items():
        try:
            built.append(fut.result())
        except Exception as err:  # a task that failed on every try: this athlete is not built, the others are
            built.append(AthleteBuilt(name, error=_describe_error(err)))
    return BuildResult(out, built, n_files, time.perf_counter() - started)


__all__ = ["AthleteBuilt", "AthleteFiles", "BuildResult", "ParsedPath", "athletes_of", "build", "parse_path",
           "write_athlete"]
