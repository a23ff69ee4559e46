"""Reproducers from the structural FIT fuzz (tests/system/fuzz/fit_mutations.py), each made here from a
real file in tests/data by its recipe.

Before the fix each one ended in an exception that was not loadwatch's own ("could not be read
(OverflowError: ...); please report this file") or in a value that is no value (a max heart rate of
-85, calories of -1e-38). The rules they pin down:
- a field declared with a base type that does not read as the profile's (heart_rate as sint8,
  a timestamp as float32 or uint64, distance as a string) sends the file to fitdecode, and a value
  outside the profile's type (a negative heart rate, a timestamp past 2**32) is dropped, not stored;
- fitdecode failing inside on damaged data (a ValueError, a TypeError) is damage like any other;
- damage keeps what was readable before it, as a cut file does.
"""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import pytest

from loadwatch.errors import CorruptFile, LoadwatchError
from loadwatch.importers import fit
from loadwatch.importers.fit import decode
from loadwatch.importers.fit.messages import EVENT, MONITORING_INFO, RECORD, SESSION, TIMESTAMP
from loadwatch.ingest import import_paths
from loadwatch.store import Store
from tests.helpers import DATA
from tests.system.fuzz import fit_mutations as fm

FIT_DIR = DATA / "fit"
MONITOR = Path(__file__).resolve().parents[2] / "sample_data" / "devices" / "garmin" / "Monitor" / "2026-07-03.fit"
SINT8, UINT16, SINT16, STRING, FLOAT32, FLOAT64, SINT64, UINT64, UINT64Z = (
    0x01, 0x84, 0x83, 0x07, 0x88, 0x89, 0x8E, 0x8F, 0x90)

# (id, seed, message, field, op and its arguments, what the importer did before the fix)
BY_FIELD = [
    ("session-start_time-uint64", "fit-parser_suunto-weight.fit", SESSION, 2, "retype", (UINT64, 8, 0xFF),
     "OSError at units.fit_to_datetime: a start 2**64 s after 1989"),
    ("record-timestamp-sint64", "FitFileParser_gearstest.fit", RECORD, TIMESTAMP, "retype", (SINT64, 8, 0x80),
     "OverflowError: a negative record timestamp into the uint32 array"),
    ("record-heart_rate-sint16", "activity-small-fenix2-run.fit", RECORD, 3, "retype", (SINT16, 2, 0xFF),
     "OverflowError: a negative heart rate into the uint8 array"),
    ("record-timestamp-float32", "2013-02-06-12-11-14.fit", RECORD, TIMESTAMP, "base", (FLOAT32,),
     "TypeError: a float record timestamp into the uint32 array"),
    ("record-heart_rate-string", "activity-small-fenix2-run.fit", RECORD, 3, "retype", (STRING, 1, 0x7F),
     "TypeError: bytes > int on the heart rate"),
    ("record-distance-string", "FitFileParser_gearstest.fit", RECORD, 5, "base", (STRING,),
     "TypeError: bytes > int on the distance"),
    ("session-total_calories-float64", "garmin-fenix-5-run.fit", SESSION, 11, "retype", (FLOAT64, 8, 0x80),
     "calories of -1.2e-38 stored"),
    ("session-max_heart_rate-sint8", "FitFileParser_gearstest.fit", SESSION, 17, "retype", (SINT8, 1, 0),
     "a max heart rate of -85 stored"),
    ("session-total_timer_time-sint16", "garmin-fenix-5-run.fit", SESSION, 8, "retype", (SINT16, 2, 0xFF),
     "a moving time of -8.6 s stored"),
    # two that came with sending more files to fitdecode, found by the fuzz while fixing the rest:
    ("record-heart_rate-uint16-size-3", "garmin-fenix-5-run.fit", RECORD, 3, "retype", (UINT16, 3, 0),
     "fitdecode in RAISE mode refused a size that is not a multiple of the type: nothing imported"),
    ("session-start_time-uint64z-size-4", "fit-parser_suunto-weight.fit", SESSION, 2, "base", (UINT64Z,),
     "fitdecode read the 4 bytes as a byte array and its first byte (67) became the start: dated 1989, refused"),
]

