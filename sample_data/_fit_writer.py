"""A small FIT encoder for the demo athlete: header, definition and data messages, CRC-16.

Field numbers, base types, scales, offsets and enum values are looked up in `fitdecode.profile`
(the FIT SDK profile as fitdecode ships it), so a message is written by name with physical values:

    w = FitWriter()
    w.add("record", timestamp=dt, heart_rate=142, distance=1234.5, speed=2.81)
    data = w.to_bytes()

Layout (FIT SDK, "FIT File Structure"): a 14-byte header (size, protocol 2.0, profile version,
data size, ".FIT", header CRC), then records: a definition message (header bit 0x40, local type
0-15, architecture 0 = little endian, global message number, field list) announces each new field
layout; data messages carry the values in that order; the file ends with a CRC-16 over all bytes
before it. The CRC is the SDK's nibble-table CRC-16 (polynomial 0xA001, i.e. CRC-16/ARC).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from fitdecode import profile, types

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)  # FIT date_time 0 (FIT SDK, "date_time" type)
FIT_EPOCH_LOCAL = datetime(1989, 12, 31)  # local_date_time 0: the same instant read as wall clock
PROTOCOL_VERSION = 0x20  # 2.0
PROFILE_VERSION = 2132  # 21.32

_CRC_TABLE = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
              0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)


def _byte_table() -> tuple[int, ...]:
    """The SDK's two nibble steps folded into one lookup per byte (same result, 2x faster)."""
    out = []
    for byte in range(256):
        crc = 0
        for nibble in (byte & 0xF, byte >> 4):
            tmp = _CRC_TABLE[crc & 0xF]
            crc = (crc >> 4) & 0x0FFF
            crc = crc ^ tmp ^ _CRC_TABLE[nibble]
        out.append(crc)
    return tuple(out)


_BYTE_TABLE = _byte_table()


def crc16(data: bytes, crc: int = 0) -> int:
    """FIT CRC-16 of `data` (FitCRC_Get16 in the FIT SDK), continuing from `crc`."""
    table = _BYTE_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def fit_time(dt: datetime) -> int:
    """An aware datetime as FIT date_time: whole seconds since 1989-12-31 00:00 UTC."""
    if dt.tzinfo is None:
        raise ValueError("FIT date_time needs an aware datetime")
    return int((dt - FIT_EPOCH).total_seconds())


def fit_local_time(wall_clock: datetime) -> int:
    """A naive local wall-clock time as FIT local_date_time (seconds since 1989-12-31 00:00 local)."""
    if wall_clock.tzinfo is not None:
        raise ValueError("FIT local_date_time takes the naive wall-clock time")
    return int((wall_clock - FIT_EPOCH_LOCAL).total_seconds())


_MESSAGES = {mt.name: (num, mt) for num, mt in profile.MESSAGE_TYPES.items()}


@dataclass(frozen=True, slots=True)
class _Spec:
    """How to encode one field: number, base type, struct format, scale/offset, kind of value."""

    num: int
    base: types.BaseType
    fmt: str
    scale: float
    offset: float
    kind: str  # "string" | "date_time" | "local_date_time" | "float" | "int"
    enum: dict[str, int]


def _base(ftype: object) -> types.BaseType:
    return ftype if isinstance(ftype, types.BaseType) else ftype.base_type  # type: ignore[attr-defined]


@cache
def _spec(message: str, name: str) -> _Spec:
    fields = _MESSAGES[message][1].fields
    found = [(n, f, f) for n, f in fields.items() if f.name == name]
    found += [(n, f, sub) for n, f in fields.items() for sub in f.subfields or () if sub.name == name]
    num, main, field = found[0]  # a subfield ("steps" of monitoring.cycles) keeps its own scale
    ftype = main.type if field is main else field.type
    base = _base(main.type)
    type_name = getattr(ftype, "name", "")
    kind = ("string" if base.name == "string" else type_name if type_name in ("date_time", "local_date_time")
            else "float" if base.name.startswith("float") else "int")
    enum = {v: k for k, v in (getattr(ftype, "enum", None) or {}).items()}
    return _Spec(num, base, "<" + base.fmt, float(field.scale or 1), float(field.offset or 0), kind, enum)


class FitWriter:
    """Collects messages and serialises them as one FIT file (see the module docstring)."""

    def __init__(self) -> None:
        self._body = bytearray()
        self._locals: dict[tuple[int, tuple[tuple[int, int, int], ...]], int] = {}
        self._next_local = 0

    def add(self, message: str, **values: object) -> None:
        """Append one data message; `values` are physical values keyed by profile field name.

        date_time fields take aware datetimes, local_date_time fields naive wall-clock datetimes,
        enum fields their profile names ("running") or numbers, arrays lists; None is skipped. A
        subfield name (monitoring "steps") writes its main field with the subfield's scale.
        """
        layout: list[tuple[int, int, int]] = []
        payload = bytearray()
        for name, value in values.items():
            if value is None:
                continue
            spec = _spec(message, name)
            raw = _encode(spec, value)
            layout.append((spec.num, len(raw), spec.base.identifier))
            payload += raw
        key = (_MESSAGES[message][0], tuple(layout))
        local = self._locals.get(key)
        if local is None:
            local = self._define(key[0], layout)
            self._locals[key] = local
        self._body.append(local)
        self._body += payload

    def _define(self, global_num: int, layout: Iterable[tuple[int, int, int]]) -> int:
        local = self._next_local
        self._next_local = (self._next_local + 1) % 16
        for k, v in list(self._locals.items()):  # the local type is being redefined
            if v == local:
                del self._locals[k]
        fields = list(layout)
        self._body += struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(fields))
        for fnum, size, ident in fields:
            self._body += struct.pack("<BBB", fnum, size, ident)
        return local

    def to_bytes(self) -> bytes:
        """Header + messages + file CRC."""
        header = struct.pack("<BBHI4s", 14, PROTOCOL_VERSION, PROFILE_VERSION, len(self._body), b".FIT")
        header += struct.pack("<H", crc16(header))
        data = header + bytes(self._body)
        return data + struct.pack("<H", crc16(data))


def _encode(spec: _Spec, value: object) -> bytes:
    if spec.kind == "string":
        return str(value).encode("utf-8") + b"\0"
    if isinstance(value, list | tuple):
        return b"".join(struct.pack(spec.fmt, _raw(spec, v)) for v in value)
    return struct.pack(spec.fmt, _raw(spec, value))


def _raw(spec: _Spec, value: object) -> int | float:
    """Physical value -> stored value: raw = (value + offset) x scale (FIT SDK, "Scale/Offset")."""
    if isinstance(value, datetime):
        return fit_local_time(value) if spec.kind == "local_date_time" else fit_time(value)
    if isinstance(value, str):
        return spec.enum[value]
    if spec.kind == "float":
        return float(value)  # type: ignore[arg-type]
    if spec.scale == 1 and spec.offset == 0 and isinstance(value, int):
        return value
    return round((float(value) + spec.offset) * spec.scale)  # type: ignore[arg-type]
