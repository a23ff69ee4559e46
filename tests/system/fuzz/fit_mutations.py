"""Structure-aware mutation fuzz of the FIT decoder: `python -m tests.system.fuzz.fit_mutations --minutes 10`.

Unlike fuzzlib's byte-level ops, a case here is a real FIT file (tests/data/fit, sample_data/devices)
with a few mutations that know the FIT layout: a definition's field given another base type (with its
data messages rewritten to the new size, so the file stays well formed: `heart_rate` as sint8,
uint16, float32, string, byte, or a size that is not a multiple of the type), a base type, size,
field number, architecture byte, global message number or field count changed in place (the layout
then breaks), the developer-data flag toggled, a data header turned into a compressed timestamp, a
local type changed, a definition dropped, a cut anywhere (inside a message or at its boundary), a
byte of a data message set or flipped.

A recipe is a list of ops with concrete indices into the file as it is when the op applies, so
`apply(seed_bytes, recipe)` rebuilds a case exactly (the regression tests do that).

`check(data)` is the oracle. A finding is:
- `fit.read_bytes` raising anything but a LoadwatchError (the importer would say "please report");
- a value the importer returns that is not a plausible number (negative, NaN or inf; HR outside 1..255);
- (with --lost) a LoadwatchError on a file fitdecode reads whole, which loses a readable file.
Findings are grouped by a key (exception type and the innermost loadwatch frame), so the run can
say when it stops finding anything new.
"""

from __future__ import annotations

import argparse
import io
import math
import multiprocessing
import random
import struct
import sys
import time
import traceback
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import fitdecode

from loadwatch.errors import LoadwatchError
from loadwatch.importers import fit
from loadwatch.importers.fit.decode import crc16
from loadwatch.importers.fit.messages import FIELDS

ROOT = Path(__file__).resolve().parents[3]
SEED_DIRS = (ROOT / "tests" / "data" / "fit", ROOT / "sample_data" / "devices")
MAX_SEED_BYTES = 130_000  # fitdecode reads ~1 MB/s: larger seeds would make a case take seconds
# base types a field is given by "retype": every FIT base type byte, a few with the wrong endian bit,
# and undefined numbers
BASE_BYTES = (0x00, 0x01, 0x02, 0x83, 0x84, 0x85, 0x86, 0x07, 0x88, 0x89, 0x0A, 0x8B, 0x8C, 0x0D, 0x8E, 0x8F,
              0x90, 0x03, 0x04, 0x06, 0x08, 0x11, 0x1F, 0xFF)
BASE_SIZE = {0x00: 1, 0x01: 1, 0x02: 1, 0x03: 2, 0x04: 2, 0x05: 4, 0x06: 4, 0x07: 1, 0x08: 4, 0x09: 8, 0x0A: 1,
             0x0B: 2, 0x0C: 4, 0x0D: 1, 0x0E: 8, 0x0F: 8, 0x10: 8}
KINDS = ("retype", "base", "size", "fnum", "arch", "gmn", "nfields", "devflag", "compress", "local", "dropdef",
         "cut", "setbyte", "flip", "hdrsize")

Op = tuple  # ("kind", int, ...): see apply()


@dataclass
class Msg:
    pos: int
    size: int  # whole message, header byte included
    header: int
    local: int
    definition: int  # index in Layout.defs of the definition (for a definition message: itself); -1 = none
    fields: list[tuple[int, int, int]] = field(default_factory=list)  # definitions: (num, size, base)
    gmn: int = -1
    big: bool = False
    body: int = 0  # definitions: bytes of a data message after its header byte


@dataclass
class Scan:
    header_size: int
    end: int  # end of the first part's data
    msgs: list[Msg]

    @property
    def defs(self) -> list[int]:
        return [i for i, m in enumerate(self.msgs) if m.header & 0x40 and not m.header & 0x80]

    @property
    def data(self) -> list[int]:
        return [i for i, m in enumerate(self.msgs) if not (m.header & 0x40 and not m.header & 0x80)]


