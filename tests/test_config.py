"""Profile settings: parsed from text, checked, and read back from the store."""

from __future__ import annotations

import pytest

from loadwatch.config import Profile, load_profile
from loadwatch.errors import ConfigError
from loadwatch.store import Store


def test_values_are_parsed_to_their_types() -> None:
    p = Profile().with_values({"hr_max_bpm": "188", "birth_year": "1962", "sex": "female", "form_low": "-25"})
    assert (p.hr_max_bpm, p.birth_year, p.sex, p.form_low) == (188.0, 1962, "female", -25.0)


@pytest.mark.parametrize(
    ("key", "raw", "match"),
    [("hr_max", "190", "unknown profile setting"), ("margin", "-0.1", "positive"), ("sex", "x", "male or female"),
     ("hr_rest_bpm", "fast", "not valid"), ("margin", "", "needs a value")],
)
def test_bad_values_are_refused_with_a_reason(key: str, raw: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        Profile().with_values({key: raw})


def test_profile_reads_stored_values_over_defaults(store: Store) -> None:
    store.set_profile("me", "margin", 0.2)
    store.set_profile("other", "margin", 0.05)
    assert load_profile(store, "me").margin == 0.2
    assert load_profile(store, "nobody").margin == Profile().margin
