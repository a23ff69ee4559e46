"""The exercise catalog, the progression through a logged history, and the weekly schedule."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from loadwatch.errors import ConfigError
from loadwatch.model.strength import (
    flexibility,
    load_catalog,
    parse_dose,
    progression,
    schedule,
    strength_payload,
)
from loadwatch.models import StrengthChange

D0 = date(2024, 3, 4)


def logs(*entries: tuple[int, str, str, bool]) -> pd.DataFrame:
    """(day offset, exercise id, SETSxREPS, pain) -> a logs frame like Store.logs()."""
    cat = load_catalog()
    rows = [
        {"id": i, "day": D0 + timedelta(days=off), "kind": "strength",
         "payload": strength_payload(cat[ex], dose, pain=pain)}
        for i, (off, ex, dose, pain) in enumerate(entries)
    ]
    return pd.DataFrame(rows, columns=["id", "day", "kind", "payload"])


def session_ids(state) -> list[str]:
    return [p.exercise.id for p in state.session]


def test_catalog_is_complete_and_consistent() -> None:
    cat = load_catalog()
    assert cat.progression[:4] == ("superman", "dead_bug", "single_leg_balance_reach", "high_plank_leg_lifts")
    assert len(cat.progression) == 12 and cat.progression[-1] == "single_leg_jump_squats"
    for required in ("plank", "side_plank", "glute_bridge", "bicycle_crunch", "lunges", "push_ups_knees",
                     "kettlebell_deadlift", "locust", "ball_back_extension", "ball_reverse_leg_raise",
                     "spiderman", "wall_lateral_pulldown", "single_leg_v_ups", "cat_cow", "figure_four",
                     "supine_twist", "hamstring_stretch", "hip_flexor_stretch"):
        assert required in cat.exercises
    for ex in cat.exercises.values():
        assert 2 <= len(ex.cues) <= 4, ex.id
        assert ex.dose_kind in ("reps", "hold_s") and ex.dose_min <= ex.dose_max
        assert set(ex.back) <= {"lower", "upper"} and ex.muscles
    for held in ("plank", "side_plank", "locust"):
        assert cat[held].dose_kind == "hold_s"
    assert cat["spiderman"].not_before_run and cat["v_ups"].not_before_run
    assert not cat["superman"].not_before_run
    assert cat["v_ups"].easier == "single_leg_v_ups"
    assert "upper" in cat["wall_lateral_pulldown"].back
    # the ladder is linked both ways
    for easy, hard in zip(cat.progression, cat.progression[1:], strict=False):
        assert cat[easy].harder == hard or cat[cat[easy].harder].harder == hard


def test_find_suggests_the_closest_names() -> None:
    cat = load_catalog()
    assert cat.find("Beetle (dead bug)").id == "dead_bug"
    assert cat.find("bird-dog").id == "bird_dog"
    with pytest.raises(ConfigError) as err:
        cat.find("supermann")
    assert str(err.value) == "unknown exercise 'supermann'; did you mean superman, spiderman, superman_pull?"
    with pytest.raises(ConfigError, match="see the catalog"):
        cat.find("zzzzqqq")


@pytest.mark.parametrize(("text", "parsed"), [
    ("3x12", (3, 12, None)), ("3X10", (3, 10, None)), ("2 x 8", (2, 8, None)), ("3x30s", (3, None, 30)),
    ("3x45sec", (3, None, 45)),
])
def test_parse_dose(text: str, parsed: tuple) -> None:
    assert parse_dose(text) == parsed


@pytest.mark.parametrize(("text", "message"), [
    ("3by12", "is not SETSxREPS"), ("12", "is not SETSxREPS"), ("x12", "is not SETSxREPS"),
    ("0x12", "sets must be 1 to 10"), ("3x0", "reps must be 1 to 100"), ("3x900s", "a hold must be 1 to 600"),
    ("3x-2", "is not SETSxREPS"), ("", "is not SETSxREPS"),
])
def test_parse_dose_rejects_bad_input(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_dose(text)


def test_payload_with_rpe_carries_the_srpe_load() -> None:
    cat = load_catalog()
    payload = strength_payload(cat["plank"], "3x30s", rpe=5, minutes=20)
    # Foster 2001: session-RPE load = RPE x minutes = 5 x 20 = 100
    assert payload == {"exercise": "plank", "sets": 3, "hold_s": 30, "pain": False, "rpe": 5.0,
                       "minutes": 20.0, "load_srpe": 100.0}
    with pytest.raises(ConfigError, match="--minutes"):
        strength_payload(cat["plank"], "3x30s", rpe=5)
    with pytest.raises(ConfigError, match="CR-10"):
        strength_payload(cat["plank"], "3x30s", rpe=11, minutes=20)


def test_a_new_athlete_starts_with_the_first_four_at_three_by_eight() -> None:
    state = progression(pd.DataFrame(columns=["id", "day", "kind", "payload"]))
    assert session_ids(state) == ["superman", "dead_bug", "single_leg_balance_reach", "high_plank_leg_lifts"]
    assert [(p.sets, p.reps) for p in state.session] == [(3, 8)] * 4
    assert state.session[2].dose_text() == "3 x 8 each side"
    assert state.changes == []


def test_reps_rise_by_two_a_session_up_to_twelve() -> None:
    state = progression(logs((0, "superman", "3x8", False), (2, "dead_bug", "3x12", False)))
    doses = {p.exercise.id: p.reps for p in state.session}
    assert doses["superman"] == 10 and doses["dead_bug"] == 12 and doses["high_plank_leg_lifts"] == 8


def test_three_by_twelve_twice_moves_on_to_the_next_harder_exercise() -> None:
    once = progression(logs((0, "superman", "3x12", False)))
    assert "superman" in session_ids(once)
    same_day = progression(logs((0, "superman", "3x12", False), (0, "superman", "3x12", False)))
    assert "superman" in session_ids(same_day)  # two sessions means two days
    twice = progression(logs((0, "superman", "3x12", False), (3, "superman", "3x12", False)))
    # superman's harder neighbours dead_bug, balance & reach and leg lifts are already in the session:
    # the next one up the ladder is the single-leg bridge, in superman's slot, starting at 3 x 8
    assert session_ids(twice) == ["single_leg_bridge", "dead_bug", "single_leg_balance_reach",
                                  "high_plank_leg_lifts"]
    assert twice.session[0].reps == 8 and twice.session[0].note == "new: slowly, without pain"
    assert twice.changes == [StrengthChange(date(2024, 3, 7), "Superman", "harder", "Single-leg bridge", "3x12")]
    assert str(twice.changes[0]) == "2024-03-07: Superman done at 3x12 without pain twice, on to Single-leg bridge"
    not_full = progression(logs((0, "superman", "2x12", False), (3, "superman", "3x11", False)))
    assert "superman" in session_ids(not_full)


def test_an_exercise_that_hurt_goes_back_to_its_easier_neighbour() -> None:
    history = logs(
        (0, "superman", "3x12", False), (3, "superman", "3x12", False),  # -> single-leg bridge
        (7, "single_leg_balance_reach", "3x10", True),  # hurt: easier is single-leg balance (a hold)
        (7, "dead_bug", "3x12", True),  # hurt: easier is superman, free again
    )
    state = progression(history)
    assert session_ids(state) == ["single_leg_bridge", "superman", "single_leg_balance", "high_plank_leg_lifts"]
    balance = state.session[2]
    assert balance.hold_s == 20 and balance.reps is None and balance.dose_text() == "3 x 20 s hold each side"
    assert [str(c) for c in state.changes[-2:]] == [
        "2024-03-11: Single-leg balance & reach hurt, back to Single-leg balance",
        "2024-03-11: Beetle (dead bug) hurt, back to Superman"]
    assert [c.kind for c in state.changes] == ["harder", "easier", "easier"]


def test_pain_in_the_easiest_exercise_keeps_it_at_the_lowest_dose() -> None:
    state = progression(logs((0, "superman", "3x10", True)))
    assert session_ids(state)[0] == "superman"
    assert state.session[0].reps == 8 and "hurt" in state.session[0].note
    assert state.changes == [StrengthChange(D0, "Superman", "stuck")]
    assert "no easier exercise left" in str(state.changes[0])


def test_pain_resets_the_count_toward_moving_on() -> None:
    history = [(0, "superman", "3x12", False), (2, "superman", "3x12", True), (4, "superman", "3x12", False)]
    state = progression(logs(*history))
    assert "superman" in session_ids(state)
    # the pain on day 2 was seen (superman is the easiest: nothing easier, it stays) and restarted the count
    assert state.changes == [StrengthChange(D0 + timedelta(days=2), "Superman", "stuck")]
    # day 4's pain-free 3x12 sets the next dose: 12 + 2, held at the top of the range (12), not the start (8)
    assert state.session[0].reps == 12 and state.session[0].note == ""
    # the same three sessions without the pain: the second 3x12 (day 2) moves superman on
    free = progression(logs(*[(day, ex, dose, False) for day, ex, dose, _ in history]))
    assert session_ids(free)[0] == "single_leg_bridge"
    assert free.changes == [StrengthChange(D0 + timedelta(days=2), "Superman", "harder", "Single-leg bridge", "3x12")]


def test_logs_after_as_of_are_ignored() -> None:
    history = logs((0, "superman", "3x12", False), (3, "superman", "3x12", False))
    before = progression(history, as_of=D0 + timedelta(days=2))
    assert "superman" in session_ids(before) and before.changes == []
    # the log on or before as_of still counts: after day 0's 3x12 the next dose is the top, 12, not the start, 8
    assert before.session[0].reps == 12 and before.session[0].note == ""
    # as_of is inclusive: on day 3 the second 3x12 is seen and superman moves on
    on_the_day = progression(history, as_of=D0 + timedelta(days=3))
    assert session_ids(on_the_day)[0] == "single_leg_bridge"


def test_upper_back_pain_adds_pulldowns_superman_pull_and_a_form_cue() -> None:
    state = progression(logs(), upper_back=True)
    assert session_ids(state)[4:] == ["wall_lateral_pulldown", "superman_pull"]
    assert state.notes == [load_catalog().upper_back_cue]
    assert "head" in state.notes[0] and "arms" in state.notes[0]


def test_flexibility_is_gentle() -> None:
    stretches = flexibility()
    assert [p.exercise.id for p in stretches] == ["cat_cow", "figure_four", "supine_twist", "hamstring_stretch",
                                                  "hip_flexor_stretch"]
    assert all(p.note == "gently, any time" for p in stretches)


@pytest.mark.parametrize(("kinds", "last", "days"), [
    # rest days first, 48 h apart, evenly spread (3-4 days)
    (["easy", "rest", "easy", "rest", "easy", "rest", "long"], None, [1, 3]),
    (["rest"] * 7, None, [0, 3]),
    # a session yesterday: not on day 0
    (["rest"] * 7, -1, [1, 4]),
    # never the day before the long run (day 5 here), easy days when there is no rest day
    (["easy", "easy", "easy", "easy", "easy", "easy", "long"], None, [0, 3]),
    (["easy", "long", "easy", "easy", "easy", "rest", "long"], None, [2, 4]),
    # no room at all
    (["long", "long", "long", "rest", "long", "long", "long"], None, []),
    (["rest", "rest", "long", "long", "long", "long", "long"], None, [0]),
])
def test_schedule(kinds: list[str], last: int | None, days: list[int]) -> None:
    assert schedule(kinds, last_session_offset=last) == days