def scan(data: bytes) -> Scan | None:
    """The messages of the first FIT part, as far as they can be followed (None: no FIT header)."""
    if len(data) < 12 or data[0] not in (12, 14):
        return None
    hsize = data[0]
    end = min(hsize + struct.unpack_from("<I", data, 4)[0], len(data))
    msgs: list[Msg] = []
    local_def: dict[int, int] = {}
    pos = hsize
    while pos < end:
        h = data[pos]
        local = (h >> 5) & 3 if h & 0x80 else h & 0x0F
        if h & 0x40 and not h & 0x80:
            if pos + 6 > end:
                break
            big = data[pos + 2] == 1
            gmn = struct.unpack_from(">H" if big else "<H", data, pos + 3)[0]
            nf = data[pos + 5]
            stop = pos + 6 + 3 * nf
            if h & 0x20:
                if stop >= end:
                    break
                stop += 1 + 3 * data[stop]
            if stop > end:
                break
            fields = [(data[pos + 6 + 3 * i], data[pos + 7 + 3 * i], data[pos + 8 + 3 * i]) for i in range(nf)]
            dev = sum(data[pos + 6 + 3 * nf + 2 + 3 * i] for i in range(data[pos + 6 + 3 * nf])) if h & 0x20 else 0
            local_def[local] = len(msgs)
            msgs.append(Msg(pos, stop - pos, h, local, len(msgs), fields, gmn, big, sum(f[1] for f in fields) + dev))
            pos = stop
        else:
            d = local_def.get(local)
            if d is None:
                break
            size = 1 + msgs[d].body
            if pos + size > end:
                break
            msgs.append(Msg(pos, size, h, local, d, gmn=msgs[d].gmn, big=msgs[d].big))
            pos += size
    return Scan(hsize, end, msgs)


def _reseal(buf: bytearray, hsize: int, old_end: int, delta: int) -> None:
    """After the first part's data grew by `delta`, fix its declared size and its CRC."""
    new_size = old_end - hsize + delta
    struct.pack_into("<I", buf, 4, new_size)
    if hsize == 14:
        struct.pack_into("<H", buf, 12, crc16(bytes(buf[:12])))
    end = hsize + new_size
    if end + 2 <= len(buf):
        struct.pack_into("<H", buf, end, crc16(bytes(buf[:end])))


def apply(data: bytes, recipe: Sequence[Op]) -> bytes:
    """Apply each op of `recipe` to `data` in order (indices refer to the file as the op sees it)."""
    for op in recipe:
        data = _apply_one(data, op)
    return data


