"""The report's words and numbers: the status line, the key-number table, the caps, the method card and
the data-quality lines. Pure functions of the status, plan, goals and ledger; no matplotlib here.

The status line (page 1) is the first rule that matches, in this order:
1. a `pain_red_flag` flag                       -> "See a doctor before training harder"
2. a `pain` or `pain_load` flag                 -> "Back pain logged - easy runs only"
3. any high flag (moderate/large session spike,
   weekly ramp above `ramp_high`)               -> "Too much too soon - hold next week"
4. any caution flag (small spike, ramp above
   `ramp_caution`, low form, high monotony)     -> "Building fast - stay under the caps"
5. no run in the last 28 days                   -> "No runs logged - keep walking"
6. last complete week's load ramp below -25 %   -> "Lighter week - build back gently"
7. otherwise                                    -> "Steady build - keep it"
Info flags (the ACWR) never change the line: the ratio is context only (Lolli 2019; Impellizzeri 2020).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..config import Profile
from ..model.caps import Caps
from ..model.load import is_run, week_start
from ..model.pace_power import CALIBRATION_MIN_SESSIONS, GENERIC_THRESHOLD_HRR
from ..model.status import Status
from ..wording import amount, export_name, format_name, hm, km, utc_offset, whole

LIGHT_WEEK = -0.25  # a week this much below the one before reads as a lighter (down) week
DASH = "\u2014"


@dataclass(frozen=True, slots=True)
class Headline:
    """The status line, the sentence behind it and its level: ok | info | caution | high | doctor."""

    text: str
    reason: str
    level: str


def _first_sentence(text: str) -> str:
    cut = text.find(". ")
    return text if cut < 0 else text[: cut + 1]


def headline(status: Status, profile: Profile) -> Headline:
    """The page-1 status line, by the rule in the module docstring."""
    rules = {f.rule for f in status.flags}
    top = next((f for f in status.flags if f.severity != "info"), None)
    if "pain_red_flag" in rules:
        flag = next(f for f in status.flags if f.rule == "pain_red_flag")
        return Headline("See a doctor before training harder", flag.message, "doctor")
    if rules & {"pain", "pain_load"}:
        flag = next(f for f in status.flags if f.rule in ("pain", "pain_load"))
        return Headline(f"Back pain logged {DASH} easy runs only", _first_sentence(flag.message), "high")
    if top is not None and top.severity == "high":
        return Headline(f"Too much too soon {DASH} hold next week", _first_sentence(top.message), "high")
    if top is not None:
        return Headline(f"Building fast {DASH} stay under the caps", _first_sentence(top.message), "caution")
    sessions = status.sessions
    recent = pd.to_datetime(sessions["day"]) > pd.Timestamp(status.as_of - timedelta(days=28)) \
        if len(sessions) else pd.Series(dtype=bool)
    if not len(sessions) or not bool((is_run(sessions["sport"]) & recent).any()):
        return Headline(f"No runs logged {DASH} keep walking",
                        "No run in the last 4 weeks, so there is no running load to judge.", "info")
    ramp = last_complete_ramp(status)
    if ramp is not None and ramp < LIGHT_WEEK:
        return Headline(f"Lighter week {DASH} build back gently",
                        f"Last week's load was {-ramp:.0%} below the week before; no flags.", "ok")
    why = "No flags: no run longer than 10 % over your 30-day longest, and no weekly jump above " \
          f"{profile.ramp_caution:.0%}."
    if ramp is not None:
        why = f"Last week's load changed {ramp:+.0%} on the week before. " + why
    return Headline(f"Steady build {DASH} keep it", why, "ok")


def last_complete_ramp(status: Status) -> float | None:
    """The load ramp of the last complete ISO week (the week before the one holding `as_of`)."""
    weeks = status.weeks
    if len(weeks) < 2:
        return None
    value = float(weeks["ramp"].iloc[-2])
    return value if math.isfinite(value) else None


# -- key numbers ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class KeyRow:
    label: str
    this_week: str
    last_week: str
    mean_4wk: str


def week_summary(status: Status, goals: pd.DataFrame | None) -> pd.DataFrame:
    """Per ISO week of the status: runs, duration_s, distance_m, load, long_run_m, avg_steps, goal_days.

    avg_steps: mean over days with a step count; goal_days: days whose steps reached that day's goal
    (NaN without goals). Uses the status' daily frame (runs only for runs, distance and long run)."""
    weeks = status.weeks
    out = pd.DataFrame(index=weeks.index)
    out["runs"] = weeks["runs"].astype(float)
    out["duration_s"] = weeks["duration_s"]
    out["distance_m"] = weeks["distance_m"]
    out["load"] = weeks["load"]
    out["long_run_m"] = weeks["long_run_m"]
    out["avg_steps"] = weeks["steps"] / weeks["steps_days"].where(weeks["steps_days"] > 0)
    out["goal_days"] = np.nan
    if goals is not None and len(goals):
        past = goals[~goals["future"]]
        day = pd.to_datetime(past["day"])
        met = (past["steps"].to_numpy() >= past["goal"].to_numpy()).astype(float)
        monday = week_start(day)
        counted = pd.Series(met, index=monday.to_numpy()).groupby(level=0).sum()
        out["goal_days"] = counted.reindex(out.index)
    return out


