"""FIT files assembled byte by byte (FIT SDK protocol 2.0 layout), for what no real file shows:
monitoring (daily steps), developer fields without a description, unterminated and latin-1 strings,
big-endian definitions, undefined local types and implausible dates. fitdecode reads them too."""

from __future__ import annotations

import io
import struct
from datetime import UTC, date, datetime

import fitdecode
import pytest

from loadwatch.errors import CorruptFile
from loadwatch.importers import fit
from loadwatch.importers.fit import decode as fit_decode
from loadwatch.importers.fit import fallback as fit_fallback
from tests.helpers import fit_definition, fit_file, fit_message, fit_ts

UINT8, ENUM, UINT16, UINT32, STRING = 0x02, 0x00, 0x84, 0x86, 0x07


FILE_ID = [(0, 1, ENUM), (1, 2, UINT16), (2, 2, UINT16)]  # type, manufacturer, product


def activity_file(sessions: list[tuple[int, int, int]], *, records: bytes = b"", extra: bytes = b"") -> bytes:
    """An activity: file_id (Garmin fenix 5), the given records, one session per (start, seconds, sport)."""
    body = fit_definition(0, 0, FILE_ID) + fit_message(0, "BHH", 4, 1, 2697) + records + extra
    body += fit_definition(2, 18, [(253, 4, UINT32), (2, 4, UINT32), (7, 4, UINT32), (9, 4, UINT32), (5, 1, ENUM)])
    for start, seconds, sport in sessions:
        body += fit_message(2, "IIIIB", start + seconds, start, seconds * 1000, 100_000, sport)
    return fit_file(body)


START = fit_ts(datetime(2024, 3, 10, 7, 0, tzinfo=UTC))


def hr_records(n: int, *, big: bool = False, dev: bool = False) -> bytes:
    """n records, 1 s apart from START, HR 140 + (i % 3); with dev=True each carries 3 undescribed dev bytes."""
    out = fit_definition(1, 20, [(253, 4, UINT32), (3, 1, UINT8)], big=big, dev=[(0, 3, 0)] if dev else None)
    for i in range(n):
        out += fit_message(1, "IB" + ("3s" if dev else ""), START + i, 140 + i % 3, *([b"abc"] if dev else []), big=big)
    return out


def test_developer_fields_without_description_and_big_endian_records_are_read() -> None:
    for kwargs in ({"dev": True}, {"big": True}):
        data = activity_file([(START, 600, 1)], records=hr_records(61, **kwargs))
        parsed = fit.read_bytes(data, name="x.fit")
        (a,) = parsed.activities
        # 60 one-second gaps between 61 records; HR cycles 140,141,142 -> 20 s each
        assert a.hr_hist == {140: 20.0, 141: 20.0, 142: 20.0}
        assert a.device == "Garmin fenix 5"
        assert parsed.n_records == 1 + 61 + 1


def test_unterminated_and_latin1_strings_are_read_without_crash() -> None:
    body = fit_definition(0, 0, [*FILE_ID, (8, 8, STRING)]) + fit_message(0, "BHH8s", 4, 1, 2697, b"F\xe9nix 99")
    body += fit_definition(2, 18, [(253, 4, UINT32), (2, 4, UINT32), (7, 4, UINT32), (5, 1, ENUM)])
    body += fit_message(2, "IIIB", START + 60, START, 60_000, 1)
    (a,) = fit.read_bytes(fit_file(body), name="x.fit").activities
    assert a.device == "Garmin F\ufffdnix 99"  # product_name wins over the profile name; bad byte replaced


def test_undefined_local_message_type() -> None:
    # 10 good records, then a data message of local type 5 that was never defined
    data = activity_file([], records=hr_records(10) + bytes([5]) + b"\0" * 8)
    offset = data.index(bytes([5]) + b"\0" * 8, 100)
    with pytest.raises(CorruptFile, match=f"local message type 5.*byte {offset}"):
        fit.read_bytes(data, name="x.fit", strict=True)
    parsed = fit.read_bytes(data, name="x.fit")
    assert parsed.recovered
    (a,) = parsed.activities  # built from the 10 records before the bad message
    assert a.start_utc == datetime(2024, 3, 10, 7, 0, tzinfo=UTC) and a.duration_s == 9.0
    with pytest.raises(CorruptFile, match="local message type 5"):
        fit.read_bytes(fit_file(bytes([5]) + b"\0" * 8), name="x.fit")


