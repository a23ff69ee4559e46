"""Profile settings: parsed from text, checked, and read back from the store."""

from __future__ import annotations

import pytest

from loadwatch import api
from loadwatch.config import Profile
from loadwatch.errors import ConfigError
from loadwatch.store import Store


def test_values_are_parsed_to_their_types() -> None:
    p = Profile().with_values({"hr_max_bpm": "188", "birth_year": "1962", "sex": "female", "form_low": "-25"})
    assert (p.hr_max_bpm, p.birth_year, p.sex, p.form_low) == (188.0, 1962, "female", -25.0)


@pytest.mark.parametrize(
    ("key", "raw", "match"),
    [("hr_max", "190", "unknown profile setting"), ("margin", "-0.1", "positive"), ("sex", "x", "male or female"),
     ("hr_rest_bpm", "fast", "not valid"), ("margin", "", "needs a value"),
     ("hr_max_bpm", "250", "plausible range 120 to 230"), ("margin", "10", "plausible range"),
     ("birth_year", "1850", "plausible range")],
)
def test_bad_values_are_refused_with_a_reason(key: str, raw: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        Profile().with_values({key: raw})


def test_every_default_is_inside_its_own_range() -> None:
    from dataclasses import asdict

    from loadwatch.config import RANGES

    for key, value in asdict(Profile()).items():
        if value is not None and key in RANGES:
            low, high = RANGES[key]
            assert low <= value <= high, key


def test_profile_reads_stored_values_over_defaults(store: Store) -> None:
    store.set_profile("me", {"margin": 0.2})
    store.set_profile("other", {"margin": 0.05})
    assert api.profile(store, "me").profile.margin == 0.2
    assert api.profile(store, "nobody").profile.margin == Profile().margin