def key_rows(status: Status, summary: pd.DataFrame) -> list[KeyRow]:
    """This week (so far), last week and the mean of the 4 weeks before this one."""
    this = summary.iloc[-1]
    last = summary.iloc[-2] if len(summary) > 1 else pd.Series(np.nan, index=summary.columns)
    prior = summary.iloc[-5:-1]
    mean4 = prior.mean() if len(prior) == 4 else pd.Series(np.nan, index=summary.columns)
    unit = status.unit

    def row(label: str, col: str, fmt: Any) -> KeyRow:
        return KeyRow(label, fmt(this[col]), fmt(last[col]), fmt(mean4[col]))

    def goal_fmt(value: float) -> str:
        return "-" if not math.isfinite(value) else f"{value:.0f} of 7" if value == int(value) else f"{value:.1f}"

    rows = [
        row("Runs", "runs", lambda v: "-" if not math.isfinite(v) else f"{v:.0f}" if v == int(v) else f"{v:.1f}"),
        row("Time (all sessions)", "duration_s", hm),
        row("Distance (all sessions)", "distance_m", km),
        row(f"Load ({unit})", "load", whole),
        row("Long run", "long_run_m", lambda v: "-" if not math.isfinite(v) or v <= 0 else km(v)),
        row("Average steps a day", "avg_steps", whole),
        row("Days step goal met", "goal_days", goal_fmt),
    ]
    return rows


def days_so_far(status: Status) -> int:
    return int(status.weeks["days"].iloc[-1]) if len(status.weeks) else 0


# -- caps -----------------------------------------------------------------------------------------
def cap_rows(caps: Caps) -> list[tuple[str, str, str]]:
    """(what, the most, we suggest) for next week from the plan's caps; empty without runs."""
    rows: list[tuple[str, str, str]] = []

    def num(value: float | None, fmt: Any) -> str | None:
        return None if value is None or not math.isfinite(value) else fmt(value)

    pairs = [  # limits through `wording.amount`, as the flags and the plan quote them
        ("Weekly load", caps.weekly_max, caps.weekly_suggested, lambda v: amount(v, caps.unit)),
        ("Weekly running distance", caps.distance_max_m, caps.distance_suggested_m, lambda v: amount(v, "m")),
        ("Weekly running time", caps.duration_max_s, caps.duration_suggested_s, hm),
        ("Long run", caps.long_run_max_m, caps.long_run_suggested_m, lambda v: amount(v, "m")),
    ]
    for label, most, suggest, fmt in pairs:
        m, s = num(most, fmt), num(suggest, fmt)
        if m is not None:
            rows.append((label, m, s or "-"))
    return rows


