"""How loadwatch writes things down: the health note and every number formatter.

The CLI, the report and the JSON outputs all format through here, so one value reads the same
everywhere. Pure functions of plain numbers; no pandas, no click, no matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from numbers import Integral

HEALTH_NOTE = (
    "loadwatch is a training aid, not a diagnosis. See a doctor for back pain that spreads into a "
    "leg, numbness or tingling, or pain that does not ease with rest."
)
RED_FLAGS = ("See a doctor before training harder if the back pain spreads into a leg, brings numbness or "
             "tingling, or does not ease with rest.")
# The note for someone who has logged no pain: nothing about a back they have not mentioned.
GENERAL_NOTE = ("loadwatch is a training aid, not a diagnosis: its flags and caps come from studies and coaching "
                "rules, not from an examination of you. See a doctor about pain that does not ease with rest.")
MISSING = "-"
PAIN_WHERE_WORDS = {"lower": "lower-back", "upper": "upper-back"}  # `log pain --where` -> words


def finite(value: object) -> bool:
    """True for a real, finite number (not None, NaN, pandas' NA or an infinity)."""
    if value is None or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]  # any real number; NA raises TypeError
    except (TypeError, ValueError):
        return False


def json_number(value: object, digits: int | None = None) -> int | float | None:
    """A number for JSON: whole numbers stay ints, others are floats rounded to `digits` (when given);
    None, NaN, NA and infinities become None, never `NaN` or `Infinity`, which are not JSON."""
    if not finite(value):
        return None
    if isinstance(value, Integral):
        return int(value)
    number = float(value)  # type: ignore[arg-type]  # finite() checked it is a real number
    return number if digits is None else round(number, digits)


def binary_size(n_bytes: float) -> str:
    """A size in bytes in binary units: "512 B", "330 KiB", "1.2 MiB", "32 GiB" (one decimal below 100)."""
    value, unit = float(n_bytes), "B"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            break
        value /= 1024
    text = f"{value:.0f}" if abs(value) >= 100 or unit == "B" else f"{value:.1f}".removesuffix(".0")
    return f"{text} {unit}"


def km(metres: float | None, *, missing: str = MISSING) -> str:
    """A distance to 0.1 km: "12.3 km"."""
    return f"{metres / 1000:.1f} km" if metres is not None and finite(metres) else missing


def amount(value: float | None, unit: str, *, missing: str = MISSING) -> str:
    """A limit or an amount in its unit, the one way every limit is quoted (flags, plan, report):
    "m" -> km to 0.1 km ("13.2 km", as `km`), any load unit -> a whole number ("417 TRIMP").

    Rounded to the nearest shown digit, never floored to a coarser one: a 16.5 km cap reads "16.5 km"
    everywhere, not "16 km" in one place and "16.5 km" in another. The JSON carries the exact value."""
    if value is None or not finite(value):
        return missing
    return km(value) if unit == "m" else f"{value:,.0f} {unit}"


def pct(fraction: float | None, *, missing: str = MISSING) -> str:
    """A change as a signed whole percentage: 0.32 -> "+32%"."""
    return f"{fraction:+.0%}" if fraction is not None and finite(fraction) else missing


def number(value: float | None, spec: str, *, missing: str = MISSING) -> str:
    """`value` formatted with `spec`, "-" when missing, and never "-0"."""
    if value is None or not finite(value):
        return missing
    text = format(value, spec)
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text


def whole(value: float | None, unit: str = "") -> str:
    """A whole number with thousands separators and an optional unit: "8,764 steps"."""
    if value is None or not finite(value):
        return MISSING
    return f"{value:,.0f}{' ' + unit if unit else ''}"


def hm(seconds: float | None) -> str:
    """A duration as hours and minutes: "1:05 h"."""
    if seconds is None or not finite(seconds):
        return MISSING
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d} h"


def hms(seconds: float) -> str:
    """A duration as h:mm:ss: "0:44:03"."""
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def utc_offset(seconds: int) -> str:
    """+3600 -> "UTC+01:00"."""
    sign = "+" if seconds >= 0 else "-"
    h, m = divmod(abs(seconds) // 60, 60)
    return f"UTC{sign}{h:02d}:{m:02d}"


def day_label(day: date | datetime) -> str:
    """"Sun 15 Nov"."""
    return f"{day:%a %d %b}"


def health_note(pain_logged: bool) -> str:
    """The short health note under a page: the back-pain warning signs when pain was logged, else the
    general note (a report for someone who never logged pain does not speak of back pain)."""
    return "loadwatch is a training aid, not a diagnosis. " + RED_FLAGS if pain_logged else GENERAL_NOTE


def sentences(parts: Iterable[str]) -> str:
    """Short texts as one run of sentences: "Lie face down." + "float arms" -> "Lie face down. Float arms."
    (each capitalised and closed with a full stop unless it already ends in . ! or ?; empty parts dropped)."""
    out = []
    for part in parts:
        text = part.strip()
        if not text:
            continue
        text = text[0].upper() + text[1:]
        out.append(text if text.endswith((".", "!", "?")) else text + ".")
    return " ".join(out)


# The usual spelling of each importer's format (`ParsedFile.format`, the ledger's `format` column).
FORMAT_NAMES = {"fit": "FIT", "gpx": "GPX", "tcx": "TCX", "apple_health": "Apple Health", "google_fit": "Google Fit",
                "fitbit": "Fitbit", "csv_steps": "CSV", "garmin_uds": "Garmin daily summary", "zip": "ZIP"}


def format_name(fmt: str | None) -> str:
    """"apple_health" -> "Apple Health", "garmin_uds" -> "Garmin daily summary"; unknown -> "unknown format"."""
    if not fmt:
        return "unknown format"
    return FORMAT_NAMES.get(fmt, fmt.replace("_", " "))


def export_name(path: str) -> str:
    """A file as its export names it, never a full machine path: an archive member by its path inside
    the archive ("/home/me/takeout.zip!Takeout/Fit/steps.csv" -> "Takeout/Fit/steps.csv", the innermost
    archive's for nested ones), any other file by its name ("/home/me/run.fit" -> "run.fit")."""
    inside = path.rsplit("!", 1)[1] if "!" in path else None
    if inside:
        return inside.lstrip("/\\")
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or path


def ordinal(number_text: str) -> str:
    """"60" -> "60th", "1" -> "1st", "12" -> "12th"."""
    if number_text.endswith(("11", "12", "13")) or not number_text.endswith(("1", "2", "3")):
        return number_text + "th"
    return number_text + {"1": "st", "2": "nd", "3": "rd"}[number_text[-1]]


__all__ = ["FORMAT_NAMES", "GENERAL_NOTE", "HEALTH_NOTE", "MISSING", "PAIN_WHERE_WORDS", "RED_FLAGS", "amount",
           "binary_size", "day_label", "export_name", "finite", "format_name", "health_note", "hm", "hms",
           "json_number", "km", "number", "ordinal", "pct", "sentences", "utc_offset", "whole"]
