"""A short, fixed run of the structure-aware FIT fuzz (tests/system/fuzz/fit_mutations.py) in the suite.

The long run is `python -m tests.system.fuzz.fit_mutations --minutes N` from the repository root.
"""

from __future__ import annotations

import random

import pytest

from tests.system.fuzz import fit_mutations as fm

CASES = 120  # ~10 s: small seeds only, the long run takes them all
SMALL = fm.seed_files(limit=60_000)


def test_there_are_seeds() -> None:
    assert len(SMALL) >= 10


@pytest.mark.parametrize("block", range(4))
def test_structural_mutants_end_in_loadwatch_errors_or_plausible_data(block: int) -> None:
    rng = random.Random(1000 + block)
    failures = []
    for _ in range(CASES // 4):
        seed = rng.choice(SMALL)
        data = seed.read_bytes()
        recipe = fm.random_recipe(rng, data)
        finding = fm.check(fm.apply(data, recipe))
        if finding is not None:
            failures.append((seed.name, recipe, finding))
    assert failures == []
