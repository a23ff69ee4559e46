"""Hostile and broken inputs, all in one place (notes: exports-and-failures.md section 3 table).

Every case goes through the real `loadwatch import` (CliRunner) and/or `import_paths` into a real
Store on tmp_path and checks: one clear line naming the file (and member) and the reason; exit
code 1 (3 when the rest of a batch imported); nothing written outside the store (the tree of
tmp_path before and after, so nothing appeared next to the archive); nothing of the bad file in
`sources`/`sessions`/`daily_steps`. Hostile archives are built at test time.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from loadwatch.cli import cli
from loadwatch.cli.imports import exit_code
from loadwatch.errors import LoadwatchError
from loadwatch.importers import csv_steps
from loadwatch.ingest import import_paths
from loadwatch.ingest.archives import Limits, declared_member_count
from loadwatch.store import Store
from tests.helpers import DATA, child_env, loadwatch_cmd

STORE_FILES = {"store.sqlite", "store.sqlite-wal", "store.sqlite-shm"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)


def tree(root: Path) -> set[str]:
    """Every path under root except the store's own files."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.name not in STORE_FILES}


def table_counts(db: Path) -> tuple[int, int, int]:
    with Store(db) as s:
        q = s.conn.execute
        return (q("SELECT count(*) FROM sources WHERE status != 'archive'").fetchone()[0],
                q("SELECT count(*) FROM sessions").fetchone()[0], q("SELECT count(*) FROM daily_steps").fetchone()[0])


def run_import(runner, db: Path, *paths: Path, extra: tuple[str, ...] = ()):
    return runner.invoke(cli, ["--db", str(db), "import", *extra, *map(str, paths)])


def errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error: ")]


def make_zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


# -- zip members that try to escape ---------------------------------------------------------------
@pytest.mark.parametrize(("member", "why"), [
    ("../../evil.fit", "path with '..'"),
    ("a/../../evil.fit", "path with '..'"),
    ("/etc/evil.fit", "absolute path"),
    ("C:/evil.fit", "absolute path"),
    ("..\\..\\evil.fit", "path with '..'"),
])
def test_zip_member_escaping_its_folder_is_never_written(tmp_path, db_path, runner, member, why):
    bad = make_zip(tmp_path / "export.zip", {member: PNG, "readme.txt": b"hello\n"})
    before = tree(tmp_path)
    result = run_import(runner, db_path, bad)
    assert result.exit_code == 1, result.output  # the readme was skipped, the bad member failed: nothing imported
    assert errors(result.output) == [f"Error: {bad}!{member}: unsafe member name ({why}); skipped, nothing written"]
    assert tree(tmp_path) == before
    assert not Path("/etc/evil.fit").exists()
    assert table_counts(db_path) == (0, 0, 0)


def test_symlink_member_is_refused(tmp_path, db_path, runner):
    path = tmp_path / "links.zip"
    with zipfile.ZipFile(path, "w") as z:
        info = zipfile.ZipInfo("activity.fit")
        info.external_attr = (0o120777 << 16)  # S_IFLNK: the member is a symlink to /etc/passwd
        z.writestr(info, "/etc/passwd")
    result = run_import(runner, db_path, path)
    assert result.exit_code == 1
    assert errors(result.output) == [f"Error: {path}!activity.fit: symbolic link member; skipped"]
    assert table_counts(db_path) == (0, 0, 0)


# -- bombs ----------------------------------------------------------------------------------------
def test_member_over_the_per_member_cap(tmp_path, db_path):
    bomb = make_zip(tmp_path / "bomb.zip", {"big.csv": b"date,steps\n" + b"0" * (3 * 2**20)})
    with Store(db_path) as store:
        res = import_paths(store, [bomb], limits=Limits(max_member_bytes=2**20))
        assert [(f.path, f.status, f.error) for f in res.files] == [
            (f"{bomb}!big.csv", "failed", "inflates past the 1 MiB limit; refusing it (possible zip bomb)")]
        assert exit_code(res) == 1  # the code `loadwatch import` exits with: failed, nothing in the store
    assert table_counts(db_path) == (0, 0, 0)
    assert tree(tmp_path) == {"bomb.zip"}


