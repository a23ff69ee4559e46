"""The athlete profile and every threshold, with documented defaults; stored in the `profile` table.

Each threshold names its source; change one with `loadwatch profile --set KEY=VALUE`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from .errors import ConfigError

HR_RESERVE_MIN_BPM = 20  # HRmax must be more than this above HRrest for a heart-rate reserve to mean anything
# What a session's load can rest on, in the default order of preference (issue 14): heart rate (Banister TRIMP),
# power, grade-adjusted pace, the watch's or the user's RPE, duration.
LOAD_SOURCES = ("hr", "power", "pace", "rpe", "duration")


def hr_reserve_too_small(hr_max_bpm: float, hr_rest_bpm: float) -> bool:
    """True when HRmax is not well above HRrest (the one check, for set and for estimated values)."""
    return hr_max_bpm <= hr_rest_bpm + HR_RESERVE_MIN_BPM


@dataclass(frozen=True, slots=True)
class Profile:
    """Who the athlete is and how cautious loadwatch should be. Units in the names."""

    hr_max_bpm: float | None = None  # None: estimated from the data (highest max HR seen), and said so
    hr_rest_bpm: float | None = None  # None: estimated (low percentile of session minimum HR), or 60
    sex: str | None = None  # "male" | "female": Banister TRIMP coefficient (0.64/1.92 vs 0.86/1.67)
    birth_year: int | None = None  # step-goal ceiling: 10k/day under 60, 8k from 60 (Paluch 2022)
    margin: float = 0.10  # "a little less than your head would like": suggestion = lowest ceiling x (1 - margin)
    ramp_caution: float = 0.10  # weekly ramp flagged caution above this (Nielsen 2014 groups: <10, 10-30, >30 %)
    ramp_high: float = 0.30  # weekly ramp flagged high above this (Nielsen 2014: >30 % over 2 weeks, HR 1.59)
    long_run_cap: float = 1.10  # next long run <= this x the 30-day longest (Frandsen 2025)
    acwr_low: float = 0.8  # Gabbett 2016 "sweet spot" 0.8-1.3, shown as context only
    acwr_high: float = 1.3
    acwr_danger: float = 1.5
    form_low: float = -30.0  # TSB below this: high risk zone (intervals.icu form zones)
    monotony_high: float = 2.0  # Foster 1998 monotony; > 2 too high (fellrnr)
    pain_recent_days: int = 7  # pain logged within this many days: easy runs only, no increase
    pain_doctor_days: int = 14  # pain logged on days spanning more than this: see a doctor
    step_percentile: float = 60.0  # step goal = this percentile of the last step_window_days
    step_window_days: int = 9  # Adams et al. 2013/2017 adaptive goals (9-day window)
    step_weekly_rise: float = 0.10  # a goal is at most (1 + this) x the goal a week before
    step_ceiling_under_60: int = 10_000  # Paluch et al., Lancet Public Health 2022
    step_ceiling_60_plus: int = 8_000
    # IANA name (e.g. "Europe/Ljubljana"): the local day of GPX/TCX sessions, whose files carry UTC only.
    # None: the offset of the nearest session whose file stored one (FIT, Apple Health), else UTC.
    time_zone: str | None = None
    # Thresholds of the pace and power loads (`model.thresholds`); None: estimated as of each day from your best
    # efforts of the last 90 days (two-parameter critical speed / power model), and said so.
    critical_speed_m_s: float | None = None  # grade-adjusted running speed at the threshold (4.0 = 4:10 /km)
    critical_power_w: float | None = None  # running power (native FIT power, Stryd)
    critical_power_bike_w: float | None = None  # cycling power (any sport naming cycl, bik or rid)
    # Which source a session's load rests on, first available wins (`model.load.session_loads`): comma-separated
    # names of LOAD_SOURCES; those not named follow in the default order, duration is always the last resort.
    load_priority: str = "hr,power,pace,rpe,duration"
    load_priority_running: str | None = None  # None: load_priority (for any sport naming 'run')
    load_priority_cycling: str | None = None  # None: load_priority

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def with_values(self, values: dict[str, str]) -> Profile:
        """A copy with string values (from the store or the command line) parsed and checked."""
        changes: dict[str, Any] = {}
        for key, raw in values.items():
            changes[key] = _parse(key, raw)
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class ProfileView:
    """An athlete's profile and which of its values were set (the others are defaults)."""

    athlete: str
    profile: Profile
    stored: frozenset[str]
    # the thresholds the data give as of a day (`model.thresholds.estimates`), each as JSON: {"value", "as_of",
    # "from" (what it rests on, in words), "source" (profile | data | default | none), "n", "first", "last"}
    estimates: dict[str, dict[str, Any]] = field(default_factory=dict)

    def origin(self, key: str) -> str:
        """"set", "default" (the documented default) or "" (estimated or unset)."""
        value = getattr(self.profile, key)
        return "set" if key in self.stored else "default" if value == getattr(Profile(), key) else ""

    def as_json(self) -> dict[str, Any]:
        values = asdict(self.profile)
        return {"athlete": self.athlete, "profile": values, "set": sorted(self.stored & set(values)),
                "estimates": self.estimates}