# -- method card ----------------------------------------------------------------------------------
def method_rows(profile: Profile, metric: str) -> list[tuple[str, str, str, str]]:
    """(what, formula and threshold, source, strength of evidence) for every rule the report uses."""
    p = profile
    return [
        ("Session load", "first available: heart rate (TRIMP, min x HRr x 0.64 e^(1.92 HRr); women 0.86 e^(1.67 "
         "HRr)), power, pace, RPE (yours or the watch's: min at HRr = RPE/10), duration (min at HRr 0.6); HR for "
         "under 3/4 of it: + the next source for the rest. Moving minutes",
         "Banister 1975; Foster 2001", "established measures of effort; the duration estimate is a stand-in"),
        ("Pace, power load", "hours x IF^2 x 100 per bin, IF = graded speed / CS or power / CP; in TRIMP by your "
         f"median TRIMP per point ({CALIBRATION_MIN_SESSIONS}+ sessions with both), else 100 = 1 h at HRr "
         f"{GENERIC_THRESHOLD_HRR:g}", "rTSS, GOVSS (second-hand; GoldenCheetah's code first-hand); Minetti 2002",
         "between average and normalised pace; fitted per athlete"),
        ("Thresholds", "as of each day: CS, CP = slope of the 3-20 min bests of 90 days; HRmax = the year's highest "
         "held, a lone spike left out; HRrest = 30-day median of resting-HR records; your values win",
         "Monod 1965; Hill 1993; Jones 2017 (second-hand); Smyth 2020", "CS from training logs: marathon R^2 0.67"),
        ("Fitness, fatigue, form", "CTL += (load - CTL)/42; ATL += (load - ATL)/7, from 0; form TSB = "
         "yesterday's CTL - ATL, as TrainingPeaks and GoldenCheetah show it (changed: it counted today's "
         "session too, so a long-run day read well below their figure); no form flag before 42 days",
         "Coggan (TrainingPeaks PMC)", "a model, not a predictor; no injury thresholds"),
        ("Missing data", "a day without a step count (steps) or with a session without RPE (srpe) is unknown, "
         "not 0: fitness holds, ratios and monotony leave it out, a week counts it as its average day",
         "loadwatch", "avoids flags made by gaps in the record"),
        ("Form zones", f"high risk below {p.form_low:g}; -30 to -10 optimal; -10 to +5 grey; +5 to +25 fresh",
         "intervals.icu", "coaching heuristic"),
        ("Session spike", "run / longest run in the 30 days before - 1: >10 % small, >30 % moderate, >100 % large;"
         " none without 30 days of history before the run",
         "Frandsen et al., BJSM 2025 (RUNSAFE)", "strongest here: 5,205 runners, HRR 1.64 / 1.52 / 2.28; "
         "observational"),
        ("Weekly ramp", f"week / last week - 1; caution above {p.ramp_caution:.0%}, high above {p.ramp_high:.0%}",
         "Nielsen et al., JOSPT 2014; Buist 2008", "weak: >30 % HR 1.59 (0.96-2.66); the 10 % rule itself failed"),
        ("ACWR (context)", f"EWMA 7/28 days, lambda 0.25 and 2/29, averaged over the week's 7 days (a steady "
         f"block reads 1.00 whichever day the long run falls on); band {p.acwr_low:g}-{p.acwr_high:g}, "
         f"{p.acwr_danger:g}+ danger", "Williams 2017; Gabbett 2016", "disputed: Lolli 2019; Impellizzeri 2020"),
        ("Monotony, strain", f"mean / SD of daily load over 7 days, above {p.monotony_high:g} flagged; "
         "strain = week x monotony", "Foster 1998; fellrnr", "the cut-off is a heuristic"),
        ("Next week's caps", f"lowest of: last week +{p.ramp_caution:.0%}, 4-week mean +{p.ramp_high:.0%}, "
         f"ACWR <= {p.acwr_high:g}, a flag's limit; after a spike or ramp flag, at most last week; long run <= "
         f"{p.long_run_cap:.2f} x the 30-day longest that was no spike; suggest = most - {p.margin:.0%}. "
         "Pain: <= usual week, easy runs only; a month pain-free ends an episode",
         "loadwatch; de Vet 2002", "as strong as the rule that binds"),
        ("Step goals", f"{p.step_percentile:g}th percentile of the last {p.step_window_days} days, never below "
         f"their median, above it rising at most +{p.step_weekly_rise:.0%} a week as one chain (changed: seven "
         "weekday chains sat 41 % under the percentile); pain or a flag keeps the day before's goal; "
         f"{p.step_window_days} days without a count restart it; ceiling {p.step_ceiling_under_60:,} (<60 y) / "
         f"{p.step_ceiling_60_plus:,} (60+) unless your median is higher", "Adams 2013, 2017; Paluch 2022",
         "trials of adaptive goals; mortality cohort for the ceiling"),
        ("Strength", "2 sessions a week, 48 h apart, 3 x 8-12; at 3 x 12 pain-free, the next harder one",
         "WHO 2020; Lauersen 2014, 2018", "meta-analyses: strength work RR ~0.3 for sports injury"),
    ]


