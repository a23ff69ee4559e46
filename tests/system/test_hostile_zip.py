"""Zip bombs that overlap, and archives whose declared size is out of all proportion to their bytes.

David Fifield's "A better zip bomb" (USENIX WOOT 2019) points many central-directory entries at one
compressed kernel: a 62 KB zip inflated to 2.3 GiB, and loadwatch inflated all of it, member by
member, printing the same line for each. The zips here are written byte by byte, as that paper
builds them (zipfile refuses to write overlapping entries): the "full overlap" (every entry points
at one local header) and the "quoted overlap" (each entry's data begins with a stored deflate block
quoting the next entry's local header, so every entry has its own header and name).

Each must be refused from its central directory and local headers alone, before anything is
inflated: one line per archive, quickly, nothing stored, the rest of the batch imported.
"""

from __future__ import annotations

import io
import os
import sqlite3
import struct
import time
import zipfile
import zlib
from pathlib import Path

from loadwatch.cli import cli
from loadwatch.ingest import import_paths
from loadwatch.ingest.archives import DEFAULT_LIMITS, Limits, Member, walk_zip
from loadwatch.store import Store
from tests.helpers import gpx_run

KERNEL = 50 * 2**20  # 50 MiB of zeros deflate to ~50 KB (deflate's limit is ~1032:1)
ENTRIES = 47  # 47 x 50 MiB = 2.29 GiB from a ~52 KB zip


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def local_header(name: bytes, crc: int, csize: int, usize: int, method: int = 8) -> bytes:
    return struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, csize, usize, len(name), 0) + name


def central_entry(name: bytes, crc: int, csize: int, usize: int, offset: int, method: int = 8) -> bytes:
    return struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc, csize, usize, len(name), 0, 0,
                       0, 0, 0, offset) + name


def end_record(entries: int, cd_size: int, cd_offset: int) -> bytes:
    return struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, entries, entries, cd_size, cd_offset, 0)


def full_overlap_bomb(entries: int = ENTRIES, kernel: int = KERNEL) -> bytes:
    """One local header and its deflated kernel; `entries` central entries, all pointing at offset 0.

    All entries carry the header's name ("0"), because zipfile checks that a member's central and
    local names agree; with the names equal it opens and inflates every one of them.
    """
    zeros = bytes(kernel)
    data, crc = deflate(zeros), zlib.crc32(zeros)
    body = local_header(b"0", crc, len(data), kernel) + data
    cd = central_entry(b"0", crc, len(data), kernel, 0) * entries
    return body + cd + end_record(entries, len(cd), len(body))


def quoted_overlap_bomb(entries: int = 20, kernel: int = 8 * 2**20) -> bytes:
    """Fifield's quoted overlap: [h0][q(h1)][h1][q(h2)][h2]...[h(n-1)][kernel], where q(h) is a stored
    deflate block (BFINAL=0) holding header h's bytes. Entry i inflates to h(i+1)..h(n-1) + the
    kernel's zeros, each entry with its own name and a correct CRC."""
    zeros = bytes(kernel)
    kdata = deflate(zeros)
    names = [b"%03d.fit" % i for i in range(entries)]
    header_len = [30 + len(n) for n in names]
    usize = [sum(header_len[i + 1:]) + kernel for i in range(entries)]
    csize = [sum(5 + h for h in header_len[i + 1:]) + len(kdata) for i in range(entries)]
    headers: list[bytes] = [b""] * entries
    for i in reversed(range(entries)):
        crc = 0
        for later in headers[i + 1:]:  # entry i inflates to the later headers, then the zeros
            crc = zlib.crc32(later, crc)
        crc = zlib.crc32(zeros, crc)
        headers[i] = local_header(names[i], crc, csize[i], usize[i])
    body, offsets = b"", []
    for i, h in enumerate(headers):
        if i:  # the quote: a stored block whose payload is this header, inside the previous entry's data
            body += b"\x00" + struct.pack("<HH", len(h), len(h) ^ 0xFFFF)
        offsets.append(len(body))
        body += h
    body += kdata
    cd = b"".join(central_entry(names[i], _crc(headers[i]), csize[i], usize[i], offsets[i]) for i in range(entries))
    return body + cd + end_record(entries, len(cd), len(body))