def _apply_one(data: bytes, op: Op) -> bytes:
    kind = op[0]
    buf = bytearray(data)
    if kind == "cut":
        return data[:op[1]]
    if kind == "flip":
        if op[1] < len(buf):
            buf[op[1]] ^= 1 << (op[2] % 8)
        return bytes(buf)
    if kind == "hdrsize":  # the header's declared data size
        struct.pack_into("<I", buf, 4, op[1] & 0xFFFFFFFF)
        return bytes(buf)
    sc = scan(data)
    if sc is None or not sc.msgs:
        return data
    msgs = sc.msgs
    m = msgs[op[1] % len(msgs)]
    if kind == "retype":  # (retype, def index, field index, base byte, size): data rewritten to match
        d = msgs[op[1] % len(msgs)]
        if not d.fields:
            return data
        fi = op[2] % len(d.fields)
        _, old_size, _ = d.fields[fi]
        new_base, new_size = op[3], op[4]
        before = sum(f[1] for f in d.fields[:fi])
        out = bytearray(data[:d.pos])
        delta = 0
        for i, mm in enumerate(msgs):
            if mm.pos < d.pos:
                continue
            chunk = bytearray(data[mm.pos:mm.pos + mm.size])
            if i == msgs.index(d):
                chunk[6 + 3 * fi + 1] = new_size
                chunk[6 + 3 * fi + 2] = new_base
            elif mm.definition == msgs.index(d):
                start = 1 + before
                old = bytes(chunk[start:start + old_size])
                new = (old + bytes([op[5] if len(op) > 5 else 0]) * new_size)[:new_size]
                chunk[start:start + old_size] = new
                delta += new_size - old_size
            out += chunk
        out += data[msgs[-1].pos + msgs[-1].size:]
        _reseal(out, sc.header_size, sc.end, delta)
        return bytes(out)
    if kind in ("base", "size", "fnum") and m.header & 0x40 and not m.header & 0x80 and m.fields:
        fi = op[2] % len(m.fields)
        buf[m.pos + 6 + 3 * fi + {"fnum": 0, "size": 1, "base": 2}[kind]] = op[3] & 0xFF
    elif kind == "arch" and m.header & 0x40 and not m.header & 0x80:
        buf[m.pos + 2] = op[2] & 0xFF
    elif kind == "gmn" and m.header & 0x40 and not m.header & 0x80:
        struct.pack_into(">H" if m.big else "<H", buf, m.pos + 3, op[2] & 0xFFFF)
    elif kind == "nfields" and m.header & 0x40 and not m.header & 0x80:
        buf[m.pos + 5] = (buf[m.pos + 5] + op[2]) & 0xFF
    elif kind == "devflag" and m.header & 0x40 and not m.header & 0x80:
        buf[m.pos] ^= 0x20
    elif kind == "compress" and not (m.header & 0x40 and not m.header & 0x80):
        buf[m.pos] = 0x80 | ((m.local & 3) << 5) | (op[2] & 0x1F)
    elif kind == "local":
        if m.header & 0x80:
            buf[m.pos] = (m.header & 0x9F) | ((op[2] & 3) << 5)
        else:
            buf[m.pos] = (m.header & 0xF0) | (op[2] & 0x0F)
    elif kind == "dropdef" and m.header & 0x40 and not m.header & 0x80:
        del buf[m.pos:m.pos + m.size]
        _reseal(buf, sc.header_size, sc.end, -m.size)
    elif kind == "setbyte":  # (setbyte, message, offset inside it, value)
        buf[m.pos + op[2] % m.size] = op[3] & 0xFF
    elif kind == "cutmsg":  # (cutmsg, message, bytes of it kept)
        return data[:m.pos + op[2] % (m.size + 1)]
    return bytes(buf)


def field_ops(data: bytes, gmn: int, num: int, kind: str, *args: int) -> list[Op]:
    """`kind` ("retype" with base, size, fill; "base" with base; "size" with size) for field `num` in
    every definition of global message `gmn`: a recipe by meaning, not by index."""
    sc = scan(data)
    assert sc is not None
    ops: list[Op] = []
    for i in sc.defs:
        m = sc.msgs[i]
        ops += [(kind, i, fi, *args) for fi, f in enumerate(m.fields) if m.gmn == gmn and f[0] == num]
    return ops


