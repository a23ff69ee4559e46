"""A 0-byte member inside an archive (`media/.keep`, a folder entry) is skipped, not failed.

A failed member keeps an archive from being remembered, so every re-import of an export with one
empty placeholder read the whole zip again and exited 3. A 0-byte file given on its own is still
a failure (the user named it; see tests/system/test_hostile.py::test_empty_file).
"""

from __future__ import annotations

import json
import zipfile

from loadwatch.cli import cli
from loadwatch.ingest import import_paths
from tests.helpers import gpx_run


def _export(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("activities/run.gpx", gpx_run(5))
        z.writestr("media/", b"")  # a folder entry
        z.writestr("media/.keep", b"")  # an empty placeholder file
        z.writestr("notes/empty.csv", b"")
    return path


def test_empty_members_are_skipped_and_the_archive_is_remembered(tmp_path, store):
    export = _export(tmp_path / "export.zip")
    first = import_paths(store, [export], workers=1)
    assert sorted((f.path.removeprefix(f"{export}!"), f.status, f.error) for f in first.files) == [
        ("activities/run.gpx", "imported", None),
        ("media/.keep", "skipped", "empty (0 bytes); nothing to import"),
        ("notes/empty.csv", "skipped", "empty (0 bytes); nothing to import"),
    ]
    assert first.failed == 0
    [archive] = store.conn.execute("SELECT path FROM sources WHERE status = 'archive'").fetchall()
    assert archive[0] == str(export)
    again = import_paths(store, [export], workers=1)
    assert [(f.path, f.status) for f in again.files] == [(str(export), "already_imported")]


def test_reimport_through_the_cli_is_one_line_and_exit_0(tmp_path, db_path, runner):
    export = _export(tmp_path / "export.zip")
    first = runner.invoke(cli, ["--db", str(db_path), "import", "--json", str(export)])
    assert first.exit_code == 0, first.output
    assert (json.loads(first.output)["imported"], json.loads(first.output)["skipped"]) == (1, 2)
    second = runner.invoke(cli, ["--db", str(db_path), "import", "--json", str(export)])
    assert second.exit_code == 0, second.output
    doc = json.loads(second.output)
    assert (doc["imported"], doc["already_imported"], [f["path"] for f in doc["files"]]) == (0, 1, [str(export)])
