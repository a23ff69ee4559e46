"""Apple Health step samples merged into daily totals by source priority.

iPhone and Watch samples overlap. As Apple's own statistics do, each stretch of time counts the
highest-priority source that has samples there (Watch > iPhone > apps); a lower source's sample
counts only for the fraction of its interval not covered by higher sources (steps assumed uniform
within a sample). Days are local days in each sample's own offset (`+0100`/`+0200` across DST), a
sample crossing midnight is split by time. One DailySteps per day, device "Apple Health (merged)",
kind "watch" when a watch contributed samples that day, else "phone".

Used by `apple_health` (the parser collects samples with `StepSamples.add`, then calls `daily()`).
"""

from __future__ import annotations

from array import array
from datetime import date, timedelta

import numpy as np

from ..models import DailySteps

DEVICE = "Apple Health (merged)"
SOURCE_PRIORITY = {"watch": 3, "phone": 2, "app": 1}  # Apple's default order: watch, iPhone, apps


def source_kind(source: str, device: str) -> str:
    """watch | phone | app, from a sample's sourceName and device description."""
    low = source.lower()
    if "watch" in low or "model:Watch" in device:
        return "watch"
    if "iphone" in low or "model:iPhone" in device:
        return "phone"
    return "app"


class StepSamples:
    """Step samples per source as compact arrays; `daily()` merges them by source priority."""

    def __init__(self) -> None:
        self.series: dict[str, tuple[array, array, array, array]] = {}
        self.kinds: dict[str, str] = {}

    def add(self, source: str, start: int, end: int, value: float, offset: int) -> None:
        s = self.series.get(source)
        if s is None:
            s = self.series[source] = (array("q"), array("q"), array("d"), array("i"))
        s[0].append(start)
        s[1].append(end)
        s[2].append(value)
        s[3].append(offset)

    def daily(self) -> list[DailySteps]:
        """One merged total per local day (see the module docstring for the rule)."""
        if not self.series:
            return []
        ranked = sorted(self.series, key=lambda src: (-SOURCE_PRIORITY[self.kinds.get(src, "app")],
                                                      -len(self.series[src][0]), src))
        union_s = np.zeros(0, np.int64)
        union_e = np.zeros(0, np.int64)
        totals: dict[int, float] = {}
        watch_days: set[int] = set()
        for src in ranked:
            s, e, v, day = _split_at_midnight(*(np.asarray(a) for a in self.series[src]))
            counted = v * _uncovered_fraction(s, e, union_s, union_e)
            days, inverse = np.unique(day, return_inverse=True)
            sums = np.bincount(inverse, weights=counted)
            for d, x in zip(days.tolist(), sums.tolist(), strict=True):
                totals[d] = totals.get(d, 0.0) + x
            if self.kinds.get(src) == "watch":
                watch_days.update(days.tolist())
            union_s, union_e = _union(np.concatenate([union_s, s]), np.concatenate([union_e, e]))
        epoch = date(1970, 1, 1)
        return [DailySteps(day=epoch + timedelta(days=d), steps=int(np.floor(total + 0.5)), device=DEVICE,
                           device_kind="watch" if d in watch_days else "phone")
                for d, total in sorted(totals.items())]


def _split_at_midnight(s: np.ndarray, e: np.ndarray, v: np.ndarray, off: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Samples (exact repeats dropped) cut at local midnight, steps shared by time; plus local day numbers."""
    rows = np.unique(np.stack([s, e, v.view(np.int64), off.astype(np.int64)], axis=1), axis=0)
    s, e, v, off = rows[:, 0], rows[:, 1], rows[:, 2].copy().view(np.float64), rows[:, 3]
    day0 = (s + off) // 86400
    day1 = np.where(e > s, (e + off - 1) // 86400, day0)
    keep = day1 == day0
    out = [(s[keep], e[keep], v[keep], day0[keep])]
    parts: list[tuple[int, int, float, int]] = []
    for i in np.flatnonzero(~keep).tolist():  # rare: samples that cross local midnight
        length = float(e[i] - s[i])
        for d in range(int(day0[i]), int(day1[i]) + 1):
            a = max(int(s[i]), d * 86400 - int(off[i]))
            b = min(int(e[i]), (d + 1) * 86400 - int(off[i]))
            parts.append((a, b, float(v[i]) * (b - a) / length, d))
    if parts:
        cols = list(zip(*parts, strict=True))
        out.append((np.array(cols[0], np.int64), np.array(cols[1], np.int64), np.array(cols[2]),
                    np.array(cols[3], np.int64)))
    starts, ends, values, days = (np.concatenate(c) for c in zip(*out, strict=True))
    return starts, ends, values, days


def _union(s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint sorted intervals covering the same time as [s, e)."""
    if not len(s):
        return s, e
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    reach = np.maximum.accumulate(e)
    new = np.ones(len(s), bool)
    new[1:] = s[1:] > reach[:-1]
    firsts = np.flatnonzero(new)
    return s[firsts], np.maximum.reduceat(e, firsts)


def _uncovered_fraction(s: np.ndarray, e: np.ndarray, us: np.ndarray, ue: np.ndarray) -> np.ndarray:
    """For each [s, e): the fraction of it outside the union (us, ue); 0/1 for zero-length samples."""
    if not len(us):
        return np.ones(len(s))
    before = np.concatenate([[0], np.cumsum(ue - us)])

    def covered_until(x: np.ndarray) -> np.ndarray:
        k = np.searchsorted(us, x, "right") - 1
        kk = np.clip(k, 0, None)
        return np.where(k >= 0, before[kk] + np.minimum(x, ue[kk]) - us[kk], 0)

    length = (e - s).astype(float)
    overlap = covered_until(e) - covered_until(s)
    k = np.clip(np.searchsorted(us, s, "right") - 1, 0, None)
    inside = (us[k] <= s) & (s < ue[k])
    frac = np.where(length > 0, 1.0 - overlap / np.where(length > 0, length, 1.0), np.where(inside, 0.0, 1.0))
    return np.clip(frac, 0.0, 1.0)


__all__ = ["DEVICE", "SOURCE_PRIORITY", "StepSamples", "source_kind"]