def _crc(header: bytes) -> int:
    return struct.unpack_from("<I", header, 14)[0]


def sequential_zip(members: list[tuple[bytes, bytes, int, int]]) -> bytes:
    """A plain, non-overlapping zip of (name, deflated data, crc, size) members, one after another."""
    body, cd = b"", b""
    for name, data, crc, size in members:
        cd += central_entry(name, crc, len(data), size, len(body))
        body += local_header(name, crc, len(data), size) + data
    return body + cd + end_record(len(members), len(cd), len(body))


def run_import(runner, db: Path, *paths: Path):
    return runner.invoke(cli, ["--db", str(db), "import", *map(str, paths)])


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error: ")]


def store_state(db: Path) -> tuple[str, list[str]]:
    con = sqlite3.connect(db)
    try:
        return (con.execute("PRAGMA integrity_check").fetchone()[0],
                [r[0] for r in con.execute("SELECT path FROM sources ORDER BY path")])
    finally:
        con.close()


def test_the_hand_built_bombs_are_zips_that_inflate_for_real():
    """The bombs are not merely malformed: zipfile lists and inflates their entries with good CRCs."""
    full = zipfile.ZipFile(io.BytesIO(full_overlap_bomb(entries=3, kernel=2**20)))
    assert [len(full.read(i)) for i in full.infolist()] == [2**20] * 3
    quoted = zipfile.ZipFile(io.BytesIO(quoted_overlap_bomb(entries=4, kernel=2**20)))
    sizes = [len(quoted.read(i)) for i in quoted.infolist()]  # each holds the later headers, then the zeros
    assert sizes == [i.file_size for i in quoted.infolist()] and sizes[0] > sizes[1] > sizes[2] > sizes[3] == 2**20


def test_full_overlap_bomb_is_one_line_before_inflating(tmp_path, db_path, runner):
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(full_overlap_bomb())
    assert bomb.stat().st_size < 62_000  # 2.29 GiB declared from ~52 KB
    t0 = time.perf_counter()
    result = run_import(runner, db_path, bomb)
    elapsed = time.perf_counter() - t0
    assert result.exit_code == 1, result.output
    assert error_lines(result.output) == [
        f"Error: {bomb}: {ENTRIES} members share the same compressed bytes (overlapping entries), which no real"
        " archive has; refusing it (possible zip bomb)"]
    assert elapsed < 1.0  # inflating 2.3 GiB took minutes; the directory and one header are read
    assert store_state(db_path) == ("ok", [])


def test_quoted_overlap_bomb_is_one_line(tmp_path, db_path, runner):
    bomb = tmp_path / "quoted.zip"
    bomb.write_bytes(quoted_overlap_bomb())
    result = run_import(runner, db_path, bomb)
    assert result.exit_code == 1, result.output
    assert error_lines(result.output) == [
        f"Error: {bomb}: 20 members share the same compressed bytes (overlapping entries), which no real archive"
        " has; refusing it (possible zip bomb)"]
    assert store_state(db_path) == ("ok", [])


def test_bomb_in_a_batch_and_a_rerun(tmp_path, db_path, runner):
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(full_overlap_bomb())
    good = tmp_path / "run.gpx"
    good.write_text(gpx_run(1))
    first = run_import(runner, db_path, bomb, good)
    assert first.exit_code == 3, first.output  # the good file imported, the bomb failed
    assert len(error_lines(first.output)) == 1
    second = run_import(runner, db_path, bomb)  # the bomb is not remembered: a rerun says the same
    assert (second.exit_code, error_lines(second.output)) == (1, error_lines(first.output))
    assert store_state(db_path) == ("ok", [str(good)])


