"""`loadwatch report --squad [--full]`: the squad table, then each athlete's page 1 in the table's order, the same
bytes on a rerun, and the same bytes from the process pool as from one process.

The squad of tests.helpers (as of Sun 3 Mar 2024): spiky (spike and pain), fitfan (real FIT runs, silent since
2018), walker (a real CSV of steps only), steady. Order worked out in tests/cli/test_squad_cli.py's docstring:
spiky (high), fitfan (caution: silent), walker (no flag, last data 2 days ago), steady (no flag, data today).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from loadwatch import api
from loadwatch.cli import cli
from loadwatch.store import Store
from tests.helpers import SQUAD_AS_OF, squad_root, write_squad_histories

ORDER = ["spiky", "fitfan", "walker", "steady"]
AS_OF = SQUAD_AS_OF.isoformat()


@pytest.fixture
def squad_db(db_path: Path, tmp_path: Path) -> Path:
    with Store(db_path) as store:
        api.import_per_folder(store, squad_root(tmp_path / "squad"))
        write_squad_histories(store)
    return db_path


def _texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_squad_report_pages_in_the_table_order_same_bytes(runner: CliRunner, squad_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "week.pdf"
    result = runner.invoke(cli, ["--db", str(squad_db), "--as-of", AS_OF, "report", "--squad", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {out} (5 pages: the squad table and 4 athlete(s))\n"
    pages = _texts(out)
    assert len(pages) == 1 + len(ORDER)
    table = pages[0]
    assert "The squad at a glance" in table and "4 athlete(s)" in table and "Sun 03 Mar 2024" in table
    # the rows in urgency order, each with its status line and top flag as the table writes them
    where = [table.index(name) for name in ORDER]
    assert where == sorted(where)
    assert "CAUTION silent" in table and "HIGH" in table and "5/10" in table and "14.0 km / 15.4 km" in table
    assert "Steady build" in table and "Back pain logged" in table and "No runs logged" in table
    for name, text in zip(ORDER, pages[1:], strict=True):
        assert text.startswith("This week at a glance") and f"report for {name}," in text
        assert f"{name}  |  ISO week 2024-W09" in text
    # each athlete's page quotes the same status line as their row
    assert "Back pain logged" in pages[1] and "Steady build" in pages[4] and "No runs logged" in pages[3]
    first = out.read_bytes()
    again = runner.invoke(cli, ["--db", str(squad_db), "--as-of", AS_OF, "report", "--squad", "-o", str(out)])
    assert again.exit_code == 0 and out.read_bytes() == first


def test_pool_and_one_process_write_the_same_pdf(squad_db: Path, tmp_path: Path) -> None:
    with Store(squad_db, mode="read") as store:
        pooled = api.squad_report(store, tmp_path / "pool.pdf", as_of=SQUAD_AS_OF, workers=2)
        alone = api.squad_report(store, tmp_path / "one.pdf", as_of=SQUAD_AS_OF, workers=1)
        rows_pool = [r.as_json() for r in api.squad(store, as_of=SQUAD_AS_OF, workers=2)]
        rows_one = [r.as_json() for r in api.squad(store, as_of=SQUAD_AS_OF, workers=1)]
    assert pooled.athletes == alone.athletes == tuple(ORDER)
    assert (tmp_path / "pool.pdf").read_bytes() == (tmp_path / "one.pdf").read_bytes()
    assert rows_pool == rows_one


def test_full_adds_every_athletes_whole_report(runner: CliRunner, squad_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "full.pdf"
    result = runner.invoke(cli, ["--db", str(squad_db), "--as-of", AS_OF, "report", "--squad", "--full", "-o",
                                 str(out)])
    assert result.exit_code == 0, result.output
    pages = _texts(out)
    assert len(pages) == 1 + 6 * len(ORDER)  # the table, then six pages per athlete
    for k, name in enumerate(ORDER):
        own = pages[1 + 6 * k: 7 + 6 * k]
        assert all(f"report for {name}," in text for text in own)
        assert [f"page {n} of 6" in text for n, text in enumerate(own, 1)] == [True] * 6
    usage = runner.invoke(cli, ["--db", str(squad_db), "report", "--full"])
    assert usage.exit_code == 2
