"""`loadwatch cohort analyze`: per athlete (one Dask task per partition: no shuffle), what `status` computes.

Each task reads one partition back into a scratch store (`dataset.fill_store`) and calls `api.status` on
it, the very call `loadwatch status` makes (`api.athlete_data`: the store's frames and the profile, then
the pure `model.status.compute_status` with its arguments), over every ISO week from the athlete's first
day to the evaluation day (`--as-of`, else the athlete's last day with data), so each week's row equals
the week in `loadwatch status --json --as-of DAY --weeks N` for that athlete, and stays equal whatever
the model and `api.status` pass to it next. Results, one Parquet file per athlete per
table (written under a temporary name, then renamed):

    RESULTS/weekly/    athlete + the fields of a week in `status --json` (week a date; numbers as there)
    RESULTS/sessions/  athlete + each session's load, load source and spike (Frandsen's class)
    RESULTS/flags/     athlete + the fields of a flag in `status --json` (the flags active on the day)
    RESULTS/athletes/  athlete + the day evaluated, the counts and the data-quality counts
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .. import api
from ..errors import NoData, WriteError
from ..files import shown
from ..models import Flag
from ..store import Store
from . import dataset

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from distributed import Client

Progress = Callable[[int, int, str], None]
RESULT_TABLES = ("weekly", "sessions", "flags", "athletes")
SESSION_FIELDS = ("id", "day", "start_utc", "sport", "sub_sport", "distance_m", "duration_s", "moving_s", "avg_hr",
                  "load", "load_source", "longest_prior_30d_m", "spike", "spike_class")


def result_file(out: Path, table: str, athlete: str) -> Path:
    return out / table / f"athlete-{quote(athlete, safe='')}.parquet"


def _flag_schema() -> pa.Schema:
    import pyarrow as pa

    kinds = {f.name: str(f.type) for f in fields(Flag)}
    cols = [pa.field("athlete", pa.string())]
    for name in Flag(rule="", severity="", day=date(2000, 1, 1), value=0.0, threshold=0.0, message="",
                     evidence="").as_json():
        kind = kinds.get(name, "str")
        cols.append(pa.field(name, pa.date32() if kind == "date" else pa.float64() if kind.startswith("float")
                             else pa.string()))
    return pa.schema(cols)


def _weekly(athlete: str, weeks: list[dict[str, Any]], columns: tuple[str, ...]) -> pa.Table:
    import pyarrow as pa

    data: dict[str, pa.Array] = {"athlete": pa.array([athlete] * len(weeks), pa.string()),
                                 "week": pa.array([date.fromisoformat(w["week"]) for w in weeks], pa.date32())}
    for col in columns:
        data[col] = pa.array([w.get(col) for w in weeks], pa.float64())
    return pa.table(data)


def _sessions(athlete: str, frame: pd.DataFrame) -> pa.Table:
    import pandas as pd
    import pyarrow as pa

    out = pd.DataFrame({col: frame.get(col) for col in SESSION_FIELDS})
    out.insert(0, "athlete", athlete)
    types = {"athlete": pa.string(), "id": pa.int64(), "day": pa.date32(), "start_utc": pa.timestamp("us", tz="UTC"),
             "sport": pa.string(), "sub_sport": pa.string(), "load_source": pa.string(), "spike_class": pa.string()}
    schema = pa.schema([pa.field(c, types.get(c, pa.float64())) for c in out.columns])
    out["spike_class"] = out["spike_class"].astype(object).where(out["spike_class"].notna(), None)
    for col in ("sport", "sub_sport", "load_source"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    out["start_utc"] = pd.to_datetime(out["start_utc"], utc=True)
    return pa.Table.from_pandas(out, schema=schema, preserve_index=False)


def _quality(tables: dict[str, pa.Table], sessions: pd.DataFrame) -> dict[str, int]:
    ledger = tables["sources"].to_pylist() if "sources" in tables else []
    by = [r["status"] for r in ledger if r["status"] != "archive"]
    from ..model.load import HR_SOURCES  # the load_source values that rest on heart rate (partial ones too)

    with_hr = sessions["load_source"].isin(HR_SOURCES) if len(sessions) else None
    placed = (sessions["offset_from"] != "file") if len(sessions) and "offset_from" in sessions else None
    return {"files": len(by), "files_failed": by.count(dataset.FAILED), "files_skipped": by.count("skipped"),
            "files_recovered": by.count("recovered"), "files_duplicate": by.count("duplicate"),
            "sessions_without_hr": int((~with_hr).sum()) if with_hr is not None else 0,
            "sessions_day_inferred": int(placed.sum()) if placed is not None else 0}


def analyze_athlete(root: str, athlete: str, out: str, as_of: date | None, metric: str) -> dict[str, Any]:
    """One partition: the status over all its weeks, written to RESULTS; the athlete's row."""
    import pyarrow as pa

    from ..model.load import is_run, monday_of
    from ..model.status import WEEK_JSON_COLUMNS

    tables = dataset.read_partition(Path(root) / dataset.partition_name(athlete))
    with tempfile.TemporaryDirectory(prefix="loadwatch-cohort-") as scratch:
        store = Store(Path(scratch) / "athlete.sqlite")
        try:
            dataset.fill_store(store, athlete, tables)
            data = api.athlete_data(store, athlete)
            firsts = [f["day"].min() for f in (data.sessions, data.steps) if len(f)]
            lasts = [f["day"].max() for f in (data.sessions, data.steps) if len(f)]
            day = api.evaluation_day(as_of or max(lasts)) if lasts else None
            status = None
            if day is not None and min(firsts) <= day:
                # the call `loadwatch status --as-of DAY --weeks N` makes, N reaching back to the first week
                n_weeks = (monday_of(day) - monday_of(min(firsts))).days // 7 + 1
                status = api.status(store, athlete, as_of=day, weeks=n_weeks, metric=metric)
        finally:
            store.close()
    row: dict[str, Any] = {"athlete": athlete, "status": "ok", "as_of": None, "first_day": None, "weeks": 0,
                           "sessions": 0, "runs": 0, "steps_days": len(data.steps), "flags": 0}
    weekly = _weekly(athlete, [], WEEK_JSON_COLUMNS)
    flags = _flag_schema().empty_table()
    sessions = _sessions(athlete, data.sessions.iloc[0:0])
    quality = _quality(tables, data.sessions.iloc[0:0].assign(load_source=[]))
    if day is None:
        row["status"] = "no data"
    else:
        row.update(as_of=day, first_day=min(firsts))
    if day is not None and status is None:
        row["status"] = f"nothing on or before {day.isoformat()}"
    elif status is not None:
        shown_json = status.as_json()
        columns = tuple(k for k in shown_json["weeks"][0] if k != "week") if shown_json["weeks"] else ()
        weekly = _weekly(athlete, shown_json["weeks"], columns)
        flags = pa.Table.from_pylist([{"athlete": athlete, **f, "day": date.fromisoformat(f["day"])}
                                      for f in shown_json["flags"]], schema=_flag_schema())
        sessions = _sessions(athlete, status.sessions)
        quality = _quality(tables, status.sessions)
        row.update(weeks=len(shown_json["weeks"]), sessions=len(status.sessions),
                   runs=int(is_run(status.sessions["sport"]).sum()) if len(status.sessions) else 0,
                   flags=len(shown_json["flags"]))
    row.update(quality)
    for name, data_table in (("weekly", weekly), ("sessions", sessions), ("flags", flags)):
        dataset.write_file_atomically(data_table, result_file(Path(out), name, athlete))
    types = {"athlete": pa.string(), "status": pa.string(), "as_of": pa.date32(), "first_day": pa.date32()}
    table = pa.Table.from_pylist([row], schema=pa.schema([pa.field(k, types.get(k, pa.int64())) for k in row]))
    dataset.write_file_atomically(table, result_file(Path(out), "athletes", athlete))
    return row