def test_implausible_dates_drop_the_session_or_fail_the_file() -> None:
    old = fit_ts(datetime(1995, 5, 1, tzinfo=UTC))
    future = fit_ts(datetime(2099, 1, 1, tzinfo=UTC))
    parsed = fit.read_bytes(activity_file([(START, 600, 1), (future, 600, 2)]), name="x.fit")
    assert [a.sport for a in parsed.activities] == ["running"]
    assert any("implausible date (2099-01-01)" in w for w in parsed.warnings)
    with pytest.raises(CorruptFile, match="implausible date"):
        fit.read_bytes(activity_file([(old, 600, 1)]), name="x.fit")


def test_header_claiming_4_gb_is_read_as_cut_at_the_real_end() -> None:
    data = bytearray(activity_file([(START, 600, 1)], records=hr_records(5)))
    struct.pack_into("<I", data, 4, 0xFFFFFFF0)
    struct.pack_into("<H", data, 12, 0)  # header CRC 0 = not computed (allowed)
    parsed = fit.read_bytes(bytes(data), name="x.fit")
    assert parsed.recovered and "cut short" in parsed.warnings[0]
    assert [a.sport for a in parsed.activities] == ["running"]


# -- monitoring --------------------------------------------------------------------------------
def monitoring_file() -> bytes:
    """A day-by-day steps file (monitoring_b), local time UTC+2, as a Garmin watch writes it:
    a full timestamp now and then, timestamp_16 in between, cycles cumulative per activity type."""
    t0 = fit_ts(datetime(2024, 3, 10, 20, 0, tzinfo=UTC))  # 22:00 local on 10 March
    body = fit_definition(0, 0, FILE_ID) + fit_message(0, "BHH", 32, 1, 2697)
    body += fit_definition(1, 103, [(253, 4, UINT32), (0, 4, UINT32)]) + fit_message(1, "II", t0, t0 + 7200)
    body += fit_definition(2, 55, [(253, 4, UINT32), (5, 1, ENUM), (3, 4, UINT32)])
    body += fit_definition(3, 55, [(26, 2, UINT16), (5, 1, ENUM), (3, 4, UINT32)])
    walk, run = 6, 1

    def short(t: int, kind: int, cycles: int) -> bytes:
        return fit_message(3, "HBI", t & 0xFFFF, kind, cycles)

    body += fit_message(2, "IBI", t0, walk, 5000)             # 10 Mar 22:00
    body += short(t0 + 900, run, 1200)                    # 10 Mar 22:15
    body += short(t0 + 1800, walk, 5400)                  # 10 Mar 22:30
    body += short(t0 + 7200, walk, 5600)                  # 11 Mar 00:00: the total up to midnight -> 10 Mar
    body += short(t0 + 8100, walk, 30)                    # 11 Mar 00:15: reset at midnight
    body += short(t0 + 9000, run, 100)                    # 11 Mar 00:30
    body += fit_message(2, "IBI", t0 + 70000, walk, 4000)     # 11 Mar 17:26:40
    body += short(t0 + 110000, walk, 800)                 # 12 Mar 04:33:20
    body += short(t0 + 150000, walk, 6000)                # 12 Mar 15:40: 80,000 s after the last full timestamp
    return fit_file(body)


def test_monitoring_file_gives_daily_steps_per_local_day() -> None:
    data = monitoring_file()
    # By hand: 10 Mar walking max 5600 + running 1200 = 6800; 11 Mar walking 4000 + running 100 = 4100;
    # 12 Mar walking 6000 (only right if each timestamp_16 is rebuilt from the previous rebuilt one).
    expected = [(date(2024, 3, 10), 6800), (date(2024, 3, 11), 4100), (date(2024, 3, 12), 6000)]
    for decoder in (fit_decode, fit_fallback):
        layout = fit_decode.split(data)
        parsed = fit._build(decoder.decode(data, layout, strict=True), [])
        assert [(d.day, d.steps) for d in parsed.daily_steps] == expected
        assert {(d.device, d.device_kind) for d in parsed.daily_steps} == {("Garmin fenix 5", "watch")}
    assert fit.read_bytes(data, name="m.fit").warnings == []
    # the bytes are a valid FIT file for fitdecode too
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        cycles = [m.get_raw_value("cycles") for m in reader
                  if isinstance(m, fitdecode.FitDataMessage) and m.name == "monitoring"]
    assert cycles == [5000, 1200, 5400, 5600, 30, 100, 4000, 800, 6000]