def test_archive_over_the_total_cap(tmp_path, db_path):
    # five members of 600 KiB each: each under the 1 MiB member cap, together 3 MiB > the 2 MiB total
    bomb = make_zip(tmp_path / "bomb.zip", {f"part{i}.txt": b"x" * (600 * 2**10) for i in range(5)})
    with Store(db_path) as store:
        res = import_paths(store, [bomb], limits=Limits(max_member_bytes=2**20, max_archive_bytes=2 * 2**20))
    failed = [f for f in res.files if f.status == "failed"]
    assert failed, [(f.path, f.status, f.error) for f in res.files]
    assert all("archive inflates past" in (f.error or "") and "zip bomb" in (f.error or "") for f in failed)


def test_real_1000_to_1_member_is_refused_by_ratio(tmp_path, db_path):
    # 80 MiB of zeros deflate to ~80 KiB (about 1000:1); the default limits check the ratio once a
    # member passes 64 MiB and refuse anything above 200:1
    data = bytes(80 * 2**20)
    bomb = make_zip(tmp_path / "zeros.zip", {"zeros.fit": data})
    assert os.path.getsize(bomb) < 200 * 2**10
    del data
    with Store(db_path) as store:
        res = import_paths(store, [bomb])
    assert [(f.status, f.error) for f in res.files] == [
        ("failed", f"its members declare 80 MiB from {os.path.getsize(bomb) / 2**10:.1f} KiB, a ratio above 200:1; refusing it (possible zip bomb)")]  # noqa: E501  # refused for the archive, before inflating


def test_gzip_bomb(tmp_path, db_path, runner):
    # 80 MiB of zeros gzip to ~80 KiB; refused by ratio under the default limits
    path = tmp_path / "run.fit.gz"
    path.write_bytes(gzip.compress(bytes(80 * 2**20), compresslevel=9))
    before = tree(tmp_path)
    result = run_import(runner, db_path, path)
    assert result.exit_code == 1
    assert errors(result.output) == [f"Error: {path}: compression ratio above 200:1; refusing it (possible zip bomb)"]
    assert tree(tmp_path) == before


def test_gzip_over_its_size_cap(tmp_path, db_path):
    path = tmp_path / "run.gpx.gz"
    path.write_bytes(gzip.compress(b"<gpx>" + b" " * (2 * 2**20)))
    with Store(db_path) as store:
        res = import_paths(store, [path], limits=Limits(max_gzip_bytes=2**20))
    assert [(f.status, f.error) for f in res.files] == [
        ("failed", "inflates past the 1 MiB limit; refusing it (possible zip bomb)")]


# -- nesting and member counts --------------------------------------------------------------------
def test_zip_nested_deeper_than_an_export(tmp_path, db_path, runner):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("deep.txt", b"hello")
    middle = io.BytesIO()
    with zipfile.ZipFile(middle, "w") as z:
        z.writestr("level2.zip", inner.getvalue())
    outer = make_zip(tmp_path / "42.zip", {"level1.zip": middle.getvalue()})
    result = run_import(runner, db_path, outer)
    assert result.exit_code == 1
    assert errors(result.output) == [
        f"Error: {outer}!level1.zip!level2.zip: zip nested deeper than an export has; skipped"]


def test_too_many_members_with_a_small_limit(tmp_path, db_path):
    path = make_zip(tmp_path / "many.zip", {f"{i}.txt": b"" for i in range(11)}, zipfile.ZIP_STORED)
    with Store(db_path) as store:
        res = import_paths(store, [path], limits=Limits(max_members=10))
    assert [(f.path, f.status, f.error) for f in res.files] == [
        (str(path), "failed", "11 members, more than the 10 an export has")]


