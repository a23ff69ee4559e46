"""Bad FIT input, derived at test time from real files (cut, flipped, padded) or plain junk."""

from __future__ import annotations

import pytest

from loadwatch.errors import CorruptFile, LoadwatchError, UnsupportedFormat
from loadwatch.importers import fit
from tests.helpers import DATA

FIT_DIR = DATA / "fit"
RUN = (FIT_DIR / "activity-small-fenix2-run.fit").read_bytes()  # fenix2 run, 47 min, 2.8k records


def test_empty_file() -> None:
    with pytest.raises(CorruptFile, match="empty file"):
        fit.read_bytes(b"", name="e.fit")


@pytest.mark.parametrize("junk", [b"<!DOCTYPE html><html><body>login</body></html>", b"\x89PNG\r\n\x1a\n" + b"\0" * 64])
def test_not_a_fit_file(junk: bytes) -> None:
    assert not fit.sniff(junk, "x.fit")
    with pytest.raises(UnsupportedFormat, match="not a FIT file"):
        fit.read_bytes(junk, name="x.fit")


def test_truncated_mid_record_keeps_the_records_before_the_cut() -> None:
    cut = RUN[: len(RUN) * 6 // 10 + 3]  # the session message is at the end: it is lost
    with pytest.raises(CorruptFile, match="cut short"):
        fit.read_bytes(cut, name="r.fit", strict=True)
    parsed = fit.read_bytes(cut, name="r.fit")
    assert parsed.recovered
    assert any("cut short" in w for w in parsed.warnings)
    assert "no session summary in the file; built the session from its records" in parsed.warnings
    (a,) = parsed.activities
    full = fit.read_bytes(RUN, name="r.fit").activities[0]
    # this fenix2 names the sport only in its laps and session, which come after the cut
    assert a.sport == "generic" and a.start_utc == full.start_utc
    assert 0.4 * full.duration_s < a.duration_s < 0.8 * full.duration_s
    assert a.hr_hist and a.distance_m is not None and 0 < a.distance_m < full.distance_m


def test_cut_inside_the_header() -> None:
    with pytest.raises(CorruptFile, match="before any session or record"):
        fit.read_bytes(RUN[:30], name="r.fit")


def test_wrong_file_crc_imports_with_a_warning_unless_strict() -> None:
    bad = RUN[:-1] + bytes([RUN[-1] ^ 0xFF])
    parsed = fit.read_bytes(bad, name="r.fit")
    assert any(w.startswith("checksum mismatch") for w in parsed.warnings)
    assert len(parsed.activities) == 1 and not parsed.recovered
    with pytest.raises(CorruptFile, match="checksum mismatch"):
        fit.read_bytes(bad, name="r.fit", strict=True)


def test_flipped_data_byte_is_caught_by_the_crc() -> None:
    i = len(RUN) // 2
    bad = RUN[:i] + bytes([RUN[i] ^ 0x01]) + RUN[i + 1:]
    with pytest.raises(CorruptFile, match="checksum mismatch"):
        fit.read_bytes(bad, name="r.fit", strict=True)


def test_junk_after_the_crc_is_ignored_with_a_warning() -> None:
    parsed = fit.read_bytes(RUN + b"\x00garbage!!", name="r.fit", strict=True)
    assert parsed.warnings[-1] == "10 bytes of unknown data after the end of the FIT data were ignored"
    assert parsed.activities == fit.read_bytes(RUN, name="r.fit").activities


def test_random_corruption_never_raises_anything_but_our_errors() -> None:
    """Flip bytes all over a real file: each read either works or raises a LoadwatchError."""
    outcomes = set()
    for i in range(14, len(RUN), len(RUN) // 97):
        bad = bytearray(RUN)
        bad[i] ^= 0xA5
        try:
            fit.read_bytes(bytes(bad), name="r.fit")
            outcomes.add("read")
        except LoadwatchError:
            outcomes.add("refused")
    assert "read" in outcomes  # most flips land in values: the file still imports, with a CRC warning


def test_read_from_a_stream_equals_read_bytes() -> None:
    import io

    assert fit.read(io.BytesIO(RUN), name="r.fit").activities == fit.read_bytes(RUN, name="r.fit").activities
