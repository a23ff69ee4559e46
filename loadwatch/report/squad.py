"""The coach's PDF (`report --squad`): the squad table, then each athlete's page 1 (or whole report), reproducibly.

The table is drawn from the rows `loadwatch.api` computed (`model.squad.SquadRow`, its cells from
`model.squad.cells`), coloured as the single report colours them: the status line's level by
`figures.LEVEL_COLOURS` (the band of page 1), a flag's severity vermillion (high) or orange (caution).
Each athlete's page is the single report's own page (`pages.glance_page`, or `pdf.render` with --full),
drawn from the same `ReportData` `api.report` would assemble. Pages are drawn and saved one at a time
into one PDF in memory (dates: the as-of day), then written whole, as the single report is.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from .._version import __version__
from ..files import write_bytes
from ..model.squad import COLUMNS, SILENT_AFTER_DAYS, SquadRow, cells
from ..wording import HEALTH_NOTE
from .data import PAGES, ReportData
from .figures import GREY, LEVEL_COLOURS, MARGIN_IN, ORANGE, VERMILLION, footer, new_figure
from .pages import glance_page
from .pdf import RC, render

LANDSCAPE_IN = (11.69, 8.27)
WIDTHS_IN = (1.25, 2.3, 0.72, 0.72, 0.55, 1.1, 1.5, 0.55, 0.9, 0.8)  # per COLUMNS entry; 10.39 in of 10.49
ROWS_PER_PAGE = 26
ROW_IN = 0.2
SIZE = 7.6
SEVERITY_COLOURS = {"high": VERMILLION, "caution": ORANGE}
ORDER_NOTE = ("Most urgent first: the top flag's severity (high, caution, context, none), then the highest pain "
              "logged in the last 7 days, then the days since the last data, then the name. Silent = no session "
              f"or step count for more than {SILENT_AFTER_DAYS} days. Loads in each athlete's unit; this week is so "
              "far; ramp = this week against last week; long run = the longest of this and last week, against "
              "next week's cap; next week = the most and what we suggest, in load.")


@dataclass(frozen=True, slots=True)
class SquadReportResult:
    """What `write_squad_report` wrote: the path, the page count, the athletes in the table's order."""

    path: Path
    pages: int
    athletes: tuple[str, ...]


def squad_filename(as_of: date) -> str:
    """loadwatch-squad-<ISO year>-W<ISO week>.pdf."""
    iso = as_of.isocalendar()
    return f"loadwatch-squad-{iso.year}-W{iso.week:02d}.pdf"


def _fit(text: str, width_in: float, size: float) -> str:
    """`text` cut with an ellipsis to what a column `width_in` wide holds at `size` points."""
    room = max(4, int((width_in - 0.06) * 72 / (size * 0.56)))
    return text if len(text) <= room else text[: room - 1] + "\u2026"


def table_pages(rows: Sequence[SquadRow], as_of: date) -> list[Figure]:
    """The squad table, ROWS_PER_PAGE athletes a page, landscape A4."""
    chunks = [rows[i:i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)] or [[]]
    return [_table_page(chunk, as_of, k, len(chunks), len(rows)) for k, chunk in enumerate(chunks, 1)]


