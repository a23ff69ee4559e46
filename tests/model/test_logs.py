"""Log validation: good entries are stored, bad ones raise ConfigError with a clear sentence and change nothing."""

from __future__ import annotations

from datetime import date

import pytest

from loadwatch import api
from loadwatch.errors import ConfigError
from loadwatch.model.logs import check_pain, check_rpe, parse_day, resolve_session
from loadwatch.models import PainEntry, RpeEntry
from loadwatch.store import Store
from tests.helpers import run_on, write

TODAY = date(2024, 5, 20)


@pytest.fixture
def two_days(store: Store) -> Store:
    write(store, [run_on(date(2024, 5, 18), km=10, minutes=60), run_on(date(2024, 5, 19), km=5, minutes=30),
                  run_on(date(2024, 5, 19), km=None, minutes=20, sport="strength", hour=18)])
    return store


def _snapshot(store: Store) -> tuple:
    s = store.sessions("me")
    return (list(s["rpe"].fillna(-1)), store.logs("me").to_dict("records"), store.profile("me"))


def test_rpe_by_date_sets_the_session_and_logs_it(two_days: Store) -> None:
    entry = api.log_rpe(two_days, "me", "2024-05-18", "6.5", today=TODAY)
    sessions = two_days.sessions("me")
    assert entry == RpeEntry(int(sessions["id"].iloc[0]), date(2024, 5, 18), 6.5)
    assert sessions["rpe"].iloc[0] == 6.5
    logs = two_days.logs("me", "rpe")
    assert logs["payload"].iloc[0] == {"session_id": entry.session_id, "rpe": 6.5}
    assert logs["day"].iloc[0] == date(2024, 5, 18)


def test_rpe_by_id(two_days: Store) -> None:
    sid = int(two_days.sessions("me")["id"].iloc[2])
    assert api.log_rpe(two_days, "me", str(sid), 4, today=TODAY).day == date(2024, 5, 19)
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
        api.log_rpe(two_days, "me", ref, rpe, today=TODAY)
    assert str(err.value).startswith(message)
    assert _snapshot(two_days) == before


def test_two_sessions_on_a_day_ask_for_the_id(two_days: Store) -> None:
    ids = [int(i) for i in two_days.sessions("me")["id"].iloc[1:]]
    before = _snapshot(two_days)
    with pytest.raises(ConfigError) as err:
        api.log_rpe(two_days, "me", "2024-05-19", "5", today=TODAY)
    assert str(err.value) == (f"2 sessions on 2024-05-19: {ids[0]} (running, 07:00, 30 min); {ids[1]} (strength,"
                              " 18:00, 20 min); give the session id instead of the date")
    assert _snapshot(two_days) == before


def test_pain_is_stored_with_its_payload(store: Store) -> None:
    entry = api.log_pain(store, "me", day=None, where="lower", level="4", radiates=True, today=TODAY)
    logs = store.logs("me", "pain")
    assert logs["payload"].iloc[0] == {"where": "lower", "level": 4, "radiates": True, "numbness": False}
    assert logs["day"].iloc[0] == TODAY
    # the entry says what was stored, and the red flag of its episode (pain into a leg)
    assert entry == PainEntry(int(logs["id"].iloc[0]), TODAY, "lower", 4, True, False, ("pain spreading into a leg",))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"level": "11"}, "pain level 11 is outside 0-10; give a whole number, 0 (none) to 10 (worst)"),
    ({"level": "3.5"}, "pain level 3.5 is outside 0-10"),
    ({"where": "knee"}, "pain location 'knee' is not one of lower, upper, other"),
    ({"day": "2024-06-01"}, "pain date 2024-06-01 is in the future"),
])
def test_bad_pain_changes_nothing(store: Store, kwargs: dict, message: str) -> None:
    args = {"day": None, "where": "lower", "level": "3", **kwargs}
    with pytest.raises(ConfigError) as err:
        api.log_pain(store, "me", today=TODAY, **args)
    assert str(err.value).startswith(message)
    assert store.logs("me").empty


def test_profile_update_is_checked_whole_before_storing(store: Store) -> None:
    api.set_profile(store, "me", ["hr_max_bpm=188", "sex=female"])
    assert api.profile(store, "me").profile.hr_max_bpm == 188 and store.profile("me")["sex"] == "female"
    with pytest.raises(ConfigError, match="unknown profile setting 'hrmax'"):
        api.set_profile(store, "me", ["hr_rest_bpm=48", "hrmax=190"])
    with pytest.raises(ConfigError, match="is not KEY=VALUE"):
        api.set_profile(store, "me", ["hr_rest_bpm"])
    with pytest.raises(ConfigError, match="hr_rest_bpm: 180 is outside the plausible range"):
        api.set_profile(store, "me", ["hr_rest_bpm=180"])
    api.set_profile(store, "me", ["hr_max_bpm=125"])
    with pytest.raises(ConfigError, match="hr_max_bpm 125 must be well above hr_rest_bpm 110"):
        api.set_profile(store, "me", ["hr_rest_bpm=110"])
    api.set_profile(store, "me", ["hr_max_bpm=188"])
    assert store.profile("me") == {"hr_max_bpm": "188.0", "sex": "female"}  # the bad calls stored nothing
    api.set_profile(store, "me", ["hr_max_bpm=none"])
    assert store.profile("me") == {"sex": "female"}


def test_the_checks_are_pure_and_store_nothing(two_days: Store) -> None:
    # the model's checks on their own: values and frames in, a value out, nothing written
    before = _snapshot(two_days)
    sessions = two_days.sessions("me")
    assert check_rpe("6.5") == 6.5 and check_rpe(0) == 0.0 and check_rpe("10") == 10.0  # the ends of CR-10
    with pytest.raises(ConfigError, match=r"RPE 10\.5 is outside 0-10"):
        check_rpe("10.5")
    assert parse_day("2024-05-20", today=TODAY) == TODAY  # today is not the future
    assert resolve_session(sessions, "2024-05-18", today=TODAY) == (int(sessions["id"].iloc[0]), date(2024, 5, 18))
    assert check_pain(day="2024-05-19", where="upper", level="0", radiates=False, numbness=True, today=TODAY) == (
        date(2024, 5, 19), {"where": "upper", "level": 0, "radiates": False, "numbness": True})
    assert _snapshot(two_days) == before
