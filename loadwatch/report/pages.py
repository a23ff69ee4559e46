"""The report's text pages drawn as figures: 1 this week at a glance, 5 next week's plan, 6 the method card
and data quality. The words come from `report.text`; the layout from `figures.TextPage`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from ..wording import HEALTH_NOTE, day_label, health_note, km, sentences
from . import text
from .figures import ORANGE, VERMILLION, TextPage

if TYPE_CHECKING:
    from ..model.plan import PlanDay
    from .data import ReportData

SEVERITY_LABEL = {"high": "HIGH", "caution": "CAUTION", "info": "CONTEXT"}
MAX_FLAGS = 5
HEALTH_NOTE_IN = 0.85  # page 6's health note: its heading and two short paragraphs, in inches


def glance_page(data: ReportData) -> Figure:
    """Page 1: the status line, key numbers against last week and the 4-week mean, flags, next week's caps."""
    status, plan = data.status, data.plan
    monday = pd.Timestamp(status.weeks.index[-1])
    iso = data.as_of.isocalendar()
    page = TextPage("This week at a glance",
                    f"{data.athlete}  |  ISO week {iso.year}-W{iso.week:02d} ({monday:%a %d %b} to "
                    f"{data.as_of:%a %d %b %Y})  |  load in {status.unit}")
    page.banner(data.headline.text, data.headline.reason, data.headline.level)

    page.heading("Key numbers")
    rows = text.key_rows(status, data.summary)
    n = text.days_so_far(status)
    head = ["", "This week" + (f" ({n} of 7 days)" if n < 7 else ""), "Last week", "4-week mean"]
    page.table([head, *[[r.label, r.this_week, r.last_week, r.mean_4wk] for r in rows]], [2.3, 1.8, 1.4, 1.5],
               size=10)

    page.heading("Active flags, most serious first")
    if not status.flags:
        page.text("None: no run more than 10 % over your 30-day longest, no weekly jump, no pain logged.")
    for flag in status.flags[:MAX_FLAGS]:
        colour = VERMILLION if flag.severity == "high" else ORANGE if flag.severity == "caution" else "#444444"
        page.text(SEVERITY_LABEL.get(flag.severity, flag.severity.upper()), size=8.5, bold=True, colour=colour)
        page.text(flag.message, size=9.5, indent=0.15)
    if len(status.flags) > MAX_FLAGS:
        page.text(f"and {len(status.flags) - MAX_FLAGS} more: loadwatch status", size=8.5)

    page.heading(f"Next week's caps ({plan.start:%a %d %b} to {plan.end:%a %d %b})")
    if plan.lead:
        page.text(plan.lead, bold=True, colour=VERMILLION)
    caps = text.cap_rows(plan.caps)
    if caps:
        page.table([["", "The most", "We suggest"], *[list(r) for r in caps]], [2.3, 1.8, 1.8], size=10)
        if plan.mode == "red_flag":
            page.text("'The most' applies only if a doctor allows running, and never above what they allow: "
                      "this plan proposes no running volume until then.", size=8, colour="#444444")
        else:
            page.text(f"'The most' is the lowest of the rules' ceilings (binding: {plan.caps.binding}), never above "
                      f"a flag's limit; 'we suggest' is {1 - data.profile.margin:.0%} of it, or what the days add "
                      "up to: a little less than your head would like.", size=8, colour="#444444")
    else:
        page.text("No run caps: no runs recorded in the last 4 weeks. If you start (again), begin with 2-3 easy "
                  "runs of 20-30 minutes a week. Import your watch's FIT files or a Strava export to see load.")
    page.space(0.05)
    page.text(health_note(data.pain_logged), size=7.5, colour="#444444")
    return page.fig


def _run_text(day: PlanDay, red_flag: bool = False) -> str:
    kind = day.run
    if kind == "rest":
        return "Rest"
    name = {"long": "Long run", "easy": "Easy run"}.get(kind, kind.capitalize())
    if red_flag:  # no volume proposed: what a doctor allows comes first
        return f"{name}, only if a doctor allows"
    parts = [name]
    if day.run_distance_m:
        parts.append(km(day.run_distance_m))
    if day.run_minutes:
        parts.append(f"(~{day.run_minutes:.0f} min)")
    return " ".join(parts)


def plan_page(data: ReportData) -> Figure:
    """Page 5: next week's plan day by day, the strength session with its cues, the stretches, the reasons."""
    plan = data.plan
    page = TextPage("Next week's plan", f"{plan.start:%a %d %b} to {plan.end:%a %d %b %Y}  |  mode: {plan.mode}")
    if plan.lead:
        page.text(plan.lead, bold=True, colour=VERMILLION)
    rows = [["Day", "Run", "Step goal", "Strength"]]
    for day in plan.days:
        strength = f"Strength session, {day.strength_timing}" if day.strength else "-"
        rows.append([day_label(day.day), _run_text(day, plan.mode == "red_flag"),
                     f"{day.step_goal:,}" if day.step_goal else "-", strength])
    page.table(rows, [1.2, 2.0, 1.0, 2.8], size=9.5)

    session = next((d.strength for d in plan.days if d.strength), [])
    n_sessions = sum(1 for d in plan.days if d.strength)
    page.heading(f"Strength session ({n_sessions} this week, 48 h apart)" if session else "Strength")
    if session:
        table = [["Exercise", "Sets x reps", "How (cues)"]]
        for p in session:
            table.append([p.exercise.name, p.dose_text(), sentences([*p.exercise.cues[:2], p.note or ""])])
        page.table(table, [1.9, 1.3, 3.8], size=8.5)
    else:
        page.text("No strength session this week" + (": paused until a doctor has seen the back."
                                                      if plan.mode == "red_flag" else "."))
    stretches = plan.days[0].flexibility if plan.days else []
    if stretches:
        page.heading("Flexibility (every day, 5-10 minutes, gently)")
        page.table([["Stretch", "Dose", "How"], *[[p.exercise.name, p.dose_text(), sentences(p.exercise.cues[:1])]
                                                    for p in stretches]], [1.9, 1.6, 3.5], size=8.5)
    page.heading("Why these numbers")
    for note in plan.notes[:12]:
        if not page.text(f"- {note}", size=8):
            break
    if data.strength_changes:
        for change in data.strength_changes[:4]:
            page.text(f"- {change}", size=8)
    return page.fig


def method_page(data: ReportData) -> Figure:
    """Page 6: every formula and threshold with its source and strength of evidence; data quality; health."""
    page = TextPage("Method card and data quality",
                    f"How each number was made, and what it rests on  |  metric: {data.status.metric}")
    rows = [["What", "Formula and threshold", "Source", "Evidence"], *text.method_rows(data.profile,
                                                                                       data.status.metric)]
    page.table(rows, [1.2, 2.75, 1.5, 1.6], size=7.2)
    page.heading("Data quality")
    page.bottom -= HEALTH_NOTE_IN  # the health note below always fits: data-quality lines give way first
    for line in text.data_quality(data.sources, data.status, data.athlete):
        if not page.text(f"- {line}", size=7.8):
            break
    page.bottom += HEALTH_NOTE_IN
    page.heading("Health note")
    page.text(HEALTH_NOTE, size=8.5, bold=True)
    page.text("Its flags and caps come from population studies and coaching rules, not from an examination of "
              "you; the evidence column above says how far each one can be trusted.", size=8.5)
    return page.fig


__all__ = ["glance_page", "method_page", "plan_page"]
