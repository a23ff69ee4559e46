"""The fast FIT decoder: only the messages loadwatch uses, one `unpack_from` per data message.

FIT layout (FIT SDK "Flexible & Interoperable Data Transfer Protocol"): a 12- or 14-byte header
(size, protocol, profile, data size, ".FIT", optional header CRC), data messages framed by one
header byte (normal: definition bit 0x40, developer bit 0x20, local type 0-15; compressed
timestamp: bit 0x80, local type 0-3 in bits 5-6, 5-bit time offset), then a CRC-16 (CRC-16/ARC).
Several files may follow each other ("chained").

Each definition compiles to one `struct.Struct` that reads the wanted fields and skips the rest
(and any developer fields) as padding; compiled definitions are cached by their bytes.

Records take one more step: the loop notes where each record starts (one append), and after the loop the
stream fields (speed, distance, altitude, power, a developer field's power...) are gathered from the bytes
with numpy, a column at a time, never a Python step per field and record (`_Stream`).
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import anycrc
import numpy as np

from ...errors import CorruptFile, UnsupportedFormat
from .messages import (
    BASE,
    COMPRESSED_SPEED_DISTANCE,
    CSD_BYTES,
    FIELDS,
    MISSING,
    MONITORING,
    MONITORING_FIELDS,
    PROFILE_BASE,
    RECORD,
    RECORD_STREAM,
    STREAM_NAMES,
    STRING,
    TIMESTAMP,
    TIMESTAMP_BASE,
    FitContent,
    compressed_speed_distance,
    decodes_as_profile,
    is_power_field,
    same_kind,
)

_CRC = anycrc.Model("CRC16-ARC")  # the FIT SDK's CRC-16 (poly 0x8005 reflected, init 0)
_U16 = {False: struct.Struct("<H"), True: struct.Struct(">H")}
_U32 = struct.Struct("<I")
_INVALID_TS = 0xFFFFFFFF


class FastPathUnsupported(Exception):
    """Something the fast path does not handle: the caller decodes the file with fitdecode."""


def crc16(data: bytes | memoryview) -> int:
    """FIT CRC-16 (FIT SDK `FitCRC_Get16`, which is CRC-16/ARC) of `data`."""
    return _CRC.calc(data)


@dataclass(slots=True)
class Layout:
    """Where the FIT parts of a byte string are: (start, header size, end of data) per chained part."""

    parts: list[tuple[int, int, int]] = field(default_factory=list)
    truncated: bool = False  # the last part's declared data (or its CRC) runs past the end of the bytes
    declared_size: int = 0  # data size the cut part's header claimed
    junk_bytes: int = 0  # bytes after the last CRC that are not another FIT header
    crc_mismatch: bool = False


def looks_like_header(data: bytes, pos: int = 0) -> bool:
    return len(data) >= pos + 12 and data[pos] in (12, 14) and data[pos + 8:pos + 12] == b".FIT"


def split(data: bytes) -> Layout:
    """Find the chained FIT parts, check their CRCs, and note a cut or junk at the end."""
    n = len(data)
    if n == 0:
        raise CorruptFile("empty file (0 bytes); nothing to import")
    if not looks_like_header(data):
        raise UnsupportedFormat("not a FIT file (no FIT header at byte 0)")
    layout = Layout()
    view = memoryview(data)
    pos = 0
    while pos < n:
        if not looks_like_header(data, pos):
            layout.junk_bytes = n - pos
            break
        hsize = data[pos]
        if pos + hsize > n:
            layout.junk_bytes = n - pos
            break
        size = _U32.unpack_from(data, pos + 4)[0]
        if hsize == 14:
            hcrc = _U16[False].unpack_from(data, pos + 12)[0]
            if hcrc != 0 and hcrc != crc16(view[pos:pos + 12]):  # 0 = "not computed", allowed by the spec
                layout.crc_mismatch = True
        end = pos + hsize + size
        if end + 2 > n:
            layout.truncated = True
            layout.declared_size = size
            layout.parts.append((pos, hsize, min(end, n)))
            break
        if crc16(view[pos:end + 2]) != 0:  # CRC over data + stored CRC is 0 when they match
            layout.crc_mismatch = True
        layout.parts.append((pos, hsize, end))
        pos = end + 2
    return layout


class _Def:
    """A compiled definition message."""

    __slots__ = (
        "i_ts",
        "invalid",
        "kind",
        "mon",
        "mon_idx",
        "nums",
        "size",
        "skip",
        "stream",
        "strings",
        "ts_read",
        "unpack",
    )

    def __init__(self, body: bytes, big: bool, gmn: int, fields: list[tuple[int, int, int]], dev_size: int,
                 dev_power: tuple[int, int] | None = None) -> None:
        wanted = FIELDS.get(gmn, {})
        profile = PROFILE_BASE.get(gmn, {})
        self.kind = gmn if gmn in FIELDS else -1
        fmt = [">" if big else "<"]
        nums: list[int] = []
        invalid: list[object] = []
        strings: list[int] = []
        pad = 0
        for num, size, base in fields:
            bt = BASE.get(base & 0x1F)
            keep = bt is not None and (num in wanted or num == TIMESTAMP) and size > 0
            if keep and not decodes_as_profile(base, profile.get(num, TIMESTAMP_BASE)):
                # e.g. heart_rate declared sint8 or float32: fitdecode reads it, messages.as_profile_value judges it
                raise FastPathUnsupported(f"field {num} of message {gmn} declared with base type {base:#04x}")
            if keep and bt is not None:
                code, bsize, inv = bt
                if code == "s":
                    if pad:
                        fmt.append(f"{pad}x")
                        pad = 0
                    fmt.append(f"{size}s")
                    strings.append(len(nums))
                elif size % bsize == 0:
                    if pad:
                        fmt.append(f"{pad}x")
                        pad = 0
                    fmt.append(code)
                    pad = size - bsize  # arrays: the first element is enough here
                else:
                    keep = False
                if keep:
                    nums.append(num)
                    invalid.append(inv)
                    continue
            pad += size
        pad += dev_size
        if pad:
            fmt.append(f"{pad}x")
        st = struct.Struct("".join(fmt))
        self.size = st.size
        self.unpack: Callable[[bytes, int], tuple[Any, ...]] = st.unpack_from
        self.nums = tuple(nums)
        self.invalid = tuple(invalid)
        self.strings = tuple(strings)
        self.i_ts = nums.index(TIMESTAMP) if TIMESTAMP in nums else -1
        # a record reads only its timestamp in the loop (its other fields are gathered after it: `_Stream`)
        self.ts_read: Callable[[bytes, int], tuple[Any, ...]] | None = None
        if gmn == RECORD and self.i_ts >= 0:
            at = 0
            for num, size, _ in fields:
                if num == TIMESTAMP:
                    self.ts_read = struct.Struct(f"{fmt[0]}{at}xI").unpack_from
                    break
                at += size
        self.skip = self.kind < 0 and self.i_ts < 0  # nothing to read: skip by size
        # monitoring samples take their own path (no dict per message) unless a field is declared a string
        self.mon = gmn == MONITORING and not strings
        self.mon_idx = tuple(nums.index(n) if n in nums else -1 for n in MONITORING_FIELDS)
        self.stream = _stream_spec(big, fields, dev_power) if gmn == RECORD else ()


# (name in RECORD_STREAM or "dev_power", byte offset in the message body, numpy dtype, invalid raw value,
# scale, offset) of each stream field a record definition holds
StreamSpec = tuple[tuple[str, int, str, float, float, float], ...]


_HEART_RATE = ("heart_rate", 1.0, 0.0, 0x02)  # record field 3, uint8 bpm (profile)


def _stream_spec(big: bool, fields: list[tuple[int, int, int]], dev_power: tuple[int, int] | None) -> StreamSpec:
    """Where a record definition holds heart rate and the stream fields: each read as the profile's type or one
    that reads alike (`messages.same_kind`), an array by its first element, as the loop reads any field; the
    first of a field defined twice; `dev_power` (byte offset after the normal fields, base type) is a
    developer field of power (`messages.is_power_field`)."""
    by_num = {num: (name, scale, off, base) for name, (num, scale, off, base) in RECORD_STREAM.items()}
    by_num[3] = _HEART_RATE
    order = ">" if big else "<"
    out = []
    seen = set()
    at = 0
    for num, size, base in fields:
        spec = by_num.get(num)
        bt = BASE.get(base & 0x1F)
        if spec is not None and spec[0] not in seen and bt is not None and bt[0] != "s" and size > 0 \
                and size % bt[1] == 0 and same_kind(base, spec[3]):
            code, _, invalid = bt
            seen.add(spec[0])
            out.append((spec[0], at, order + code, float(invalid), spec[1], spec[2]))  # type: ignore[arg-type]  # numbers here
        if num == COMPRESSED_SPEED_DISTANCE and size == 3 and "csd0" not in seen:  # three bytes, read one by one
            seen.add("csd0")
            out.extend((name, at + k, "u1", -1.0, 1.0, 0.0) for k, name in enumerate(CSD_BYTES))
        at += size
    if dev_power is not None:
        offset, base = dev_power
        code, _, invalid = BASE[base]
        out.append(("dev_power", at + offset, order + code, float(invalid), 1.0, 0.0))  # type: ignore[arg-type]  # numbers
    return tuple(out)


class _Stream:
    """Where each record of a file starts (`pos`) and which definition reads it from which record on (`segs`)."""

    __slots__ = ("pos", "segs")

    def __init__(self) -> None:
        self.pos = array("q")
        self.segs: list[tuple[int, _Def]] = []

    def _rows_by_definition(self, n: int) -> list[tuple[_Def, np.ndarray | slice]]:
        """The records each definition with stream fields reads (indices into pos, a slice for a file with
        one): one read per definition, however often a file switches between them (some alternate)."""
        if len(self.segs) == 1:
            return [(self.segs[0][1], slice(0, n))] if self.segs[0][1].stream else []
        firsts = np.array([i for i, _ in self.segs] + [n], dtype=np.int64)
        lengths = np.diff(firsts)
        ids: dict[int, int] = {}
        defs: list[_Def] = []
        which = np.empty(len(self.segs), dtype=np.int64)
        for k, (_, d) in enumerate(self.segs):
            which[k] = ids.setdefault(id(d), len(ids))
            if which[k] == len(defs):
                defs.append(d)
        per_row = np.repeat(which, lengths)
        return [(d, np.flatnonzero(per_row == k)) for k, d in enumerate(defs) if d.stream]

    def build(self, data: bytes, c: FitContent) -> None:
        """Fill c.rec_hr (one bpm per record, 0 = none), c.rec_max_distance_m and c.stream (STREAM_NAMES ->
        float64 arrays, one value per record, NaN where a record lacks it) from the records' bytes."""
        n = len(self.pos)
        cols = {name: np.full(n, np.nan) for name in (*RECORD_STREAM, *CSD_BYTES, "dev_power", "heart_rate")}
        if n and any(d.stream for _, d in self.segs):
            starts = np.frombuffer(self.pos, dtype=np.int64)
            for d, rows in self._rows_by_definition(n):
                raw = _read_fields(data, starts[rows], d)
                for name, _, _, invalid, scale, shift in d.stream:
                    values = raw[name]
                    cols[name][rows] = np.where(values != invalid, values / scale - shift, np.nan)
        hr = cols.pop("heart_rate")
        c.rec_hr = array("B", np.where(np.isfinite(hr), hr, 0).astype(np.uint8).tobytes())
        c.keep_stream(stream_columns(cols))


