"""What the athlete enters by hand (RPE and pain logs), checked before anything is stored.

Every check happens before the first write, so a bad value raises `ConfigError` (one sentence: what is
wrong, what to do) and leaves the store unchanged. The store stores; this module decides what is valid.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any

from .. import plausible
from ..errors import ConfigError
from ..models import PAIN_WHERE

if TYPE_CHECKING:
    import pandas as pd

RPE_RANGE = (0.0, 10.0)  # Foster's CR-10 scale (Foster et al. 2001)
PAIN_RANGE = (0, 10)


def parse_day(text: str | date, *, today: date, what: str = "date") -> date:
    """A YYYY-MM-DD day that is not in the future."""
    if isinstance(text, date):
        day = text
    else:
        try:
            day = date.fromisoformat(str(text).strip())
        except ValueError as err:
            raise ConfigError(f"{what} {text!r} is not a date; use YYYY-MM-DD") from err
    if day < plausible.EARLIEST_DAY:
        raise ConfigError(f"{what} {day.isoformat()} is before {plausible.EARLIEST_DAY.isoformat()}; check the year")
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


def check_pain(*, day: str | date | None, where: str, level: str | int, radiates: bool, numbness: bool,
               today: date) -> tuple[date, dict[str, Any]]:
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


__all__ = ["PAIN_RANGE", "RPE_RANGE", "check_pain", "check_rpe", "parse_day", "resolve_session"]