def _table_page(rows: Sequence[SquadRow], as_of: date, k: int, n: int, total: int) -> Figure:
    fig = new_figure(LANDSCAPE_IN)
    w, h = LANDSCAPE_IN
    iso = as_of.isocalendar()
    y = MARGIN_IN
    more = f" (page {k} of {n})" if n > 1 else ""
    fig.text(MARGIN_IN / w, 1 - y / h, f"The squad at a glance{more}", fontsize=17, fontweight="bold", va="top")
    y += 0.36
    fig.text(MARGIN_IN / w, 1 - y / h, f"{total} athlete(s)  |  ISO week {iso.year}-W{iso.week:02d}, as of "
             f"{as_of:%a %d %b %Y}  |  each athlete's page 1 follows in this order", fontsize=9, color="#444444",
             va="top")
    y += 0.35
    x = MARGIN_IN
    for name, width in zip(COLUMNS, WIDTHS_IN, strict=True):
        fig.text(x / w, 1 - y / h, _fit(name, width, SIZE), fontsize=SIZE, fontweight="bold", va="top")
        x += width
    y += ROW_IN
    fig.add_artist(Line2D([MARGIN_IN / w, 1 - MARGIN_IN / w], [1 - (y - 0.03) / h] * 2, color=GREY,
                                           linewidth=0.6, transform=fig.transFigure))
    for row in rows:
        colour = LEVEL_COLOURS.get(row.level, GREY)
        fig.add_artist(Rectangle(((MARGIN_IN - 0.16) / w, 1 - (y + 0.13) / h), 0.1 / w, 0.12 / h, facecolor=colour,
                                 edgecolor=colour, transform=fig.transFigure))
        x = MARGIN_IN
        for c, (text, width) in enumerate(zip(cells(row), WIDTHS_IN, strict=True)):
            style: dict[str, Any] = {"fontsize": SIZE, "va": "top"}
            if c == 0:
                style["fontweight"] = "bold"
            elif c == 1:
                style.update(color=colour if row.level in ("high", "doctor") else "#000000", fontweight="bold")
            elif c == 6 and row.severity in SEVERITY_COLOURS:
                style.update(color=SEVERITY_COLOURS[row.severity], fontweight="bold")
            fig.text(x / w, 1 - y / h, _fit(text, width, SIZE), **style)
            x += width
        y += ROW_IN
    y += 0.15
    for line in textwrap.wrap(ORDER_NOTE, 190) + textwrap.wrap(HEALTH_NOTE, 190):
        fig.text(MARGIN_IN / w, 1 - y / h, line, fontsize=7.2, color="#444444", va="top")
        y += 0.15
    return fig


def _figures(entries: Sequence[tuple[SquadRow, ReportData | None]], as_of: date, full: bool) -> Iterator[Figure]:
    """Every page in order, each made only when the one before is saved (a squad's full report is long)."""
    rows = [row for row, _ in entries]
    datas = [data for _, data in entries if data is not None]
    tables = table_pages(rows, as_of)
    total = len(tables) + len(datas) * (len(PAGES) if full else 1)
    page = 0
    for fig in tables:
        page += 1
        footer(fig, f"loadwatch {__version__} squad report, as of {as_of:%a %d %b %Y}", f"page {page} of {total}")
        yield fig
    for data in datas:
        if full:
            for fig in render(data):  # the athlete's own report, its own footers (page n of 6)
                page += 1
                yield fig
            continue
        fig = glance_page(data)
        page += 1
        footer(fig, f"loadwatch {__version__} report for {data.athlete}, as of {data.as_of:%a %d %b %Y}",
               f"squad report page {page} of {total}: {PAGES[0]}")
        yield fig


def pdf_metadata(as_of: date, n_athletes: int) -> dict[str, Any]:
    """Fixed document info: the dates are as_of at 00:00 UTC, so the same inputs give the same bytes."""
    stamp = datetime.combine(as_of, time(0, 0), tzinfo=UTC)
    return {"Title": f"loadwatch squad report: {n_athletes} athlete(s), week of {as_of.isoformat()}",
            "Author": "loadwatch", "Subject": "A coach's week: the squad table and each athlete's page 1",
            "Creator": f"loadwatch {__version__}", "CreationDate": stamp, "ModDate": stamp}


def write_squad_report(entries: Sequence[tuple[SquadRow, ReportData | None]], path: Path, *, as_of: date,
                       full: bool = False) -> SquadReportResult:
    """Draw the squad table and the athletes' pages (their whole reports with `full`) and write one PDF at
    `path` (drawn in memory, written whole). An athlete without data on or before as_of is in the table only."""
    buffer = io.BytesIO()
    pages = 0
    with matplotlib.rc_context(RC), PdfPages(buffer, metadata=pdf_metadata(as_of, len(entries))) as pdf:
        for fig in _figures(entries, as_of, full):
            pdf.savefig(fig)
            pages += 1
    write_bytes(Path(path), buffer.getvalue())
    return SquadReportResult(Path(path), pages, tuple(row.athlete for row, _ in entries))


__all__ = ["SquadReportResult", "pdf_metadata", "squad_filename", "table_pages", "write_squad_report"]