def _read_fields(data: bytes, starts: np.ndarray, d: _Def) -> dict[str, np.ndarray]:
    """The raw values (as float64) of definition `d`'s stream fields in the records whose bodies start at
    `starts`. Records of one definition mostly follow each other at one stride (header byte + body): each such
    run is read as a strided view of the bytes, no copy; a file that interleaves other messages between most
    records is read by gathering each record's bytes."""
    n = len(starts)
    stride = d.size + 1
    breaks = np.flatnonzero(np.diff(starts) != stride) + 1 if n > 1 else np.zeros(0, np.int64)
    if len(breaks) < max(16, n // 32):
        layout = np.dtype({"names": [f[0] for f in d.stream], "formats": [f[2] for f in d.stream],
                           "offsets": [f[1] for f in d.stream], "itemsize": d.size})
        out = {f[0]: np.empty(n) for f in d.stream}
        bounds = [0, *breaks.tolist(), n]
        for i0, i1 in pairwise(bounds):
            run = np.ndarray((i1 - i0,), dtype=layout, buffer=data, offset=int(starts[i0]), strides=(stride,))
            for name, column in out.items():
                column[i0:i1] = run[name]
        return out
    raw = np.frombuffer(data, dtype=np.uint8)
    width = max(offset + np.dtype(dtype).itemsize for _, offset, dtype, *_ in d.stream)
    body = raw[starts[:, None] + np.arange(width)]  # each record's bytes, one row each
    return {name: np.ascontiguousarray(body[:, offset:offset + np.dtype(dtype).itemsize]).view(dtype).ravel()
            .astype(np.float64) for name, offset, dtype, *_ in d.stream}


def stream_columns(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The record fields as FitContent.stream keeps them: enhanced speed and altitude where a record has them,
    a developer field's power where it has one (Stryd, worn on purpose), grade as a fraction; speed and distance
    from `compressed_speed_distance` where a record has only that."""
    def first(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(np.isfinite(a), a, b)

    lat = cols["position_lat"] * (180.0 / 2**31)
    speed, distance = compressed_speed_distance(*(cols[name] for name in CSD_BYTES))
    # a record without the plain field takes the packed one (Forerunner 50/60/70 + footpod)
    cols = {**cols, "speed": first(cols["speed"], speed), "distance": first(cols["distance"], distance)}
    dev_power = np.where(cols["dev_power"] > 0, cols["dev_power"], np.nan)  # a pod that reads 0 is not worn
    return dict(zip(STREAM_NAMES, (
        lat, cols["distance"], first(cols["enhanced_speed"], cols["speed"]),
        first(cols["enhanced_altitude"], cols["altitude"]), first(dev_power, cols["power"]),
        cols["grade"] / 100.0), strict=True))


_CACHE: dict[object, _Def] = {}


def _compile(data: bytes, pos: int, end: int, power: dict[tuple[int, int], int] | None = None) -> tuple[int, _Def]:
    """Parse the definition message at `pos` (its header byte). Returns (next position, definition)."""
    h = data[pos]
    if pos + 6 > end:
        raise EOFError
    arch = data[pos + 2]
    if arch not in (0, 1):  # damage (or a misread from an earlier one): keep what came before, as for a cut
        raise _Damaged(f"a broken definition message (architecture byte {arch})", pos)
    nf = data[pos + 5]
    stop = pos + 6 + 3 * nf
    ndev = 0
    if h & 0x20:
        if stop + 1 > end:
            raise EOFError
        ndev = data[stop]
        stop += 1 + 3 * ndev
    if stop > end:
        raise EOFError
    key: object = bytes(data[pos:stop])
    q = pos + 6 + 3 * nf + 1
    dev_power: tuple[int, int] | None = None
    if ndev and power:  # a developer field of power (described earlier in the file): where it sits
        at = 0
        for i in range(ndev):
            num, size, index = data[q + 3 * i], data[q + 3 * i + 1], data[q + 3 * i + 2]
            base = power.get((index, num))
            if base is not None and base in BASE and base != STRING and BASE[base][1] == size:
                dev_power = (at, base)
                break
            at += size
        key = (key, dev_power)
    d = _CACHE.get(key)
    if d is None:
        big = arch == 1
        gmn = _U16[big].unpack_from(data, pos + 3)[0]
        p = pos + 6
        fields = [(data[p + 3 * i], data[p + 3 * i + 1], data[p + 3 * i + 2]) for i in range(nf)]
        dev_size = sum(data[q + 3 * i + 1] for i in range(ndev)) if ndev else 0
        try:
            d = _Def(bytes(data[pos:stop]), big, gmn, fields, dev_size, dev_power if gmn == RECORD else None)
        except struct.error as err:
            raise FastPathUnsupported(f"definition at byte {pos}: {err}") from err
        if len(_CACHE) < 4096:
            _CACHE[key] = d
    return stop, d


def decode(data: bytes, layout: Layout, *, strict: bool) -> FitContent:
    """Decode every part of `layout` into a FitContent (fast path)."""
    c = FitContent()
    stream = _Stream()
    for start, hsize, end in layout.parts:
        c.n_headers += 1
        if not _decode_part(data, start + hsize, end, c, strict, stream):
            break
    stream.build(data, c)
    return c


def _decode_part(data: bytes, pos: int, end: int, c: FitContent, strict: bool, stream: _Stream) -> bool:
    """Decode one chained part; False when decoding stopped early (the caller stops too)."""
    defs: list[_Def | None] = [None] * 16
    pos_append = stream.pos.append
    rec_def: _Def | None = None
    power: dict[tuple[int, int], int] = {}  # (developer data index, field number) -> base type of a power field
    first_described = n_described = len(c.dev_fields)  # this part's field descriptions start here
    last_ts = 0
    ts_append = c.rec_ts.append
    n = 0
    add = c.add_message
    mon_ts, mon_type, mon_cycles, mon_local = (c.mon_ts.append, c.mon_type.append, c.mon_cycles.append,
                                               c.mon_local.append)
    try:
        while pos < end:
            h = data[pos]
            if h & 0x80:  # compressed timestamp header
                d = defs[(h >> 5) & 3]
                off = h & 0x1F
                ts = (last_ts & ~0x1F) + off
                if off < (last_ts & 0x1F):
                    ts += 0x20
                last_ts = ts
            elif h & 0x40:  # definition message
                if len(c.dev_fields) != n_described:  # a field description came: is it power?
                    n_described = len(c.dev_fields)
                    power = _power_fields(c.dev_fields[first_described:])
                pos, defs[h & 0x0F] = _compile(data, pos, end, power)
                continue
            else:
                d = defs[h & 0x0F]
            if d is None:
                local = (h >> 5) & 3 if h & 0x80 else h & 0x0F
                raise _Damaged(f"a data message uses local message type {local}, which was never defined", pos)
            nxt = pos + 1 + d.size
            if nxt > end:
                raise EOFError
            n += 1
            kind = d.kind
            if kind == RECORD:  # the timestamp now; heart rate, distance, speed... after the loop (`_Stream`)
                if d.ts_read is not None:
                    t = d.ts_read(data, pos + 1)[0]
                    if t != _INVALID_TS:
                        last_ts = t
                if d is not rec_def:
                    stream.segs.append((len(stream.pos), d))
                    rec_def = d
                pos_append(pos + 1)
                ts_append(last_ts)
            elif d.mon:  # the same rules as FitContent.add_message, without a dict per message
                mv = d.unpack(data, pos + 1)
                invalid = d.invalid
                i_ts, i_16, i_at, i_cy, i_loc = d.mon_idx
                t = mv[i_ts] if i_ts >= 0 else None
                mts: int | None = None
                if isinstance(t, int) and t != invalid[i_ts]:
                    mts = t
                elif h & 0x80:
                    mts = last_ts
                elif i_16 >= 0:
                    t16 = mv[i_16]
                    if isinstance(t16, int) and t16 != invalid[i_16]:  # low 16 bits, rebuilt from the last full time
                        mts = last_ts + ((t16 - (last_ts & 0xFFFF)) & 0xFFFF)
                if mts is not None:
                    last_ts = mts
                    at = mv[i_at] if i_at >= 0 else None
                    cy = mv[i_cy] if i_cy >= 0 else None
                    loc = mv[i_loc] if i_loc >= 0 else None
                    mon_ts(mts)
                    mon_type(at if isinstance(at, int) and at != invalid[i_at] else MISSING)
                    mon_cycles(cy if isinstance(cy, int) and cy != invalid[i_cy] else MISSING)
                    mon_local(loc if isinstance(loc, int) and loc != invalid[i_loc] else MISSING)
            elif kind < 0:
                if not d.skip:
                    t = d.unpack(data, pos + 1)[0]
                    if t != _INVALID_TS:
                        last_ts = t
            else:
                v = d.unpack(data, pos + 1)
                raw: dict[int, object] = {}
                for i, (num, value, inv) in enumerate(zip(d.nums, v, d.invalid, strict=True)):
                    if i in d.strings:
                        text = value.split(b"\0", 1)[0].decode("utf-8", "replace")
                        raw[num] = text or None
                    elif value == inv or value != value:  # invalid marker or NaN
                        raw[num] = None
                    else:
                        raw[num] = value
                t = raw.get(TIMESTAMP)
                if isinstance(t, int):
                    last_ts = t
                elif h & 0x80:
                    raw[TIMESTAMP] = last_ts
                rebuilt = add(kind, raw, last_ts)
                if rebuilt is not None:
                    last_ts = rebuilt
            pos = nxt
        return True
    except EOFError:
        _stop(c, pos, "the file is cut short inside a message", strict)
        return False
    except _Damaged as err:
        _stop(c, err.offset, err.message, strict)
        return False
    finally:
        c.n_messages += n


def _power_fields(descriptions: list[dict[str, object]]) -> dict[tuple[int, int], int]:
    """{(developer data index, field number): base type number} of the described power fields."""
    out: dict[tuple[int, int], int] = {}
    for desc in descriptions:
        index, num, base = (desc.get(k) for k in ("developer_data_index", "field_definition_number",
                                                  "fit_base_type_id"))
        if isinstance(index, int) and isinstance(num, int) and isinstance(base, int) and is_power_field(desc):
            out.setdefault((index, num), base & 0x1F)
    return out


class _Damaged(Exception):
    """The data cannot be followed past `offset` (an undefined local type, a broken definition)."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message, self.offset = message, offset


def _stop(c: FitContent, offset: int, reason: str, strict: bool) -> None:
    if strict:
        raise CorruptFile(reason, offset=offset)
    c.stopped_at, c.stop_reason = offset, reason
