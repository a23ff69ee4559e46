"""A short fuzz run in the normal suite: mutated and truncated real files through `import_paths`.

Each case must end in loadwatch's own errors (a `failed` result with a one-line reason) or a
whole import; never a reader exception ("please report this file"), a runaway parse, or part of
a file stored. The long run is `python -m tests.system.fuzz.run --minutes N` (from the repository root);
see tests/system/fuzz/fuzzlib.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loadwatch.ingest import import_paths
from loadwatch.store import Store
from tests.helpers import DATA
from tests.system.fuzz import fuzzlib

SEEDS = fuzzlib.seeds()
KINDS = sorted([*fuzzlib.SEED_FILES, "zip", "gz"])  # the zip and the .gz are built from the FIT and GPX seeds
EXAMPLES = 60  # per kind: 8 kinds x 60 = 480 cases in a normal run

ops = st.lists(
    st.tuples(st.sampled_from(fuzzlib.OPS), st.floats(0, 1, allow_nan=False), st.integers(1, 64),
              st.integers(0, 255)),
    min_size=1, max_size=4,
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def test_every_seed_file_is_in_tests_data():
    """`fuzzlib.seeds` leaves out a seed file that is missing; a renamed data file must not shrink the fuzz quietly."""
    listed = [rel for rels in fuzzlib.SEED_FILES.values() for rel in rels]
    assert [rel for rel in listed if not (DATA / rel).is_file()] == []
    assert sorted(SEEDS) == KINDS
    assert sum(len(seeds) for seeds in SEEDS.values()) == len(listed) + 2  # + the zip and the .gz


@pytest.mark.parametrize("kind", KINDS)
def test_mutated_files_fail_cleanly(kind, workdir):
    seeds = SEEDS[kind]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(st.sampled_from(range(len(seeds))), ops)
    def case(index: int, mutations: list[fuzzlib.Op]) -> None:
        name, data = seeds[index]
        failure = fuzzlib.check_case(name, fuzzlib.mutate(data, mutations), workdir)
        assert failure is None, f"{name} with {mutations}: {failure}"

    case()


def test_unmutated_seeds_import(workdir):
    """The seeds themselves are good files: the fuzz starts from real, importable data."""
    for kind, seeds in SEEDS.items():
        for name, data in seeds:
            assert fuzzlib.check_case(name, data, workdir) is None, (kind, name)
            with Store(":memory:") as store:
                result = import_paths(store, [workdir / name], workers=1,  # the FR70 seed's clock was never set
                                      options={"clock_date": date(2012, 2, 13)})
            assert [f.error for f in result.files if f.status == "failed"] == [], (kind, name)


# Found by the long run (tests/system/fuzz/run.py --seed 7, 5 min): a mutated field definition gave the FIT
# file_id `product_name` a numeric base type, and device_name() called .strip() on an int/float
# (AttributeError). Fixed in device_name (now loadwatch/importers/fit/messages.py); kept here as regressions.
REGRESSIONS = [
    ("2015-10-13-08-43-15.fit", [("insert", 0.8993234097053665, 15, 53), ("insert", 0.005284374157936145, 13, 8),
                                 ("set", 0.987929332305348, 32, 214), ("insert", 0.12570637512631688, 60, 42),
                                 ("delete", 0.006388685985576292, 21, 2)]),
    ("garmin-fenix-5-run.fit", [("flip", 0.1079916547614429, 16, 108), ("delete", 0.5634798362394149, 6, 122),
                                ("cut", 0.1821946998870816, 35, 42), ("flip", 0.037084001648512555, 17, 155)]),
]


@pytest.mark.parametrize(("name", "mutations"), REGRESSIONS, ids=[r[0] for r in REGRESSIONS])
def test_fuzz_regressions(name, mutations, workdir):
    data = dict(SEEDS["fit"])[name]
    assert fuzzlib.check_case(name, fuzzlib.mutate(data, mutations), workdir) is None


@pytest.mark.parametrize(("data", "ops", "expected"), [
    (b"abcdef", [("cut", 0.5, 1, 0)], b"abc"),
    (b"abcdef", [("delete", 0.0, 2, 0)], b"cdef"),
    (b"ab", [("insert", 0.5, 3, 0x41)], b"aAAAb"),
    (b"abcd", [("dup", 0.5, 1, 0)], b"abcdcd"),
    (b"\x00", [("flip", 0.0, 1, 3)], b"\x08"),
    (b"xyz", [("set", 0.0, 1, 1)], b"\xffyz"),
])
def test_mutate(data, ops, expected):
    assert fuzzlib.mutate(data, ops) == expected
