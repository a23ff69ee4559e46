"""The slice of the FIT profile loadwatch needs, looked up in `fitdecode.profile`, and `FitContent`.

`FitContent` is what a FIT decoder (the fast path in `fit.decode`, or fitdecode in `fit.fallback`)
hands to `fit/__init__.py`: raw field values of the few messages we use, plus the record stream as two
compact arrays (timestamps in FIT seconds, heart rate in bpm with 0 = none), never one Python
object per record.
"""

from __future__ import annotations

import math
import re
from array import array
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from fitdecode import profile as _profile

# Global message numbers (FIT profile, Messages sheet).
FILE_ID, SESSION, LAP, RECORD, EVENT, DEVICE_INFO, ACTIVITY, MONITORING, MONITORING_INFO = (
    0, 18, 19, 20, 21, 23, 34, 55, 103)
FIELD_DESCRIPTION, MONITORING_HR_DATA = 206, 211
TIMESTAMP = 253  # field number of `timestamp` in every message that has one

# Fields kept per message: profile field names; numbers, scales and offsets come from the profile.
WANTED: dict[int, tuple[str, ...]] = {
    FILE_ID: ("type", "manufacturer", "product", "time_created", "product_name"),
    SESSION: ("timestamp", "start_time", "sport", "sub_sport", "total_elapsed_time", "total_timer_time",
              "total_distance", "total_cycles", "total_calories", "avg_heart_rate", "max_heart_rate",
              "avg_cadence", "total_ascent", "workout_rpe"),
    LAP: ("timestamp", "start_time", "sport", "sub_sport", "total_elapsed_time", "total_timer_time",
          "total_distance", "total_cycles", "total_calories", "avg_heart_rate", "max_heart_rate",
          "avg_cadence", "total_ascent"),
    RECORD: ("timestamp", "heart_rate", "distance"),
    EVENT: ("timestamp", "event", "event_type"),
    DEVICE_INFO: ("timestamp", "device_index", "manufacturer", "product", "product_name"),
    ACTIVITY: ("timestamp", "local_timestamp", "num_sessions"),
    MONITORING: ("timestamp", "timestamp_16", "activity_type", "cycles", "local_timestamp"),
    MONITORING_INFO: ("timestamp", "local_timestamp"),
    # a developer field's description (Stryd's "Power" in "Watts"): read to find running power in records
    FIELD_DESCRIPTION: ("developer_data_index", "field_definition_number", "fit_base_type_id", "field_name",
                        "units", "native_mesg_num", "native_field_num"),
    MONITORING_HR_DATA: ("timestamp", "resting_heart_rate", "current_day_resting_heart_rate"),
}


def _record_stream() -> dict[str, tuple[int, float, float, int]]:
    """{name: (field number, scale, offset, profile base type)} of the record fields kept as a stream for
    the intensity without heart rate (`importers._intensity`): read in bulk, never one by one."""
    fields = _profile.MESSAGE_TYPES[RECORD].fields
    by_name = {f.name: (num, f) for num, f in fields.items()}
    out = {}
    for name in ("position_lat", "altitude", "distance", "speed", "power", "grade", "enhanced_speed",
                 "enhanced_altitude"):
        num, f = by_name[name]
        t = f.type
        out[name] = (num, float(f.scale or 1), float(f.offset or 0), int(getattr(t, "base_type", t).identifier) & 0x1F)
    return out


RECORD_STREAM = _record_stream()
STREAM_NAMES = ("lat", "distance", "speed", "altitude", "power", "grade")  # FitContent.stream's keys

# record field 8: speed and distance packed into three bytes, written by watches that record from a footpod
# (Forerunner 50/60/70); read as its three bytes (CSD_BYTES) and unpacked by `compressed_speed_distance`
COMPRESSED_SPEED_DISTANCE = next(num for num, f in _profile.MESSAGE_TYPES[RECORD].fields.items()
                                 if f.name == "compressed_speed_distance")
