"""Write the bundled demo athlete: 20 weeks of a (synthetic) runner living in Berlin.

    python sample_data/make_demo.py            # rewrites sample_data/devices/ and sample_data/logs.json
    python sample_data/make_demo.py --out DIR  # writes the same files under DIR

Deterministic: a fixed seed, a fixed calendar (the last day is Sunday 2026-11-15) and no clock
reads, so the output is byte-identical on every run. Needs only fitdecode (for the FIT profile).
The story (ramp week, spike run, back pain) is told in sample_data/README.md.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.dont_write_bytecode = True  # no __pycache__ inside sample_data/ (the demo imports that folder)
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the helper modules beside this script

from _apple_health import Sample, write_export  # noqa: E402
from _runs import RunData, activity_fit, phone_gpx, simulate, treadmill_fit  # noqa: E402
from _steps import Day, apple_watch_samples, build_day, monitoring_fit, phone_samples  # noqa: E402

SEED = 20261115
TZ = ZoneInfo("Europe/Berlin")
LAST_DAY = date(2026, 11, 15)  # a Sunday: use `--as-of 2026-11-15`
N_WEEKS = 20
FIRST_DAY = LAST_DAY - timedelta(days=7 * N_WEEKS - 1)  # Monday 2026-06-29

E, S, L = "easy", "steady", "long"
# One row per ISO week: (weekday 0=Mon, km, kind). Planted: week 18 ramps 34.0 -> 47.0 km (+38.2 %);
# the long run of Sunday 2026-11-08 is 21.0 km, 40 % over the 30-day longest (15.0 km on 11-01).
PLAN: tuple[tuple[tuple[int, float, str], ...], ...] = (
    ((1, 9.5, E), (3, 7.0, S), (5, 6.0, E), (6, 10.0, L)),  # 1  06-29  32.5
    ((1, 6.5, E), (3, 7.0, S), (5, 6.0, E), (6, 10.5, L)),  # 2  07-06  30.0
    ((1, 6.5, E), (3, 7.5, S), (5, 6.5, E), (6, 11.0, L)),  # 3  07-13  31.5
    ((1, 7.0, E), (2, 5.0, E), (3, 7.5, S), (5, 6.0, E), (6, 11.5, L)),  # 4  07-20  37.0
    ((1, 7.0, E), (2, 5.0, E), (3, 8.0, S), (5, 6.0, E), (6, 12.0, L)),  # 5  07-27  38.0
    ((1, 7.0, E), (3, 8.0, S), (5, 6.5, E), (6, 12.5, L)),  # 6  08-03  34.0
    ((1, 7.0, E), (2, 5.0, E), (3, 8.0, S), (5, 6.5, E), (6, 13.0, L)),  # 7  08-10  39.5
    ((0, 7.0, E), (4, 8.0, E), (6, 12.0, L)),  # 8  08-17  27.0  holiday: recovery week
    ((1, 6.5, E), (3, 7.5, S), (5, 6.0, E), (6, 12.0, L)),  # 9  08-24  32.0
    ((1, 7.0, E), (2, 5.0, E), (3, 8.0, S), (5, 6.5, E), (6, 13.0, L)),  # 10 08-31  39.5
    ((1, 7.0, E), (2, 5.5, E), (3, 8.5, S), (5, 6.5, E), (6, 13.5, L)),  # 11 09-07  41.0
    ((1, 7.0, E), (2, 5.5, E), (3, 8.5, S), (5, 7.0, E), (6, 14.0, L)),  # 12 09-14  42.0
    ((1, 7.0, E), (3, 8.0, S), (5, 5.0, E), (6, 11.5, L)),  # 13 09-21  31.5  recovery week
    ((1, 7.0, E), (2, 5.0, E), (3, 8.5, S), (5, 6.0, E), (6, 12.5, L)),  # 14 09-28  39.0
    ((1, 7.0, E), (2, 5.5, E), (3, 8.5, S), (5, 6.5, E), (6, 14.0, L)),  # 15 10-05  41.5
    ((1, 7.0, E), (3, 8.5, S), (5, 6.0, E), (6, 14.5, L)),  # 16 10-12  36.0
    ((1, 6.5, E), (3, 7.5, S), (5, 6.0, E), (6, 14.0, L)),  # 17 10-19  34.0  (DST ends Sun 10-25)
    ((1, 8.0, E), (2, 10.0, E), (3, 8.0, S), (5, 6.0, E), (6, 15.0, L)),  # 18 10-26  47.0  RAMP +38 %
    ((1, 7.0, E), (3, 8.0, S), (5, 5.0, E), (6, 21.0, L)),  # 19 11-02  41.0  SPIKE 21.0 km
    ((3, 5.0, E), (5, 6.0, E), (6, 8.0, E)),  # 20 11-09  19.0  back pain: easy runs only
)

# Days the Garmin stayed on the charger: no monitoring file; the phone's count fills them.
WATCH_OFF = frozenset({date(2026, 7, 10), date(2026, 8, 18), date(2026, 8, 19), date(2026, 8, 20),
                       date(2026, 9, 4), date(2026, 10, 16)})
APPLE_WATCH_DAYS = frozenset({date(2026, 8, 18), date(2026, 8, 19)})  # the old Apple Watch, on holiday
# Runs without heart rate: two with the phone only, on days the Garmin stayed on the charger (a GPX as a
# phone app, OpenTracks, exports it: Berlin, and the Baltic coast on holiday), and one on the gym's treadmill
# with the watch left in the locker (the treadmill's own FIT file: the belt's speed, no position).
# (day, km, kind, loop centre)
PHONE_RUNS = ((date(2026, 7, 10), 5.0, E, (52.5145, 13.3501)), (date(2026, 8, 19), 6.0, E, (54.4167, 13.6167)))
# Wednesday 2026-07-15, 18:40: 10 min at 2.8 m/s, 4 x (3 min at 3.3, 2 min at 2.8), 10 min at 2.8: 40 min, 7.08 km
TREADMILL_RUN = (date(2026, 7, 15), time(18, 40, 5),
                 [(600, 2.8), *[(s, v) for _ in range(4) for s, v in ((180, 3.3), (120, 2.8))], (600, 2.8)])
HOLIDAY = frozenset(date(2026, 8, 17) + timedelta(days=i) for i in range(7))
PAIN = {date(2026, 11, 9): 4, date(2026, 11, 10): 4, date(2026, 11, 11): 3, date(2026, 11, 12): 3}
RPE = {date(2026, 10, 25): 5, date(2026, 10, 27): 3, date(2026, 10, 28): 4, date(2026, 10, 29): 6,
       date(2026, 11, 1): 6, date(2026, 11, 3): 3, date(2026, 11, 5): 6, date(2026, 11, 8): 8,
       date(2026, 11, 12): 4, date(2026, 11, 15): 3}
STRENGTH_DAYS = (date(2026, 10, 5), date(2026, 10, 9), date(2026, 10, 12), date(2026, 10, 16),
                 date(2026, 10, 19), date(2026, 10, 23), date(2026, 10, 26), date(2026, 10, 30),
                 date(2026, 11, 2), date(2026, 11, 6), date(2026, 11, 13))
# The first four of the catalog, basic to challenging; reps per session (3 sets each) as they progress.
STRENGTH_REPS = {
    "Superman": (8, 8, 10, 10, 10, 12, 12, 12, 12, 12, 10),
    "Beetle (dead bug)": (8, 8, 8, 10, 10, 10, 12, 12, 12, 12, 10),
    "Single-leg balance & reach": (8, 8, 8, 8, 10, 10, 10, 10, 12, 12, None),
    "High-plank leg lifts": (8, 8, 8, 8, 8, 8, 10, 10, 10, 10, None),
}


def planned_runs() -> list[tuple[date, float, str, int]]:
    """(day, km, kind, week index) for every run, in order."""
    return [(FIRST_DAY + timedelta(days=7 * w + wd), km, kind, w)
            for w, week in enumerate(PLAN) for wd, km, kind in week]


def start_time(rng: random.Random, day: date, kind: str) -> datetime:
    """Weekday runs before work (or after it), Saturday mid-morning, the long run Sunday morning."""
    if kind == "long" or day.weekday() == 6:
        minutes = rng.randint(8 * 60 + 30, 9 * 60 + 30)
    elif day.weekday() == 5 or day in HOLIDAY:
        minutes = rng.randint(9 * 60, 10 * 60)
    elif rng.random() < 0.6:
        minutes = rng.randint(6 * 60 + 20, 7 * 60 + 10)
    else:
        minutes = rng.randint(18 * 60 + 10, 19 * 60)
    local = datetime.combine(day, time(minutes // 60, minutes % 60, rng.randint(0, 59)), TZ)
    return local.astimezone(ZoneInfo("UTC"))


def walking_total(rng: random.Random, day: date, low_days: set[date]) -> int:
    """Steps walked (not run) that day: ~4k on workdays, more varied at weekends, more on holiday."""
    if day in PAIN:
        return rng.randint(2500, 3800)
    if day in low_days:
        return rng.randint(1300, 2600)
    if day in HOLIDAY:
        return rng.randint(7000, 9500)
    mean, sd = (3400, 1600) if day.weekday() >= 5 else (4000, 1000)
    return max(900, round(rng.gauss(mean, sd)))


def build(out: Path) -> dict[str, object]:
    """Write everything under `out`; return a summary of what was written."""
    rng = random.Random(SEED)
    runs_by_day: dict[date, list[RunData]] = {}
    for day, km, kind, week in planned_runs():
        run = simulate(random.Random(f"{SEED}-run-{day}"), start_time(rng, day, kind), km, kind, week)
        runs_by_day.setdefault(day, []).append(run)
    all_days = [FIRST_DAY + timedelta(days=i) for i in range(7 * N_WEEKS)]
    rest_days = [d for d in all_days if d not in runs_by_day and d not in PAIN and d not in HOLIDAY]
    low_days = set(rng.sample(rest_days, 8))
    days: list[Day] = []
    for d in all_days:
        days.append(build_day(random.Random(f"{SEED}-day-{d}"), d, runs_by_day.get(d, []),
                              walking_total(rng, d, low_days), TZ))

    devices = out / "devices"
    if devices.exists():
        shutil.rmtree(devices)
    act_dir, mon_dir = devices / "garmin" / "Activity", devices / "garmin" / "Monitor"
    act_dir.mkdir(parents=True)
    mon_dir.mkdir(parents=True)
    for day_runs in runs_by_day.values():
        for run in day_runs:
            name = run.start_utc.astimezone(TZ).strftime("%Y-%m-%d-%H-%M-%S") + ".fit"
            (act_dir / name).write_bytes(activity_fit(run, TZ))
    no_hr = write_runs_without_hr(devices)
    samples: list[Sample] = []
    for d in days:
        if d.day not in WATCH_OFF:
            (mon_dir / f"{d.day.isoformat()}.fit").write_bytes(monitoring_fit(d, TZ))
        day_rng = random.Random(f"{SEED}-phone-{d.day}")
        carried = {j for j in range(len(d.runs)) if day_rng.random() < 0.4}
        samples += phone_samples(day_rng, d, carried, TZ)
        if d.day in APPLE_WATCH_DAYS:
            samples += apple_watch_samples(day_rng, d, TZ)
    samples.sort(key=lambda s: (s.type != "HKQuantityTypeIdentifierStepCount", s.start, s.source.name))
    export_date = datetime.combine(LAST_DAY, time(21, 30, 12), TZ)
    samples = [s for s in samples if s.created < export_date]
    write_export(devices / "apple_health_export" / "export.xml", locale="de_DE", export_date=export_date,
                 me={"HKCharacteristicTypeIdentifierDateOfBirth": "1987-03-14",
                     "HKCharacteristicTypeIdentifierBiologicalSex": "HKBiologicalSexMale",
                     "HKCharacteristicTypeIdentifierBloodType": "HKBloodTypeNotSet",
                     "HKCharacteristicTypeIdentifierFitzpatrickSkinType": "HKFitzpatrickSkinTypeNotSet",
                     "HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse": "None"},
                 samples=samples)
    logs = make_logs(runs_by_day)
    (out / "logs.json").write_text(json.dumps(logs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"runs": sum(len(v) for v in runs_by_day.values()), "runs_without_hr": no_hr,
            "watch_days": len(days) - len(WATCH_OFF),
            "days": len(days), "apple_samples": len(samples), "logs": len(logs),
            "mean_steps": round(sum(d.steps for d in days) / len(days))}


def write_runs_without_hr(devices: Path) -> int:
    """The phone's GPX runs (devices/phone/) and the treadmill's FIT (devices/treadmill/), each from its own
    seeded generator, so the watch's runs, steps and the Apple export stay as they were; how many."""
    phone_dir, gym_dir = devices / "phone", devices / "treadmill"
    phone_dir.mkdir(parents=True)
    gym_dir.mkdir(parents=True)
    for day, km, kind, centre in PHONE_RUNS:
        assert day in WATCH_OFF, f"the phone run of {day} is on a day the watch was worn"
        rng = random.Random(f"{SEED}-phone-run-{day}")
        run = simulate(rng, start_time(rng, day, kind), km, kind, (day - FIRST_DAY).days // 7)
        name = run.start_utc.astimezone(TZ).strftime("%Y-%m-%d-%H-%M-%S") + ".gpx"
        (phone_dir / name).write_text(phone_gpx(run, centre, TZ), encoding="utf-8", newline="\n")
    day, clock, segments = TREADMILL_RUN
    start = datetime.combine(day, clock, TZ).astimezone(ZoneInfo("UTC"))
    (gym_dir / (start.astimezone(TZ).strftime("%Y-%m-%d-%H-%M-%S") + ".fit")).write_bytes(
        treadmill_fit(start, segments, TZ))
    return len(PHONE_RUNS) + 1


def make_logs(runs_by_day: dict[date, list[RunData]]) -> list[dict[str, object]]:
    """RPE after some runs, two strength sessions a week on rest days, and the back-pain episode."""
    logs: list[dict[str, object]] = []
    for day, rpe in RPE.items():
        assert day in runs_by_day, f"RPE logged for {day}, a day without a run"
        logs.append({"kind": "rpe", "day": day.isoformat(), "rpe": rpe})
    for k, day in enumerate(STRENGTH_DAYS):
        assert day not in runs_by_day, f"strength on {day}, a run day"
        for exercise, reps in STRENGTH_REPS.items():
            if reps[k] is not None:
                logs.append({"kind": "strength", "day": day.isoformat(), "exercise": exercise,
                             "sets": 3, "reps": reps[k], "pain_free": True})
    for day, level in PAIN.items():
        logs.append({"kind": "pain", "day": day.isoformat(), "where": "lower back", "level": level,
                     "radiates": False, "numbness": False})
    logs.sort(key=lambda e: (str(e["day"]), str(e["kind"])))
    return logs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="folder to write devices/ and logs.json into (default: beside this script)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    summary = build(args.out)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