@dataclass(slots=True)
class AnalyzeResult:
    results: Path
    athletes: list[dict[str, Any]]
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {"results": str(self.results), "seconds": round(self.seconds, 3),
                "athletes": {a["athlete"]: {k: v.isoformat() if isinstance(v, date) else v for k, v in a.items()
                                            if k != "athlete"} for a in self.athletes}}


def analyze(root: str | Path, out: str | Path, *, client: Client, as_of: date | None = None, metric: str = "trimp",
            on_progress: Progress | None = None) -> AnalyzeResult:
    """Analyze every partition of the dataset at `root` into RESULTS at `out` (its four tables replaced)."""
    from distributed import as_completed

    started = time.perf_counter()
    root, out = Path(root), Path(out)
    if as_of is not None:
        api.evaluation_day(as_of)  # a day loadwatch cannot evaluate is refused before any work
    names = list(dataset.partitions(root))
    if not names:
        raise NoData(f"{shown(root)} holds no athlete's partition; build it first: loadwatch cohort build ROOT"
                     f" --out {shown(root)}")
    try:
        for table in RESULT_TABLES:
            shutil.rmtree(out / table, ignore_errors=True)
            (out / table).mkdir(parents=True)
    except OSError as err:
        raise WriteError(f"cannot write the results in {shown(out)} ({err.strerror}); choose another --out") \
            from None
    futures = {client.submit(analyze_athlete, str(root), name, str(out), as_of, metric, pure=False): name
               for name in names}
    rows = []
    for done, fut in enumerate(as_completed(futures), start=1):
        rows.append(fut.result())
        if on_progress is not None:
            on_progress(done, len(futures), futures[fut])
    rows.sort(key=lambda r: r["athlete"])
    return AnalyzeResult(out, rows, time.perf_counter() - started)


__all__ = ["RESULT_TABLES", "AnalyzeResult", "analyze", "analyze_athlete", "result_file"]
