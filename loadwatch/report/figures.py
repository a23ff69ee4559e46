"""DataFrames -> matplotlib Figures for the report (Agg canvas, no pyplot, no I/O).

Every chart is titled, has units on its axes and dates as dates, and tells its series apart by line
style, marker or hatching as well as colour (the Okabe-Ito palette, safe for colour-blind readers and
readable in grey). A chart without data is never drawn empty: `message_panel` says what is missing
and how to add it. `TextPage` lays out the text pages (wrapping by an estimate of the glyph width).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from ..config import Profile
from ..model.flags import ramp_severity
from ..model.load import SPIKED, week_start
from ..model.status import Status
from ..wording import km, pct

# Okabe & Ito 2008, "Color Universal Design"
BLACK, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
GREY = "#999999"
A4_IN = (8.27, 11.69)
MARGIN_IN = 0.6
LEVEL_COLOURS = {"ok": GREEN, "info": SKY, "caution": ORANGE, "high": VERMILLION, "doctor": VERMILLION}
CHAR_WIDTH_EM = 0.55  # DejaVu Sans: mean advance ~0.55 em, so a line of N points holds N / (0.55 size) chars
RAMP_LABELS_MAX, RAMP_LABELS_LAST = 26, 8  # ramp % on every bar up to 26 weeks, else on the last 8
BAR_DAYS_MAX = 190  # above this many days, daily steps are drawn as an area, not one bar per day
FORM_ZONES = ((-1e9, -30, "high risk"), (-30, -10, "optimal"), (-10, 5, "grey zone"), (5, 25, "fresh"),
              (25, 1e9, "transition"))  # intervals.icu form zones
FORM_SHADES = ("#d0d0d0", "#f2f2f2", "#ffffff", "#f2f2f2", "#e4e4e4")


def new_figure(size: tuple[float, float] = A4_IN) -> Figure:
    """A Figure on an Agg canvas (no pyplot state, so nothing leaks between reports)."""
    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


def footer(fig: Figure, left: str, right: str) -> None:
    fig.text(MARGIN_IN / fig.get_figwidth(), 0.25 / fig.get_figheight(), left, fontsize=7, color="#444444")
    fig.text(1 - MARGIN_IN / fig.get_figwidth(), 0.25 / fig.get_figheight(), right, fontsize=7, color="#444444",
             ha="right")


def message_panel(ax: Axes, title: str, message: str) -> None:
    """In place of an empty chart: the title and what is missing, and how to add it."""
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.add_patch(_box(ax))
    ax.text(0.5, 0.5, "\n".join(textwrap.wrap(message, 70)), ha="center", va="center", fontsize=11,
            transform=ax.transAxes)


def _box(ax: Axes) -> FancyBboxPatch:
    return FancyBboxPatch((0.05, 0.2), 0.9, 0.6, boxstyle="round,pad=0.02", transform=ax.transAxes,
                          facecolor="#f4f4f4", edgecolor=GREY, linestyle="--")


def _date_axis(ax: Axes, span_days: int) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y" if span_days > 120 else "%d %b"))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


# -- page 2: weekly load and ramp -----------------------------------------------------------------------
def weekly_load_figure(status: Status, profile: Profile, caps_most: float | None,
                       caps_suggested: float | None, long_cap_m: float | None) -> Figure:
    """Weekly load bars with the ramp % on each, last week + ramp_caution as the ceiling, spikes marked,
    next week's 'the most' and 'we suggest'; below, weekly distance and the long run."""
    fig = new_figure()
    top = fig.add_axes((0.1, 0.47, 0.85, 0.45))
    low = fig.add_axes((0.1, 0.08, 0.85, 0.3))
    weeks = status.weeks
    title = f"Weekly load and ramp ({status.unit})"
    if weeks["load"].sum() <= 0:
        message_panel(top, title, _no_load_message(status))
        message_panel(low, "Weekly distance and long run", "No runs or distances stored in this period. "
                      "Import your watch's FIT files, GPX/TCX files or a Strava export to see them.")
        return fig
    x = weeks.index + pd.Timedelta(days=3)
    partial = weeks["days"].to_numpy() < 7
    ramp = weeks["ramp"].to_numpy(dtype=float)
    severity = ramp_severity(ramp, profile)
    high, caution = severity == "high", severity == "caution"
    colours = np.where(high, VERMILLION, np.where(caution, ORANGE, BLUE))
    hatches = np.where(high, "xx", np.where(caution, "//", np.where(partial, "..", "")))
    bars = top.bar(x, weeks["load"], width=5, color=colours, edgecolor=BLACK, linewidth=0.5)
    for bar, hatch, part in zip(bars, hatches, partial, strict=True):
        bar.set_hatch(str(hatch))
        if part:
            bar.set_alpha(0.55)
    ymax = float(weeks["load"].max())
    ceiling = weeks["load"].shift(1) * (1 + profile.ramp_caution)
    top.scatter(x, ceiling, marker="_", s=260, color=BLACK, linewidths=2, zorder=3,
                label=f"ceiling: last week + {profile.ramp_caution:.0%}")
    labelled = len(weeks) <= RAMP_LABELS_MAX  # a long period: label only the last weeks, the bars still show
    for k, (xi, load, r, part) in enumerate(zip(x, weeks["load"], ramp, partial, strict=True)):
        if math.isfinite(r) and (labelled or k >= len(weeks) - RAMP_LABELS_LAST):
            top.annotate(pct(r) + ("\nso far" if part else ""), (xi, load), xytext=(0, 3),
                         textcoords="offset points", ha="center", fontsize=7.5 if labelled else 6)
    _mark_spikes(top, status, weeks, ymax)
    next_x = weeks.index[-1] + pd.Timedelta(days=10)
    if caps_most:
        top.bar([next_x], [caps_most], width=5, fill=False, edgecolor=BLACK, linestyle="--", linewidth=1.2,
                label="next week: the most")
        top.annotate(f"most {caps_most:,.0f}", (next_x, caps_most), xytext=(0, 3), textcoords="offset points",
                     ha="center", fontsize=7.5)
    if caps_suggested:
        top.bar([next_x], [caps_suggested], width=3, color=GREEN, hatch="..", edgecolor=BLACK, linewidth=0.5,
                label="next week: we suggest")
        top.annotate(f"suggest\n{caps_suggested:,.0f}", (next_x, caps_suggested / 2), ha="center", va="center",
                     fontsize=7, bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": GREY})
    ymax = max(ymax, caps_most or 0.0, float(np.nanmax(ceiling)) if ceiling.notna().any() else 0.0)
    top.set_ylim(0, ymax * 1.25)
    top.set_ylabel(f"load per week ({status.unit})")
    fig.text(0.1, 0.955, title, fontsize=14, fontweight="bold")
    top.set_title(f"Bars: ISO weeks (Mon-Sun), labelled with the ramp (week / week before - 1).\nOrange // "
                  f"above {profile.ramp_caution:.0%}, red xx above {profile.ramp_high:.0%}, dotted: the week so far.",
                  loc="left", fontsize=8)
    top.legend(loc="upper left", fontsize=7.5, ncol=2, frameon=False)
    _date_axis(top, len(weeks) * 7)
    _distance_panel(low, status, weeks, long_cap_m)
    return fig


def _no_load_message(status: Status) -> str:
    if status.metric == "steps":
        return "No daily steps stored in this period: import a phone or watch export with step counts."
    return ("No runs stored: import your watch's FIT files or a Strava export to see load "
            "(or use --metric steps to see your walking as load).")


def _mark_spikes(ax: Axes, status: Status, weeks: pd.DataFrame, ymax: float) -> None:
    s = status.sessions
    if s.empty or "spike_class" not in s:
        return
    spikes = s[s["spike_class"].isin(SPIKED)]
    day = pd.to_datetime(spikes["day"])
    spikes = spikes[day >= weeks.index[0]]
    if spikes.empty:
        return
    day = pd.to_datetime(spikes["day"])
    monday = week_start(day)
    worst = spikes.assign(monday=monday.to_numpy()).sort_values("spike").groupby("monday").tail(1)
    xs = pd.DatetimeIndex(worst["monday"]) + pd.Timedelta(days=3)
    ys = weeks["load"].reindex(pd.DatetimeIndex(worst["monday"])).to_numpy() + ymax * 0.09
    ax.scatter(xs, ys, marker="v", s=70, color=VERMILLION, edgecolor=BLACK, zorder=4,
               label="run >10 % over the 30-day longest (spike)")
    for xi, yi, (_, row) in zip(xs, ys, worst.iterrows(), strict=True):
        ax.annotate(f"spike {row['spike']:+.0%}\n{pd.Timestamp(row['day']):%a %d %b}", (xi, yi), xytext=(0, 6),
                    textcoords="offset points", ha="center", fontsize=7, color=BLACK)


def _distance_panel(ax: Axes, status: Status, weeks: pd.DataFrame, long_cap_m: float | None) -> None:
    x = weeks.index + pd.Timedelta(days=3)
    week_km = weeks["distance_m"].to_numpy(dtype=float) / 1000
    long_km = weeks["long_run_m"].to_numpy(dtype=float) / 1000
    ax.bar(x, week_km, width=5, color=SKY, edgecolor=BLACK, linewidth=0.5, label="distance, all sessions")
    ax.plot(x, np.where(long_km > 0, long_km, np.nan), marker="D", color=BLACK, linestyle="-", linewidth=1,
            markersize=4, label="longest run of the week")
    if long_cap_m:
        next_x = weeks.index[-1] + pd.Timedelta(days=10)
        ax.scatter([next_x], [long_cap_m / 1000], marker="_", s=300, color=VERMILLION, linewidths=2.5,
                   label=f"next long run: at most {km(long_cap_m)}")
    ax.set_ylabel("km per week")
    ax.set_title("Weekly distance and the long run", loc="left", fontsize=11, fontweight="bold")
    ax.legend(loc="upper left", fontsize=7.5, frameon=False, ncol=3)
    top = max(float(np.nanmax(week_km)) if len(week_km) else 0.0, (long_cap_m or 0) / 1000)
    ax.set_ylim(0, top * 1.3 if top > 0 else 1)
    _date_axis(ax, len(weeks) * 7)


# -- page 3: fitness, fatigue, form, ACWR -------------------------------------------------------------
def fitness_figure(status: Status, profile: Profile) -> Figure:
    """CTL and ATL; form (TSB) with intervals.icu's zones; the EWMA ACWR with Gabbett's band as context."""
    fig = new_figure()
    fig.text(0.1, 0.955, f"Fitness, fatigue and form ({status.unit})", fontsize=14, fontweight="bold")
    ax1 = fig.add_axes((0.1, 0.64, 0.78, 0.27))
    ax2 = fig.add_axes((0.1, 0.36, 0.78, 0.22), sharex=ax1)
    ax3 = fig.add_axes((0.1, 0.14, 0.78, 0.17), sharex=ax1)
    d = status.daily
    if d.empty or d["load"].sum() <= 0:
        for ax in (ax2, ax3):
            ax.set_axis_off()
        message_panel(ax1, "Fitness (42-day), fatigue (7-day) and form", _no_load_message(status))
        return fig
    x = d.index
    ax1.plot(x, d["ctl"], color=BLUE, linewidth=2, label="fitness (CTL, 42-day average)")
    ax1.plot(x, d["atl"], color=ORANGE, linewidth=1.4, linestyle="--", label="fatigue (ATL, 7-day average)")
    ax1.set_ylabel(f"daily load ({status.unit})")
    ax1.set_title("Fitness and fatigue", loc="left", fontsize=11, fontweight="bold")
    ax1.legend(loc="upper left", fontsize=8, frameon=False)
    _date_axis(ax1, len(d))

    percent = status.metric != "trimp"
    form = 100 * d["tsb"] / d["ctl"].where(d["ctl"] > 0) if percent else d["tsb"]
    lo = min(float(np.nanmin(form)) if form.notna().any() else -40, -40) - 5
    hi = max(float(np.nanmax(form)) if form.notna().any() else 30, 30) + 5
    for (a, b, name), shade in zip(FORM_ZONES, FORM_SHADES, strict=True):
        ax2.axhspan(max(a, lo), min(b, hi), color=shade, zorder=0)
        ax2.text(1.005, (max(a, lo) + min(b, hi)) / 2, name, transform=ax2.get_yaxis_transform(), fontsize=7,
                 va="center")
    ax2.axhline(profile.form_low, color=VERMILLION, linestyle=":", linewidth=1.2)
    ax2.plot(x, form, color=BLACK, linewidth=1.6, label="form (TSB = fitness - fatigue)")
    ax2.set_ylim(lo, hi)
    ax2.set_ylabel("form (% of fitness)" if percent else f"form ({status.unit})")
    ax2.set_title("Form, with the zones of intervals.icu (below the dotted line: high risk)", loc="left",
                  fontsize=11, fontweight="bold")
    _date_axis(ax2, len(d))

    acwr = d["acwr_7d"] if "acwr_7d" in d else d["acwr_ewma"]  # the weekly table's and the flag's value
    if acwr.notna().any():
        ax3.axhspan(profile.acwr_low, profile.acwr_high, color="#e8e8e8", zorder=0,
                    label=f"{profile.acwr_low:g}-{profile.acwr_high:g} band")
        ax3.axhline(profile.acwr_danger, color=VERMILLION, linestyle=":", linewidth=1.2,
                    label=f"{profile.acwr_danger:g}")
        ax3.plot(x, acwr, color=PURPLE, linewidth=1.3, marker=None, label="ACWR (EWMA 7:28, 7-day mean)")
        ax3.set_ylim(0, max(2.0, float(np.nanmax(acwr)) * 1.1))
        ax3.legend(loc="upper left", fontsize=7.5, frameon=False, ncol=3)
    else:
        ax3.text(0.5, 0.5, "ACWR needs 28 days of history; not yet available.", ha="center", va="center",
                 transform=ax3.transAxes, fontsize=9)
    ax3.set_ylabel("ratio (no unit)")
    ax3.set_title("Acute:chronic load ratio, context only*", loc="left", fontsize=11, fontweight="bold")
    _date_axis(ax3, len(d))
    fig.text(0.1, 0.045, "\n".join(textwrap.wrap(
        "* The ACWR and its 0.8-1.3 'sweet spot' (Gabbett 2016) are disputed: the ratio is mathematically "
        "coupled (Lolli et al., BJSM 2019) and chronic load adds nothing to the prediction (Impellizzeri et "
        "al., Sports Med 2020); RUNSAFE (Frandsen 2025) found no week-level link. It is shown, never flagged "
        "red.", 130)), fontsize=7.5)
    return fig


# -- page 4: steps ----------------------------------------------------------------------------------
def steps_figure(status: Status, goals: pd.DataFrame | None, upcoming: pd.DataFrame | None) -> Figure:
    """Daily steps against each day's goal (solid: met, hatched: missed) and the next 14 days' goals."""
    fig = new_figure()
    fig.text(0.1, 0.955, "Steps and step goals", fontsize=14, fontweight="bold")
    ax1 = fig.add_axes((0.1, 0.5, 0.85, 0.4))
    ax2 = fig.add_axes((0.1, 0.1, 0.85, 0.3))
    d = status.daily
    if d["steps"].notna().sum() == 0:
        message_panel(ax1, "Daily steps", "No daily steps stored: import a phone or watch export with step "
                      "counts (Google Fit Takeout, Apple Health export.zip, Fitbit, Garmin monitoring FIT) to see "
                      "steps and goals.")
        ax2.set_axis_off()
        return fig
    steps = d["steps"]
    goal = pd.Series(np.nan, index=d.index)
    if goals is not None and len(goals):
        goal = pd.Series(goals["goal"].to_numpy(dtype=float), index=pd.to_datetime(goals["day"])).reindex(d.index)
    met = (steps >= goal).to_numpy()
    if len(d) <= BAR_DAYS_MAX:
        ax1.bar(d.index[met], steps[met], width=0.8, color=BLUE, edgecolor=BLUE, label="steps, goal met")
        ax1.bar(d.index[~met], steps[~met], width=0.8, color=SKY, hatch="///", edgecolor="#2a6f97",
                linewidth=0.3, label="steps, goal missed")
    else:
        ax1.fill_between(d.index, steps.fillna(0), step="mid", color=SKY, label="steps")
    ax1.step(d.index, goal, where="mid", color=BLACK, linewidth=1.4, label="goal")
    ax1.set_ylabel("steps per day")
    ax1.set_title(f"Daily steps: goal met on {int(met.sum())} of {int(steps.notna().sum())} days with a count",
                  loc="left", fontsize=11, fontweight="bold")
    ax1.legend(loc="upper left", fontsize=8, frameon=False, ncol=3)
    ax1.set_ylim(0, float(np.nanmax([steps.max(), goal.max()])) * 1.2)
    _date_axis(ax1, len(d))
    ax1.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    if upcoming is None or upcoming.empty:
        message_panel(ax2, "Next 14 days' goals", "No goals could be set: fewer than one day with 200 steps or "
                      "more before this date.")
        return fig
    days = pd.to_datetime(upcoming["day"])
    bars = ax2.bar(days, upcoming["goal"], width=0.7, color=GREEN, hatch="..", edgecolor=BLACK, linewidth=0.5)
    for bar, value in zip(bars, upcoming["goal"], strict=True):
        ax2.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), f"{int(value):,}", ha="center",
                 va="bottom", fontsize=6.5)
    ax2.set_ylim(0, float(upcoming["goal"].max()) * 1.35)
    ax2.set_ylabel("goal (steps per day)")
    ax2.set_title("Next 14 days' goals", loc="left", fontsize=11, fontweight="bold")
    ax2.set_xlim(days.iloc[0] - pd.Timedelta(hours=14), days.iloc[-1] + pd.Timedelta(hours=14))
    ax2.xaxis.set_major_locator(mdates.DayLocator())
    ax2.xaxis.set_major_formatter(mdates.DateFormatter("%a\n%d %b"))
    ax2.tick_params(axis="x", labelsize=7)
    ax2.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    why = str(upcoming["why"].iloc[0])
    fig.text(0.1, 0.066, "\n".join(textwrap.wrap(f"Why: {why}.", 130)), fontsize=7.5, va="top")  # above the footer
    return fig


