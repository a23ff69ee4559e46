"""Log validation: good entries are stored, bad ones raise ConfigError with a clear sentence and change nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from loadwatch.config import load_profile
from loadwatch.errors import ConfigError
from loadwatch.logs import log_pain, log_rpe, update_profile
from loadwatch.models import Activity, ParsedFile
from loadwatch.store import Store

TODAY = date(2024, 5, 20)


@pytest.fixture
def two_days(store: Store) -> Store:
    acts = [Activity("running", datetime(2024, 5, 18, 7, tzinfo=UTC), 0, 3600, distance_m=10_000),
            Activity("running", datetime(2024, 5, 19, 7, tzinfo=UTC), 0, 1800, distance_m=5_000),
            Activity("strength", datetime(2024, 5, 19, 18, tzinfo=UTC), 0, 1200)]
    store.write_source(sha256="a", path="x", parsed=ParsedFile("fit", activities=acts), athlete="me", size_bytes=1)
    return store


def _snapshot(store: Store) -> tuple:
    s = store.sessions("me")
    return (list(s["rpe"].fillna(-1)), store.logs("me").to_dict("records"), store.profile("me"))


def test_rpe_by_date_sets_the_session_and_logs_it(two_days: Store) -> None:
    entry = log_rpe(two_days, "me", "2024-05-18", "6.5", today=TODAY)
    sessions = two_days.sessions("me")
    assert entry.session_id == int(sessions["id"].iloc[0]) and entry.day == date(2024, 5, 18)
    assert sessions["rpe"].iloc[0] == 6.5
    logs = two_days.logs("me", "rpe")
    assert logs["payload"].iloc[0] == {"session_id": entry.session_id, "rpe": 6.5}
    assert logs["day"].iloc[0] == date(2024, 5, 18)


def test_rpe_by_id(two_days: Store) -> None:
    sid = int(two_days.sessions("me")["id"].iloc[2])
    assert log_rpe(two_days, "me", str(sid), 4, today=TODAY).day == date(2024, 5, 19)
    assert two_days.sessions("me")["rpe"].iloc[2] == 4


@pytest.mark.parametrize(("ref", "rpe", "message"), [
    ("2024-05-18", "14", "RPE 14 is outside 0-10; loadwatch uses the CR-10 scale (3 easy, 5 hard, 10 maximal),"
                         " not the 6-20 Borg scale"),
    ("2024-05-18", "hard", "RPE 'hard' is not a number; give 0-10 (CR-10 scale: 3 easy, 5 hard, 10 maximal)"),
    ("2024-05-18", "nan", "RPE nan is outside 0-10"),
    ("2024-05-21", "5", "session date 2024-05-21 is in the future (today is 2024-05-20); log only what already"
                        " happened"),
    ("999", "5", "no session with id 999; list them with: loadwatch sessions"),
    ("2024-05-17", "5", "no session on 2024-05-17; list them with: loadwatch sessions"),
    ("18 May", "5", "session date '18 May' is not a date; use YYYY-MM-DD"),
])
def test_bad_rpe_changes_nothing(two_days: Store, ref: str, rpe: str, message: str) -> None:
    before = _snapshot(two_days)
    with pytest.raises(ConfigError) as err:
        log_rpe(two_days, "me", ref, rpe, today=TODAY)
    assert str(err.value).startswith(message)
    assert _snapshot(two_days) == before


def test_two_sessions_on_a_day_ask_for_the_id(two_days: Store) -> None:
    ids = [int(i) for i in two_days.sessions("me")["id"].iloc[1:]]
    before = _snapshot(two_days)
    with pytest.raises(ConfigError) as err:
        log_rpe(two_days, "me", "2024-05-19", "5", today=TODAY)
    assert str(err.value) == (f"2 sessions on 2024-05-19: {ids[0]} (running, 07:00, 30 min); {ids[1]} (strength,"
                              " 18:00, 20 min); give the session id instead of the date")
    assert _snapshot(two_days) == before


def test_pain_is_stored_with_its_payload(store: Store) -> None:
    _, day, payload = log_pain(store, "me", day=None, where="lower", level="4", radiates=True, today=TODAY)
    assert day == TODAY
    logs = store.logs("me", "pain")
    assert logs["payload"].iloc[0] == {"where": "lower", "level": 4, "radiates": True, "numbness": False}
    assert payload == logs["payload"].iloc[0]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"level": "11"}, "pain level 11 is outside 0-10; give a whole number, 0 (none) to 10 (worst)"),
    ({"level": "3.5"}, "pain level 3.5 is outside 0-10"),
    ({"where": "knee"}, "pain location 'knee' is not one of lower, upper, other"),
    ({"day": "2024-06-01"}, "pain date 2024-06-01 is in the future"),
])
def test_bad_pain_changes_nothing(store: Store, kwargs: dict, message: str) -> None:
    args = {"day": None, "where": "lower", "level": "3", **kwargs}
    with pytest.raises(ConfigError) as err:
        log_pain(store, "me", today=TODAY, **args)
    assert str(err.value).startswith(message)
    assert store.logs("me").empty


def test_profile_update_is_checked_whole_before_storing(store: Store) -> None:
    update_profile(store, "me", ["hr_max_bpm=188", "sex=female"])
    assert load_profile(store, "me").hr_max_bpm == 188 and store.profile("me")["sex"] == "female"
    with pytest.raises(ConfigError, match="unknown profile setting 'hrmax'"):
        update_profile(store, "me", ["hr_rest_bpm=48", "hrmax=190"])
    with pytest.raises(ConfigError, match="is not KEY=VALUE"):
        update_profile(store, "me", ["hr_rest_bpm"])
    with pytest.raises(ConfigError, match="hr_rest_bpm: 180 is outside the plausible range"):
        update_profile(store, "me", ["hr_rest_bpm=180"])
    update_profile(store, "me", ["hr_max_bpm=125"])
    with pytest.raises(ConfigError, match="hr_max_bpm 125 must be well above hr_rest_bpm 110"):
        update_profile(store, "me", ["hr_rest_bpm=110"])
    update_profile(store, "me", ["hr_max_bpm=188"])
    assert store.profile("me") == {"hr_max_bpm": "188.0", "sex": "female"}  # the bad calls stored nothing
    update_profile(store, "me", ["hr_max_bpm=none"])
    assert store.profile("me") == {"sex": "female"}