CSD_BYTES = ("csd0", "csd1", "csd2")
_CSD_ROLL = 4096  # the distance's 12 bits roll over every 4096 / 16 = 256 m


def compressed_speed_distance(b0: np.ndarray, b1: np.ndarray, b2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(speed m/s, distance m) from the three bytes of `compressed_speed_distance`, one value per record (NaN
    where a record lacks the field or holds 0xFF in all three bytes, the byte array's invalid value).

    The FIT profile's components: the low 12 bits are the speed (scale 100, m/s), the high 12 bits the
    distance (scale 16, m), *accumulated*: each record adds the 12-bit step from the last record that had it,
    modulo 4096, so the total keeps counting past 256 m (fitdecode unpacks it the same way). Worked example
    from a real Forerunner 70 file: bytes (99, 65, 14) -> speed 99 + (65 & 15) x 256 = 355 -> 3.55 m/s;
    distance (65 >> 4) + 14 x 16 = 228 -> 14.25 m."""
    ok = np.isfinite(b0) & np.isfinite(b1) & np.isfinite(b2) & ~((b0 == 255) & (b1 == 255) & (b2 == 255))
    speed, distance = np.full(len(b0), np.nan), np.full(len(b0), np.nan)
    if not ok.any():
        return speed, distance
    lo, mid, hi = (np.asarray(b[ok], dtype=np.int64) for b in (b0, b1, b2))
    speed[ok] = (lo | ((mid & 0x0F) << 8)) / 100.0
    raw = (mid >> 4) | (hi << 4)
    steps = np.diff(raw) % _CSD_ROLL
    distance[ok] = np.concatenate(([raw[0]], raw[0] + np.cumsum(steps))) / 16.0
    return speed, distance


def _field_numbers(mesg_num: int, names: tuple[str, ...]) -> dict[int, tuple[str, float, float]]:
    """{field number: (name, scale, offset)} looked up in fitdecode's profile."""
    fields = _profile.MESSAGE_TYPES[mesg_num].fields
    by_name = {f.name: (num, f) for num, f in fields.items()}
    out: dict[int, tuple[str, float, float]] = {}
    for name in names:
        num, f = by_name[name]
        out[num] = (name, float(f.scale or 1), float(f.offset or 0))
    return out


FIELDS: dict[int, dict[int, tuple[str, float, float]]] = {m: _field_numbers(m, n) for m, n in WANTED.items()}

# Base types by their number (low 5 bits of the base type byte): (struct code, size, invalid raw value).
# FIT SDK, "Base Types" table; strings are handled apart (code "s").
BASE: dict[int, tuple[str, int, float | int | None]] = {
    0x00: ("B", 1, 0xFF), 0x01: ("b", 1, 0x7F), 0x02: ("B", 1, 0xFF), 0x03: ("h", 2, 0x7FFF),
    0x04: ("H", 2, 0xFFFF), 0x05: ("i", 4, 0x7FFFFFFF), 0x06: ("I", 4, 0xFFFFFFFF), 0x07: ("s", 1, None),
    0x08: ("f", 4, math.nan), 0x09: ("d", 8, math.nan), 0x0A: ("B", 1, 0), 0x0B: ("H", 2, 0),
    0x0C: ("I", 4, 0), 0x0D: ("B", 1, 0xFF), 0x0E: ("q", 8, 0x7FFFFFFFFFFFFFFF),
    0x0F: ("Q", 8, 0xFFFFFFFFFFFFFFFF), 0x10: ("Q", 8, 0),
}
STRING = 0x07
# Base types that decode like the profile's own (same size, unsigned; the "z" types only mark invalid
# with 0): uint8 (and enum, uint8z), uint16 (uint16z), uint32 (uint32z), string.
_ALIKE = {0x00: 0x02, 0x02: 0x02, 0x0A: 0x02, 0x04: 0x04, 0x0B: 0x04, 0x06: 0x06, 0x0C: 0x06, 0x07: STRING}


def _profile_base(mesg_num: int, num: int) -> int:
    """Base type number (low 5 bits) the profile gives field `num` of message `mesg_num`."""
    t = _profile.MESSAGE_TYPES[mesg_num].fields[num].type
    return int(getattr(t, "base_type", t).identifier) & 0x1F


# {message: {field: profile base type number}} for the fields we keep; TIMESTAMP is uint32 everywhere.
PROFILE_BASE: dict[int, dict[int, int]] = {m: {num: _profile_base(m, num) for num in f} for m, f in FIELDS.items()}
TIMESTAMP_BASE = 0x06


def decodes_as_profile(base: int, profile_base: int) -> bool:
    """A field declared with base type byte `base` reads as the profile's type `profile_base` (the
    fast path decodes it; anything else, a heart rate declared sint8 or float32, goes to fitdecode)."""
    return _ALIKE.get(base & 0x1F) == _ALIKE.get(profile_base)


def same_kind(base: int, profile_base: int) -> bool:
    """A field declared with base type byte `base` holds the profile's type `profile_base` (number, low 5 bits):
    the same type, or one that reads alike (`_ALIKE`: uint16z for uint16, enum for uint8)."""
    b = base & 0x1F
    return b == profile_base or (_ALIKE.get(b) is not None and _ALIKE.get(b) == _ALIKE.get(profile_base))


def _value_range(base: int) -> tuple[int, int] | None:
    _, size, _ = BASE[base]
    return None if base == STRING else (0, 2 ** (8 * size) - 1)


_RANGES: dict[int, dict[int, tuple[int, int] | None]] = {
    m: {num: _value_range(b) for num, b in f.items()} for m, f in PROFILE_BASE.items()}
TIMESTAMP_RANGE = (0, 0xFFFFFFFF)


def as_timestamp(value: object) -> int | None:
    """A timestamp field's value if it is one (uint32, the profile's date_time), else None."""
    v = as_profile_value(value, TIMESTAMP_RANGE)
    return v if isinstance(v, int) else None


def as_profile_value(value: object, valid: tuple[int, int] | None) -> object:
    """`value` if it is of the profile's kind and range (`valid`: whole numbers lo..hi, None: text),
    else None: a heart rate declared sint8 that reads -100, a float, a number where text belongs."""
    if valid is None:
        return value if isinstance(value, str) else None
    if isinstance(value, int) and not isinstance(value, bool) and valid[0] <= value <= valid[1]:
        return value
    return None

_ENUMS = {name: _profile.FIELD_TYPES[name].enum for name in
          ("sport", "sub_sport", "manufacturer", "file", "garmin_product", "activity_type")}
GARMIN_LIKE = {1, 13, 15, 89}  # garmin, dynastream_oem, dynastream, tacx: product is a garmin_product
WALKING_RUNNING = {1, 6}  # activity_type running, walking: monitoring `cycles` counts steps (profile subfield)
MONITORING_FILE_TYPES = {15, 28, 32}  # monitoring_a, monitoring_daily, monitoring_b
MISSING = -(2**63)  # a monitoring field that is not there, in FitContent's int64 arrays
# monitoring field numbers (profile): timestamp, timestamp_16, activity_type, cycles, local_timestamp
MONITORING_FIELDS = (TIMESTAMP, 26, 5, 3, 11)


def is_power_field(description: dict[str, object]) -> bool:
    """A developer field that is running power in watts (Stryd writes "Power" in "Watts"), in records."""
    name, units = description.get("field_name"), description.get("units")
    native = description.get("native_mesg_num")
    return (isinstance(name, str) and name.strip().lower() == "power" and isinstance(units, str)
            and units.strip().lower() in ("watts", "w") and native in (None, RECORD))


def enum_name(kind: str, value: int | None, *, prefix: str | None = None) -> str | None:
    """Profile name of an enum value ("running"); unknown numbers as "<prefix>_<n>"."""
    if value is None:
        return None
    name = _ENUMS[kind].get(value)
    return name if name is not None else f"{prefix or kind}_{value}"


_PRETTY = [(re.compile(r"^fr(\d+\w*)$"), r"Forerunner \1"), (re.compile(r"^edge_?(\d+\w*)$"), r"Edge \1"),
           (re.compile(r"^fenix(\d+\w*)$"), r"fenix \1"), (re.compile(r"^vivoactive_?(\w+)$"), r"vivoactive \1")]


def device_name(manufacturer: int | None, product: int | None, product_name: object) -> str | None:
    """"Garmin fenix 5" from the profile's manufacturer and product names; numbers when unnamed."""
    if manufacturer is None and not product_name:
        return None
    maker = enum_name("manufacturer", manufacturer) if manufacturer is not None else None
    maker_text = maker.replace("_", " ").title() if maker else None
    model = (product_name if isinstance(product_name, str) else "").strip() or None
    if model is None and product is not None:
        named = _ENUMS["garmin_product"].get(product) if manufacturer in GARMIN_LIKE else None
        if named:
            model = named
            for pattern, repl in _PRETTY:
                model = pattern.sub(repl, model)
            model = model.replace("_", " ")
        else:
            model = f"product {product}"
    if maker_text and model and model.lower().startswith(maker_text.lower()):
        maker_text = None  # product names often carry the maker already ("Suunto Race 2")
    return " ".join(p for p in (maker_text, model) if p) or None


@dataclass(slots=True)
class FitContent:
    """Raw content of one FIT file (all chained parts), decoder-independent.

    Message dicts map profile field names to scaled values (None = invalid). `rec_ts`/`rec_hr` hold
    one entry per record message: FIT seconds and bpm (0 = no heart rate).
    """

    file_type: int | None = None
    file_id: dict[str, object] = field(default_factory=dict)
    creator: dict[str, object] = field(default_factory=dict)  # device_info of device_index 0
    sessions: list[dict[str, object]] = field(default_factory=list)
    laps: list[dict[str, object]] = field(default_factory=list)
    activity: dict[str, object] = field(default_factory=dict)
    monitoring_info: dict[str, object] = field(default_factory=dict)
    # monitoring samples, one entry each: FIT seconds, activity_type, raw cumulative cycles, local_timestamp
    # (MISSING where the field is absent, invalid or not a whole number)
    mon_ts: array = field(default_factory=lambda: array("q"))
    mon_type: array = field(default_factory=lambda: array("q"))
    mon_cycles: array = field(default_factory=lambda: array("q"))
    mon_local: array = field(default_factory=lambda: array("q"))
    timer_start: int | None = None  # first timer start event (FIT s)
    rec_ts: array = field(default_factory=lambda: array("I"))
    rec_hr: array = field(default_factory=lambda: array("B"))
    rec_max_distance_m: float | None = None
    n_messages: int = 0
    n_headers: int = 0
    stopped_at: int | None = None  # byte offset where decoding stopped early (cut or undefined message)
    stop_reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    decoder: str = "fast"  # "fast" or "fitdecode"
    # the record stream beside rec_ts (same length, NaN = none): STREAM_NAMES -> float64 numpy arrays in SI
    # units (lat degrees, distance m, speed m/s, altitude m, power W, grade as a fraction); speed and altitude
    # are the enhanced fields where a record has them; power a developer field's (`is_power_field`) first
    stream: dict[str, Any] = field(default_factory=dict)
    dev_fields: list[dict[str, object]] = field(default_factory=list)  # field_description messages
    resting_hr: list[tuple[int, int]] = field(default_factory=list)  # monitoring_hr_data: (FIT s, bpm)

    def keep_stream(self, stream: dict[str, Any]) -> None:
        """Keep the record stream (STREAM_NAMES -> arrays) and the farthest distance it reaches."""
        self.stream = stream
        dist = stream["distance"]
        if len(dist) and np.isfinite(dist).any():
            top = float(np.nanmax(dist))
            self.rec_max_distance_m = top if self.rec_max_distance_m is None else max(top, self.rec_max_distance_m)

    def add_monitoring(self, ts: int, activity_type: object, cycles: object, local: object) -> None:
        """One monitoring sample (fields that are not whole numbers count as missing)."""
        self.mon_ts.append(ts)
        self.mon_type.append(activity_type if isinstance(activity_type, int) else MISSING)
        self.mon_cycles.append(cycles if isinstance(cycles, int) else MISSING)
        self.mon_local.append(local if isinstance(local, int) else MISSING)

    def add_message(self, mesg_num: int, raw: dict[int, object], last_ts: int | None) -> int | None:
        """Keep one message given as {field number: raw value or None}.

        Returns a monitoring message's rebuilt timestamp (the new reference for timestamp_16), else None.
        """
        spec = FIELDS[mesg_num]
        ranges = _RANGES[mesg_num]
        raw = {num: as_profile_value(value, ranges[num]) for num, value in raw.items() if num in spec}
        values: dict[str, object] = {}
        for num, value in raw.items():
            if value is None:
                continue
            name, scale, offset = spec[num]
            if isinstance(value, int | float) and (scale != 1 or offset != 0):
                value = value / scale - offset
            values[name] = value
        if mesg_num == RECORD:
            ts = values.get("timestamp", last_ts)
            self.rec_ts.append(int(ts) if isinstance(ts, int) else 0)
            hr = values.get("heart_rate")
            self.rec_hr.append(hr if isinstance(hr, int) else 0)
            dist = values.get("distance")
            if isinstance(dist, float) and (self.rec_max_distance_m is None or dist > self.rec_max_distance_m):
                self.rec_max_distance_m = dist
        elif mesg_num == SESSION:
            self.sessions.append(values)
        elif mesg_num == LAP:
            self.laps.append(values)
        elif mesg_num == FILE_ID:
            if not self.file_id:
                self.file_id = values
                ft = values.get("type")
                self.file_type = ft if isinstance(ft, int) else None
        elif mesg_num == DEVICE_INFO:
            if values.get("device_index") == 0 and not self.creator:
                self.creator = values
        elif mesg_num == ACTIVITY:
            self.activity = values
        elif mesg_num == EVENT:
            # event 0 = timer, event_type 0 = start (profile enums)
            if self.timer_start is None and values.get("event") == 0 and values.get("event_type") == 0:
                ts = values.get("timestamp")
                self.timer_start = ts if isinstance(ts, int) else None
        elif mesg_num == MONITORING_INFO:
            if not self.monitoring_info:
                self.monitoring_info = values
        elif mesg_num == FIELD_DESCRIPTION:
            self.dev_fields.append(values)
        elif mesg_num == MONITORING_HR_DATA:
            # the day's own value first; resting_heart_rate where a watch writes only that
            bpm = values.get("current_day_resting_heart_rate") or values.get("resting_heart_rate")
            ts = values.get("timestamp", last_ts)
            if isinstance(bpm, int) and bpm > 0 and isinstance(ts, int) and ts > 0:
                self.resting_hr.append((ts, bpm))
        elif mesg_num == MONITORING:
            ts = values.get("timestamp")
            if not isinstance(ts, int):
                ts16 = values.get("timestamp_16")
                if isinstance(ts16, int) and last_ts is not None:
                    # timestamp_16: low 16 bits of the time, rebuilt from the last full timestamp (profile)
                    ts = last_ts + ((ts16 - (last_ts & 0xFFFF)) & 0xFFFF)
                else:
                    ts = None
            at = values.get("activity_type")
            cycles = raw.get(3)  # raw cumulative value: the `steps` subfield (scale 1) for walking/running
            local = values.get("local_timestamp")
            if ts is not None:
                self.add_monitoring(int(ts), at, cycles, local)
                return int(ts)
        return None
