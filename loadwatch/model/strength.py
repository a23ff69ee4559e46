"""Strength and back care: the exercise catalog (package data), progression and weekly scheduling.

The catalog is data (`loadwatch/data/exercises.json`): each exercise with its muscles, level, cues,
easier/harder neighbours, dose (reps or a hold in seconds), which back complaints it suits and
whether it should not come right before a run. The rules (runner back-care advice; WHO 2020 for
the frequency):
- start at the top of the progression ladder with its first SESSION_SIZE exercises, slowly and
  without pain, SETS sets of 8-12 reps (holds: SETS timed holds);
- an exercise done at the top of its dose (3x12, or the top hold time) without pain on
  TOP_SESSIONS different days moves on to the next harder exercise not already in the session;
  one that hurt goes back to the nearest easier one not in the session;
- upper-back pain adds wall lateral pull-downs and the Superman pull, with a form cue;
- two sessions a week (WHO 2020: muscle strengthening on 2 or more days), on rest or easy days,
  at least 48 h apart, never the day before the long run, and after (not before) a run that day.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from itertools import combinations, pairwise
from typing import Any

import pandas as pd

from ..errors import ConfigError
from ..models import StrengthChange

SETS = 3
SESSION_SIZE = 4
TOP_SESSIONS = 2  # pain-free sessions at the top of the dose before moving on
REPS_STEP = 2  # reps added per session until the top of the range
HOLD_STEP_S = 5  # seconds added per session until the top hold
SESSIONS_PER_WEEK = 2  # WHO 2020 guidelines: muscle-strengthening activities on 2 or more days a week
MIN_GAP_DAYS = 2  # 48 h between strength sessions
MAX_SETS, MAX_REPS, MAX_HOLD_S = 10, 100, 600


@dataclass(frozen=True, slots=True)
class Exercise:
    """One catalog entry. dose_kind is "reps" (per set) or "hold_s" (seconds per hold)."""

    id: str
    name: str
    muscles: tuple[str, ...]
    level: int
    group: str
    per_side: bool
    dose_kind: str
    dose_min: int
    dose_max: int
    back: tuple[str, ...]
    not_before_run: bool
    easier: str | None
    harder: str | None
    cues: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "muscles": list(self.muscles), "level": self.level,
                "group": self.group, "per_side": self.per_side,
                "dose": {"kind": self.dose_kind, "min": self.dose_min, "max": self.dose_max},
                "back": list(self.back), "not_before_run": self.not_before_run, "easier": self.easier,
                "harder": self.harder, "cues": list(self.cues)}


@dataclass(frozen=True, slots=True)
class Catalog:
    """The exercises by id, the progression ladder, the upper-back additions and the stretches."""

    exercises: dict[str, Exercise]
    progression: tuple[str, ...]
    upper_back: tuple[str, ...]
    upper_back_cue: str
    flexibility: tuple[str, ...]

    def __getitem__(self, exercise_id: str) -> Exercise:
        return self.exercises[exercise_id]

    def find(self, text: str) -> Exercise:
        """The exercise named `text` (id or name, any case, spaces/dashes/underscores alike).

        Raises ConfigError naming the closest matches (difflib) when nothing matches.
        """
        key = _normalise(text)
        for ex in self.exercises.values():
            if key in (_normalise(ex.id), _normalise(ex.name)):
                return ex
        names = {_normalise(ex.name): ex.id for ex in self.exercises.values()}
        names.update({_normalise(ex.id): ex.id for ex in self.exercises.values()})
        close = difflib.get_close_matches(key, list(names), n=5, cutoff=0.5)
        ids = list(dict.fromkeys(names[c] for c in close))[:3]
        hint = f"did you mean {', '.join(ids)}?" if ids else "see the catalog: loadwatch plan --exercises"
        raise ConfigError(f"unknown exercise {text!r}; {hint}")


def _normalise(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", re.sub(r"[()&.,']", " ", text.lower())).strip()


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """Read and check the packaged catalog (neighbour ids must exist)."""
    raw = json.loads(resources.files("loadwatch").joinpath("data/exercises.json").read_text(encoding="utf-8"))
    exercises: dict[str, Exercise] = {}
    for item in raw["exercises"]:
        dose = item["dose"]
        exercises[item["id"]] = Exercise(
            id=item["id"], name=item["name"], muscles=tuple(item["muscles"]), level=int(item["level"]),
            group=item["group"], per_side=bool(item["per_side"]), dose_kind=dose["kind"],
            dose_min=int(dose["min"]), dose_max=int(dose["max"]), back=tuple(item["back"]),
            not_before_run=bool(item["not_before_run"]), easier=item["easier"], harder=item["harder"],
            cues=tuple(item["cues"]))
    for ex in exercises.values():
        for neighbour in (ex.easier, ex.harder):
            if neighbour is not None and neighbour not in exercises:
                raise ConfigError(f"exercise catalog: {ex.id} names unknown neighbour {neighbour}")
    return Catalog(exercises, tuple(raw["progression"]), tuple(raw["upper_back"]), raw["upper_back_cue"],
                   tuple(raw["flexibility"]))


# -- what was done -----------------------------------------------------------------------------
_DOSE = re.compile(r"^\s*(\d{1,3})\s*[xX×*]\s*(\d{1,4})\s*(s|sec|secs|seconds)?\s*$")


def parse_dose(text: str) -> tuple[int, int | None, int | None]:
    """'3x12' -> (3, 12, None); '3x30s' -> (3, None, 30). Raises ConfigError on anything else."""
    match = _DOSE.match(text)
    if not match:
        raise ConfigError(f"{text!r} is not SETSxREPS; write it like 3x12 (3 sets of 12) or 3x30s "
                          "(3 holds of 30 seconds)")
    sets, amount = int(match.group(1)), int(match.group(2))
    held = match.group(3) is not None
    if not 1 <= sets <= MAX_SETS:
        raise ConfigError(f"{text!r}: sets must be 1 to {MAX_SETS}")
    if held and not 1 <= amount <= MAX_HOLD_S:
        raise ConfigError(f"{text!r}: a hold must be 1 to {MAX_HOLD_S} seconds")
    if not held and not 1 <= amount <= MAX_REPS:
        raise ConfigError(f"{text!r}: reps must be 1 to {MAX_REPS}")
    return (sets, None, amount) if held else (sets, amount, None)


def strength_payload(exercise: Exercise, dose: str, *, pain: bool = False, rpe: float | None = None,
                     minutes: float | None = None) -> dict[str, Any]:
    """The `logs` payload of kind "strength". With rpe and minutes, the session has an sRPE load
    (Foster 2001: rpe x minutes) the load model can count."""
    sets, reps, hold_s = parse_dose(dose)
    if rpe is not None and not 0 <= rpe <= 10:
        raise ConfigError(f"RPE {rpe:g} is outside the CR-10 scale; give 0 to 10")
    if minutes is not None and not 0 < minutes <= 300:
        raise ConfigError(f"{minutes:g} minutes is not a plausible strength session; give 1 to 300")
    if rpe is not None and minutes is None:
        raise ConfigError("an RPE needs the session's length too: add --minutes M")
    payload: dict[str, Any] = {"exercise": exercise.id, "sets": sets, "pain": bool(pain)}
    if hold_s is not None:
        payload["hold_s"] = hold_s
    else:
        payload["reps"] = reps
    if rpe is not None:
        payload["rpe"] = float(rpe)
        payload["minutes"] = float(minutes) if minutes is not None else None
        payload["load_srpe"] = float(rpe) * float(minutes or 0)
    return payload


# -- progression -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Prescription:
    """One exercise of a session: SETS x reps, or SETS holds of hold_s seconds (per side if per_side)."""

    exercise: Exercise
    sets: int
    reps: int | None = None
    hold_s: int | None = None
    note: str = ""

    def dose_text(self) -> str:
        side = " each side" if self.exercise.per_side else ""
        if self.hold_s is not None:
            return f"{self.sets} x {self.hold_s} s hold{side}"
        return f"{self.sets} x {self.reps}{side}"

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"exercise": self.exercise.id, "name": self.exercise.name, "sets": self.sets}
        if self.hold_s is not None:
            out["hold_s"] = self.hold_s
        else:
            out["reps"] = self.reps
        out.update({"per_side": self.exercise.per_side, "cues": list(self.exercise.cues),
                    "not_before_run": self.exercise.not_before_run, "note": self.note})
        return out


@dataclass(frozen=True, slots=True)
class StrengthState:
    """Where the progression stands: the session's exercises with their next dose, what changed
    (oldest first) and notes (form cues)."""

    session: list[Prescription]
    changes: list[StrengthChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def hard_core(self) -> bool:
        return any(p.exercise.not_before_run for p in self.session)


def _walk(catalog: Catalog, start: str, direction: str, taken: set[str], avoid: set[str]) -> str | None:
    """The nearest exercise along easier/harder links not in `taken` or `avoid`."""
    seen: set[str] = {start}
    current = getattr(catalog[start], direction)
    while current is not None and current not in seen:
        if current not in taken and current not in avoid:
            return current
        seen.add(current)
        current = getattr(catalog[current], direction)
    return None


def _strength_rows(logs: pd.DataFrame, as_of: date | None) -> list[tuple[date, dict[str, Any]]]:
    if logs is None or logs.empty:
        return []
    rows = logs[logs["kind"] == "strength"]
    if as_of is not None:
        rows = rows[pd.to_datetime(rows["day"]) <= pd.Timestamp(as_of)]
    return list(zip(rows["day"], rows["payload"], strict=True))


def progression(logs: pd.DataFrame, *, as_of: date | None = None, upper_back: bool = False,
                catalog: Catalog | None = None) -> StrengthState:
    """Replay the strength logs (kind "strength", payload exercise/sets/reps|hold_s/pain) up to
    `as_of` and return the next session. Pure: the same logs give the same session."""
    cat = catalog or load_catalog()
    session = list(cat.progression[:SESSION_SIZE])
    top_days: dict[str, set[date]] = {}
    last: dict[str, tuple[int, bool]] = {}  # exercise -> (last amount, hurt)
    hurt: set[str] = set()
    changes: list[StrengthChange] = []
    for day, payload in _strength_rows(logs, as_of):
        ex_id = payload.get("exercise")
        if ex_id not in cat.exercises:
            continue
        ex = cat[ex_id]
        amount = payload.get("hold_s") if ex.dose_kind == "hold_s" else payload.get("reps")
        amount = int(amount or 0)
        pain = bool(payload.get("pain", False))
        last[ex_id] = (amount, pain)
        if pain:
            hurt.add(ex_id)
            top_days.pop(ex_id, None)
        else:
            hurt.discard(ex_id)
        if ex_id not in session:
            continue
        slot = session.index(ex_id)
        if pain:
            easier = _walk(cat, ex_id, "easier", set(session), hurt)
            if easier is not None:
                session[slot] = easier
                changes.append(StrengthChange(day, ex.name, "easier", cat[easier].name))
            else:
                changes.append(StrengthChange(day, ex.name, "stuck"))
            continue
        if int(payload.get("sets", 0)) >= SETS and amount >= ex.dose_max:
            top_days.setdefault(ex_id, set()).add(day)
            if len(top_days[ex_id]) >= TOP_SESSIONS:
                harder = _walk(cat, ex_id, "harder", set(session), hurt)
                if harder is not None:
                    session[slot] = harder
                    top_days.pop(ex_id)
                    unit = f"{SETS}x{ex.dose_max}" + ("s" if ex.dose_kind == "hold_s" else "")
                    changes.append(StrengthChange(day, ex.name, "harder", cat[harder].name, unit))
    extra: list[str] = []
    notes: list[str] = []
    if upper_back:
        extra = [ex_id for ex_id in cat.upper_back if ex_id not in session]
        notes.append(cat.upper_back_cue)
    plan = [_prescribe(cat[ex_id], last.get(ex_id)) for ex_id in session + extra]
    return StrengthState(plan, changes, notes)


def _prescribe(ex: Exercise, last: tuple[int, bool] | None) -> Prescription:
    """The next dose: the bottom of the range at first or after pain, then +2 reps / +5 s a session."""
    step = HOLD_STEP_S if ex.dose_kind == "hold_s" else REPS_STEP
    if last is None:
        amount, note = ex.dose_min, "new: slowly, without pain"
    elif last[1]:
        amount, note = ex.dose_min, "it hurt last time: gently, stop if it hurts"
    else:
        amount, note = min(ex.dose_max, max(ex.dose_min, last[0] + step)), ""
    if ex.dose_kind == "hold_s":
        return Prescription(ex, SETS, hold_s=amount, note=note)
    return Prescription(ex, SETS, reps=amount, note=note)


def flexibility(catalog: Catalog | None = None) -> list[Prescription]:
    """The daily stretches, each at the bottom of its dose (gentle)."""
    cat = catalog or load_catalog()
    return [replace(_prescribe(cat[ex_id], None), sets=1, note="gently, any time") for ex_id in cat.flexibility]


# -- scheduling --------------------------------------------------------------------------------
def schedule(kinds: list[str], *, sessions: int = SESSIONS_PER_WEEK, last_session_offset: int | None = None
             ) -> list[int]:
    """Pick the strength days of a week: indexes into `kinds` ("rest" | "easy" | "long" | other).

    Allowed: rest or easy days that are not the day before a long run, at least MIN_GAP_DAYS apart
    (also from a session `last_session_offset` days before day 0, e.g. -1 = the day before).
    Preferred: rest days over easy days, then even spacing (3-4 days for two), then the earliest. Returns fewer
    days when the week has no room.
    """
    n = len(kinds)
    allowed = [
        i for i, kind in enumerate(kinds)
        if kind in ("rest", "easy") and not (i + 1 < n and kinds[i + 1] == "long")
        and (last_session_offset is None or i - last_session_offset >= MIN_GAP_DAYS)
    ]
    for count in range(min(sessions, len(allowed)), 0, -1):
        best: tuple[Any, ...] | None = None
        for combo in combinations(allowed, count):
            gaps = [b - a for a, b in pairwise(combo)]
            if any(gap < MIN_GAP_DAYS for gap in gaps):
                continue
            rest = sum(kinds[i] == "rest" for i in combo)
            evenness = -sum(abs(gap - n / count) for gap in gaps)  # 2 a week: 3-4 days apart
            score = (rest, evenness, [-i for i in combo])
            if best is None or score > best[0]:
                best = (score, combo)
        if best is not None:
            return list(best[1])
    return []


__all__ = ["Catalog", "Exercise", "Prescription", "StrengthState", "flexibility", "load_catalog", "parse_dose",
           "progression", "schedule", "strength_payload"]
