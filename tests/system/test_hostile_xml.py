"""Deeply nested and oversized XML: refused before any tree-building parser sees the bytes.

A GPX with 200,000 nested elements inside `<extensions>` crashed gpxpy with a segmentation fault
(exit 139, no message, the rest of the batch never imported). Every XML importer (GPX, TCX, Apple
Health) now bounds the nesting depth and the element count while the bytes are scanned
(`loadwatch.importers._xml`), so such a file is one error line and the rest of the batch imports.

The crashing cases run `loadwatch import` in a child process: a segfault there must not take
pytest down with it, and the exit code is the one a user sees.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from loadwatch.errors import CorruptFile, HostileInput
from loadwatch.importers import _xml, apple_health, gpx, tcx
from tests.helpers import DATA, child_env, gpx_run, loadwatch_cmd

DEEP = 200_000  # the nesting that crashed gpxpy 1.6.2 on CPython 3.11 (it survives 100,000)


def deep_gpx(n: int = DEEP) -> bytes:
    """A valid 10-minute GPX track whose second point carries `n` nested elements in <extensions>."""
    return ('<?xml version="1.0"?><gpx version="1.1" creator="hostile" xmlns="http://www.topografix.com/GPX/1/1">'
            "<trk><type>running</type><trkseg>"
            '<trkpt lat="46.0" lon="14.0"><time>2023-01-01T07:00:00Z</time></trkpt>'
            '<trkpt lat="46.001" lon="14.0"><time>2023-01-01T07:10:00Z</time><extensions>'
            + "<a>" * n + "</a>" * n + "</extensions></trkpt></trkseg></trk></gpx>").encode()


def deep_tcx(n: int = DEEP) -> bytes:
    """A valid TCX activity whose trackpoint carries `n` nested elements in <Extensions>."""
    return ('<?xml version="1.0"?><TrainingCenterDatabase '
            'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>'
            '<Activity Sport="Running"><Id>2023-01-01T07:00:00Z</Id><Lap StartTime="2023-01-01T07:00:00Z">'
            "<TotalTimeSeconds>600</TotalTimeSeconds><Track><Trackpoint><Time>2023-01-01T07:00:00Z</Time>"
            "<Extensions>" + "<a>" * n + "</a>" * n + "</Extensions></Trackpoint></Track></Lap></Activity>"
            "</Activities></TrainingCenterDatabase>").encode()


def deep_apple(n: int = DEEP) -> bytes:
    """An export.xml with one step record, then a record holding `n` nested elements."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n'
            ' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone" unit="count"'
            ' startDate="2023-01-01 07:00:00 +0000" endDate="2023-01-01 07:10:00 +0000" value="1000"/>\n'
            ' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="iPhone" unit="count/min"'
            ' startDate="2023-01-01 07:00:00 +0000" endDate="2023-01-01 07:00:00 +0000" value="60">'
            + "<MetadataEntry>" * n + "</MetadataEntry>" * n + "</Record>\n</HealthData>\n").encode()


BUILDERS = {"run.gpx": deep_gpx, "run.tcx": deep_tcx, "export.xml": deep_apple}


def run_cli(db: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(loadwatch_cmd(db, "import", *map(str, paths)), env=child_env(), capture_output=True,
                          text=True, timeout=120)


def error_lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in (proc.stdout + proc.stderr).splitlines() if line.startswith("Error: ")]


def store_state(db: Path) -> tuple[str, list[str], int]:
    """(integrity_check, the paths of the stored sources, the number of sessions)."""
    con = sqlite3.connect(db)
    try:
        return (con.execute("PRAGMA integrity_check").fetchone()[0],
                [r[0] for r in con.execute("SELECT path FROM sources ORDER BY path")],
                con.execute("SELECT count(*) FROM sessions").fetchone()[0])
    finally:
        con.close()


def test_gpxpy_itself_dies_on_the_deep_file(tmp_path):
    """Why the guard exists: gpxpy, given the file, kills the whole process (SIGSEGV), which no
    try/except can catch. If a newer gpxpy stops crashing, this test says so; the guard stays."""
    path = tmp_path / "deep.gpx"
    path.write_bytes(deep_gpx())
    code = f"import gpxpy; gpxpy.parse(open({str(path)!r}, encoding='utf-8').read())"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    if proc.returncode >= 0:  # a newer gpxpy, or a larger stack (ulimit -s): the premise no longer holds here
        pytest.skip(f"gpxpy did not crash on this machine (exit {proc.returncode}); the guard stays regardless")
    assert proc.returncode < 0  # killed by a signal (-11: SIGSEGV)


