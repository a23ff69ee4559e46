"""`importers/registry.py`: `detect()` picks the importer from a file's first bytes (every real sample in
tests/data), None for content no importer knows; `by_format()` finds each importer by its FORMAT."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from loadwatch.importers import apple_health, csv_steps, fit, fitbit, google_fit, gpx, tcx
from loadwatch.importers.base import SNIFF_BYTES
from loadwatch.importers.registry import IMPORTERS, by_format, detect
from tests.helpers import DATA

SAMPLES = sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file())
BY_FOLDER = {"fit": fit, "gpx": gpx, "tcx": tcx, "apple_health": apple_health, "fitbit": fitbit,
             "google_fit": google_fit, "garmin_json": None}  # garmin_json: Connect API JSON, no daily summary


def expected(sample: str):
    """The importer a sample is read by: its folder's, except a .gpx (an Apple workout route) is GPX,
    a zip is no importer's (the walk opens it) and SOURCES.md is no data file."""
    if sample.endswith(".gpx"):
        return gpx
    if sample.endswith(".zip") or "/" not in sample:
        return None
    return BY_FOLDER[sample.split("/")[0]]


def head(sample: str) -> bytes:
    with (DATA / sample).open("rb") as fh:
        return fh.read(SNIFF_BYTES)


def test_every_folder_of_samples_is_known() -> None:
    assert {s.split("/")[0] for s in SAMPLES if "/" in s} == set(BY_FOLDER)
    # 32 FIT, 21 GPX, 10 TCX, 5 Apple Health (3 export.xml, a zip, a route), 9 Fitbit, 6 Google Fit,
    # 11 Garmin Connect JSON, SOURCES.md
    assert len(SAMPLES) == 95


@pytest.mark.parametrize("sample", SAMPLES)
def test_detect_each_real_sample(sample: str) -> None:
    want = expected(sample)
    assert detect(head(sample), Path(sample).name) is want
    assert detect(head(sample), "renamed.bin") is want  # by content: the name does not decide


@pytest.mark.parametrize(("sample", "module"), [
    ("fitbit/dailySteps_merged.csv", fitbit),
    ("fitbit/dailyActivity_merged.csv", fitbit),
    ("google_fit/Daily activity metrics.csv", google_fit),
])
def test_the_specific_reader_wins_over_the_generic_step_log(sample: str, module) -> None:
    # These files name a steps column, so the generic CSV step log would read them too; the reader
    # that knows their shape comes first.
    assert csv_steps.sniff(head(sample), Path(sample).name)
    assert detect(head(sample), Path(sample).name) is module


@pytest.mark.parametrize("content", [
    b"",
    b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
    b"<!DOCTYPE html><html><body>login</body></html>",
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    b"PK\x03\x04" + b"\0" * 60,  # a zip: the walk opens it, no importer reads it
    gzip.compress(b"date,steps\n2024-01-01,5\n"),  # a .gz: the walk unwraps it first
    b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>',
    b'<?xml version="1.0"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3"></ClinicalDocument>',  # Apple's export_cda
    b'{"user": "x", "steps": [1, 2, 3]}',
    b"Date,Weight (kg)\n2024-01-01,72\n",
    b"just one line of prose, nothing more\n",
    bytes(range(256)),
])
def test_unknown_content_is_none(content: bytes) -> None:
    assert detect(content, "steps.csv") is None


def test_by_format_round_trips_every_importer() -> None:
    formats = [module.FORMAT for module in IMPORTERS]
    assert sorted(formats) == ["apple_health", "csv_steps", "fit", "fitbit", "garmin_uds", "google_fit", "gpx",
                               "tcx"]
    for module in IMPORTERS:
        assert by_format(module.FORMAT) is module
        assert callable(module.sniff) and callable(module.read)


def test_by_format_of_an_unknown_name() -> None:
    with pytest.raises(KeyError):
        by_format("kml")