# -- text pages -------------------------------------------------------------------------------------
class TextPage:
    """A page of wrapped text, headings and tables, laid out top to bottom in inches.

    Whatever does not fit is dropped and `overflow` counts it, so a page never runs off the paper."""

    def __init__(self, title: str, subtitle: str | None = None) -> None:
        self.fig = new_figure()
        self.w, self.h = self.fig.get_figwidth(), self.fig.get_figheight()
        self.y = MARGIN_IN
        self.bottom = self.h - 0.55
        self.overflow = 0
        self.text(title, size=17, bold=True)
        if subtitle:
            self.text(subtitle, size=9, colour="#444444")
        self.space(0.1)

    def _fits(self, height: float) -> bool:
        if self.y + height > self.bottom:
            self.overflow += 1
            return False
        return True

    def space(self, inches: float) -> None:
        self.y += inches

    def chars(self, size: float, width_in: float) -> int:
        return max(10, int(width_in * 72 / (size * CHAR_WIDTH_EM)))

    def text(self, text: str, *, size: float = 9.5, bold: bool = False, colour: str = BLACK, indent: float = 0.0,
             width: float | None = None) -> bool:
        width = width or (self.w - 2 * MARGIN_IN - indent)
        lines = textwrap.wrap(text, self.chars(size, width)) or [""]
        height = len(lines) * size * 1.3 / 72
        if not self._fits(height):
            return False
        self.fig.text((MARGIN_IN + indent) / self.w, 1 - self.y / self.h, "\n".join(lines), fontsize=size,
                      fontweight="bold" if bold else "normal", color=colour, va="top", linespacing=1.3)
        self.y += height + size * 0.35 / 72
        return True

    def heading(self, text: str) -> None:
        self.space(0.08)
        self.text(text, size=12.5, bold=True)

    def banner(self, text: str, reason: str, level: str) -> None:
        """The status line: a framed band with a thick coloured edge and a symbol, then the reason."""
        from matplotlib.patches import Rectangle

        symbol = {"ok": "\u2713", "info": "i", "caution": "!", "high": "!!", "doctor": "!!"}[level]
        height = 0.95
        top = 1 - self.y / self.h
        self.fig.add_artist(Rectangle((MARGIN_IN / self.w, top - height / self.h), 1 - 2 * MARGIN_IN / self.w,
                                      height / self.h, facecolor="#f7f7f7", edgecolor=LEVEL_COLOURS[level],
                                      linewidth=4, transform=self.fig.transFigure))
        self.fig.text((MARGIN_IN + 0.2) / self.w, top - 0.32 / self.h, f"{symbol}  {text}", fontsize=20,
                      fontweight="bold", va="center")
        lines = textwrap.wrap(reason, self.chars(8.5, self.w - 2 * MARGIN_IN - 0.4))[:2]
        self.fig.text((MARGIN_IN + 0.2) / self.w, top - 0.67 / self.h, "\n".join(lines), fontsize=8.5,
                      va="center", linespacing=1.2)
        self.y += height + 0.12

    def table(self, rows: Sequence[Sequence[str]], widths: Sequence[float], *, size: float = 9.0,
              header: bool = True, bold_first: bool = True) -> None:
        """Rows of cells; `widths` in inches per column; the first row is the header when `header`."""
        for r, row in enumerate(rows):
            wrapped = [textwrap.wrap(str(c), self.chars(size, w - 0.08)) or [""] for c, w in zip(row, widths,
                                                                                                  strict=True)]
            n = max(len(c) for c in wrapped)
            height = n * size * 1.25 / 72 + 0.05
            if not self._fits(height):
                return
            x = MARGIN_IN
            for c, (cell, w) in enumerate(zip(wrapped, widths, strict=True)):
                bold = (header and r == 0) or (bold_first and c == 0)
                self.fig.text(x / self.w, 1 - self.y / self.h, "\n".join(cell), fontsize=size, va="top",
                              fontweight="bold" if bold else "normal", linespacing=1.25)
                x += w
            self.y += height
            if header and r == 0:
                self.fig.add_artist(_hline(self, self.y - 0.03))

    def rule(self) -> None:
        self.fig.add_artist(_hline(self, self.y))
        self.y += 0.06


def _hline(page: TextPage, y_in: float) -> Line2D:
    y = 1 - y_in / page.h
    return Line2D([MARGIN_IN / page.w, 1 - MARGIN_IN / page.w], [y, y], color=GREY, linewidth=0.6,
                  transform=page.fig.transFigure)


__all__ = ["A4_IN", "TextPage", "fitness_figure", "footer", "message_panel", "new_figure",
           "steps_figure", "weekly_load_figure"]
