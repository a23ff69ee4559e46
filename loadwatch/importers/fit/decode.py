"""The fast FIT decoder: only the messages loadwatch uses, one `unpack_from` per data message.

FIT layout (FIT SDK "Flexible & Interoperable Data Transfer Protocol"): a 12- or 14-byte header
(size, protocol, profile, data size, ".FIT", optional header CRC), data messages framed by one
header byte (normal: definition bit 0x40, developer bit 0x20, local type 0-15; compressed
timestamp: bit 0x80, local type 0-3 in bits 5-6, 5-bit time offset), then a CRC-16 (CRC-16/ARC).
Several files may follow each other ("chained").

Each definition compiles to one `struct.Struct` that reads the wanted fields and skips the rest
(and any developer fields) as padding; compiled definitions are cached by their bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anycrc

from ...errors import CorruptFile, UnsupportedFormat
from .messages import (
    BASE,
    FIELDS,
    MISSING,
    MONITORING,
    MONITORING_FIELDS,
    PROFILE_BASE,
    RECORD,
    TIMESTAMP,
    TIMESTAMP_BASE,
    FitContent,
    decodes_as_profile,
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
        "dist_inv",
        "hr_inv",
        "i_dist",
        "i_hr",
        "i_ts",
        "invalid",
        "kind",
        "mon",
        "mon_idx",
        "nums",
        "size",
        "skip",
        "strings",
        "unpack",
    )

    def __init__(self, body: bytes, big: bool, gmn: int, fields: list[tuple[int, int, int]], dev_size: int) -> None:
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
        self.i_hr = nums.index(3) if gmn == RECORD and 3 in nums else -1
        self.i_dist = nums.index(5) if gmn == RECORD and 5 in nums else -1
        self.hr_inv = invalid[self.i_hr] if self.i_hr >= 0 else None
        self.dist_inv = invalid[self.i_dist] if self.i_dist >= 0 else None
        self.skip = self.kind < 0 and self.i_ts < 0  # nothing to read: skip by size
        # monitoring samples take their own path (no dict per message) unless a field is declared a string
        self.mon = gmn == MONITORING and not strings
        self.mon_idx = tuple(nums.index(n) if n in nums else -1 for n in MONITORING_FIELDS)


_CACHE: dict[bytes, _Def] = {}


def _compile(data: bytes, pos: int, end: int) -> tuple[int, _Def]:
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
    key = bytes(data[pos:stop])
    d = _CACHE.get(key)
    if d is None:
        big = arch == 1
        gmn = _U16[big].unpack_from(data, pos + 3)[0]
        p = pos + 6
        fields = [(data[p + 3 * i], data[p + 3 * i + 1], data[p + 3 * i + 2]) for i in range(nf)]
        q = pos + 6 + 3 * nf + 1
        dev_size = sum(data[q + 3 * i + 1] for i in range(ndev)) if ndev else 0
        try:
            d = _Def(key, big, gmn, fields, dev_size)
        except struct.error as err:
            raise FastPathUnsupported(f"definition at byte {pos}: {err}") from err
        if len(_CACHE) < 4096:
            _CACHE[key] = d
    return stop, d


def decode(data: bytes, layout: Layout, *, strict: bool) -> FitContent:
    """Decode every part of `layout` into a FitContent (fast path)."""
    c = FitContent()
    for start, hsize, end in layout.parts:
        c.n_headers += 1
        if not _decode_part(data, start + hsize, end, c, strict):
            break
    return c


def _decode_part(data: bytes, pos: int, end: int, c: FitContent, strict: bool) -> bool:
    """Decode one chained part; False when decoding stopped early (the caller stops too)."""
    defs: list[_Def | None] = [None] * 16
    last_ts = 0
    ts_append = c.rec_ts.append
    hr_append = c.rec_hr.append
    max_dist = -1
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
                pos, defs[h & 0x0F] = _compile(data, pos, end)
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
            if kind == RECORD:
                v = d.unpack(data, pos + 1)
                if d.i_ts >= 0 and v[d.i_ts] != _INVALID_TS:
                    last_ts = v[d.i_ts]
                ts_append(last_ts)
                if d.i_hr >= 0:
                    hr = v[d.i_hr]
                    hr_append(0 if hr == d.hr_inv or hr > 255 else hr)
                else:
                    hr_append(0)
                if d.i_dist >= 0:
                    dist = v[d.i_dist]
                    if dist != d.dist_inv and dist > max_dist:
                        max_dist = dist
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
        if max_dist >= 0:
            dist_m = max_dist / 100.0  # record.distance: scale 100, m (profile)
            if c.rec_max_distance_m is None or dist_m > c.rec_max_distance_m:
                c.rec_max_distance_m = dist_m


class _Damaged(Exception):
    """The data cannot be followed past `offset` (an undefined local type, a broken definition)."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message, self.offset = message, offset


def _stop(c: FitContent, offset: int, reason: str, strict: bool) -> None:
    if strict:
        raise CorruptFile(reason, offset=offset)
    c.stopped_at, c.stop_reason = offset, reason
