"""The training status as of a day: sessions with load, daily and weekly series, flags and notes.

`compute_status` puts the load model (`model.load`: session loads, daily/weekly frames, spikes)
together with the flags (`model.flags`) and the notes on what was assumed. Logged strength work
counts as session-RPE sessions (Foster 2001), see `strength_sessions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..config import Profile
from ..errors import ConfigError
from ..models import Flag, Note
from ..units import METRIC_UNITS
from ..wording import json_number
from .flags import evaluate, hold_events
from .load import daily_frame, monday_of, session_loads, spikes, weekly_frame


@dataclass(frozen=True, slots=True)
class Status:
    """The training state as of a day: sessions (with load and spike columns), the daily series of the
    shown weeks, the weekly table, the active flags (most serious first) and the assumptions made."""

    as_of: date
    metric: str
    unit: str
    sessions: pd.DataFrame
    daily: pd.DataFrame
    weeks: pd.DataFrame
    flags: list[Flag]
    notes: list[Note] = field(default_factory=list)
    # `flags.hold_events`: the step goals hold on these; None where not worked out (`compute_status(holds=False)`)
    hold_days: list[date] | None = field(default_factory=list)

    def notes_of(self, *kinds: str) -> list[str]:
        """The texts of the notes of these kinds, in order."""
        return [n.text for n in self.notes if n.kind in kinds]

    def as_json(self) -> dict[str, Any]:
        """{"metric", "unit", "as_of", "weeks": [...], "flags": [...], "notes": [...]}; NaN -> None."""
        weeks = []
        records = self.weeks[list(WEEK_JSON_COLUMNS)].to_dict("records")
        for monday, row in zip(self.weeks.index, records, strict=True):
            item = {"week": monday.date().isoformat(), **{k: json_number(v, 4) for k, v in row.items()}}
            if item["steps"] is not None:
                item["steps"] = int(item["steps"])
            weeks.append(item)
        return {"metric": self.metric, "unit": self.unit, "as_of": self.as_of.isoformat(), "weeks": weeks,
                "flags": [f.as_json() for f in self.flags], "notes": [n.text for n in self.notes]}


WEEK_JSON_COLUMNS = ("days", "load", "ramp", "base_4wk", "ramp_4wk", "acwr", "ctl", "atl", "tsb", "monotony", "strain",
                     "long_run_m", "distance_m", "duration_s", "runs", "steps", "steps_ramp")


def compute_status(sessions: pd.DataFrame, steps: pd.DataFrame, logs: pd.DataFrame, profile: Profile, *,
                   as_of: date, weeks: int = 12, metric: str = "trimp",
                   resting_hr: pd.DataFrame | None = None, holds: bool = True) -> Status:
    """The status as of `as_of` (inclusive) over the last `weeks` ISO weeks; data after it is ignored.
    `resting_hr` (day, bpm): the watch's or phone's resting-HR records, for HRrest as of each day.
    `holds=False`: no `hold_days` (None), for a caller that sets no step goals (the squad's row): they need
    the weekly table of the whole history, which nothing else here does."""
    if weeks < 1:
        raise ConfigError(f"--weeks must be at least 1, not {weeks}")
    sessions = sessions[pd.to_datetime(sessions["day"]) <= pd.Timestamp(as_of)] if len(sessions) else sessions
    steps = steps[pd.to_datetime(steps["day"]) <= pd.Timestamp(as_of)] if len(steps) else steps
    logs = logs[pd.to_datetime(logs["day"]) <= pd.Timestamp(as_of)] if len(logs) else logs
    strength = strength_sessions(logs)
    if len(strength):
        sessions = pd.concat([sessions, strength], ignore_index=True) if len(sessions) else strength
        sessions = sessions.sort_values(["day", "start_utc"], kind="stable")
    if resting_hr is not None and len(resting_hr):
        resting_hr = resting_hr[pd.to_datetime(resting_hr["day"]) <= pd.Timestamp(as_of)]
    with_load, notes = session_loads(sessions.reset_index(drop=True), profile, resting_hr=resting_hr)
    start = monday_of(as_of) - timedelta(weeks=weeks - 1)
    history_start = start - timedelta(weeks=5)  # the 4-week ramp of the first shown week needs these
    firsts = [pd.to_datetime(f["day"]).min().date() for f in (with_load, steps) if len(f)]
    daily_hist = daily_frame(with_load, steps, metric=metric, start=min([history_start, *firsts]), end=as_of,
                             profile=profile)  # the whole history, for the step goals' hold days
    daily_all = daily_hist.loc[pd.Timestamp(history_start):]
    weekly_all = weekly_frame(daily_all)
    weekly = weekly_all.loc[pd.Timestamp(start):]
    daily = daily_all.loc[pd.Timestamp(start):]
    spk = spikes(with_load)
    for col in ("longest_prior_30d_m", "spike", "spike_class"):
        with_load[col] = spk[col] if len(spk) else np.nan
    stale = stale_note(sessions, steps, as_of)
    unknown = int((daily_hist["load"].isna() & daily_hist["tracked"]).sum()) if len(daily_hist) else 0
    notes += ([stale] if stale else []) + _metric_notes(with_load, steps, metric, unknown) + offset_notes(sessions)
    flags = evaluate(sessions=with_load, daily=daily_all, weeks=weekly_all, logs=logs, profile=profile,
                     as_of=as_of, metric=metric, unit=METRIC_UNITS[metric])
    held = hold_events(sessions=with_load, daily=daily_hist, weeks=weekly_frame(daily_hist), profile=profile,
                       as_of=as_of, metric=metric) if holds else None
    return Status(as_of=as_of, metric=metric, unit=METRIC_UNITS[metric], sessions=with_load, daily=daily, weeks=weekly,
                  flags=flags, notes=notes, hold_days=held)


def strength_sessions(logs: pd.DataFrame) -> pd.DataFrame:
    """Logged strength work with an RPE and minutes, as sessions (sport "strength") for the load model.

    `loadwatch log strength ... --rpe R --minutes M` logs one exercise at a time; the exercises of
    one day are one session, so a day counts once, with its largest minutes and RPE (session-RPE,
    Foster 2001: the only load measure that covers strength work without heart rate). No distance,
    no heart rate; not a run.
    """
    columns = ["id", "sport", "sub_sport", "start_utc", "utc_offset_s", "local_start", "day", "duration_s",
               "moving_s", "distance_m", "avg_hr", "max_hr", "hr_hist", "rpe", "source"]
    if logs is None or logs.empty:
        return pd.DataFrame(columns=columns)
    rows = logs[logs["kind"] == "strength"]
    payload = pd.DataFrame(list(rows["payload"]), index=rows.index)
    if payload.empty or not {"rpe", "minutes"} <= set(payload.columns):
        return pd.DataFrame(columns=columns)
    done = pd.DataFrame({"day": rows["day"], "rpe": pd.to_numeric(payload["rpe"], errors="coerce"),
                         "minutes": pd.to_numeric(payload["minutes"], errors="coerce"), "id": -rows["id"]}).dropna()
    if done.empty:
        return pd.DataFrame(columns=columns)
    per_day = done.groupby("day").agg(rpe=("rpe", "max"), minutes=("minutes", "max"), id=("id", "min")).reset_index()
    local = pd.to_datetime(per_day["day"]) + pd.Timedelta(hours=18)  # the hour is unknown; evening
    return pd.DataFrame({
        "id": per_day["id"], "sport": "strength", "sub_sport": None, "start_utc": local.dt.tz_localize("UTC"),
        "utc_offset_s": 0, "local_start": local, "day": per_day["day"], "duration_s": per_day["minutes"] * 60.0,
        "moving_s": per_day["minutes"] * 60.0, "distance_m": np.nan, "avg_hr": np.nan, "max_hr": np.nan,
        "hr_hist": [{} for _ in range(len(per_day))], "rpe": per_day["rpe"], "source": "loadwatch log strength",
    })


def offset_notes(sessions: pd.DataFrame) -> list[Note]:
    """A note on the sessions whose files carried UTC only (GPX, TCX) and how their local day was found
    (the store's `offset_from` column: "profile", "nearest" or "utc"); none when every file stored it."""
    if "offset_from" not in sessions or sessions.empty:
        return []
    source = sessions["offset_from"]
    n_nearest, n_utc = int((source == "nearest").sum()), int((source == "utc").sum())
    hint = " Set your time zone: loadwatch profile --set time_zone=Europe/Ljubljana (your IANA name)."
    notes = []
    if n_nearest:
        notes.append(Note("time_zone", f"{n_nearest} GPX/TCX session(s) carry UTC times only: each is placed on"
                          " its local day with the UTC offset of your nearest FIT or Apple Health session"
                          f" (inferred, not known).{hint}"))
    if n_utc:
        notes.append(Note("time_zone", f"{n_utc} GPX/TCX session(s) carry UTC times only and no file gives your"
                          " offset: their day is the UTC day, so a run after midnight UTC may sit on the next"
                          f" day.{hint}"))
    return notes


STALE_AFTER_DAYS = Profile().step_window_days  # the step-goal window: older than this, "now" is a guess


def stale_note(sessions: pd.DataFrame, steps: pd.DataFrame, as_of: date) -> Note | None:
    """A note when the newest data is more than STALE_AFTER_DAYS before `as_of`, else None.

    The weeks since then read as rest and the step goals carry that day's level forward, which is
    a guess, not a measurement: the user should import newer data or look at an earlier --as-of.
    """
    days = [f["day"].max() for f in (sessions, steps) if f is not None and len(f)]
    if not days:
        return None
    last = max(days)
    gap = (as_of - last).days
    if gap <= STALE_AFTER_DAYS:
        return None
    return Note("stale", f"Nothing imported after {last.isoformat()} ({gap} days before {as_of.isoformat()}): the"
                " days since count as rest and step goals carry that time forward. Import newer data, or look back"
                f" with --as-of {last}.")


def _metric_notes(sessions: pd.DataFrame, steps: pd.DataFrame, metric: str, unknown_days: int = 0) -> list[Note]:
    notes: list[Note] = []
    if metric == "srpe" and len(sessions):
        missing = int(sessions["load_srpe"].isna().sum())  # neither logged nor recorded by the watch
        if missing:
            notes.append(Note("metric", f"Metric srpe: {missing} of {len(sessions)} session(s) have no RPE logged:"
                              " their days' load is unknown, not 0 (left out of fitness, monotony and the ACWR; the"
                              " days before your first RPE are no history). Log one: loadwatch log rpe DATE RPE."))
    if metric == "distance" and len(sessions):
        missing = int(sessions["distance_m"].isna().sum())
        if missing:
            notes.append(Note("metric", f"Metric distance: {missing} session(s) without a distance count as 0 km."))
    if metric != "steps" and sessions.empty:
        notes.append(Note("no_sessions", "No sessions stored: training load is 0 throughout; for a walker, try"
                          " --metric steps."))
    if metric == "steps" and (steps is None or steps.empty):
        notes.append(Note("metric", "Metric steps: no daily steps stored; every day's load is unknown."))
    elif metric == "steps" and unknown_days:
        notes.append(Note("metric", f"Metric steps: {unknown_days} day(s) without a step count are unknown, not 0"
                          " (left out of fitness, monotony and the ACWR; a week counts them as its average day)."))
    notes.append(Note("acwr", "ACWR shown is the EWMA form (Williams 2017, lambda 0.25 / 2/29), averaged over the"
                      " 7 days to the week's end, as context only: its thresholds are disputed (Lolli 2019;"
                      " Impellizzeri 2020)."))
    return notes



__all__ = ["STALE_AFTER_DAYS", "WEEK_JSON_COLUMNS", "Status", "compute_status", "offset_notes", "stale_note",
           "strength_sessions"]