def _zip_of_empty_members(path: Path, n: int) -> Path:
    """A valid zip of n empty stored members, written directly (zipfile needs ~7 s for 200k)."""
    local, central, offset = [], [], 0
    for i in range(n):
        name = b"%d" % i
        header = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0) + name
        central.append(struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0, 0,
                                   0, 0, 0, offset) + name)
        local.append(header)
        offset += len(header)
    cd = b"".join(central)
    # zip64 end records, because 200,001 members do not fit the 16-bit count
    z64 = struct.pack("<4sQ2H2I4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, n, n, len(cd), offset)
    loc = struct.pack("<4sIQI", b"PK\x06\x07", 0, offset + len(cd), 1)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    path.write_bytes(b"".join(local) + cd + z64 + loc + end)
    return path


def test_real_200k_member_zip_is_refused_before_its_directory_is_parsed(tmp_path, db_path, runner):
    path = _zip_of_empty_members(tmp_path / "many.zip", 200_001)
    result = run_import(runner, db_path, path)
    assert result.exit_code == 1
    assert errors(result.output) == [f"Error: {path}: 200,001 members, more than the 200,000 an export has"]


def test_zip64_member_count_is_read_right(tmp_path):
    path = _zip_of_empty_members(tmp_path / "few.zip", 3)
    assert len(zipfile.ZipFile(path).infolist()) == 3  # the hand-built zip is valid
    with path.open("rb") as fh:
        assert declared_member_count(fh) == 3


# -- encrypted, truncated, empty, wrong content ---------------------------------------------------
def test_encrypted_member(tmp_path, db_path, runner):
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as z:
        z.writestr("secret.fit", b"x" * 100)
    data = bytearray(raw.getvalue())
    # set bit 0 (encrypted) of the general-purpose flags in the local and the central header
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(sig) + flag_at
        data[at] |= 1
    path = tmp_path / "secret.zip"
    path.write_bytes(bytes(data))
    result = run_import(runner, db_path, path)
    assert result.exit_code == 1
    assert errors(result.output) == [
        f"Error: {path}!secret.fit: encrypted member; loadwatch cannot read encrypted zips"]


def test_truncated_zip_is_not_remembered(tmp_path, db_path, runner):
    whole = make_zip(tmp_path / "whole.zip", {"a.txt": b"a" * 5000, "b.txt": b"b" * 5000}).read_bytes()
    path = tmp_path / "cut.zip"
    path.write_bytes(whole[: len(whole) // 2])
    for _ in range(2):  # the second run must say the same, not "already imported"
        result = run_import(runner, db_path, path)
        assert result.exit_code == 1
        [line] = errors(result.output)
        assert line.startswith(f"Error: {path}: not a valid zip (truncated or damaged: ")
    with Store(db_path) as s:
        assert s.sources().empty


def test_empty_file(tmp_path, db_path, runner):
    path = tmp_path / "empty.fit"
    path.write_bytes(b"")
    result = run_import(runner, db_path, path)
    assert (result.exit_code, errors(result.output)) == (1, [f"Error: {path}: empty file (0 bytes); nothing to import"])


@pytest.mark.parametrize(("content", "what"), [
    (PNG, "a PNG image"),
    (b"<!DOCTYPE html><html><body>Garmin Connect</body></html>", "an HTML page"),
])
def test_other_content_renamed_fit(tmp_path, db_path, runner, content, what):
    path = tmp_path / "run.fit"
    path.write_bytes(content)
    result = run_import(runner, db_path, path)
    assert result.exit_code == 1
    assert errors(result.output) == [f"Error: {path}: not a format loadwatch reads ({what})"]
    assert table_counts(db_path) == (0, 0, 0)


# -- names that could break the terminal ----------------------------------------------------------
@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses non-UTF-8 file names")
def test_file_names_with_newlines_and_non_utf8_bytes_print_on_one_line(tmp_path, db_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "line\nbreak.fit").write_bytes(PNG)
    os.close(os.open(os.path.join(os.fsencode(folder), b"bad\xffname.fit"), os.O_CREAT | os.O_WRONLY))
    proc = subprocess.run(loadwatch_cmd(db_path, "import", str(folder)), capture_output=True, timeout=120,
                          env=child_env())
    assert proc.returncode == 1
    lines = proc.stderr.decode("utf-8").splitlines()
    assert lines == [f"Error: {folder}/bad\\xffname.fit: empty file (0 bytes); nothing to import",
                     f"Error: {folder}/line\\nbreak.fit: not a format loadwatch reads (a PNG image)"]


def test_member_name_with_newline_prints_on_one_line(tmp_path, db_path, runner):
    path = make_zip(tmp_path / "x.zip", {"../evil\nError: fake.fit": PNG})
    result = run_import(runner, db_path, path)
    assert result.exit_code == 1
    assert errors(result.output) == [f"Error: {path}!../evil\\nError: fake.fit: unsafe member name (path with '..');"
                                     " skipped, nothing written"]


# -- batches and re-imports -----------------------------------------------------------------------
def test_batch_with_the_middle_file_corrupt(tmp_path, db_path, runner):
    good = (DATA / "gpx" / "togeojson_run.gpx").read_bytes()
    first, middle, last = tmp_path / "a.gpx", tmp_path / "b.gpx", tmp_path / "c.gpx"
    first.write_bytes(good)
    middle.write_bytes(good[: len(good) // 2])  # cut mid-trackpoint
    # the same run a day later: a distinct session, not a duplicate
    last.write_bytes(good.replace(b"<time>2012-10-24", b"<time>2012-10-25"))
    result = run_import(runner, db_path, first, middle, last)
    assert result.exit_code == 3, result.output
    [line] = errors(result.output)
    assert line.startswith(f"Error: {middle}: ")
    with Store(db_path) as s:
        assert sorted(s.sources()["path"]) == [str(first), str(last)]
        assert len(s.sessions()) == 2


def test_same_export_imported_twice(tmp_path, db_path, runner):
    export = make_zip(tmp_path / "export.zip", {
        "activities/run.fit": (DATA / "fit" / "garmin-fenix-5-run.fit").read_bytes(),
        "activities/bike.fit": (DATA / "fit" / "garmin-fenix-5-bike.fit").read_bytes(),
    })
    first = run_import(runner, db_path, export, extra=("--json",))
    assert first.exit_code == 0, first.output
    second = run_import(runner, db_path, export, extra=("--json",))
    assert second.exit_code == 0

    doc = json.loads(second.output)
    # the archive's own hash is remembered: one line for the whole zip, its members are not even opened
    assert (doc["imported"], doc["already_imported"]) == (0, 1)
    assert [f["path"] for f in doc["files"]] == [str(export)]
    assert table_counts(db_path)[1] == 2


# -- text and XML formats -------------------------------------------------------------------------
def test_csv_field_longer_than_the_csv_limit(tmp_path, db_path, runner):
    path = tmp_path / "steps.csv"
    path.write_bytes(b"date,steps\n2024-01-01,1000\n2024-01-02," + b"9" * (2 * 2**20) + b"\n")
    result = run_import(runner, db_path, path)
    assert result.exit_code == 1, result.output
    [line] = errors(result.output)
    assert line.startswith(f"Error: {path}: ")
    assert table_counts(db_path) == (0, 0, 0)


class _EndlessLine(io.RawIOBase):
    """A 2 GiB CSV whose second line never ends, generated on the fly (nothing on disk)."""

    def __init__(self, size: int = 2 * 2**30) -> None:
        self.left = size
        self.head = b"date,steps\n2024-01-01,"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left)
        if n <= 0:
            return 0
        chunk = (self.head + b"9" * n)[:n]
        self.head = self.head[n:]
        buffer[:n] = chunk
        self.left -= n
        return n


def test_two_gigabyte_single_line_csv_is_refused_without_reading_it_all():
    stream = io.BufferedReader(_EndlessLine(), buffer_size=1 << 20)
    with pytest.raises(LoadwatchError) as err:
        csv_steps.read(stream, name="steps.csv")
    assert stream.raw.left > 1.5 * 2**30  # stopped long before the end of the line
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("payload", [
    b'<?xml version="1.0"?><!DOCTYPE HealthData [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<HealthData locale="en_US"><Record type="HKQuantityTypeIdentifierStepCount" value="&x;"/></HealthData>',
    b'<?xml version="1.0"?><!DOCTYPE HealthData [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
    b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>'
    b'<HealthData locale="en_US"><Record type="HKQuantityTypeIdentifierStepCount" value="&h;"/></HealthData>',
], ids=["external-entity", "billion-laughs"])
def test_xml_entities_are_refused(tmp_path, db_path, runner, payload):
    path = tmp_path / "export.xml"
    path.write_bytes(payload)
    result = run_import(runner, db_path, path)
    assert result.exit_code == 1, result.output
    [line] = errors(result.output)
    assert line.startswith(f"Error: {path}: ")
    assert "passwd" not in result.output and "root:" not in result.output
    assert table_counts(db_path) == (0, 0, 0)


@pytest.mark.parametrize(("name", "content"), [
    ("nul.gpx", (DATA / "gpx" / "togeojson_run.gpx").read_bytes().replace(
        b"<trk>", b"<trk><name>Run\x00 \x00name</name>", 1)),
    ("nul.csv", b"date,steps,note\n2024-01-01,1000,ok\n2024-01-02,2000,bad\x00note\n"),
], ids=["gpx", "csv_steps"])
def test_nul_bytes_in_strings(tmp_path, db_path, runner, name, content):
    """XML forbids NUL outright; a CSV with a NUL is not a text file we read. Either way: refused
    with one line, nothing stored, no traceback."""
    path = tmp_path / name
    path.write_bytes(content)
    result = run_import(runner, db_path, path)
    assert result.exit_code == 1, result.output
    [line] = errors(result.output)
    assert line.startswith(f"Error: {path}: ")
    assert table_counts(db_path) == (0, 0, 0)


# -- FIT ------------------------------------------------------------------------------------------
def test_fit_claiming_a_4_gb_data_size(tmp_path, db_path, runner):
    data = bytearray((DATA / "fit" / "garmin-fenix-5-run.fit").read_bytes())
    struct.pack_into("<I", data, 4, 0xFFFF_FFF0)  # header data_size: 4 GiB
    struct.pack_into("<H", data, 12, 0)  # header CRC 0 = "not computed", allowed by the FIT spec
    path = tmp_path / "huge.fit"
    path.write_bytes(bytes(data))
    result = run_import(runner, db_path, path, extra=("--strict",))
    assert result.exit_code == 1, result.output
    assert errors(result.output) == [f"Error: {path}: the file is cut short (its header announces 4294967280 bytes"
                                     f" of data, {len(data) - 14} are there)"]
    assert table_counts(db_path) == (0, 0, 0)
    # without --strict the readable part is imported on purpose and said so (policy: recovered)
    lenient = run_import(runner, db_path, path)
    assert lenient.exit_code == 0
    assert lenient.output.startswith(f"Warning: {path}: truncated; imported the 1 session(s) readable")


def _fit_variant(data: bytes, n: int) -> bytes:
    """The same FIT file with distinct bytes: a different header byte (profile version) and the
    header CRC zeroed (0 means "not computed"). Decoders read it as the same activity."""
    out = bytearray(data)
    out[2:4] = struct.pack("<H", 2000 + n)
    out[12:14] = b"\x00\x00"
    return bytes(out)


def _garmin_export(tmp_path: Path, fits: dict[str, bytes]) -> Path:
    part = io.BytesIO()
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in fits.items():
            z.writestr(name, data)
    return make_zip(tmp_path / "garmin-export.zip", {
        "DI_CONNECT/DI-Connect-Fitness/user_profile.json": b'{"userName": "runner"}',
        "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": part.getvalue(),
    })


def _strava_export(tmp_path: Path, fits: dict[str, bytes]) -> Path:
    members = {f"activities/{name}.gz": gzip.compress(data) for name, data in fits.items()}
    names = ",".join(f'{i},"Morning Run","=HYPERLINK(""x"")",activities/{n}.gz' for i, n in enumerate(fits))
    members["activities.csv"] = ("Activity ID,Activity Name,Activity Description,Filename\n" + names).encode()
    return make_zip(tmp_path / "strava-export.zip", members)


def test_garmin_and_strava_export_layouts(tmp_path, db_path, runner):
    run = (DATA / "fit" / "garmin-fenix-5-run.fit").read_bytes()
    walk = (DATA / "fit" / "garmin-fenix-5-walk.fit").read_bytes()
    bike = (DATA / "fit" / "garmin-fenix-5-bike.fit").read_bytes()
    garmin = _garmin_export(tmp_path, {"run.fit": run, "walk.fit": walk})
    # Strava holds the same run re-encoded (different bytes) and a ride Garmin does not have
    strava = _strava_export(tmp_path, {"123.fit": _fit_variant(run, 1), "456.fit": bike})
    before = tree(tmp_path)
    result = run_import(runner, db_path, garmin, strava, extra=("--json",))
    assert result.exit_code == 0, result.output

    files = {f["path"]: f for f in json.loads(result.output)["files"]}
    part = f"{garmin}!DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip"
    assert files[f"{part}!run.fit"]["status"] == "imported"
    assert files[f"{part}!walk.fit"]["status"] == "imported"
    assert files[f"{strava}!activities/123.fit.gz"]["status"] == "duplicate"
    assert files[f"{strava}!activities/123.fit.gz"]["duplicates"] == 1
    assert files[f"{strava}!activities/456.fit.gz"]["status"] == "imported"
    with Store(db_path) as s:
        assert len(s.sessions()) == 3
    assert tree(tmp_path) == before
