"""Every unit and time conversion in one place."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z as a Unix timestamp (FIT profile, date_time)
FIT_SYSTEM_TIME_MAX = 0x10000000  # FIT date_time below this is "seconds since device power on"
MAX_ABS_UTC_OFFSET_S = 14 * 3600  # no place on Earth is further than UTC+14 / UTC-12
# The warning a GPX/TCX file's ledger row carries when its times are UTC only (no local offset): the store
# reads it to know which sessions' offsets are unknown, and applies the profile's time zone to them.
UTC_ONLY_WARNING = "times in the file carry no local offset; the local day is taken as the UTC day"

# The load series a status can be in (`--metric`), and the unit each is counted in.
METRICS = ("trimp", "srpe", "duration", "distance", "steps")
METRIC_UNITS = {"trimp": "TRIMP", "srpe": "AU (RPE x min)", "duration": "min", "distance": "km", "steps": "steps"}

# Unit names as exports spell them (Apple Health's unit attributes) -> SI (metres, seconds) or kcal.
METRES_PER = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "yd": 0.9144, "ft": 0.3048, "cm": 0.01}
SECONDS_PER = {"s": 1.0, "sec": 1.0, "min": 60.0, "h": 3600.0, "hr": 3600.0, "ms": 0.001}
KCAL_PER = {"kcal": 1.0, "Cal": 1.0, "cal": 0.001, "kJ": 1 / 4.184, "J": 1 / 4184}


def fit_to_datetime(fit_s: int | float) -> datetime:
    """FIT date_time (seconds since 1989-12-31 UTC) -> aware UTC datetime."""
    return datetime.fromtimestamp(FIT_EPOCH_S + fit_s, tz=UTC)


def utc_offset_from_local(local_fit_s: int, utc_fit_s: int) -> int:
    """Local UTC offset in seconds from a FIT local_timestamp and timestamp, rounded to 15 min.

    Returns 0 when the difference is not a plausible offset (the caller should warn).
    """
    diff = local_fit_s - utc_fit_s
    offset = round(diff / 900.0) * 900
    return offset if abs(offset) <= MAX_ABS_UTC_OFFSET_S else 0


def local_day(start_utc: datetime, utc_offset_s: int) -> date:
    """The athlete's local calendar day of an instant."""
    return (start_utc + timedelta(seconds=utc_offset_s)).date()


def semicircles_to_degrees(value: int) -> float:
    return value * (180.0 / 2**31)


def iso(dt: datetime) -> str:
    """ISO 8601 in UTC with a Z-free explicit offset (e.g. 2024-03-31T01:59:00+00:00)."""
    return dt.astimezone(UTC).isoformat()


def parse_iso_utc(text: str) -> datetime:
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)