# Recipes by index as the fuzz wrote them, with the global message number of each definition they hit
# (message index: number), so a changed seed fails here instead of testing nothing.
BY_INDEX = [
    # the developer-data flag set on device_info shifts what follows; an event's timestamp as uint64 then
    # reached units.fit_to_datetime (OverflowError: timestamp out of range for platform time_t)
    ("devflag-event-timestamp-uint64", "garmin-edge-820-bike.fit", [("devflag", 6), ("retype", 4, 0, 0x8F, 8, 0x80)],
     {6: 23, 4: EVENT}),
    # damage inside fitdecode once more files reached it: ValueError("size"), TypeError (tuple & int)
    ("fitdecode-ValueError-size", "event_timestamp.fit", [("nfields", 928, 50)], {928: EVENT}),
    ("fitdecode-TypeError-tuple", "fit-parser_user_metrics.fit", [("nfields", 31, 2), ("retype", 6, 0, 10, 2, 255)],
     {31: RECORD, 6: 23}),
]


DAMAGED_EARLY = {"devflag-event-timestamp-uint64"}  # broken right after file_id: nothing to keep


def _by_field(seed: Path, gmn: int, num: int, op: str, args: tuple[int, ...]) -> bytes:
    data = seed.read_bytes()
    ops = fm.field_ops(data, gmn, num, op, *args)
    assert ops, f"{seed.name} declares no field {num} in message {gmn}: the recipe no longer applies"
    return fm.apply(data, ops)


def _by_index(seed: Path, recipe: list[fm.Op], hits: dict[int, int]) -> bytes:
    data = seed.read_bytes()
    sc = fm.scan(data)
    assert sc is not None
    assert {i: sc.msgs[i].gmn for i in hits if i in sc.defs} == hits, f"{seed.name}: the recipe no longer applies"
    return fm.apply(data, recipe)


def _mutants() -> list[tuple[str, bytes]]:
    out = [(case, _by_field(FIT_DIR / seed, gmn, num, op, args)) for case, seed, gmn, num, op, args, _ in BY_FIELD]
    out += [(case, _by_index(FIT_DIR / seed, recipe, hits)) for case, seed, recipe, hits in BY_INDEX]
    return out


MUTANTS = _mutants()


