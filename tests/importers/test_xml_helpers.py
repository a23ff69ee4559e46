"""The helpers the XML importers share (`importers/_xml.py`): the head before the root (BOM, spaces),
sniffing, the safe reader (size cap, no entities), the shape guard (nesting depth, element count), ISO
times with their offset, the heart-rate histogram and its summary, sport names. Small inputs, expected
values by hand."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from loadwatch.errors import CorruptFile, HostileInput
from loadwatch.importers import _xml


# -- the head, sniffing, reading safely -----------------------------------------------------------
@pytest.mark.parametrize("data", [
    b"<gpx/>", b"  \n\t<gpx/>", b"\xef\xbb\xbf<gpx/>", b"\xef\xbb\xbf \n <gpx/>", b"   \xef\xbb\xbf<gpx/>",
])
def test_strip_head_drops_bom_and_leading_whitespace(data: bytes) -> None:
    assert _xml.strip_head(data) == b"<gpx/>"


def test_sniff_markers() -> None:
    assert _xml.sniff_markers(b'\xef\xbb\xbf  <?xml version="1.0"?><gpx version="1.1">', b"<gpx")
    assert _xml.sniff_markers(b"<TrainingCenterDatabase>", b"<gpx", b"<TrainingCenterDatabase")
    assert not _xml.sniff_markers(b"<kml>", b"<gpx")
    assert not _xml.sniff_markers(b"text that mentions <gpx later", b"<gpx")  # not XML: starts with a letter


def test_read_small_returns_the_stripped_document() -> None:
    assert _xml.read_small(io.BytesIO(b"\xef\xbb\xbf\n<gpx></gpx>"), "GPX") == b"<gpx></gpx>"


@pytest.mark.parametrize("data", [
    b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><gpx>&xxe;</gpx>',
    b'<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><t>&b;</t>',  # a small billion laughs
])
def test_read_small_refuses_entity_declarations(data: bytes) -> None:
    with pytest.raises(HostileInput, match=r"declares XML entities \(<!ENTITY>\), which a TCX file never does"):
        _xml.read_small(io.BytesIO(data), "TCX")


def test_read_small_refuses_a_file_over_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_xml, "MAX_SMALL_XML_BYTES", 2**20)  # 1 MiB instead of 256, to keep the test small
    doc = b"<gpx>" + b" " * (2**20 - 11) + b"</gpx>"  # exactly 1 MiB: 5 + 1048565 + 6 bytes
    assert len(_xml.read_small(io.BytesIO(doc), "GPX")) == 2**20
    with pytest.raises(HostileInput, match="larger than 1 MiB, which no single GPX file is"):
        _xml.read_small(io.BytesIO(doc + b" "), "GPX")


# -- times ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "utc", "offset"), [
    ("2024-03-31T08:00:00Z", datetime(2024, 3, 31, 8, 0, tzinfo=UTC), None),
    ("2024-03-31T08:00:00", datetime(2024, 3, 31, 8, 0, tzinfo=UTC), None),  # no zone: read as UTC
    ("2024-03-31T08:00:00+02:00", datetime(2024, 3, 31, 6, 0, tzinfo=UTC), 7200),
    ("2024-03-31T08:00:00+0530", datetime(2024, 3, 31, 2, 30, tzinfo=UTC), 19800),  # 5.5 h = 19800 s
    ("2024-03-31T08:00:00-03:30", datetime(2024, 3, 31, 11, 30, tzinfo=UTC), -12600),
    ("2024-03-31 08:00:00.1234567891Z", datetime(2024, 3, 31, 8, 0, 0, 123456, tzinfo=UTC), None),  # to the us
    ("  2024-05-02T15:51:15.692Z ", datetime(2024, 5, 2, 15, 51, 15, 692000, tzinfo=UTC), None),
])
def test_parse_iso(text: str, utc: datetime, offset: int | None) -> None:
    assert _xml.parse_iso(text) == (utc, offset)


@pytest.mark.parametrize("text", [None, "", "yesterday", "2024-02-30T08:00:00Z", "2024-03-31", "31/03/2024 08:00:00"])
def test_parse_iso_is_none_for_what_is_not_a_time(text: str | None) -> None:
    assert _xml.parse_iso(text) is None


# -- heart rate -----------------------------------------------------------------------------------
def test_hr_histogram_holds_each_value_until_the_next_point() -> None:
    times = [0, 10, 20, 60, 70, 75]
    hrs = [100, 110.4, 120, None, 130, 140]
    # 100 for 10 s; 110.4 -> 110 for 10 s; 120 -> next point 40 s later: over 30 s, a pause, not counted;
    # no HR holds nothing; 130 for 5 s; 140 is last and there is no end: held 0 s
    assert _xml.hr_histogram(times, hrs) == {100: 10.0, 110: 10.0, 130: 5.0}
    # with end_s=80 the last point holds 80 - 75 = 5 s; with no cap the 40 s hold counts
    assert _xml.hr_histogram(times, hrs, end_s=80) == {100: 10.0, 110: 10.0, 130: 5.0, 140: 5.0}
    assert _xml.hr_histogram(times, hrs, max_hold_s=None) == {100: 10.0, 110: 10.0, 120: 40.0, 130: 5.0}


def test_hr_histogram_ignores_zero_hr_and_repeated_times() -> None:
    # 0 bpm is no reading; a point at the same time as the next holds 0 s; 150 at 5 holds until 8: 3 s
    assert _xml.hr_histogram([0, 5, 5, 8], [0, 140, 150, 160]) == {150: 3.0}


def test_hr_summary() -> None:
    # time-weighted: (100 x 10 + 130 x 20) / 30 = 3600 / 30 = 120; the maximum of every reading: 200
    assert _xml.hr_summary({100: 10.0, 130: 20.0}, [100, 130, 200]) == (120.0, 200.0)
    # no time held: the plain mean, (120 + 131) / 2 = 125.5
    assert _xml.hr_summary({}, [120, None, 131]) == (125.5, 131.0)
    # (100 x 1 + 101 x 2) / 3 = 100.666.. -> 100.7
    assert _xml.hr_summary({100: 1.0, 101: 2.0}, [100, 101]) == (100.7, 101.0)
    assert _xml.hr_summary({}, [None, 0]) == (None, None)


# -- sports ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "sport"), [
    ("running", "running"), ("Run", "running"), ("9", "running"),  # Strava's activity-type number for Run
    ("Trail Running", "running"), ("mountain_biking", "cycling"), ("Biking", "cycling"),
    ("Nordic-Ski", "cross_country_skiing"), ("Other", "generic"), ("  Hiking ", "hiking"),
    ("Quidditch", None), ("", None), (None, None),
])
def test_sport_from_text(text: str | None, sport: str | None) -> None:
    assert _xml.sport_from_text(text) == sport


# -- the shape guard: nesting depth and element count, scanned before a tree is built --------------
def test_check_shape_counts_depth_and_elements() -> None:
    # <gpx> > <trk> > <trkseg> > <trkpt> x 2: 3 + 2 = 5 elements, 4 levels deep
    shape = _xml.check_shape(b"<gpx><trk><trkseg><trkpt/><trkpt/></trkseg></trk></gpx>", "GPX")
    assert (shape.deepest, shape.elements, shape.depth) == (4, 5, 0)


def test_check_shape_reads_across_scan_chunks() -> None:
    doc = b"<a>" + b"<b/>" * 300_000 + b"</a>"  # 1,200,007 bytes: more than one 1 MiB chunk
    assert len(doc) > _xml.SCAN_CHUNK
    shape = _xml.check_shape(doc, "GPX")
    assert (shape.deepest, shape.elements) == (2, 300_001)


def test_check_shape_refuses_nesting_past_the_limit() -> None:
    deep = _xml.MAX_XML_DEPTH  # 64
    assert _xml.check_shape("<e>" * deep + "</e>" * deep, "TCX").deepest == 64
    with pytest.raises(HostileInput, match=r"nests XML elements more than 64 levels deep \(line 1\), which no"
                                           r" real TCX file does"):
        _xml.check_shape("<e>" * (deep + 1) + "</e>" * (deep + 1), "TCX")


def test_check_shape_refuses_more_elements_than_the_limit() -> None:
    assert _xml.check_shape(b"<a><b/></a>", "GPX", max_elements=2).elements == 2
    with pytest.raises(HostileInput, match="holds more than 2 XML elements, which no real GPX file does"):
        _xml.check_shape(b"<a><b/><c/></a>", "GPX", max_elements=2)


@pytest.mark.parametrize("doc", [b"<a><b></a>", b"<a>", b"not xml at all", b""])
def test_check_shape_of_broken_xml_is_corrupt(doc: bytes) -> None:
    with pytest.raises(CorruptFile, match="not well-formed XML"):
        _xml.check_shape(doc, "GPX")