def test_deep_gpx_alone_is_one_line_and_exit_1(tmp_path):
    path = tmp_path / "deep.gpx"
    path.write_bytes(deep_gpx())
    db = tmp_path / "store.sqlite"
    for _ in range(2):  # a rerun says the same (it crashed the same way every time)
        proc = run_cli(db, path)
        assert proc.returncode == 1, (proc.returncode, proc.stderr[-500:])
        assert error_lines(proc) == [
            f"Error: {path}: nests XML elements more than {_xml.MAX_XML_DEPTH} levels deep (line 1), which no real"
            " GPX file does; refusing it (possible attack on the XML parser)"]
        assert "Traceback" not in proc.stderr
    assert store_state(db) == ("ok", [], 0)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_deep_xml_in_a_batch_is_one_line_and_the_rest_imports(tmp_path, name):
    bad = tmp_path / name
    bad.write_bytes(BUILDERS[name]())
    good = tmp_path / "good.gpx"
    good.write_text(gpx_run(3))
    db = tmp_path / "store.sqlite"
    proc = run_cli(db, bad, good)
    assert proc.returncode == 3, (proc.returncode, proc.stderr[-500:])
    [line] = error_lines(proc)
    assert line.startswith(f"Error: {bad}: nests XML elements more than {_xml.MAX_XML_DEPTH} levels deep (line ")
    assert line.endswith("refusing it (possible attack on the XML parser)")
    assert "Traceback" not in proc.stderr
    assert store_state(db) == ("ok", [str(good)], 1)  # nothing of the deep file, all of the good one


@pytest.mark.parametrize(("module", "name"), [(gpx, "run.gpx"), (tcx, "run.tcx"), (apple_health, "export.xml")])
def test_each_importer_refuses_just_past_the_depth_limit(tmp_path, module, name):
    """One level past MAX_XML_DEPTH is refused; exactly at it, the file reads as before."""
    outer = {"run.gpx": 5, "run.tcx": 7, "export.xml": 2}[name]  # levels above the nest (gpx>trk>trkseg>trkpt>ext)
    over = BUILDERS[name](_xml.MAX_XML_DEPTH - outer + 1)
    with pytest.raises(HostileInput, match=f"more than {_xml.MAX_XML_DEPTH} levels deep"):
        module.read(_stream(over), name=name)
    at_limit = module.read(_stream(BUILDERS[name](_xml.MAX_XML_DEPTH - outer)), name=name)
    assert at_limit.activities or at_limit.daily_steps


def test_the_apple_reader_stops_at_the_deep_record_without_reading_on(tmp_path):
    """The Apple export streams: the refusal comes while reading, at the deep record's line, and
    the 50 MB that follow are never parsed (it returns quickly)."""
    head = deep_apple(10_000).removesuffix(b"</HealthData>\n")
    tail = b' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="x" value="1"/>\n' * 600_000
    stream = _CountingStream(head + tail + b"</HealthData>\n")
    with pytest.raises(HostileInput, match=r"more than \d+ levels deep \(line 4\)"):
        apple_health.read(stream, name="export.xml")
    assert stream.read_bytes <= len(head) + 2 * apple_health.CHUNK_BYTES


def test_element_count_is_bounded_in_the_same_scan():
    flat = b"<gpx>" + b"<a/>" * 1001 + b"</gpx>"
    with pytest.raises(HostileInput, match="holds more than 1,001 XML elements, which no real GPX file does"):
        _xml.check_shape(flat, "GPX", max_elements=1001)
    _xml.check_shape(flat, "GPX", max_elements=1002)  # 1,001 <a/> and the root


@pytest.mark.parametrize("text", ["<gpx><a></gpx>", "<gpx>\n<trk>", "<gpx></gpx><gpx/>"])
def test_not_well_formed_is_corrupt_in_the_words_elementtree_used(text):
    """The scan sees broken XML before the parser does; its message is the one users saw before."""
    with pytest.raises(ElementTree.ParseError) as before:
        ElementTree.XML(text)
    with pytest.raises(CorruptFile) as now:
        _xml.check_shape(text, "GPX")
    assert str(now.value) == f"not well-formed XML ({before.value}); the file is damaged or cut off"


def test_the_limits_sit_far_above_every_real_file():
    """Every real GPX, TCX and Apple export under tests/data passes, and none nests past 15."""
    paths = [p for p in sorted(DATA.glob("*/*")) if p.suffix in (".gpx", ".tcx", ".xml") and "bad" not in p.name]
    assert len(paths) >= 30
    deepest = max(_xml.check_shape(p.read_bytes(), p.suffix).deepest for p in paths)
    assert deepest <= 15 < _xml.MAX_XML_DEPTH


class _CountingStream:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos, self.read_bytes = data, 0, 0

    def read(self, n: int = -1) -> bytes:
        n = len(self.data) - self.pos if n < 0 else n
        chunk = self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        self.read_bytes += len(chunk)
        return chunk


def _stream(data: bytes) -> _CountingStream:
    return _CountingStream(data)