def random_op(rng: random.Random, data: bytes) -> Op:
    """One op for `data`, biased toward the fields and messages loadwatch reads."""
    sc = scan(data)
    kind = rng.choices(
        ("retype", "base", "size", "fnum", "arch", "gmn", "nfields", "devflag", "compress", "local", "dropdef",
         "cut", "cutmsg", "setbyte", "flip", "hdrsize"),
        weights=(30, 10, 6, 5, 3, 3, 3, 3, 6, 3, 2, 3, 4, 8, 4, 1))[0]
    if kind == "cut":
        return ("cut", rng.randrange(len(data)))
    if kind == "flip":
        return ("flip", rng.randrange(len(data)), rng.randrange(8))
    if kind == "hdrsize":
        return ("hdrsize", rng.choice((0, 1, len(data) - 20, len(data) * 2, 0xFFFFFFFF)))
    if sc is None or not sc.msgs:
        return ("cut", rng.randrange(len(data)))
    defs, datas = sc.defs, sc.data
    wanted_defs = [i for i in defs if sc.msgs[i].gmn in FIELDS] or defs
    if kind in ("retype", "base", "size", "fnum"):
        di = rng.choice(wanted_defs if rng.random() < 0.8 else defs)
        d = sc.msgs[di]
        if not d.fields:
            return ("cut", rng.randrange(len(data)))
        wanted = [i for i, f in enumerate(d.fields) if f[0] in FIELDS.get(d.gmn, {})]
        fi = rng.choice(wanted) if wanted and rng.random() < 0.85 else rng.randrange(len(d.fields))
        if kind == "retype":
            base = rng.choice(BASE_BYTES)
            unit = BASE_SIZE.get(base & 0x1F, 1)
            size = rng.choice((unit, unit, unit * rng.randint(2, 4), unit + 1, max(unit - 1, 1), rng.randint(1, 16)))
            return ("retype", di, fi, base, size, rng.choice((0x00, 0xFF, 0x80, 0x7F, rng.randrange(256))))
        if kind == "base":
            return ("base", di, fi, rng.choice(BASE_BYTES))
        if kind == "size":
            return ("size", di, fi, rng.choice((0, 1, 2, 3, 4, 7, 255)))
        nums = list(FIELDS.get(d.gmn, {})) or [253]
        return ("fnum", di, fi, rng.choice((*nums, 253, 0, 255)))
    if kind in ("arch", "gmn", "nfields", "devflag", "dropdef"):
        di = rng.choice(wanted_defs)
        if kind == "arch":
            return ("arch", di, rng.choice((1 - sc.msgs[di].big, 2, 0xFF)))
        if kind == "gmn":
            return ("gmn", di, rng.choice((*FIELDS, 0xFFFF, 78, 206)))
        if kind == "nfields":
            return ("nfields", di, rng.choice((-2, -1, 1, 2, 50)))
        return (kind, di)
    if not datas:
        return ("cut", rng.randrange(len(data)))
    mi = rng.choice(datas)
    if kind == "compress":
        return ("compress", mi, rng.randrange(32))
    if kind == "local":
        return ("local", mi, rng.randrange(16))
    if kind == "cutmsg":
        return ("cutmsg", mi, rng.randrange(sc.msgs[mi].size + 1))
    return ("setbyte", mi, rng.randrange(1, max(sc.msgs[mi].size, 2)), rng.choice((0, 0xFF, 0x7F, 0x80, 0xFE, 0x01,
                                                                                    rng.randrange(256))))


def random_recipe(rng: random.Random, data: bytes) -> list[Op]:
    recipe: list[Op] = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        op = random_op(rng, data)
        recipe.append(op)
        data = _apply_one(data, op)
    return recipe