_TYPES = {f.name: f.type for f in fields(Profile)}
SIGNED_KEYS = frozenset({"form_low"})  # the only setting that is negative by nature
# Plausible ranges: a typo (HRmax 250, a margin of 10 instead of 0.10) is refused, not stored.
# Heart rates: the highest recorded human maxima are near 220-230 bpm; trained resting HR can be ~30.
RANGES: dict[str, tuple[float, float]] = {
    "hr_max_bpm": (120, 230),
    "hr_rest_bpm": (25, 110),
    "birth_year": (1900, 2025),
    "margin": (0, 0.5),
    "ramp_caution": (0, 1),
    "ramp_high": (0, 2),
    "long_run_cap": (1, 2),
    "acwr_low": (0, 2),
    "acwr_high": (0.5, 3),
    "acwr_danger": (0.5, 4),
    "form_low": (-200, 0),
    "monotony_high": (1, 10),
    "pain_recent_days": (1, 60),
    "pain_doctor_days": (1, 365),
    "step_percentile": (1, 99),
    "step_window_days": (3, 60),
    "step_weekly_rise": (0, 0.5),
    "step_ceiling_under_60": (1000, 50_000),
    "step_ceiling_60_plus": (1000, 50_000),
    "critical_speed_m_s": (1.0, 7.0),  # 16:40 to 2:23 per km; the world's best hold ~6.3 m/s for 10 km
    "critical_power_w": (50, 700),
    "critical_power_bike_w": (50, 700),
}
PRIORITY_KEYS = frozenset({"load_priority", "load_priority_running", "load_priority_cycling"})


def load_order(text: str | None, default: str = ",".join(LOAD_SOURCES)) -> tuple[str, ...]:
    """A load priority ("pace,hr") as the full order: the named sources first, then the others in the default
    order, "duration" last (it is always available). ValueError on an unknown or repeated name."""
    names = [n.strip() for n in (text or default).split(",") if n.strip()]
    unknown = [n for n in names if n not in LOAD_SOURCES]
    if unknown:
        raise ValueError(f"unknown load source {unknown[0]!r}; choose from {', '.join(LOAD_SOURCES)}")
    if len(set(names)) != len(names):
        raise ValueError("a load source is named twice")
    base = [n for n in default.split(",") if n in LOAD_SOURCES] + list(LOAD_SOURCES)
    order = [n for n in dict.fromkeys(names + base) if n != "duration"]
    return (*order, "duration")


def _parse(key: str, raw: str) -> Any:
    if key not in _TYPES:
        raise ConfigError(f"unknown profile setting {key!r}; known: {', '.join(Profile.keys())}")
    kind = str(_TYPES[key])
    if raw in ("", "none", "None"):
        if "None" in kind:
            return None
        raise ConfigError(f"{key} needs a value")
    try:
        if kind.startswith("str"):
            if key == "sex" and raw not in ("male", "female"):
                raise ValueError("male or female")
            if key == "time_zone":
                return _time_zone(raw)
            if key in PRIORITY_KEYS:
                return ",".join(load_order(raw, ",".join(LOAD_SOURCES)))
            return raw
        value: float = float(raw)
    except ValueError as err:
        raise ConfigError(f"{key}: {raw!r} is not valid ({err})") from err
    if value != value or (value < 0 and key not in SIGNED_KEYS):
        raise ConfigError(f"{key}: {raw!r} must be a positive number")
    low, high = RANGES.get(key, (float("-inf"), float("inf")))
    if not low <= value <= high:
        raise ConfigError(f"{key}: {raw} is outside the plausible range {low:g} to {high:g}")
    return int(value) if kind.startswith("int") else value


def _time_zone(raw: str) -> str:
    """`raw` when it names an IANA time zone that zoneinfo knows (Europe/Ljubljana), else ValueError."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError("not an IANA time zone name such as Europe/Ljubljana or America/New_York") from err
    return raw


def stored_profile(values: dict[str, str]) -> Profile:
    """The profile from the values a store holds (unknown keys, from a newer loadwatch, ignored)."""
    return Profile().with_values({k: v for k, v in values.items() if k in _TYPES})


def parse_assignments(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """KEY=VALUE strings -> a dict (a later KEY wins)."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{pair!r} is not KEY=VALUE; e.g. --set hr_max_bpm=188")
        values[key.strip()] = value.strip()
    return values


def updated_profile(current: Profile, pairs: tuple[str, ...] | list[str]) -> tuple[Profile, dict[str, object]]:
    """`current` with every KEY=VALUE checked and applied, and the changed values to store ("none"
    clears one, as None). ConfigError on any bad value: nothing is half-applied."""
    values = parse_assignments(pairs)
    updated = current.with_values(values)
    if updated.hr_max_bpm is not None and updated.hr_rest_bpm is not None \
            and hr_reserve_too_small(updated.hr_max_bpm, updated.hr_rest_bpm):
        raise ConfigError(f"hr_max_bpm {updated.hr_max_bpm:g} must be well above hr_rest_bpm"
                          f" {updated.hr_rest_bpm:g}")
    return updated, {key: getattr(updated, key) for key in values}
