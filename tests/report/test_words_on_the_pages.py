"""Words on the report's pages (issue 13): page 1's health note speaks of back pain only when pain was
logged, strength cues read as sentences, and page 6 names files as the export names them (never a full
machine path), counts imported and skipped files apart, and spells formats the usual way."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pypdf

from loadwatch import api
from loadwatch.models import DailySteps, ParsedFile
from loadwatch.store import Store
from loadwatch.wording import GENERAL_NOTE, RED_FLAGS, export_name, format_name, sentences
from tests.helpers import steady_weeks, steps_days

AS_OF = date(2024, 3, 3)  # a Sunday: the last day of steady_weeks
HOME = "/home/someone/Downloads"


def _pages(path: Path) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in pypdf.PdfReader(path).pages]


def _store(db: Path, *, pain: bool) -> None:
    """Eight steady weeks of runs in a real FIT file's place, steps from a zipped Apple export and a Google
    Takeout, a Garmin daily summary, and one skipped member of the Apple zip; back pain on Sat 2 Mar if asked."""
    steps: list[DailySteps] = steps_days(56, AS_OF, 8000)
    with Store(db) as store:
        store.write_source(sha256="a" * 64, path=f"{HOME}/runs/morning-run.fit",
                           parsed=ParsedFile("fit", activities=steady_weeks()), athlete="me", size_bytes=1)
        store.write_source(sha256="b" * 64, path=f"{HOME}/export.zip!apple_health_export/export.xml",
                           parsed=ParsedFile("apple_health", daily_steps=steps), athlete="me", size_bytes=1)
        store.write_source(sha256="c" * 64, path=f"{HOME}/takeout.zip!Takeout/Fit/Daily activity metrics/"
                           "Daily activity metrics.csv",
                           parsed=ParsedFile("google_fit", daily_steps=steps[:10]), athlete="me", size_bytes=1)
        store.write_source(sha256="d" * 64, path=f"{HOME}/garmin/UDSFile_2024-01-01_2024-03-03.json",
                           parsed=ParsedFile("garmin_uds", daily_steps=steps[:5]), athlete="me", size_bytes=1)
        store.write_source(sha256="e" * 64, path=f"{HOME}/export.zip!apple_health_export/export_cda.xml",
                           parsed=ParsedFile("apple_health", skip_reason="clinical records only"), athlete="me",
                           size_bytes=1, status="skipped")
        if pain:
            store.add_log("me", date(2024, 3, 2), "pain",
                          {"where": "lower", "level": 3, "radiates": False, "numbness": False})


def _report(tmp_path: Path, *, pain: bool) -> list[str]:
    db = tmp_path / f"pain-{pain}.sqlite"
    _store(db, pain=pain)
    with Store(db) as store:
        result = api.report(store, "me", tmp_path / f"pain-{pain}.pdf", as_of=AS_OF, weeks=8)
    return _pages(result.path)


def test_page_one_speaks_of_back_pain_only_when_pain_was_logged(tmp_path: Path) -> None:
    without, with_pain = _report(tmp_path, pain=False), _report(tmp_path, pain=True)
    assert GENERAL_NOTE in without[0]
    assert "back" not in without[0].lower()  # nothing about a back they never mentioned
    assert RED_FLAGS in with_pain[0] and GENERAL_NOTE not in with_pain[0]


def test_strength_cues_are_sentences(tmp_path: Path) -> None:
    plan_page = _report(tmp_path, pain=False)[4]
    # Superman's first two cues: "Lie face down, arms stretched out ahead." and "Float arms, chest and legs
    # just off the floor and pause for a breath." -- once joined as "ahead.; Float"
    assert "ahead. Float arms, chest and legs" in plan_page
    assert ".;" not in plan_page
    assert sentences(["lie face down", "Float arms.", "", "stop if it hurts!"]) == \
        "Lie face down. Float arms. Stop if it hurts!"


def test_page_six_names_files_inside_the_export_and_counts_imported_and_skipped_apart(tmp_path: Path) -> None:
    pages = _report(tmp_path, pain=False)
    method = pages[5]
    # 4 imported (1 each of Apple Health, FIT, Garmin daily summary, Google Fit: equal counts, by name),
    # 1 skipped, counted apart
    assert "Files imported: 4 (1 Apple Health, 1 FIT, 1 Garmin daily summary, 1 Google Fit);" in method
    assert ("Files skipped: 1, recognised but holding no sessions or daily steps: "
            "apple_health_export/export_cda.xml (Apple Health: clinical records only).") in method
    assert not any(HOME in page or "/home/" in page for page in pages)
    assert "APPLE_HEALTH" not in method and "GARMIN_UDS" not in method


def test_export_names_and_format_names() -> None:
    assert export_name(f"{HOME}/takeout.zip!Takeout/Fit/steps.csv") == "Takeout/Fit/steps.csv"
    assert export_name(f"{HOME}/garmin.zip!UploadedFiles_0.zip!run.fit") == "run.fit"  # the innermost archive's
    assert export_name(f"{HOME}/runs/morning-run.fit") == "morning-run.fit"
    assert export_name("C:\\Users\\me\\run.fit") == "run.fit"
    assert [format_name(f) for f in ("fit", "gpx", "tcx", "apple_health", "google_fit", "fitbit", "csv_steps",
                                     "garmin_uds")] == ["FIT", "GPX", "TCX", "Apple Health", "Google Fit", "Fitbit",
                                                        "CSV", "Garmin daily summary"]
