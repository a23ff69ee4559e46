"""Overload rules -> `Flag`s, most serious first, and the pain state the planner obeys.

Which flags are active as of a day (the windows):
- session_spike: runs in the last SPIKE_ACTIVE_DAYS (14) days whose distance beat the 30-day longest by
  more than 10 % (Frandsen 2025). Two weeks, so a spike stays visible while the next long runs are
  planned. The cap it advises (`Flag.limit`) is the next long run's limit as of `as_of`, the one the
  plan obeys (`limits.long_run_limit`): 1.10 x the longest run of the last 30 days that was not itself
  a spike, so after two spikes in a row the base is the run before both of them.
- weekly_ramp: the ISO week in progress (its load so far is a lower bound, so an excess is already
  certain) and the last complete week, each against the week before (Nielsen 2014).
- acwr: the EWMA ratio averaged over the 7 days ending on `as_of` (`acwr_7d`, the value the weekly table
  shows; info only: context, see load.py).
- form: TSB on `as_of` (yesterday's fitness minus yesterday's fatigue) below `profile.form_low` (TRIMP:
  absolute, as in intervals.icu's zones; other metrics: TSB as a percentage of CTL, intervals.icu's "form
  as % of fitness"), only once FORM_HISTORY_DAYS (42, the CTL time constant) days of history exist:
  fitness and fatigue start from 0, so before that a steady runner's form reads as fatigue (we chose to
  wait rather than seed the PMC, so CTL/ATL/TSB stay the numbers TrainingPeaks and GoldenCheetah show).
- session_spike: none for a run without 30 days of history before it (`load.spikes`).
- monotony: the 7 days ending on `as_of` (Foster 1998).
- With --metric steps only the ramp and pain rules apply (daily walking is not training load: an even
  step count would always read as "monotonous").
- pain_load / pain / pain_red_flag: pain logged in the last `pain_recent_days` days (with rising load:
  the last 7 days above the 7 before), and red flags of the current pain episode (a month without pain
  ends one: see `pain_state`). Pain's limit is `limits.pain_ceiling` (the last 7 days or the usual week,
  whichever is less, in run distance); easy runs no longer than `limits.typical_easy_run`.
- weekly_ramp on a finished week: its load is the limit of the next 7 days (hold; the plan obeys it).
Every number a flag tells the user to stay at or under is in `Flag.limit`, quoted with `wording.amount`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from ..config import Profile
from ..models import Flag
from ..wording import PAIN_WHERE_WORDS, amount, km
from .limits import long_run_limit, pain_ceiling, run_days, run_history_days, typical_easy_run
from .load import SPIKE_THRESHOLDS, is_spike, monday_of, week_start
from .pmc import CTL_DAYS

SEVERITY_ORDER = {"high": 0, "caution": 1, "info": 2}
SPIKE_ACTIVE_DAYS = 14
PAIN_EPISODE_GAP_DAYS = 30  # a month pain-free ends a back-pain episode (de Vet et al., Spine 2002)
FORM_HISTORY_DAYS = CTL_DAYS  # no form verdict before the PMC has had one time constant of history

EVIDENCE = {
    "session_spike": "Frandsen et al., BJSM 2025 (Garmin-RUNSAFE, 5,205 runners, 18 months): injury hazard"
                     " rose after a run longer than the 30-day longest: small spike HRR 1.64, moderate 1.52,"
                     " large 2.28. Observational cohort; the strongest evidence loadwatch uses.",
    "weekly_ramp": "Nielsen et al., JOSPT 2014 (874 novice runners): >30 % weekly progression over 2 weeks,"
                   " HR 1.59 (0.96-2.66) for distance-related injuries; no overall difference. The '10 % rule'"
                   " itself is not supported: Buist et al. 2008 found 20.8 % vs 20.3 % injured.",
    "acwr": "Gabbett 2016 called 0.8-1.3 a 'sweet spot' and >=1.5 a 'danger zone'; the ratio is disputed"
            " (Lolli 2019: mathematical coupling; Impellizzeri 2020: chronic load adds nothing) and RUNSAFE"
            " (Frandsen 2025) found no positive week-level association. Context only.",
    "form": "Coggan's Performance Management Chart (TSB = CTL - ATL); the -30 'high risk' zone is"
            " intervals.icu's coaching heuristic, not trial evidence.",
    "monotony": "Foster 1998: illness followed high training monotony and strain, at individual thresholds;"
                " the >2 cut-off is a coaching heuristic (fellrnr), not from the study.",
    "pain": "loadwatch's rule from the training advice: while the back hurts, only easy runs, nothing hard and"
            " no increase over the usual week. An episode ends after a month pain-free (de Vet et al., Spine"
            " 2002).",
    "pain_red_flag": "Common back-pain warning signs (pain spreading into a leg, numbness or tingling, pain"
                     " that does not settle): a reason to see a doctor, not something to train through.",
}


@dataclass(frozen=True, slots=True)
class PainState:
    """recent: pain (level > 0) logged in the last pain_recent_days days; red_flag: the current pain
    episode radiates into a leg, brings numbness/tingling, or spans more than pain_doctor_days days;
    upper_back: some of the recent pain is in the upper back."""

    recent: bool
    red_flag: bool
    reasons: list[str] = field(default_factory=list)
    last_day: date | None = None
    upper_back: bool = False


def pain_logs(logs: pd.DataFrame | None, as_of: date) -> pd.DataFrame:
    """The pain logs up to `as_of` with pain in them (level > 0): day, level, where, radiates, numbness.

    The one reader of `pain` entries; level 0 (pain-free) is not pain."""
    columns = ["day", "level", "where", "radiates", "numbness"]
    if logs is None or logs.empty:
        return pd.DataFrame(columns=columns)
    pain = logs[(logs["kind"] == "pain") & (pd.to_datetime(logs["day"]) <= pd.Timestamp(as_of))]
    payload = pd.DataFrame(list(pain["payload"]), index=pain.index)
    if pain.empty or "level" not in payload:
        return pd.DataFrame(columns=columns)
    level = pd.to_numeric(payload["level"], errors="coerce").fillna(0)
    out = pd.DataFrame({"day": pain["day"], "level": level, "where": payload.get("where"),
                        "radiates": payload.get("radiates", False), "numbness": payload.get("numbness", False)},
                       index=pain.index)
    return out[level > 0]


def pain_state(logs: pd.DataFrame, *, as_of: date, profile: Profile) -> PainState:
    """The pain picture as of `as_of` from the `pain` logs (level 0 = pain-free, not counted).

    An episode is a run of pain days with no gap longer than PAIN_EPISODE_GAP_DAYS (30) between them:
    pain that comes back every week or so (logged every 8 days for 9 weeks) is one episode that has lasted
    56 days, so the "more than pain_doctor_days: see a doctor" rule fires. A month without pain ends an
    episode, as in the consensus definition of a back-pain episode (de Vet et al., Spine 2002: a period of
    pain "preceded and followed by at least one month without" it). A gap of more than pain_recent_days
    (7) used to start a new episode, so pain on and off never reached the 14 days. Only the
    episode that is still recent counts for red flags, so a spell of sciatica months ago does not block
    today.
    """
    pain = pain_logs(logs, as_of)
    if pain.empty:
        return PainState(False, False, [], None)
    days = pd.to_datetime(pain["day"]).sort_values()
    last = days.iloc[-1].date()
    recent = (as_of - last).days < profile.pain_recent_days
    if not recent:
        return PainState(False, False, [], last)
    window = pd.to_datetime(pain["day"]) >= pd.Timestamp(as_of - timedelta(days=profile.pain_recent_days - 1))
    upper = bool((pain.loc[window, "where"] == "upper").any())
    gaps = days.diff().dt.days.fillna(0)
    episode_start = days[(gaps > PAIN_EPISODE_GAP_DAYS)].max() if (gaps > PAIN_EPISODE_GAP_DAYS).any() \
        else days.iloc[0]
    episode = pain[pd.to_datetime(pain["day"]) >= episode_start]
    reasons: list[str] = []
    if episode["radiates"].fillna(False).astype(bool).any():
        reasons.append("pain spreading into a leg")
    if episode["numbness"].fillna(False).astype(bool).any():
        reasons.append("numbness or tingling")
    span = (last - episode_start.date()).days
    if span > profile.pain_doctor_days:
        reasons.append(f"pain logged on and off for {span} days")
    return PainState(True, bool(reasons), reasons, last, upper)


def goal_hold_days(flag_days: Iterable[date] | None, logs: pd.DataFrame | None, as_of: date) -> list[date]:
    """Days that hold step goals: every pain log (level > 0) up to `as_of`, then the days of every
    caution/high flag through the history (`Status.hold_days`), so the goals of past days are the
    ones shown on them. None (a status made with `holds=False`) is refused: goals without their holds
    would be wrong, not missing."""
    if flag_days is None:
        raise ValueError("step goals need the status's hold days: compute_status(..., holds=True)")
    return [*pain_logs(logs, as_of)["day"], *flag_days]


def evaluate(*, sessions: pd.DataFrame, daily: pd.DataFrame, weeks: pd.DataFrame, logs: pd.DataFrame,
             profile: Profile, as_of: date, metric: str = "trimp", unit: str = "TRIMP") -> list[Flag]:
    """Every active flag as of `as_of`, most serious first (high, caution, info; then newest first).

    sessions: from `load.session_loads` with the `load.spikes` columns (longest_prior_30d_m, spike,
    spike_class); daily: `load.daily_frame` up to `as_of`; weeks: `load.weekly_frame` of it.
    """
    daily = daily.loc[: pd.Timestamp(as_of)]
    flags = [*_spike_flags(sessions, profile, as_of), *_ramp_flags(weeks, profile, as_of, unit)]
    if len(daily) and metric != "steps":  # daily steps are not training load: no ACWR/form/monotony flags
        today = daily.iloc[-1]
        flags += _acwr_flags(today, profile, as_of)
        flags += _form_flags(today, profile, as_of, metric)
        flags += _monotony_flags(today, profile, as_of)
    flags += _pain_flags(daily, logs, profile, as_of, sessions)
    return sorted(flags, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), -f.day.toordinal(), f.rule))


def hold_events(*, sessions: pd.DataFrame, daily: pd.DataFrame, weeks: pd.DataFrame, profile: Profile,
                as_of: date, metric: str = "trimp") -> list[date]:
    """Every `Flag.day` a caution or high load flag carried on any day up to `as_of`, through the history.

    The step goals hold on these days (plus pain days), so a goal computed today for a past day is the
    goal that was shown on that day: the events do not depend on `as_of` beyond cutting at it. Same
    rules as `evaluate` (pain aside): spike runs (their day), weeks whose ramp over a whole week before
    exceeds ramp_caution (their Sunday, and each day the week so far already did), days with form below
    form_low or 7-day monotony above monotony_high (not for --metric steps). `daily`/`weeks`: the
    `load.daily_frame`/`load.weekly_frame` of the whole history.
    """
    end = pd.Timestamp(as_of)
    events: list[pd.Timestamp] = []
    if len(sessions) and "spike_class" in sessions:
        spiked = is_spike(sessions["spike_class"])
        events += list(pd.to_datetime(sessions.loc[spiked, "day"]))
    daily = daily.loc[:end]
    if len(daily):
        week = week_start(daily.index)
        prev = weeks["load"].shift(1).where((weeks["days"] == 7).shift(1, fill_value=False))
        base = pd.Series(prev.reindex(week).to_numpy(), index=daily.index)
        so_far = daily["load"].groupby(week).cumsum()
        ramp = (so_far / base.where(base > 0) - 1).round(9)
        events += list(daily.index[(ramp > profile.ramp_caution).to_numpy()])  # the week so far
        whole = weeks["ramp"].round(9) > profile.ramp_caution
        events += [monday + pd.Timedelta(days=6) for monday in weeks.index[whole.to_numpy()]]
        if metric != "steps":
            tsb, ctl = daily["tsb"], daily["ctl"]
            form = tsb if metric == "trimp" else 100 * tsb / ctl.where(ctl > 0)
            form = form.where(_history(daily) >= FORM_HISTORY_DAYS)
            events += list(daily.index[(form < profile.form_low).to_numpy()])
            events += list(daily.index[(daily["monotony_7d"] > profile.monotony_high).to_numpy()])
    return sorted({d.date() for d in events if d <= end})


def _history(daily: pd.DataFrame) -> pd.Series:
    """Days of history on each day (`daily_frame`'s history_days; a frame without it: all of it)."""
    if "history_days" in daily:
        return daily["history_days"]
    return pd.Series(FORM_HISTORY_DAYS, index=daily.index)


def _day_name(day: date, as_of: date) -> str:
    if day == as_of:
        return "Today's"
    if (as_of - day).days < 7:
        return f"{day:%A}'s"
    return f"{day:%a} {day.day} {day:%b}'s"


def _spike_flags(sessions: pd.DataFrame, profile: Profile, as_of: date) -> list[Flag]:
    if sessions.empty or "spike_class" not in sessions:
        return []
    days = pd.to_datetime(sessions["day"])
    recent = sessions[(days > pd.Timestamp(as_of - timedelta(days=SPIKE_ACTIVE_DAYS))) &
                      (days <= pd.Timestamp(as_of)) & is_spike(sessions["spike_class"])]
    flags = []
    # the advice is the next long run's limit as of today, the one the plan's caps obey (`limits`):
    # 1.10 x the longest run of the last 30 days that was not itself a spike
    limit = long_run_limit(run_days(sessions, as_of), profile) if len(recent) else None
    for row in recent[["day", "distance_m", "spike", "longest_prior_30d_m", "spike_class"]].itertuples():
        msg = (f"{_day_name(row.day, as_of)} {km(row.distance_m)} run was {row.spike:.0%} longer than your"
               f" longest run in the 30 days before it ({km(row.longest_prior_30d_m)}): a {row.spike_class}"
               " spike.")
        if limit is not None:
            base = "that was not itself a spike, " if limit.spiked else ""
            msg += (f" Keep the next long run at or under {km(limit.limit_m)} ({profile.long_run_cap:.2f} x"
                    f" your longest run of the last 30 days {base}{km(limit.base_m)}).")
        flags.append(Flag("session_spike", "caution" if row.spike_class == "small" else "high", row.day,
                          float(row.spike), SPIKE_THRESHOLDS[row.spike_class], msg, EVIDENCE["session_spike"],
                          limit.limit_m if limit else None, "m", "long_run"))
    return flags


def ramp_severity(ramp: np.ndarray, profile: Profile) -> np.ndarray:
    """"high", "caution" or "" for each weekly ramp (a fraction; NaN is ""). The one place the ramp rule's
    thresholds are compared: rounded to 9 places first, so 110/100 - 1 (0.1000...09) is not above 10 %."""
    ramp = np.round(np.asarray(ramp, dtype=float), 9)
    return np.where(ramp > profile.ramp_high, "high", np.where(ramp > profile.ramp_caution, "caution", ""))


def _ramp_flags(weeks: pd.DataFrame, profile: Profile, as_of: date, unit: str) -> list[Flag]:
    flags = []
    this_monday = pd.Timestamp(monday_of(as_of))
    for monday, label in ((this_monday, "this"), (this_monday - pd.Timedelta(days=7), "last")):
        if monday not in weeks.index or monday - pd.Timedelta(days=7) not in weeks.index:
            continue
        ramp = weeks.at[monday, "ramp"]
        severity = str(ramp_severity(np.array([ramp]), profile)[0])
        if not severity:
            continue
        load, before = weeks.at[monday, "load"], weeks.at[monday - pd.Timedelta(days=7), "load"]
        threshold = profile.ramp_high if severity == "high" else profile.ramp_caution
        week_over = as_of >= (this_monday + pd.Timedelta(days=6)).date()  # on Sunday this week is over too
        if label == "this" and not week_over:
            day = as_of
            msg = (f"This week's load so far ({load:.0f} {unit}) is already {ramp:.0%} above last week's"
                   f" ({before:.0f}). Keep the rest of the week easy or rest.")
        else:
            day = (monday + pd.Timedelta(days=6)).date()
            which, coming = ("This", "next") if label == "this" else ("Last", "next" if week_over else "this")
            msg = (f"{which} week's load ({load:.0f} {unit}) was {ramp:.0%} above the week before ({before:.0f})."
                   f" Do not add more {coming} week: stay at or under {amount(load, unit)}.")
        # a finished week that was too much is the limit of the next 7 days (the plan holds to it);
        # a week in progress advises no number (the rest of it easy)
        limit = float(load) if not (label == "this" and not week_over) else None
        flags.append(Flag("weekly_ramp", severity, day, float(ramp), threshold, msg, EVIDENCE["weekly_ramp"],
                          limit, unit, "week"))
    return flags


def _acwr_flags(today: pd.Series, profile: Profile, as_of: date) -> list[Flag]:
    acwr = today.get("acwr_7d", today.get("acwr_ewma", np.nan))
    if not np.isfinite(acwr) or acwr <= profile.acwr_high:
        return []
    threshold = profile.acwr_danger if acwr >= profile.acwr_danger else profile.acwr_high
    msg = (f"Over the last 7 days your recent load (weighted towards the last days) averaged {acwr:.2f} times"
           f" your load of the last 4 weeks (acute:chronic ratio, EWMA; above {threshold:g}). Context only: the"
           " ratio is disputed, but it says you are doing more than you are used to.")
    return [Flag("acwr", "info", as_of, float(acwr), threshold, msg, EVIDENCE["acwr"])]


def _form_flags(today: pd.Series, profile: Profile, as_of: date, metric: str) -> list[Flag]:
    if today.get("history_days", FORM_HISTORY_DAYS) < FORM_HISTORY_DAYS:
        return []  # fitness and fatigue still start from 0: no verdict yet
    tsb, ctl = today.get("tsb", np.nan), today.get("ctl", np.nan)
    if metric == "trimp":
        value, shown = tsb, f"{tsb:.0f}"
    else:
        value = 100 * tsb / ctl if ctl > 0 else np.nan
        shown = f"{value:.0f}% of your fitness"
    if not np.isfinite(value) or value >= profile.form_low:
        return []
    msg = (f"Your form (yesterday's fitness minus fatigue) is {shown}, below {profile.form_low:g}: fatigue is"
           " well above what you are used to. Take an easy day or two before the next hard session.")
    return [Flag("form", "caution", as_of, float(value), profile.form_low, msg, EVIDENCE["form"])]


def _monotony_flags(today: pd.Series, profile: Profile, as_of: date) -> list[Flag]:
    mono = today.get("monotony_7d", np.nan)
    if not np.isfinite(mono) or mono <= profile.monotony_high:
        return []
    msg = (f"The last 7 days were very alike (monotony {mono:.1f}, above {profile.monotony_high:g}):"
           " make one day a rest day or truly easy, and the hard days hard.")
    return [Flag("monotony", "caution", as_of, float(mono), profile.monotony_high, msg, EVIDENCE["monotony"])]


def pain_advice(sessions: pd.DataFrame, as_of: date) -> tuple[str, float | None]:
    """What pain means for the next 7 days, in words, and the week's run distance limit (None without
    runs): easy runs only, none longer than a typical easy run, no intensity, and no more than
    `limits.pain_ceiling` (the last 7 days or the usual week, whichever is less): the numbers the plan keeps."""
    ceiling = pain_ceiling(run_days(sessions, as_of), run_history_days(sessions, as_of))["distance_m"]
    easy = typical_easy_run(sessions, as_of)
    if not ceiling > 0:
        return "Only easy runs, nothing hard, and no increase until it settles.", None
    longest = f", none longer than your typical easy run ({km(easy)})" if easy else ""
    return (f"Only easy runs{longest}, nothing hard (no intervals, hills or races), and at most"
            f" {km(ceiling)} of running in the next 7 days (no more than your usual week) until it settles.",
            float(ceiling))


def _pain_flags(daily: pd.DataFrame, logs: pd.DataFrame, profile: Profile, as_of: date,
                sessions: pd.DataFrame | None = None) -> list[Flag]:
    state = pain_state(logs, as_of=as_of, profile=profile)
    if not state.recent or state.last_day is None:
        return []
    advice, limit = pain_advice(sessions if sessions is not None else pd.DataFrame(), as_of)
    flags = []
    where = _last_where(logs, state.last_day)
    last7 = float(daily["load"].iloc[-7:].sum()) if len(daily) else 0.0
    prev7 = float(daily["load"].iloc[-14:-7].sum()) if len(daily) >= 14 else np.nan
    rise = last7 / prev7 - 1 if prev7 and np.isfinite(prev7) and prev7 > 0 else np.nan
    pain_on = f"You logged {where} pain on {state.last_day:%a} {state.last_day.day} {state.last_day:%b}"
    if np.isfinite(rise) and rise > 0:
        msg = f"{pain_on} and your load is rising ({rise:.0%} above the 7 days before). {advice}"
        flags.append(Flag("pain_load", "high", state.last_day, float(rise), 0.0, msg, EVIDENCE["pain"],
                          limit, "m", "week"))
    else:
        msg = f"{pain_on}. {advice}"
        flags.append(Flag("pain", "caution", state.last_day, float(np.nan_to_num(rise, nan=0.0)), 0.0, msg,
                          EVIDENCE["pain"], limit, "m", "week"))
    if state.red_flag:
        msg = (f"See a doctor before training hard: you logged {', '.join(state.reasons)}. Run no more than"
               " the doctor allows, and no strength session until the back has been checked.")
        flags.append(Flag("pain_red_flag", "high", state.last_day, float(len(state.reasons)), 1.0, msg,
                          EVIDENCE["pain_red_flag"]))
    return flags


def _last_where(logs: pd.DataFrame, day: date) -> str:
    rows = logs[(logs["kind"] == "pain") & (logs["day"] == day)]
    where = rows["payload"].iloc[-1].get("where") if len(rows) else None
    return PAIN_WHERE_WORDS.get(str(where), "") or "some"

__all__ = ["EVIDENCE", "PAIN_EPISODE_GAP_DAYS", "PainState", "evaluate", "goal_hold_days", "hold_events",
           "pain_advice", "pain_logs", "pain_state", "ramp_severity"]
