"""One step total per day across sources: device priority picks the primary, never a sum.

Real Google Fit Takeout CSV (phone) + a generic CSV log (manual) through import_paths, and a watch's
daily totals written through Store.write_source, all in one store on tmp_path.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from loadwatch.ingest import import_paths
from loadwatch.models import DailySteps, ParsedFile
from loadwatch.store import Store

GOOGLE_FIT = "google_fit/Daily activity metrics.csv"
# Google Fit (phone), read off the real file: 2018-04-03 1627, 2018-04-04 4552, 2018-04-05 8452.
MANUAL = "date,steps\n2018-04-02,3000\n2018-04-03,9999\n2018-04-04,4000\n"
WATCH = [DailySteps(date(2018, 4, 4), 200, "Garmin fenix 5", "watch"),
         DailySteps(date(2018, 4, 5), 9000, "Garmin fenix 5", "watch")]
EXPECTED = {  # day -> (steps, source) of the primary row
    date(2018, 4, 2): (3000, "CSV step log (manual.csv)"),  # only the manual log has it
    date(2018, 4, 3): (1627, "Google Fit"),  # phone over manual, even though the log says more
    date(2018, 4, 4): (200, "Garmin fenix 5"),  # watch over phone and manual: 200, not 200+4552+4000
    date(2018, 4, 5): (9000, "Garmin fenix 5"),  # watch over phone
}


def _write_watch(store: Store, rows: list[DailySteps], tag: str = "watch") -> None:
    sha = hashlib.sha256(tag.encode()).hexdigest()
    store.write_source(sha256=sha, path=f"{tag}.fit", parsed=ParsedFile("fit", daily_steps=rows), athlete="me",
                       size_bytes=1)


def _primary(store: Store) -> dict[date, tuple[int, str]]:
    frame = store.daily_steps("me", since=date(2018, 4, 2))
    frame = frame[frame["day"] <= date(2018, 4, 5)]
    return {d: (int(s), src) for d, s, src in zip(frame["day"], frame["steps"], frame["source"], strict=True)}


def _manual(tmp_path: Path) -> Path:
    path = tmp_path / "manual.csv"
    path.write_text(MANUAL, encoding="utf-8")
    return path


def test_priority_across_three_sources(store, sample, tmp_path):
    result = import_paths(store, [sample(GOOGLE_FIT), _manual(tmp_path)])
    assert sorted((f.format, f.status) for f in result.files) == [("csv_steps", "imported"),
                                                                 ("google_fit", "imported")]
    _write_watch(store, WATCH)
    assert _primary(store) == EXPECTED
    every = store.daily_steps("me", all_sources=True)
    day4 = every[every["day"] == date(2018, 4, 4)]
    assert sorted(zip(day4["source"], day4["steps"], day4["device_kind"], day4["is_primary"], strict=True)) == [
        ("CSV step log (manual.csv)", 4000, "manual", False),
        ("Garmin fenix 5", 200, "watch", True),
        ("Google Fit", 4552, "phone", False),
    ]
    # Every day has exactly one primary row, and the default frame has one row per day.
    assert every.groupby("day")["is_primary"].sum().eq(1).all()
    assert store.daily_steps("me")["day"].is_unique
    # Days only Google Fit knows keep its value: 1029 phone days + 2018-04-02 from the manual log.
    assert len(store.daily_steps("me")) == 1030


def test_order_of_imports_does_not_matter(store, sample, tmp_path):
    _write_watch(store, WATCH)
    import_paths(store, [_manual(tmp_path)])
    import_paths(store, [sample(GOOGLE_FIT)])
    assert _primary(store) == EXPECTED
    again = import_paths(store, [sample(GOOGLE_FIT), _manual(tmp_path)])
    assert [f.status for f in again.files] == ["already_imported", "already_imported"]
    assert _primary(store) == EXPECTED


def test_same_priority_takes_the_larger_not_the_sum(store, sample):
    # Fitbit (tracker) and a watch rank equally: the larger total of the day counts.
    import_paths(store, [sample("fitbit/fitbit-activities-steps-timeseries.json")])  # 2015-08-24: 2937
    _write_watch(store, [DailySteps(date(2015, 8, 24), 3100, "Garmin fenix 5", "watch"),
                         DailySteps(date(2015, 8, 23), 100, "Garmin fenix 5", "watch")])
    frame = store.daily_steps("me")
    got = {d: (int(s), src) for d, s, src in zip(frame["day"], frame["steps"], frame["source"], strict=True)}
    assert got == {date(2015, 8, 23): (175, "Fitbit"), date(2015, 8, 24): (3100, "Garmin fenix 5"),
                   date(2015, 8, 25): (0, "Fitbit")}
