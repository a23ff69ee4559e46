"""Apple Health step samples merged into day totals by source priority (`importers/apple_steps.py`):
a lower source counts only for the part of its interval no higher source covers (steps spread evenly
over a sample), samples crossing local midnight are split by time, exact repeats count once.

Tiny hand-made sample lists; every total is worked out in a comment. Times are on 1 May 2024.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from loadwatch.importers.apple_steps import DEVICE, StepSamples, source_kind

WATCH, PHONE, WATCH2, APP = "Anna’s Apple Watch", "Anna’s iPhone", "Old Apple Watch", "Pedometer++"
KINDS = {WATCH: "watch", PHONE: "phone", WATCH2: "watch", APP: "app"}
MAY1 = date(2024, 5, 1)
MAY2 = date(2024, 5, 2)
MIDNIGHT = int(datetime(2024, 5, 1, tzinfo=UTC).timestamp())  # 1 May 2024 00:00 UTC


def at(hh: int, mm: int = 0, *, offset_h: int = 0) -> int:
    """Seconds since 1970 of hh:mm local time on 1 May 2024 (local = UTC + offset_h); hh may pass 24."""
    return MIDNIGHT + hh * 3600 + mm * 60 - offset_h * 3600


def merged(*samples: tuple[str, int, int, float], offset_h: int = 0) -> list[tuple[date, int, str]]:
    steps = StepSamples()
    steps.kinds = dict(KINDS)
    for source, start, end, value in samples:
        steps.add(source, start, end, value, offset_h * 3600)
    days = steps.daily()
    assert {d.device for d in days} <= {DEVICE}
    return [(d.day, d.steps, d.device_kind) for d in days]


def test_no_samples_no_days() -> None:
    assert StepSamples().daily() == []


def test_one_source_is_summed() -> None:
    # 1000 + 500 = 1500, both from the watch
    assert merged((WATCH, at(8), at(8, 10), 1000), (WATCH, at(12), at(12, 5), 500)) == [(MAY1, 1500, "watch")]


def test_phone_counts_only_where_the_watch_has_no_samples() -> None:
    # watch 10:00-10:10: 600. phone 10:05-10:25 (20 min, 800): 10:05-10:10 is covered by the watch,
    # 10:10-10:25 is not: 800 x 15/20 = 600. 600 + 600 = 1200 (summing both would say 1400)
    got = merged((WATCH, at(10), at(10, 10), 600), (PHONE, at(10, 5), at(10, 25), 800))
    assert got == [(MAY1, 1200, "watch")]


def test_the_order_samples_arrive_in_does_not_matter() -> None:
    # the same two samples as above, the phone's first: still 600 + 800 x 15/20 = 1200
    got = merged((PHONE, at(10, 5), at(10, 25), 800), (WATCH, at(10), at(10, 10), 600))
    assert got == [(MAY1, 1200, "watch")]


def test_a_phone_sample_inside_a_watch_sample_counts_nothing() -> None:
    # watch 09:00-10:00: 3000; phone 09:15-09:45 lies wholly inside it: 2000 x 0 = 0 -> 3000
    got = merged((WATCH, at(9), at(10), 3000), (PHONE, at(9, 15), at(9, 45), 2000))
    assert got == [(MAY1, 3000, "watch")]


def test_a_phone_sample_across_two_watch_samples() -> None:
    # watch 10:00-10:10 (100) and 10:20-10:30 (100); phone 10:00-10:40 (400): the watch covers 20 of its
    # 40 minutes, so 400 x 20/40 = 200. 100 + 100 + 200 = 400
    got = merged((WATCH, at(10), at(10, 10), 100), (WATCH, at(10, 20), at(10, 30), 100),
                 (PHONE, at(10), at(10, 40), 400))
    assert got == [(MAY1, 400, "watch")]


def test_overlapping_samples_of_one_source_both_count_but_a_repeat_once() -> None:
    # one watch: 10:00-10:10 (300) and 10:05-10:15 (200) are two samples, both count: 500;
    # 10:00-10:10 (300) written twice by the export is one sample: not 800
    got = merged((WATCH, at(10), at(10, 10), 300), (WATCH, at(10, 5), at(10, 15), 200),
                 (WATCH, at(10), at(10, 10), 300))
    assert got == [(MAY1, 500, "watch")]


def test_the_watch_with_more_samples_ranks_first() -> None:
    # two watches rank equally by kind; the one with more samples (WATCH: 2) is first.
    # WATCH 10:00-10:10 (100) and 11:00-11:10 (100); WATCH2 10:00-10:20 (1000): its first 10 minutes are
    # covered, 1000 x 10/20 = 500. 100 + 100 + 500 = 700
    got = merged((WATCH, at(10), at(10, 10), 100), (WATCH, at(11), at(11, 10), 100),
                 (WATCH2, at(10), at(10, 20), 1000))
    assert got == [(MAY1, 700, "watch")]


def test_an_app_counts_below_the_phone() -> None:
    # phone 10:00-10:10: 100; an app 10:00-10:20 (200) is covered for 10 of 20 minutes: 200 x 10/20 = 100.
    # 100 + 100 = 200; no watch that day: "phone"
    got = merged((PHONE, at(10), at(10, 10), 100), (APP, at(10), at(10, 20), 200))
    assert got == [(MAY1, 200, "phone")]


def test_a_phone_sample_across_local_midnight_is_split_by_time() -> None:
    # +02:00. phone 23:30 -> 00:30 local (21:30 -> 22:30 UTC, all on 1 May in UTC), 600 steps:
    # 30 of its 60 minutes before local midnight: 300 on 1 May, 300 on 2 May
    got = merged((PHONE, at(23, 30, offset_h=2), at(24, 30, offset_h=2), 600), offset_h=2)
    assert got == [(MAY1, 300, "phone"), (MAY2, 300, "phone")]


def test_the_local_day_is_the_samples_own() -> None:
    # 23:30 UTC on 1 May is 01:30 on 2 May at +02:00: the sample belongs to 2 May
    got = merged((PHONE, at(23, 30), at(23, 50), 250), offset_h=2)
    assert got == [(MAY2, 250, "phone")]


def test_split_at_midnight_then_pro_rated() -> None:
    # UTC. phone 23:00 -> 01:00 (1200): 600 on 1 May, 600 on 2 May.
    # watch 00:00-00:30 on 2 May (300) covers half of the phone's 2 May part: 600 x 30/60 = 300.
    # 1 May: 600 (phone only). 2 May: 300 + 300 = 600, with a watch sample: "watch"
    got = merged((PHONE, at(23), at(25), 1200), (WATCH, at(24), at(24, 30), 300))
    assert got == [(MAY1, 600, "phone"), (MAY2, 600, "watch")]


def test_totals_round_half_up() -> None:
    # phone 10:00-10:02 (101) half covered by a watch sample of 0 steps: 101 x 1/2 = 50.5 -> 51
    # (round() would give 50); a watch sample, even of 0 steps, makes the day "watch"
    got = merged((WATCH, at(10), at(10, 1), 0), (PHONE, at(10), at(10, 2), 101))
    assert got == [(MAY1, 51, "watch")]
    # phone 10:00-10:03 (100), its first minute covered: 100 x 2/3 = 66.67, + watch 10 = 76.67 -> 77
    got = merged((WATCH, at(10), at(10, 1), 10), (PHONE, at(10), at(10, 3), 100))
    assert got == [(MAY1, 77, "watch")]


def test_zero_length_samples_count_whole_unless_inside_a_higher_source() -> None:
    # watch 10:00-10:10: 100. phone at 10:05 (no duration, 7 steps) is inside it: 0.
    # phone at 11:00 (no duration, 5 steps) is not covered: 5. 100 + 0 + 5 = 105
    got = merged((WATCH, at(10), at(10, 10), 100), (PHONE, at(10, 5), at(10, 5), 7), (PHONE, at(11), at(11), 5))
    assert got == [(MAY1, 105, "watch")]


@pytest.mark.parametrize(("source", "device", "kind"), [
    ("Anna’s Apple Watch", "", "watch"),
    ("Ann", "<<HKDevice: 0x1>, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1>", "watch"),
    ("Anna’s iPhone", "", "phone"),
    ("Ann", "<<HKDevice: 0x2>, name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone14,5>", "phone"),
    ("Pedometer++", "", "app"),
])
def test_source_kind(source: str, device: str, kind: str) -> None:
    assert source_kind(source, device) == kind
