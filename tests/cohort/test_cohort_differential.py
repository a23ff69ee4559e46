"""The differential test: a dozen athletes (real files from tests/data and hand-made histories) built and
analyzed on a two-worker Dask cluster give, week by week, flag by flag and run by run, what `loadwatch
status --json` (and the status it prints from) gives for the same athlete imported into a SQLite store."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from loadwatch import api
from loadwatch.cli import cli
from loadwatch.cohort.analyze import analyze, result_file
from loadwatch.cohort.build import build
from loadwatch.store import Store
from tests.helpers import DATA


def tcx_run(start: datetime, km: float, minutes: float, hr: int) -> str:
    """A hand-made TCX run: a trackpoint every 30 s, distance growing evenly, heart rate hr..hr+4."""
    n = int(minutes * 2)
    points = "".join(
        f"<Trackpoint><Time>{(start + timedelta(seconds=30 * k)).strftime('%Y-%m-%dT%H:%M:%SZ')}</Time>"
        f"<DistanceMeters>{km * 1000 * k / n:.1f}</DistanceMeters>"
        f"<HeartRateBpm><Value>{hr + k % 5}</Value></HeartRateBpm></Trackpoint>"
        for k in range(n + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?><TrainingCenterDatabase '
            'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>'
            f'<Activity Sport="Running"><Id>{start.strftime("%Y-%m-%dT%H:%M:%SZ")}</Id>'
            f'<Lap StartTime="{start.strftime("%Y-%m-%dT%H:%M:%SZ")}"><TotalTimeSeconds>{minutes * 60:.0f}'
            f"</TotalTimeSeconds><DistanceMeters>{km * 1000:.1f}</DistanceMeters><Track>{points}</Track></Lap>"
            "</Activity></Activities></TrainingCenterDatabase>")


def history(folder: Path, weeks: int, end: date, week_km: list[float], *, long_share: float = 0.4,
            hr: int = 140, steps: int | None = None) -> None:
    """`weeks` weeks of Tue/Thu/Sun runs ending on Sunday `end`, week i running week_km[i % len] km (the
    Sunday long run `long_share` of it), at 5:30 min/km; with `steps`, a CSV step log of every day."""
    folder.mkdir(parents=True)
    first = end - timedelta(weeks=weeks) + timedelta(days=1)
    for w in range(weeks):
        total = week_km[w % len(week_km)]
        for weekday, share in ((1, (1 - long_share) / 2), (3, (1 - long_share) / 2), (6, long_share)):
            day = first + timedelta(weeks=w, days=(weekday - first.weekday()) % 7)
            km = round(total * share, 1)
            # each athlete's own minute: one store keeps a file (by its bytes) for the first athlete only
            start = datetime(day.year, day.month, day.day, 6, sum(folder.name.encode()) % 60, tzinfo=UTC)
            (folder / f"{day.isoformat()}.tcx").write_text(tcx_run(start, km, km * 5.5, hr + w % 3))
    if steps is not None:
        days = [first + timedelta(days=i) for i in range(weeks * 7)]
        (folder / "steps.csv").write_text("date,steps\n" + "".join(
            f"{d.isoformat()},{steps + 37 * (i % 11)}\n" for i, d in enumerate(days)))


REAL = {
    "anna": ["fit/garmin-fenix-5-run.fit", "fit/activity-small-fenix2-run.fit", "fit/garmin-fenix-5-walk.fit"],
    "ben": ["gpx/gpxpy_korita-zbevnica.gpx", "gpx/gpxpy_Mojstrovka.gpx"],
    "cleo": ["tcx/tcxparser_test.tcx", "tcx/togeojson_garmin_connect.tcx", "tcx/tcxparser_no_hr.tcx"],
    "dana": ["apple_health/healthkit-to-sqlite_export.xml", "google_fit/Daily activity metrics.csv"],
    "eli": ["fit/garmin-fenix-5-bike.fit", "fit/garmin-edge-820-bike.fit", "fit/hrv-activity.fit"],
    "fay": ["fit/FitFileParser_running.fit", "fit/sample-activity.fit"],
}
END = date(2024, 3, 3)  # a Sunday


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory, dask_client):
    tmp = tmp_path_factory.mktemp("differential")
    root = tmp / "root"
    for name, files in REAL.items():
        (root / name).mkdir(parents=True)
        for f in files:
            shutil.copy(DATA / f, root / name / Path(f).name)
    history(root / "steady", 10, END, [30.0], steps=8000)
    history(root / "ramping", 10, END, [20.0, 20.0, 22.0, 24.0, 27.0, 30.0, 34.0, 38.0, 45.0, 60.0])
    history(root / "long-spike", 9, END, [30.0, 30.0, 30.0, 30.0, 30.0, 30.0, 30.0, 30.0, 40.0], long_share=0.7)
    history(root / "erratic", 12, END, [10.0, 45.0, 15.0, 50.0, 5.0, 40.0], hr=150, steps=4000)
    history(root / "comeback", 6, END - timedelta(weeks=8), [25.0], hr=135)
    extra = root / "comeback" / "later"
    history(extra, 3, END, [35.0, 10.0, 40.0], hr=145, steps=12000)
    history(root / "walker", 4, END, [6.0], hr=120, steps=15000)
    store_path = tmp / "store.sqlite"
    with Store(store_path) as store:
        for name in sorted(p.name for p in root.iterdir()):
            result = api.import_files(store, [root / name], athlete=name)
            assert result.in_store, (name, [(f.path, f.error) for f in result.files])
    dataset, results = tmp / "dataset", tmp / "results"
    built = build(root, dataset, client=dask_client)
    assert built.failed == 0, built.as_json()
    analyzed = analyze(dataset, results, client=dask_client)
    return store_path, results, {a["athlete"]: a for a in analyzed.athletes}


def status_json(store_path: Path, athlete: str, as_of: date, weeks: int) -> dict:
    from click.testing import CliRunner

    done = CliRunner().invoke(cli, ["--db", str(store_path), "--athlete", athlete, "--as-of", as_of.isoformat(),
                                    "status", "--json", "--weeks", str(weeks)])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def rows(results: Path, table: str, athlete: str) -> list[dict]:
    return pq.read_table(result_file(results, table, athlete)).to_pylist()


ATHLETES = sorted([*REAL, "steady", "ramping", "long-spike", "erratic", "comeback", "walker"])


def test_a_dozen_athletes(cohort) -> None:
    _, _, analyzed = cohort
    assert len(ATHLETES) == 12
    assert sorted(analyzed) == ATHLETES
    assert all(a["status"] == "ok" for a in analyzed.values())


@pytest.mark.parametrize("athlete", ATHLETES)
def test_every_week_flag_and_spike_equals_status_from_a_sqlite_store(cohort, athlete: str) -> None:
    store_path, results, analyzed = cohort
    row = analyzed[athlete]
    as_of, weeks = row["as_of"], row["weeks"]
    assert 1 <= weeks <= 520, weeks  # the files chosen span what `status --weeks` can show
    expected = status_json(store_path, athlete, as_of, weeks)

    got_weeks = rows(results, "weekly", athlete)
    assert [w.pop("athlete") for w in got_weeks] == [athlete] * len(got_weeks)
    for w in got_weeks:
        w["week"] = w["week"].isoformat()
    assert got_weeks == expected["weeks"]  # load, ramp, acwr, ... every field of every week

    got_flags = rows(results, "flags", athlete)
    for f in got_flags:
        assert f.pop("athlete") == athlete
        f["day"] = f["day"].isoformat()
    assert got_flags == expected["flags"]

    with Store(store_path, mode="read") as store:
        frame = api.status(store, athlete, as_of=as_of, weeks=weeks).sessions
    # session ids are each store's own: a session is its start and sport
    want = {(pd.Timestamp(r["start_utc"]), r["sport"]): (r["load"], r["load_source"], r["spike"], r["spike_class"])
            for r in frame.to_dict("records")}
    got = {(pd.Timestamp(r["start_utc"]), r["sport"]): (r["load"], r["load_source"], r["spike"], r["spike_class"])
           for r in rows(results, "sessions", athlete)}
    assert len(got) == len(frame)
    assert got.keys() == want.keys()
    for key, (load, source, spike, cls) in want.items():
        g_load, g_source, g_spike, g_cls = got[key]
        assert (g_load, g_source) == (load, source)
        assert (g_spike is None and spike != spike) or g_spike == spike  # NaN (no verdict) is null
        assert g_cls == (cls if isinstance(cls, str) else None)


def test_the_hand_made_histories_reach_the_rules(cohort) -> None:
    """The comparison is not of empty tables: the hand-made histories raise flags and spikes."""
    _, results, _ = cohort
    assert {f["rule"] for f in rows(results, "flags", "ramping")}, "a 33 % jump to the last week raises a flag"
    classes = [r["spike_class"] for r in rows(results, "sessions", "long-spike") if r["spike"] is not None]
    # the last Sunday: 0.7 x 40 = 28 km after 21 km long runs: 28/21 - 1 = 33 % -> moderate
    assert classes[-1] == "moderate"
    assert any(w["steps"] for w in rows(results, "weekly", "steady"))
