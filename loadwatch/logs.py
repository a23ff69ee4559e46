"""What the athlete enters by hand: RPE and pain logs and profile settings, checked before anything is stored.

Every check happens before the first write, so a bad value raises `ConfigError` (one sentence: what is
wrong, what to do) and leaves the store unchanged. The store stores; this module decides what is valid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from .config import Profile, load_profile
from .errors import ConfigError

PAIN_WHERE = ("lower", "upper", "other")
RPE_RANGE = (0.0, 10.0)  # Foster's CR-10 scale (Foster et al. 2001)
PAIN_RANGE = (0, 10)


@dataclass(frozen=True, slots=True)
class RpeEntry:
    """A checked RPE log: the session it belongs to, its local day and the CR-10 value."""

    session_id: int
    day: date
    rpe: float


def parse_day(text: str | date, *, today: date, what: str = "date") -> date:
    """A YYYY-MM-DD day that is not in the future."""
    if isinstance(text, date):
        day = text
    else:
        try:
            day = date.fromisoformat(str(text).strip())
        except ValueError as err:
            raise ConfigError(f"{what} {text!r} is not a date; use YYYY-MM-DD") from err
    if day > today:
        raise ConfigError(f"{what} {day.isoformat()} is in the future (today is {today.isoformat()});"
                          " log only what already happened")
    return day


def check_rpe(value: str | float) -> float:
    """A session RPE on Foster's CR-10 scale: 0 (rest) to 10 (maximal), decimals allowed."""
    try:
        rpe = float(value)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"RPE {value!r} is not a number; give 0-10 (CR-10 scale: 3 easy, 5 hard, 10 maximal)") \
            from err
    if not math.isfinite(rpe) or not RPE_RANGE[0] <= rpe <= RPE_RANGE[1]:
        raise ConfigError(f"RPE {value} is outside 0-10; loadwatch uses the CR-10 scale (3 easy, 5 hard,"
                          " 10 maximal), not the 6-20 Borg scale")
    return rpe


def resolve_session(sessions: pd.DataFrame, ref: str, *, today: date) -> tuple[int, date]:
    """The session meant by `ref`: a session id, or a YYYY-MM-DD day with exactly one session."""
    text = str(ref).strip()
    if text.isdigit():
        match = sessions[sessions["id"] == int(text)]
        if match.empty:
            raise ConfigError(f"no session with id {text}; list them with: loadwatch sessions")
        row = match.iloc[0]
        return int(row["id"]), row["day"]
    day = parse_day(text, today=today, what="session date")
    match = sessions[sessions["day"] == day]
    if match.empty:
        raise ConfigError(f"no session on {day.isoformat()}; list them with: loadwatch sessions")
    if len(match) > 1:
        listing = "; ".join(
            f"{int(r.id)} ({r.sport}, {r.local_start:%H:%M}, {r.duration_s / 60:.0f} min)" for r in match.itertuples()
        )
        raise ConfigError(f"{len(match)} sessions on {day.isoformat()}: {listing}; give the session id instead"
                          " of the date")
    return int(match.iloc[0]["id"]), day


def log_rpe(store: Any, athlete: str, ref: str, rpe: str | float, *, today: date) -> RpeEntry:
    """Check, then set the session's RPE and add an `rpe` log {session_id, rpe} on its day."""
    value = check_rpe(rpe)
    session_id, day = resolve_session(store.sessions(athlete), ref, today=today)
    store.set_session_rpe(session_id, value)
    store.add_log(athlete, day, "rpe", {"session_id": session_id, "rpe": value})
    return RpeEntry(session_id, day, value)


def check_pain(*, day: str | date | None, where: str, level: str | int, radiates: bool, numbness: bool,
               today: date) -> tuple[date, dict[str, object]]:
    """A pain log: (day, payload {where, level, radiates, numbness})."""
    when = today if day is None else parse_day(day, today=today, what="pain date")
    if where not in PAIN_WHERE:
        raise ConfigError(f"pain location {where!r} is not one of {', '.join(PAIN_WHERE)}")
    try:
        lvl = float(level)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"pain level {level!r} is not a number; give 0 (none) to 10 (worst)") from err
    if not lvl.is_integer() or not PAIN_RANGE[0] <= lvl <= PAIN_RANGE[1]:
        raise ConfigError(f"pain level {level} is outside 0-10; give a whole number, 0 (none) to 10 (worst)")
    return when, {"where": where, "level": int(lvl), "radiates": bool(radiates), "numbness": bool(numbness)}


def log_pain(store: Any, athlete: str, *, day: str | date | None, where: str, level: str | int,
             radiates: bool = False, numbness: bool = False, today: date) -> tuple[int, date, dict[str, object]]:
    """Check and store a `pain` log; returns (log id, day, payload)."""
    when, payload = check_pain(day=day, where=where, level=level, radiates=radiates, numbness=numbness,
                               today=today)
    return store.add_log(athlete, when, "pain", payload), when, payload


def parse_assignments(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """KEY=VALUE strings -> a dict (a later KEY wins)."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{pair!r} is not KEY=VALUE; e.g. --set hr_max_bpm=188")
        values[key.strip()] = value.strip()
    return values


def update_profile(store: Any, athlete: str, pairs: tuple[str, ...] | list[str]) -> Profile:
    """Validate every KEY=VALUE with `Profile.with_values` first, then store them ("none" clears one)."""
    values = parse_assignments(pairs)
    current = load_profile(store, athlete)
    updated = current.with_values(values)
    if updated.hr_max_bpm is not None and updated.hr_rest_bpm is not None \
            and updated.hr_max_bpm <= updated.hr_rest_bpm + 20:
        raise ConfigError(f"hr_max_bpm {updated.hr_max_bpm:g} must be well above hr_rest_bpm"
                          f" {updated.hr_rest_bpm:g}")
    for key in values:
        store.set_profile(athlete, key, getattr(updated, key))
    return updated


__all__ = ["RpeEntry", "check_pain", "check_rpe", "log_pain", "log_rpe", "parse_assignments", "parse_day",
           "resolve_session", "update_profile"]