# -- the oracle -------------------------------------------------------------------------------------
def fitdecode_reads(data: bytes) -> bool:
    """fitdecode reads every frame of `data` (CRC checks off, its default error handling)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with fitdecode.FitReader(io.BytesIO(data), processor=None,
                                     check_crc=fitdecode.CrcCheck.DISABLED) as reader:
                for _ in reader:
                    pass
    except Exception:  # any failure of fitdecode means "not readable"
        return False
    return True


def _where(err: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(err.__traceback__) if "/loadwatch/" in f.filename]
    f = frames[-1] if frames else traceback.extract_tb(err.__traceback__)[-1]
    return f"{Path(f.filename).name}:{f.lineno}"


def _implausible(parsed: object) -> str | None:
    for a in getattr(parsed, "activities", []):
        for name in ("duration_s", "moving_s", "distance_m", "ascent_m", "avg_hr", "max_hr", "calories"):
            v = getattr(a, name)
            if v is not None and (not math.isfinite(v) or v < 0):
                return f"activity {name} = {v!r}"
        for name in ("avg_hr", "max_hr"):
            v = getattr(a, name)
            if v is not None and not 1 <= v <= 255:
                return f"activity {name} = {v!r} (not a heart rate)"
        bad = [b for b in a.hr_hist if not 1 <= b <= 255]
        if bad:
            return f"heart-rate histogram holds {bad[:3]} bpm"
        if a.steps is not None and a.steps < 0:
            return f"activity steps = {a.steps}"
    for s in getattr(parsed, "daily_steps", []):
        if s.steps < 0:
            return f"daily steps = {s.steps}"
    return None


def check(data: bytes, *, lost: bool = False) -> tuple[str, str] | None:
    """(key, description) of a finding, or None when the importer behaved."""
    try:
        parsed = fit.read_bytes(data, name="case.fit")
    except LoadwatchError as err:
        if "\n" in str(err):
            return "multi-line error", str(err)
        if lost and fitdecode_reads(data):
            return f"lost: {str(err)[:40]}", f"fitdecode reads it whole, loadwatch: {err}"
        return None
    except Exception as err:  # every other exception is the finding
        return f"{type(err).__name__} at {_where(err)}", f"{type(err).__name__}: {err}"
    bad = _implausible(parsed)
    if bad:
        return f"implausible: {bad.split(' = ')[0]}", bad
    return None


# -- the run ----------------------------------------------------------------------------------------
def seed_files(limit: int = MAX_SEED_BYTES) -> list[Path]:
    files = sorted(p for d in SEED_DIRS for p in d.rglob("*.fit") if p.stat().st_size <= limit)
    by_dir: dict[Path, list[Path]] = {}
    for p in files:
        by_dir.setdefault(p.parent, []).append(p)
    # the generated device folders hold hundreds of look-alike files: a few of each are enough
    return [p for folder, ps in by_dir.items() for p in (ps if "tests" in folder.parts else ps[:6])]


def _work(args: tuple[str, int, bool]) -> tuple[str, list[Op], tuple[str, str] | None, float]:
    path, case_seed, lost = args
    rng = random.Random(case_seed)
    data = Path(path).read_bytes()
    recipe = random_recipe(rng, data)
    started = time.perf_counter()
    try:
        finding = check(apply(data, recipe), lost=lost)
    except Exception as err:  # a fuzzer bug: say so, go on
        finding = ("fuzzer error", f"{type(err).__name__}: {err}")
    return path, recipe, finding, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--lost", action="store_true", help="also count a clean error on a file fitdecode reads whole")
    ap.add_argument("--quiet-after", type=float, default=0.0,
                    help="stop early once this many minutes passed without a new finding key")
    ns = ap.parse_args(argv)
    seeds = seed_files()
    rng = random.Random(ns.seed)
    started = time.monotonic()
    deadline = started + ns.minutes * 60
    found: dict[str, tuple[str, list[Op], str, int]] = {}
    n = 0
    last_new = started

    quiet = False
    with multiprocessing.get_context("fork").Pool(ns.workers) as pool:
        while time.monotonic() < deadline and not quiet:  # batches: Pool would drain an endless generator at once
            batch = [(str(rng.choice(seeds)), rng.randrange(2**32), ns.lost) for _ in range(16 * ns.workers)]
            for path, recipe, finding, _ in pool.imap_unordered(_work, batch, chunksize=4):
                n += 1
                if finding is not None:
                    key, desc = finding
                    if key not in found:
                        found[key] = (path, recipe, desc, 1)
                        last_new = time.monotonic()
                        print(f"[{time.monotonic() - started:7.1f} s, case {n}] NEW {key}\n    {Path(path).name} "
                              f"{recipe!r}\n    {desc[:300]}", flush=True)
                    else:
                        p, r, dsc, k = found[key]
                        found[key] = (p, r, dsc, k + 1)
            quiet = bool(ns.quiet_after) and time.monotonic() - last_new > ns.quiet_after * 60
    wall = time.monotonic() - started
    print(f"\n{n} cases on {len(seeds)} seed files in {wall:.0f} s ({n / wall:.0f}/s); "
          f"{len(found)} finding key(s); last new one after {last_new - started:.0f} s")
    for key, (path, recipe, _, k) in sorted(found.items()):
        print(f"  {k:6d} x {key}: {Path(path).name} {recipe!r}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