@pytest.mark.parametrize(("case", "data"), MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_imports_with_plausible_values(case: str, data: bytes) -> None:
    assert fm.check(data) is None
    try:
        parsed = fit.read_bytes(data, name=f"{case}.fit")
    except LoadwatchError as err:  # damage before anything readable: loadwatch's own one line
        assert case in DAMAGED_EARLY and "\n" not in str(err), err
        return
    assert parsed.activities or parsed.daily_steps
    for a in parsed.activities:
        assert a.avg_hr is None or 1 <= a.avg_hr <= 255
        assert a.max_hr is None or 1 <= a.max_hr <= 255
        assert all(1 <= bpm <= 255 for bpm in a.hr_hist)
        for v in (a.duration_s, a.moving_s, a.distance_m, a.calories, a.ascent_m):
            assert v is None or 0 <= v < float("inf")


@pytest.mark.parametrize(("case", "data"), MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_through_the_import_into_a_real_store(case: str, data: bytes, tmp_path: Path) -> None:
    path = tmp_path / f"{case}.fit"
    path.write_bytes(data)
    db = tmp_path / "lw.sqlite"
    with Store(db) as store:
        result = import_paths(store, [path], workers=1)
    (f,) = result.files
    # imported, or refused by the plausibility rules with one line (a damaged session can be garbage)
    assert f.status in ("imported", "recovered") or (f.status == "failed" and f.error and "\n" not in f.error)
    assert not f.error or "please report" not in f.error
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM sessions WHERE avg_hr < 0 OR max_hr < 0 OR duration_s < 0"
                            " OR distance_m < 0").fetchone()[0] == 0
        stored = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    assert stored == (0 if f.status == "failed" else 1)


def _fast_path_declines(data: bytes) -> bool:
    try:
        decode.decode(data, decode.split(data), strict=False)
    except decode.FastPathUnsupported:
        return True
    return False


RUN = FIT_DIR / "activity-small-fenix2-run.fit"  # fenix2 run, 47 min, HR on every record (69..178 bpm)


def test_heart_rate_declared_sint8_goes_to_fitdecode_and_drops_what_is_no_heart_rate() -> None:
    """As sint8 a strap's 153 bpm reads -103: no heart rate. The values below 127 are the same bytes."""
    mutant = _by_field(RUN, RECORD, 3, "retype", (SINT8, 1, 0))
    assert _fast_path_declines(mutant)
    (a,) = fit.read_bytes(mutant, name="sint8.fit").activities
    (orig,) = fit.read_bytes(RUN.read_bytes(), name="run.fit").activities
    assert max(orig.hr_hist) > 127  # the seed has heart rates that the sint8 declaration turns negative
    assert a.hr_hist == {bpm: s for bpm, s in orig.hr_hist.items() if bpm < 0x7F}  # 0x7F: sint8's "invalid"
    assert (a.start_utc, a.duration_s, a.distance_m) == (orig.start_utc, orig.duration_s, orig.distance_m)


def test_heart_rate_declared_uint16_keeps_every_value() -> None:
    """A wider integer type holding the same numbers is the same data: fitdecode reads it, nothing is lost."""
    mutant = _by_field(RUN, RECORD, 3, "retype", (UINT16, 2, 0))
    assert _fast_path_declines(mutant)
    assert fit.read_bytes(mutant, name="u16.fit").activities == fit.read_bytes(RUN.read_bytes(),
                                                                                name="run.fit").activities


def test_monitoring_timestamp_declared_uint64_keeps_its_steps() -> None:
    """monitoring_info's timestamp as uint64z past 2**63 (OverflowError into the int64 array before):
    it is no time, so the file has no local time left; its steps are kept, on UTC days, and it says so (the
    counter resets at local midnight, so the first two hours of the local day count for the UTC day before)."""
    mutant = _by_field(MONITOR, MONITORING_INFO, TIMESTAMP, "retype", (UINT64Z, 8, 0x80))
    assert _fast_path_declines(mutant)
    parsed = fit.read_bytes(mutant, name="mon.fit")
    orig = fit.read_bytes(MONITOR.read_bytes(), name="mon.fit")
    assert "no local time in the file; days are UTC days" in parsed.warnings
    (day,) = orig.daily_steps
    assert parsed.daily_steps[-1] == day and day.steps > 0
    assert all(d.steps >= 0 and d.day <= day.day for d in parsed.daily_steps)


HRV = FIT_DIR / "hrv-activity.fit"  # Edge 530 ride: its record message is defined again at byte 21927


def test_broken_definition_keeps_what_came_before_as_a_cut_there_does() -> None:
    """An architecture byte that is neither 0 nor 1 was CorruptFile for the whole file; it is damage at
    that byte: the messages before it are imported, exactly as from the file cut at that byte."""
    data = HRV.read_bytes()
    sc = fm.scan(data)
    assert sc is not None
    (i,) = [i for i in sc.defs if sc.msgs[i].gmn == RECORD and sc.msgs[i].pos == 21927]
    damaged = fm.apply(data, [("arch", i, 0x4C)])
    parsed = fit.read_bytes(damaged, name="hrv.fit")
    assert parsed.recovered
    assert any("architecture byte 76" in w and "imported the messages before it" in w for w in parsed.warnings)
    cut = fit.read_bytes(data[:21927], name="hrv.fit")
    assert cut.recovered and len(parsed.activities) == 1
    assert parsed.activities == cut.activities
    sealed = damaged[:-2] + struct.pack("<H", decode.crc16(damaged[:-2]))  # the CRC made to fit the damage
    assert not decode.split(sealed).crc_mismatch
    with pytest.raises(CorruptFile, match="architecture byte 76"):
        fit.read_bytes(sealed, name="hrv.fit", strict=True)


def test_recipes_rebuild_the_same_bytes() -> None:
    """A recipe is all a reproducer needs: the same seed and ops give the same bytes, and a retype keeps
    the file well formed (fitdecode reads it whole, the header's size and the CRC fit the new data)."""
    a = _by_field(RUN, RECORD, 3, "retype", (SINT8, 1, 0))
    assert a == _by_field(RUN, RECORD, 3, "retype", (SINT8, 1, 0))
    assert fm.fitdecode_reads(a)
    assert not decode.split(a).crc_mismatch
