"""Draw the six-page load report and write it as a PDF, reproducibly.

Same inputs -> byte-identical PDF: the document dates are `as_of` (midnight UTC), never the clock;
fonts are embedded as Type 3 subsets (`pdf.fonttype` 3: text stays extractable and searchable, and
it skips the fontTools subsetting that Type 42 costs, ~0.5 s a report); the figures carry no random
ids; the file is written to a temporary name beside the target and renamed, so a failure leaves no
partial PDF. The numbers come in as a `data.ReportData`, computed by `loadwatch.api`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from .._version import __version__
from ..files import write_bytes
from ..wording import amount
from . import text
from .data import PAGES, ReportData
from .figures import fitness_figure, footer, steps_figure, weekly_load_figure
from .pages import glance_page, method_page, plan_page

RC: dict[RcKeyType, Any] = {"pdf.fonttype": 3, "pdf.compression": 6, "svg.hashsalt": "loadwatch",
                      "font.family": "DejaVu Sans", "hatch.linewidth": 0.6, "axes.titlesize": 11,
                      "axes.labelsize": 9, "xtick.labelsize": 8, "ytick.labelsize": 8, "path.simplify": True}


@dataclass(frozen=True, slots=True)
class ReportResult:
    """What `write_report` wrote: the path, the page count and the status line."""

    path: Path
    pages: int
    headline: text.Headline
    summary: str


def render(data: ReportData) -> list[Figure]:
    """The six pages, in order, each with a footer (athlete, as-of day, page n of 6)."""
    caps = data.plan.caps
    with matplotlib.rc_context(RC):
        figures = [
            glance_page(data),
            weekly_load_figure(data.status, data.profile, caps.weekly_max, caps.weekly_suggested,
                               caps.long_run_max_m),
            fitness_figure(data.status, data.profile),
            steps_figure(data.status, data.goals, data.upcoming),
            plan_page(data),
            method_page(data),
        ]
        for n, fig in enumerate(figures, 1):
            footer(fig, f"loadwatch {__version__} report for {data.athlete}, as of {data.as_of:%a %d %b %Y}",
                   f"page {n} of {len(figures)}: {PAGES[n - 1]}")
    return figures


def pdf_metadata(data: ReportData) -> dict[str, Any]:
    """Fixed document info: the dates are as_of at 00:00 UTC, so the same inputs give the same bytes."""
    stamp = datetime.combine(data.as_of, time(0, 0), tzinfo=UTC)
    return {"Title": f"loadwatch report: {data.athlete}, week of {data.as_of.isoformat()}",
            "Author": data.athlete, "Subject": "Training load, flags, step goals and next week's plan",
            "Creator": f"loadwatch {__version__}", "CreationDate": stamp, "ModDate": stamp}


def write_pdf(figures: list[Figure], path: Path, metadata: dict[str, Any]) -> None:
    """Write the figures as one PDF at `path`: drawn in memory, then written whole through
    `files.write_bytes` (a temporary name renamed into place), so matplotlib never meets a full disk
    halfway through a page and a failure is one `WriteError` line."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC), PdfPages(buffer, metadata=metadata) as pdf:
        for fig in figures:
            pdf.savefig(fig)
    write_bytes(Path(path), buffer.getvalue())


def summary_line(data: ReportData) -> str:
    """One line for the terminal: the status line, this week's load and next week's suggestion."""
    load = float(data.status.weeks["load"].iloc[-1])
    line = f"{data.headline.text}. This week {load:,.0f} {data.status.unit}"
    caps = data.plan.caps
    if caps.weekly_max is not None and caps.weekly_suggested is not None:
        line += (f"; next week at most {amount(caps.weekly_max, caps.unit)}, we suggest "
                 f"{amount(caps.weekly_suggested, caps.unit)}")
    return line + "."


def write_report(data: ReportData, path: Path) -> ReportResult:
    """Draw the pages of `data` and write them to `path`."""
    figures = render(data)
    write_pdf(figures, path, pdf_metadata(data))
    return ReportResult(Path(path), len(figures), data.headline, summary_line(data))


__all__ = ["RC", "ReportResult", "pdf_metadata", "render", "summary_line", "write_pdf", "write_report"]
