"""`loadwatch report`: the six-page PDF on real stores (synthetic runner, Google Fit steps only, real FIT runs
only, empty), its numbers against `status --json` / `plan --json` / `goals --json`, and reproducibility."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pypdf
import pytest

from loadwatch import api
from loadwatch.cli import cli
from loadwatch.models import Activity, DailySteps, ParsedFile
from loadwatch.report.data import default_filename
from loadwatch.store import Store
from tests.helpers import DATA

AS_OF = "2024-05-26"  # a Sunday: ISO week 2024-W21 is complete


def _runner_store(db: Path) -> None:
    """A runner with heart rate: runs every other day from Mon 4 Mar 2024, 8 km growing by 0.1 km a run,
    then a 19 km run on Sat 25 May. The 40th and last regular run is on day 78, Tue 21 May (4 Mar + 78 days),
    8 + 39 x 0.1 = 11.9 km, the longest in the 30 days before the 19 km, so the spike is 19 / 11.9 - 1 = +59.7 %
    ("moderate": > 30 %, shown as 60%). Steps 7,000-9,000 a day."""
    acts = []
    for i in range(0, 80, 2):
        km = 8 + (i // 2) * 0.1
        acts.append(Activity("running", datetime(2024, 3, 4, 7, tzinfo=UTC) + timedelta(days=i), 7200, km * 330,
                             distance_m=km * 1000, hr_hist={140: km * 200, 155: km * 130}, avg_hr=146, max_hr=178))
    acts.append(Activity("running", datetime(2024, 5, 25, 7, tzinfo=UTC), 7200, 7000, distance_m=19_000,
                         hr_hist={150: 7000}, avg_hr=150, max_hr=178))
    steps = [DailySteps(date(2024, 3, 4) + timedelta(days=i), 7000 + (i * 737) % 2000, "Forerunner", "watch")
             for i in range(84)]
    with Store(db) as store:
        store.write_source(sha256="r", path="synthetic-runner.fit", parsed=ParsedFile(
            "fit", activities=acts, daily_steps=steps, n_records=len(acts)), athlete="me", size_bytes=1)


@pytest.fixture
def runner_db(db_path: Path) -> Path:
    _runner_store(db_path)
    return db_path


def _invoke(runner, db: Path, *args: str):
    return runner.invoke(cli, ["--db", str(db), *args])


def _pages(path: Path) -> list[str]:
    """Text of each page with whitespace collapsed (pypdf splits lines where the layout wraps)."""
    return [re.sub(r"\s+", " ", page.extract_text()) for page in pypdf.PdfReader(path).pages]


def test_report_numbers_match_status_and_plan_json(runner, runner_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = _invoke(runner, runner_db, "--as-of", AS_OF, "report", "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Wrote {out} (6 pages)"
    assert lines[1].startswith("Too much too soon \u2014 hold next week. This week ")
    pages = _pages(out)
    assert len(pages) == 6

    status = json.loads(_invoke(runner, runner_db, "--as-of", AS_OF, "status", "--json").output)
    plan = json.loads(_invoke(runner, runner_db, "--as-of", AS_OF, "plan", "--json").output)
    goals = json.loads(_invoke(runner, runner_db, "--as-of", AS_OF, "goals", "--json").output)
    glance = pages[0]
    assert "Too much too soon \u2014 hold next week" in glance
    this_week = status["weeks"][-1]["load"]
    assert f"{this_week:,.0f}" in glance  # Key numbers: Load (TRIMP), this week
    assert f"{status['weeks'][-2]['load']:,.0f}" in glance  # last week
    spike = next(f for f in status["flags"] if f["rule"] == "session_spike")
    assert spike["value"] == pytest.approx(19 / 11.9 - 1, abs=1e-3)  # see _runner_store
    assert "60% longer than your longest run" in glance  # 0.597 -> "60%"
    caps = plan["caps"]
    assert f"{caps['weekly_max']:,.0f} TRIMP" in glance and f"{caps['weekly_suggested']:,.0f} TRIMP" in glance
    assert f"{caps['long_run_max_m'] / 1000:.1f} km" in glance
    assert f"We suggest {caps['weekly_suggested']:,.0f}" in lines[1].replace("we suggest", "We suggest")
    # page 4: the next 14 days' goals; page 5: the plan's days and step goals
    assert f"{goals[0]['goal']:,}" in pages[3] and "Next 14 days' goals" in pages[3]
    for day in plan["days"]:
        shown = datetime.strptime(day["day"], "%Y-%m-%d").strftime("%a %d %b")
        assert shown in pages[4]
        if day["step_goal"]:
            assert f"{day['step_goal']:,}" in pages[4]
    first = next(d for d in plan["days"] if d["strength"])["strength"][0]
    assert first["name"] in pages[4] and f"{first['sets']} x " in pages[4]
    assert "Weekly load and ramp (TRIMP)" in pages[1] and "spike +60%" in pages[1]
    assert "Lolli" in pages[2] and "Impellizzeri" in pages[2]
    assert "Frandsen" in pages[5] and "training aid, not a diagnosis" in pages[5]
    assert "numbness or tingling" in pages[5] and "Duplicates merged" in pages[5]


def test_same_store_same_bytes_and_default_name(runner, runner_db: Path, tmp_path: Path, monkeypatch) -> None:
    cwd = tmp_path / "out"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    first = _invoke(runner, runner_db, "--as-of", AS_OF, "report")
    assert first.exit_code == 0, first.output
    name = Path(cwd) / "loadwatch-me-2024-W21.pdf"
    assert first.output.splitlines()[0] == f"Wrote {name} (6 pages)"
    one = name.read_bytes()
    name.unlink()
    assert _invoke(runner, runner_db, "--as-of", AS_OF, "report").exit_code == 0
    assert name.read_bytes() == one
    assert b"/CreationDate (D:20240526000000Z)" in one  # the as-of day, not the clock
    assert sorted(p.name for p in Path(cwd).iterdir()) == [name.name]  # no temporary file left


def test_default_filename_is_iso_week_and_safe() -> None:
    assert default_filename("me", date(2026, 11, 12)) == "loadwatch-me-2026-W46.pdf"
    assert default_filename("me", date(2027, 1, 1)) == "loadwatch-me-2026-W53.pdf"  # ISO year 2026
    assert default_filename("../Ann Lee", date(2024, 5, 26)) == "loadwatch-Ann-Lee-2024-W21.pdf"


def test_steps_only_athlete(runner, db_path: Path, tmp_path: Path) -> None:
    """Google Fit Takeout daily metrics (real file): steps from 2018-04-03 to 2021-02-17, no sessions."""
    with Store(db_path) as store:
        assert api.import_files(store, [DATA / "google_fit" / "Daily activity metrics.csv"]).imported == 1
    out = tmp_path / "steps.pdf"
    result = _invoke(runner, db_path, "--as-of", "2021-02-17", "report", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("No runs logged \u2014 keep walking. This week 0 TRIMP.")
    pages = _pages(out)
    assert len(pages) == 6
    assert "No runs stored: import your watch's FIT files or a Strava export to see load" in pages[1]
    assert "No runs stored" in pages[2]
    assert "Daily steps: goal met on" in pages[3] and "Next 14 days' goals" in pages[3]
    assert "No run caps" in pages[0]
    goals = json.loads(_invoke(runner, db_path, "--as-of", "2021-02-17", "goals", "--json").output)
    assert f"{goals[0]['goal']:,}" in pages[3]


def test_runs_only_athlete_real_fit_files(runner, db_path: Path, tmp_path: Path) -> None:
    """Real Garmin runs (no daily steps): the Fenix 5 run of 2018-10-20 (18.66 km) is the last one."""
    folder = tmp_path / "fit"
    folder.mkdir()
    for name in ("garmin-fenix-5-run.fit", "activity-small-fenix2-run.fit", "FitFileParser_running.fit"):
        shutil.copy(DATA / "fit" / name, folder / name)
    with Store(db_path) as store:
        assert api.import_files(store, [folder]).imported == 3
    out = tmp_path / "runs.pdf"
    result = _invoke(runner, db_path, "--as-of", "2018-10-21", "report", "-o", str(out))
    assert result.exit_code == 0, result.output
    pages = _pages(out)
    assert len(pages) == 6
    assert "No daily steps stored: import a phone or watch export with step counts" in pages[3]
    assert "18.7 km" in pages[0]  # this week's distance and long run
    assert "Weekly distance and the long run" in pages[1] and "No runs stored" not in pages[1]
    assert "Fitness and fatigue" in pages[2]


def test_empty_store_is_a_clear_error_and_no_pdf(runner, db_path: Path, tmp_path: Path) -> None:
    Store(db_path).close()
    out = tmp_path / "empty.pdf"
    result = _invoke(runner, db_path, "report", "-o", str(out))
    assert result.exit_code == 1
    assert result.output == ("Error: no sessions or steps stored for athlete 'me' yet; import your export first:"
                             " loadwatch import PATH\n")
    assert list(tmp_path.glob("*.pdf")) == [] and list(tmp_path.glob(".*.part")) == []


def test_pain_logged_means_easy_runs_only(runner, runner_db: Path, tmp_path: Path) -> None:
    """Rule 2 of report.text: a pain flag outranks the spike and ramp flags of the same week."""
    logged = _invoke(runner, runner_db, "--as-of", AS_OF, "log", "pain", "--where", "lower", "--level", "4")
    assert logged.exit_code == 0, logged.output
    with Store(runner_db) as store:
        data = api.report(store, "me", tmp_path / "pain.pdf", as_of=date(2024, 5, 26))
    assert data.headline.text == "Back pain logged \u2014 easy runs only"
    assert data.headline.reason == "You logged lower-back pain on Sun 26 May."


def test_red_flag_means_see_a_doctor(runner, runner_db: Path, tmp_path: Path) -> None:
    logged = _invoke(runner, runner_db, "--as-of", AS_OF, "log", "pain", "--where", "lower", "--level", "4",
                     "--radiates")
    assert logged.exit_code == 0, logged.output
    out = tmp_path / "pain.pdf"
    result = _invoke(runner, runner_db, "--as-of", AS_OF, "report", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("See a doctor before training harder.")
    glance = _pages(out)[0]
    assert "See a doctor before training harder" in glance
    assert "See a doctor first: you logged pain spreading into a leg." in glance  # the plan's lead line
