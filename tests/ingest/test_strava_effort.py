"""Strava's bulk export (issue 14): the `Perceived Exertion` column of activities.csv becomes the device RPE of
the sessions of the file its `Filename` names; a watch's own workout_rpe wins over it; and when the watch's
recording of the same run is the one kept (it has heart rate), the Strava copy lends it the effort, until the
Strava export is forgotten."""

from __future__ import annotations

import gzip
import math
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from loadwatch.importers import strava_csv
from loadwatch.ingest import import_paths
from loadwatch.store import Store
from tests.helpers import fit_definition, fit_file, fit_message, fit_ts

T0 = datetime(2024, 5, 6, 6, 0, tzinfo=UTC)
UINT8, ENUM, UINT16, UINT32 = 0x02, 0x00, 0x84, 0x86


def gpx(start: datetime, minutes: int = 10) -> bytes:
    """A Strava GPX run: a point every 5 s, 15 m apart (3 m/s), no heart rate."""
    pts = "".join(f'<trkpt lat="{46.0 + k * 15 / 111_319.49:.7f}" lon="14.0"><ele>300</ele>'
                  f"<time>{start + timedelta(seconds=5 * k):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
                  for k in range(minutes * 12 + 1))
    return ('<?xml version="1.0"?><gpx version="1.1" creator="StravaGPX" xmlns="http://www.topografix.com/GPX/1/1">'
            f"<trk><type>running</type><trkseg>{pts}</trkseg></trk></gpx>").encode()


def watch_fit(start: datetime, minutes: int = 10, rpe: int | None = None) -> bytes:
    """A watch's FIT of a run: a record every 5 s with heart rate 150 and 3 m/s; workout_rpe if given."""
    t0 = fit_ts(start)
    body = fit_definition(0, 0, [(0, 1, ENUM), (1, 2, UINT16), (2, 2, UINT16)]) + fit_message(0, "BHH", 4, 1, 3990)
    body += fit_definition(1, 20, [(253, 4, UINT32), (3, 1, UINT8), (5, 4, UINT32), (6, 2, UINT16)])
    for k in range(minutes * 12 + 1):
        body += fit_message(1, "IBIH", t0 + 5 * k, 150, 1500 * k, 3000)
    fields = [(253, 4, UINT32), (2, 4, UINT32), (7, 4, UINT32), (5, 1, ENUM)] + ([(193, 1, UINT8)] if rpe else [])
    values = [t0 + 60 * minutes, t0, 60_000 * minutes, 1] + ([rpe] if rpe else [])
    body += fit_definition(2, 18, fields) + fit_message(2, "IIIB" + ("B" if rpe else ""), *values)
    return fit_file(body)


def strava_export(path: Path, files: dict[str, bytes], rows: list[tuple[str, str]]) -> Path:
    """A Strava bulk export: activities/<name>.gz and activities.csv, whose columns (a few of Strava's, one of
    them twice as Strava writes it) end with Filename and Perceived Exertion."""
    header = "Activity ID,Activity Date,Activity Name,Activity Type,Distance,Filename,Distance,Perceived Exertion\n"
    lines = "".join(f'{i},"May 6, 2024, 6:00:00 AM",Morning Run,Run,3.6,{name},3600.0,{rpe}\n'
                    for i, (name, rpe) in enumerate(rows))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("activities.csv", header + lines)
        for name, data in files.items():
            z.writestr(f"activities/{name}.gz", gzip.compress(data))
    return path


def rpe_by_day(store: Store) -> dict[str, float | None]:
    frame = store.sessions()
    return {str(day): (None if math.isnan(r) else r) for day, r in zip(frame["day"], frame["device_rpe"], strict=True)}


def test_the_csv_columns_are_read_by_name() -> None:
    text = ("Activity ID,Filename,Distance,Perceived Exertion,Distance\n"
            "1,activities/1.gpx.gz,5.0,6,5000\n2,activities/2.fit.gz,3.0,,3000\n3,,1.0,4,1000\n"
            "4,activities/4.fit.gz,1.0,11,1000\n5,activities/5.fit.gz,1.0,hard,1000\n")
    # 2: no effort; 3: no file; 4: off the 1-10 scale; 5: not a number
    assert strava_csv.perceived_exertion(text.encode()) == {"activities/1.gpx.gz": 6.0}
    assert strava_csv.perceived_exertion(b"Activity ID,Filename\n1,activities/1.gpx.gz\n") == {}


def test_perceived_exertion_reaches_the_named_files_sessions(tmp_path: Path) -> None:
    day2, day3 = T0 + timedelta(days=1), T0 + timedelta(days=2)
    archive = strava_export(tmp_path / "strava.zip",
                            {"111.gpx": gpx(T0), "222.gpx": gpx(day2), "333.fit": watch_fit(day3, rpe=70)},
                            [("activities/111.gpx.gz", "6"), ("activities/222.gpx.gz", ""),
                             ("activities/333.fit.gz", "3")])
    with Store(tmp_path / "s.sqlite") as store:
        result = import_paths(store, [archive], workers=1)
        assert result.failed == 0
        # 111: Strava's 6; 222: none given; 333: the watch's own workout_rpe 70 (7.0) wins over Strava's 3
        assert rpe_by_day(store) == {"2024-05-06": 6.0, "2024-05-07": None, "2024-05-08": 7.0}


def test_the_kept_watch_recording_borrows_the_strava_copys_effort_until_it_is_forgotten(tmp_path: Path) -> None:
    (tmp_path / "watch.fit").write_bytes(watch_fit(T0))
    archive = strava_export(tmp_path / "strava.zip", {"111.gpx": gpx(T0)}, [("activities/111.gpx.gz", "6")])
    with Store(tmp_path / "s.sqlite") as store:
        import_paths(store, [tmp_path / "watch.fit"], workers=1)
        result = import_paths(store, [archive], workers=1)
        gpx_result = next(f for f in result.files if f.path.endswith("111.gpx.gz"))
        assert gpx_result.status == "duplicate"  # the same run: the watch's recording (heart rate) is kept
        row = store.sessions().iloc[0]
        assert row["avg_hr"] == 150.0 and row["device_rpe"] == 6.0  # lent by the Strava copy
        store.forget_source(store.find_sources("strava.zip")[0][0])
        row = store.sessions().iloc[0]
        assert row["avg_hr"] == 150.0 and math.isnan(row["device_rpe"])
