"""The bundled demo athlete: import its device files into a store and apply its logs, as a user would.

The files are `sample_data/devices/` (Garmin FIT runs and monitoring, an Apple Health export.xml) and
`sample_data/logs.json` (RPE, strength and pain entries; schema in `sample_data/README.md`). In a
checkout they live in `sample_data/`; an installed wheel carries them as `loadwatch/sample_data/`
(pyproject maps the folder into the package). The story and its planted numbers are in that README:
20 weeks from Mon 2026-06-29 to Sun 2026-11-15, a +38 % ramp week, a 21 km run 40 % longer than the
longest of the 30 days before, then four days of lower-back pain.

Logs go through the same checks as `loadwatch log ...` (`logs.log_rpe`, `logs.log_pain`,
`strength.strength_payload`), with "today" = the demo's last day so none is refused as "in the future".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .errors import ConfigError, StoreError
from .ingest import import_paths
from .logs import log_pain, log_rpe, parse_day, update_profile
from .models import ImportResult
from .store import Store
from .strength import load_catalog, strength_payload

FIRST_DAY = date(2026, 6, 29)  # Monday of ISO week 27
LAST_DAY = date(2026, 11, 15)  # Sunday of ISO week 46: the demo's "today"
LOG_KINDS = ("rpe", "pain", "strength")
# The athlete's profile as sample_data/README.md states it (the Apple export's <Me> holds sex and birth
# date); set as `loadwatch profile --set` would, so TRIMP uses the real HRmax/HRrest, not estimates.
PROFILE = ("hr_max_bpm=186", "hr_rest_bpm=52", "sex=male", "birth_year=1987")
_WHERE = {"lower back": "lower", "upper back": "upper"}  # logs.json wording -> `log pain --where`

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class DemoFiles:
    """Where the demo's inputs are: `devices` (the folder to import) and `logs` (logs.json)."""

    devices: Path
    logs: Path


@dataclass(frozen=True, slots=True)
class AppliedLogs:
    """How many log entries of each kind were added (`skipped`: already in the store, identical)."""

    rpe: int = 0
    pain: int = 0
    strength: int = 0
    skipped: int = 0

    @property
    def added(self) -> int:
        return self.rpe + self.pain + self.strength


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What `import_demo` did: the import result of the device files and the logs applied."""

    imported: ImportResult
    logs: AppliedLogs


def demo_files() -> DemoFiles:
    """The demo's files: packaged beside the code in a wheel, else `sample_data/` of the checkout."""
    here = Path(__file__).resolve().parent
    for root in (here / "sample_data", here.parent / "sample_data"):
        if (root / "devices").is_dir() and (root / "logs.json").is_file():
            return DemoFiles(root / "devices", root / "logs.json")
    raise ConfigError("the demo athlete's files are missing from this installation (sample_data/devices and "
                      "logs.json); reinstall loadwatch from a wheel or run it from a source checkout")


def read_logs(path: Path) -> list[dict[str, Any]]:
    """logs.json: a list of {"kind", "day", ...payload}; ConfigError if it is not that."""
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ConfigError(f"cannot read the demo logs {path} ({err}); reinstall loadwatch") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and e.get("kind") in LOG_KINDS and "day" in e
                                                for e in entries):
        raise ConfigError(f"{path} is not a list of rpe/pain/strength entries with a day; reinstall loadwatch")
    return entries


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_demo_store(store: Store, devices: Path) -> None:
    """Refuse a store that holds anything but the demo's own files: the demo must not mix into real data."""
    stored = set(store.sources()["sha256"])
    if not stored:
        return
    demo = {_sha256(p) for p in devices.rglob("*") if p.is_file()}
    if stored - demo:
        raise StoreError(f"{store.path} already holds other imports; the demo needs a new or demo-only store:"
                         " give --db with a new file, or leave --db out for a temporary one")


def _logged(store: Store, athlete: str) -> set[tuple[str, str, str]]:
    logs = store.logs(athlete)
    return {(d.isoformat(), k, json.dumps(p, sort_keys=True))
            for d, k, p in zip(logs["day"], logs["kind"], logs["payload"], strict=True)}


def apply_logs(store: Store, athlete: str, entries: list[dict[str, Any]], *, today: date = LAST_DAY) -> AppliedLogs:
    """Add the entries through the validated writers, as `loadwatch log rpe|pain|strength` would.

    An entry already stored identically (same day, kind and payload) is skipped, so running the demo
    twice on one store does not double its logs. Raises ConfigError on an invalid entry.
    """
    catalog = load_catalog()
    seen = _logged(store, athlete)
    counts = dict.fromkeys(LOG_KINDS, 0)
    skipped = 0
    for entry in entries:
        kind, day = entry["kind"], parse_day(entry["day"], today=today, what=f"demo {entry['kind']} date")
        if kind == "rpe":
            if any(k == "rpe" and d == day.isoformat() for d, k, _ in seen):
                skipped += 1
                continue
            log_rpe(store, athlete, day.isoformat(), entry["rpe"], today=today)
        elif kind == "pain":
            where = _WHERE.get(entry["where"], entry["where"])
            payload = {"where": where, "level": entry["level"], "radiates": bool(entry["radiates"]),
                       "numbness": bool(entry["numbness"])}
            if (day.isoformat(), "pain", json.dumps(payload, sort_keys=True)) in seen:
                skipped += 1
                continue
            log_pain(store, athlete, day=day, where=where, level=entry["level"], radiates=entry["radiates"],
                     numbness=entry["numbness"], today=today)
        else:
            exercise = catalog.find(entry["exercise"])
            payload = strength_payload(exercise, f"{entry['sets']}x{entry['reps']}", pain=not entry["pain_free"])
            key = (day.isoformat(), "strength", json.dumps(payload, sort_keys=True))
            if key in seen:
                skipped += 1
                continue
            store.add_log(athlete, day, "strength", payload)
            seen.add(key)
        counts[kind] += 1
    return AppliedLogs(counts["rpe"], counts["pain"], counts["strength"], skipped)


def import_demo(store: Store, athlete: str = "me", *, on_progress: Progress | None = None) -> DemoResult:
    """Import the demo's device files into `store` for `athlete`, set its profile (`PROFILE`) and apply
    its logs.

    Refuses (StoreError) a store holding other imports. Importing into a store that already holds the
    demo is a no-op (files already imported, identical logs skipped).
    """
    files = demo_files()
    check_demo_store(store, files.devices)
    entries = read_logs(files.logs)
    result = import_paths(store, [files.devices], athlete=athlete, on_progress=on_progress)
    update_profile(store, athlete, PROFILE)
    return DemoResult(result, apply_logs(store, athlete, entries, today=LAST_DAY))


__all__ = ["FIRST_DAY", "LAST_DAY", "PROFILE", "AppliedLogs", "DemoFiles", "DemoResult", "apply_logs",
           "check_demo_store", "demo_files", "import_demo", "read_logs"]