# -- data quality ---------------------------------------------------------------------------------
def data_quality(sources: pd.DataFrame, status: Status, athlete: str, *, max_files: int = 6) -> list[str]:
    """Sentences on what was imported: formats, duplicates merged, skipped files, days with no data,
    time-zone assumptions and the load model's own notes (HRmax estimated and so on)."""
    lines: list[str] = []
    own = sources[sources["athlete"] == athlete] if len(sources) else sources
    files = own[own["status"] != "archive"] if len(own) else own
    if len(files):
        imported = files[files["status"] != "skipped"]
        skipped = files[files["status"] == "skipped"]
        if len(imported):
            by_format = imported.groupby(imported["format"].map(format_name)).size()
            formats = ", ".join(f"{n:,} {fmt}" for fmt, n in sorted(by_format.items(), key=lambda kv: (-kv[1], kv[0])))
            lines.append(f"Files imported: {len(imported):,} ({formats}); {int(imported['n_sessions'].sum()):,} "
                         f"session(s), {int(imported['n_days'].sum()):,} step day(s).")
        else:
            lines.append("Files imported: none holding sessions or daily steps.")
        dups = int(files["n_duplicates"].sum())
        lines.append(f"Duplicates merged: {dups:,} session(s) seen in more than one file were stored once."
                     if dups else "Duplicates merged: none.")
        if len(skipped):
            reasons = skipped["error"] if "error" in skipped else pd.Series(None, index=skipped.index)
            names = "; ".join(f"{export_name(p)} ({format_name(f)}: {r})" if isinstance(r, str) and r
                              else f"{export_name(p)} ({format_name(f)})"
                              for p, f, r in zip(skipped["path"].head(max_files), skipped["format"].head(max_files),
                                                 reasons.head(max_files), strict=True))
            more = f" and {len(skipped) - max_files:,} more" if len(skipped) > max_files else ""
            lines.append(f"Files skipped: {len(skipped):,}, recognised but holding no sessions or daily steps"
                         f": {names}{more}.")
        else:
            lines.append("Files skipped: none recorded. Files that failed to import are not stored; "
                         "`loadwatch import` lists them with the reason.")
        warned = files[files["warnings"].notna()]
        if len(warned):
            lines.append(f"Files with warnings: {len(warned):,} (see `loadwatch sources`).")
    else:
        lines.append("Sources imported: none recorded in the ledger for this athlete.")
    daily = status.daily
    if len(daily):
        no_run = daily["duration_s"].fillna(0) <= 0
        no_steps = daily["steps"].isna()
        empty = int((no_run & no_steps).sum())
        lines.append(f"Days with no data in the period ({daily.index[0]:%d %b %Y} to {status.as_of:%d %b %Y}): "
                     f"{empty} of {len(daily)} (no session and no step count); "
                     f"{int(no_steps.sum())} day(s) without a step count.")
    lines.append("Time zones: each record's day is its own local calendar day (UTC plus the offset the device "
                 "stored; GPX and TCX store UTC only, so theirs come from the profile's time_zone, else your "
                 "nearest FIT or Apple session), so travel and daylight-saving changes neither split nor double a "
                 "day; weeks are ISO weeks, Monday to Sunday.")
    offsets = status.sessions["utc_offset_s"].dropna().unique() if len(status.sessions) else []
    if len(offsets):
        shown = ", ".join(utc_offset(int(o)) for o in sorted(offsets)[:6])
        lines.append(f"UTC offsets seen in your sessions: {shown}.")
    lines[1:1] = load_source_lines(status)  # right after what was imported: what the load rests on
    lines += [f"Assumption: {n.text}" for n in status.notes if n.kind not in ("acwr", "calibration")]
    return lines


def load_source_lines(status: Status) -> list[str]:
    """The share of the shown weeks' load by source and, where pace or power carried any, the mapping to TRIMP
    used (the status's calibration notes): page 6 shows them first among the data-quality lines."""
    shares = load_shares(status)
    if not shares:
        return []
    line = "Load by source in these weeks: " + ", ".join(f"{name} {share:.0%}" for name, share in shares) + "."
    return [line, *(n.text for n in status.notes if n.kind == "calibration")]


SOURCE_WORDS = {"trimp": "heart rate", "power": "power", "pace": "pace", "srpe": "RPE", "duration": "duration",
                "hr+power": "heart rate + power", "hr+pace": "heart rate + pace", "hr+rpe": "heart rate + RPE",
                "hr+duration": "heart rate + duration"}


def load_shares(status: Status) -> list[tuple[str, float]]:
    """The share of the load of the shown weeks' sessions that each load_source carries, largest first, in words
    (`SOURCE_WORDS`); [] without load."""
    sessions = status.sessions
    if not len(sessions) or "load_source" not in sessions or not len(status.daily):
        return []
    shown = sessions[pd.to_datetime(sessions["day"]) >= status.daily.index[0]]
    total = float(shown["load"].sum()) if len(shown) else 0.0
    if total <= 0:
        return []
    by = shown.groupby("load_source")["load"].sum() / total
    return [(SOURCE_WORDS.get(str(k), str(k)), float(v)) for k, v in by.sort_values(ascending=False).items() if v > 0]


def period_text(start: date, end: date) -> str:
    return f"{start:%d %b %Y} to {end:%d %b %Y}"


__all__ = ["SOURCE_WORDS", "Headline", "KeyRow", "cap_rows", "data_quality", "days_so_far", "headline", "key_rows",
           "last_complete_ramp", "load_shares", "load_source_lines", "method_rows", "period_text", "week_summary"]