def test_bomb_nested_in_an_export_is_one_line_for_the_inner_zip(tmp_path, db_path, runner):
    outer = tmp_path / "export.zip"
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_STORED) as z:
        z.writestr("parts/inner.zip", full_overlap_bomb())
        z.writestr("activities/run.gpx", gpx_run(2))
    result = run_import(runner, db_path, outer)
    assert result.exit_code == 3, result.output
    assert error_lines(result.output) == [
        f"Error: {outer}!parts/inner.zip: {ENTRIES} members share the same compressed bytes (overlapping entries),"
        " which no real archive has; refusing it (possible zip bomb)"]
    assert store_state(db_path) == ("ok", [f"{outer}!activities/run.gpx"])  # the outer zip is not remembered


def test_declared_total_far_above_the_compressed_size_is_refused_at_once(tmp_path, db_path, runner):
    """40 distinct members of 8 MiB zeros: no overlap, each under the per-member ratio floor (64 MiB),
    together 320 MiB declared from ~330 KB, a ratio of ~1000:1 where the limit is 200:1."""
    zeros = bytes(8 * 2**20)
    data, crc = deflate(zeros), zlib.crc32(zeros)
    path = tmp_path / "wide.zip"
    path.write_bytes(sequential_zip([(b"m%02d.csv" % i, data, crc, len(zeros)) for i in range(40)]))
    ratio = 40 * len(zeros) / path.stat().st_size
    assert ratio > 900
    t0 = time.perf_counter()
    result = run_import(runner, db_path, path)
    assert time.perf_counter() - t0 < 1.0
    assert result.exit_code == 1, result.output
    assert error_lines(result.output) == [
        f"Error: {path}: its members declare 320 MiB from {path.stat().st_size / 2**10:.0f} KiB, a ratio above"
        f" {DEFAULT_LIMITS.max_ratio:.0f}:1; refusing it (possible zip bomb)"]
    assert store_state(db_path) == ("ok", [])


def test_declared_total_above_the_archive_cap_is_refused_at_once(tmp_path, db_path):
    # three stored members of 400 KiB: the zip is as large as its content (ratio 1), but 1.2 MiB > 1 MiB
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i in range(3):
            z.writestr(f"{i}.txt", os.urandom(400 * 2**10))
    with Store(db_path) as store:
        res = import_paths(store, [path], limits=Limits(max_archive_bytes=2**20))
    assert [(f.path, f.status, f.error) for f in res.files] == [
        (str(path), "failed", "archive inflates past 1 MiB (its members declare 1.2 MiB); refusing it"
                              " (possible zip bomb)")]


def test_real_layouts_pass_the_checks(tmp_path):
    """No false alarm: a zip written to a pipe (data descriptors after each member), one with a
    130:1 member past the ratio floor, and empty members and folders next to each other."""
    piped = io.BytesIO()
    with zipfile.ZipFile(_Unseekable(piped), "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(5):
            z.writestr(f"a/{i}.gpx", gpx_run(i))
        z.writestr("media/", b"")
        z.writestr("media/.keep", b"")
        z.writestr("media/.keep2", b"")
    assert zipfile.ZipFile(io.BytesIO(piped.getvalue())).infolist()[0].flag_bits & 0x08  # data descriptors
    path = tmp_path / "piped.zip"
    path.write_bytes(piped.getvalue())
    assert sorted(m.display for m in walk_zip(str(path), "p") if isinstance(m, Member)) == [
        f"p!a/{i}.gpx" for i in range(5)]

    block = os.urandom(3000) + bytes(397_000)  # ~130:1 once deflated
    dense = tmp_path / "dense.zip"
    with zipfile.ZipFile(dense, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("export.xml", block * 200)  # 76 MiB, past the 64 MiB floor
    ratio = 200 * len(block) / dense.stat().st_size
    assert 100 < ratio < DEFAULT_LIMITS.max_ratio
    assert [m.display for m in walk_zip(str(dense), "d")] == ["d!export.xml"]


class _Unseekable(io.RawIOBase):
    def __init__(self, sink: io.BytesIO) -> None:
        self.sink = sink

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        return self.sink.write(data)
