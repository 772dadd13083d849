from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mend.exercises.dosage import (
    GET_READY_SECONDS,
    SIDE_LABELS,
    SWITCH_SIDES_SECONDS,
    Dosage,
    DosageError,
    Load,
    LoadKind,
    PainRule,
    Sides,
    Step,
    StepKind,
    Timing,
    tempo_explained,
    total_seconds,
)

AROUND_RUNS = frozenset({Timing.BEFORE_ACTIVITY, Timing.DURING_ACTIVITY, Timing.AFTER_ACTIVITY})


def seed_stretch() -> Dosage:
    return Dosage(
        hold_s=30,
        hold_max_s=60,
        sides=Sides.EACH,
        side_label="leg",
        hold_movement="turn the leg in and out",
        timing=AROUND_RUNS,
        activity_label="runs",
    )


def alfredson() -> Dosage:
    return Dosage(
        sets=3,
        reps=15,
        times_per_day=2,
        days_per_week=7,
        weeks=12,
        progression="Add 5 kg in a backpack once the exercise is pain-free.",
    )


def heavy_slow_resistance() -> Dosage:
    return Dosage(sets=4, rm_target=8, tempo="3-0-3-0", rest_s=120, rest_max_s=180, days_per_week=3)


def isometric_holds() -> Dosage:
    return Dosage(sets=5, hold_s=45, rest_s=120)


def kinds(steps: tuple[Step, ...]) -> list[str]:
    return [step.kind.value for step in steps]


# The four programs from DOMAIN.md section 3


def test_seed_stretch_describes_the_blog_dosage() -> None:
    assert seed_stretch().describe() == (
        "Hold 30–60 s · each leg · turn the leg in and out while holding"
        " · before, during and after runs"
    )


def test_seed_stretch_timer_uses_the_shortest_hold_on_each_leg() -> None:
    steps = seed_stretch().timeline()

    assert kinds(steps) == ["get_ready", "hold", "switch_sides", "hold", "done"]
    assert [step.seconds for step in steps] == [5, 30, 5, 30, None]
    assert [step.side for step in steps] == [None, "left", None, "right", None]
    assert steps[1].label == "Hold · left leg · turn the leg in and out"
    assert steps[2].label == "Switch to the right leg"


def test_alfredson_describes_sets_frequency_and_length() -> None:
    assert alfredson().describe() == "3 × 15 · twice a day · 7 days a week · 12 weeks"


def test_alfredson_reps_and_rests_wait_for_a_tap_without_a_tempo() -> None:
    steps = alfredson().timeline()

    assert kinds(steps) == ["get_ready", "reps", "rest", "reps", "rest", "reps", "done"]
    assert [step.set_number for step in steps] == [None, 1, 1, 2, 2, 3, None]
    assert steps[1].label == "15 reps"
    assert steps[1].seconds is None
    assert steps[2].seconds is None
    assert total_seconds(steps) == GET_READY_SECONDS


def test_heavy_slow_resistance_describes_rm_tempo_and_rest_range() -> None:
    assert heavy_slow_resistance().describe() == (
        "4 × 8RM · tempo 3-0-3-0 · rest 2–3 min · 3 days a week"
    )


def test_heavy_slow_resistance_with_one_rest_value() -> None:
    dosage = Dosage(sets=4, rm_target=8, tempo="3-0-3-0", rest_s=120, days_per_week=3)

    assert dosage.describe() == "4 × 8RM · tempo 3-0-3-0 · rest 2 min · 3 days a week"


def test_heavy_slow_resistance_estimates_each_set_from_the_tempo() -> None:
    steps = heavy_slow_resistance().timeline()

    reps = [step for step in steps if step.kind is StepKind.REPS]
    rests = [step for step in steps if step.kind is StepKind.REST]
    assert [step.seconds for step in reps] == [8 * 6] * 4
    assert reps[0].label == "8 reps at your 8-rep max"
    assert [step.seconds for step in rests] == [120] * 3  # the lower bound of 2–3 min
    assert total_seconds(steps) == 5 + 4 * 48 + 3 * 120


def test_isometric_holds() -> None:
    dosage = isometric_holds()
    steps = dosage.timeline()

    assert dosage.describe() == "Hold 45 s · 5 sets · rest 2 min"
    assert kinds(steps) == ["get_ready"] + ["hold", "rest"] * 4 + ["hold", "done"]
    assert total_seconds(steps) == 5 + 5 * 45 + 4 * 120


def test_hold_each_side_for_two_sets_matches_the_player_script() -> None:
    steps = Dosage(sets=2, hold_s=30, sides=Sides.EACH, rest_s=30).timeline()

    assert [(step.kind.value, step.seconds, step.set_number, step.side) for step in steps] == [
        ("get_ready", 5, None, None),
        ("hold", 30, 1, "left"),
        ("switch_sides", 5, 1, None),
        ("hold", 30, 1, "right"),
        ("rest", 30, 1, None),
        ("hold", 30, 2, "left"),
        ("switch_sides", 5, 2, None),
        ("hold", 30, 2, "right"),
        ("done", None, None, None),
    ]


# describe()


@pytest.mark.parametrize(
    ("dosage", "expected"),
    [
        (Dosage(sets=1, hold_s=30), "Hold 30 s · 1 set"),
        (Dosage(sets=2, hold_s=120), "Hold 2 min · 2 sets"),
        (Dosage(hold_s=90), "Hold 90 s"),
        (Dosage(reps=1), "1 rep"),
        (Dosage(reps=12), "12 reps"),
        (Dosage(rm_target=6), "6RM"),
        (Dosage(sets=1, reps=10), "1 × 10"),
        (Dosage(sets=3, reps=10, hold_s=5), "3 × 10 · hold 5 s each rep"),
        (Dosage(reps=10, times_per_day=1), "10 reps · once a day"),
        (Dosage(reps=10, times_per_day=3), "10 reps · 3 times a day"),
        (Dosage(reps=10, days_per_week=1, weeks=1), "10 reps · 1 day a week · 1 week"),
        (Dosage(sets=3, reps=10, rest_s=0), "3 × 10 · no rest between sets"),
        (Dosage(sets=3, reps=10, rest_s=45, rest_max_s=90), "3 × 10 · rest 45–90 s"),
    ],
)
def test_describe_wording(dosage: Dosage, expected: str) -> None:
    assert dosage.describe() == expected


@pytest.mark.parametrize(
    ("sides", "label", "expected"),
    [
        (Sides.NONE, "leg", "10 reps"),
        (Sides.EACH, "arm", "10 reps · each arm"),
        (Sides.LEFT, "leg", "10 reps · left leg only"),
        (Sides.RIGHT, "side", "10 reps · right side only"),
        (Sides.ALTERNATING, "leg", "10 reps · alternating legs"),
        (Sides.ALTERNATING, "foot", "10 reps · alternating feet"),
    ],
)
def test_describe_sides(sides: Sides, label: str, expected: str) -> None:
    assert Dosage(reps=10, sides=sides, side_label=label).describe() == expected


@pytest.mark.parametrize(
    ("timing", "expected"),
    [
        ({Timing.AFTER_ACTIVITY}, "Hold 30 s · after activity"),
        ({Timing.BEFORE_ACTIVITY, Timing.AFTER_ACTIVITY}, "Hold 30 s · before and after activity"),
        ({Timing.EVENING}, "Hold 30 s · in the evening"),
        (
            {Timing.MORNING, Timing.EVENING, Timing.DURING_ACTIVITY},
            "Hold 30 s · during activity · in the morning and evening",
        ),
    ],
)
def test_describe_timing(timing: set[Timing], expected: str) -> None:
    assert Dosage(hold_s=30, timing=frozenset(timing)).describe() == expected


@pytest.mark.parametrize(
    ("load", "expected"),
    [
        (Load(LoadKind.BODYWEIGHT), "bodyweight"),
        (Load(LoadKind.KG, 5), "5 kg"),
        (Load(LoadKind.KG, 2.5), "2.5 kg"),
        (Load(LoadKind.LB, 10), "10 lb"),
        (Load(LoadKind.BAND, "red"), "red band"),
        (Load(LoadKind.RPE, 7.5), "RPE 7.5"),
    ],
)
def test_describe_load(load: Load, expected: str) -> None:
    assert Dosage(sets=3, reps=10, load=load).describe() == f"3 × 10 · {expected}"


def test_tempo_explained_states_the_convention() -> None:
    assert tempo_explained("3-0-3-0") == "3 s lowering, no pause, 3 s lifting, no pause"
    assert tempo_explained("4-1-X-2") == "4 s lowering, 1 s pause, explosive lifting, 2 s pause"


def test_tempo_explained_rejects_a_bad_tempo() -> None:
    with pytest.raises(DosageError) as caught:
        tempo_explained("slow")
    assert set(caught.value.errors) == {"tempo"}


# timeline()


def test_rest_zero_goes_straight_to_the_next_set() -> None:
    steps = Dosage(sets=3, reps=10, rest_s=0).timeline()

    assert kinds(steps) == ["get_ready", "reps", "reps", "reps", "done"]


def test_pauses_are_keyword_arguments_and_zero_drops_the_step() -> None:
    dosage = Dosage(sets=2, hold_s=20, sides=Sides.EACH, rest_s=10)

    steps = dosage.timeline(get_ready_s=0, switch_s=0)

    assert kinds(steps) == ["hold", "hold", "rest", "hold", "hold", "done"]
    longer = dosage.timeline(get_ready_s=10, switch_s=8)
    assert total_seconds(longer) == 10 + 2 * (20 + 8 + 20) + 10


@pytest.mark.parametrize("value", [-1, 601, True, 2.5, "5", None])
def test_bad_pause_raises_dosage_error(value: Any) -> None:
    with pytest.raises(DosageError) as caught:
        Dosage(hold_s=30).timeline(get_ready_s=value)
    assert set(caught.value.errors) == {"get_ready_s"}


def test_reps_with_a_hold_time_every_rep() -> None:
    steps = Dosage(sets=1, reps=3, hold_s=5, sides=Sides.LEFT, side_label="leg").timeline()

    holds = [step for step in steps if step.kind is StepKind.HOLD]
    assert [step.rep_number for step in holds] == [1, 2, 3]
    assert holds[2].label == "Hold · left leg · rep 3 of 3"
    assert {step.side for step in holds} == {"left"}


def test_alternating_holds_swap_side_every_rep_without_a_switch_pause() -> None:
    steps = Dosage(reps=2, hold_s=10, sides=Sides.ALTERNATING).timeline()

    assert kinds(steps) == ["get_ready", "hold", "hold", "hold", "hold", "done"]
    assert [step.side for step in steps[1:-1]] == ["left", "right", "left", "right"]


def test_alternating_reps_count_per_side() -> None:
    dosage = Dosage(reps=10, tempo="2-0-2-0", sides=Sides.ALTERNATING, side_label="leg")

    (reps,) = [step for step in dosage.timeline() if step.kind is StepKind.REPS]

    assert reps.label == "10 reps · alternating legs"
    assert reps.seconds == 2 * 10 * 4


# Validation messages, one field at a time


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"hold_s": 60, "hold_max_s": 30},
            "hold_max_s",
            "The shortest hold must not be longer than the longest.",
        ),
        ({"hold_max_s": 30, "reps": 5}, "hold_s", "Give the shortest hold as well as the longest."),
        ({"hold_s": 601}, "hold_s", "The hold must be a whole number of seconds from 1 to 600."),
        ({"hold_s": 0}, "hold_s", "The hold must be a whole number of seconds from 1 to 600."),
        ({"sets": 21, "reps": 5}, "sets", "Sets must be a whole number from 1 to 20."),
        ({"reps": 201}, "reps", "Reps must be a whole number from 1 to 200."),
        ({"reps": 0}, "reps", "Reps must be a whole number from 1 to 200."),
        (
            {"sets": 2, "reps": 5, "rest_s": 901},
            "rest_s",
            "Rest must be a whole number of seconds from 0 to 900.",
        ),
        (
            {"sets": 2, "reps": 5, "rest_s": 90, "rest_max_s": 60},
            "rest_max_s",
            "The shortest rest must not be longer than the longest.",
        ),
        ({"reps": 5, "rest_s": 60}, "rest_s", "Rest between sets needs at least 2 sets."),
        (
            {"reps": 5, "times_per_day": 11},
            "times_per_day",
            "Times a day must be a whole number from 1 to 10.",
        ),
        (
            {"reps": 5, "days_per_week": 0},
            "days_per_week",
            "Days a week must be a whole number from 1 to 7.",
        ),
        (
            {"reps": 5, "days_per_week": 8},
            "days_per_week",
            "Days a week must be a whole number from 1 to 7.",
        ),
        (
            {"reps": 5, "weeks": 53},
            "weeks",
            "The program length must be a whole number of weeks from 1 to 52.",
        ),
        ({}, "reps", "Give reps, a repetition-maximum target or a hold."),
        (
            {"reps": 8, "rm_target": 8},
            "rm_target",
            "Give reps or a repetition-maximum target, not both.",
        ),
        (
            {"hold_s": 30, "tempo": "3-0-3-0"},
            "tempo",
            "A tempo paces repetitions, so it needs reps and no hold.",
        ),
        (
            {"reps": 5, "hold_movement": "turn the leg"},
            "hold_movement",
            "A movement during the hold needs a hold.",
        ),
        ({"hold_s": 5, "hold_movement": "turn\nthe leg"}, "hold_movement", "Must be on one line."),
        (
            {"reps": 5, "side_label": "paw"},
            "side_label",
            "Choose one of: " + ", ".join(SIDE_LABELS) + ".",
        ),
        ({"reps": 5, "activity_label": ""}, "activity_label", "Name the activity, e.g. runs."),
        ({"reps": 5, "notes": "x" * 2001}, "notes", "Must be at most 2000 characters."),
    ],
)
def test_validation_message_names_the_field(
    kwargs: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(DosageError) as caught:
        Dosage(**kwargs)

    assert caught.value.errors == {field: message}
    assert isinstance(caught.value, ValueError)


@given(st.integers(1, 600).flatmap(lambda low: st.tuples(st.just(low), st.integers(low, 600))))
def test_a_hold_range_in_order_is_valid_and_times_the_shortest(pair: tuple[int, int]) -> None:
    low, high = pair

    assert Dosage(hold_s=low, hold_max_s=high).timeline()[1].seconds == low


@given(
    st.integers(1, 599).flatmap(lambda high: st.tuples(st.integers(high + 1, 600), st.just(high)))
)
def test_a_hold_range_out_of_order_is_refused(pair: tuple[int, int]) -> None:
    low, high = pair

    with pytest.raises(DosageError) as caught:
        Dosage(hold_s=low, hold_max_s=high)
    assert caught.value.errors == {
        "hold_max_s": "The shortest hold must not be longer than the longest."
    }


def test_a_range_with_equal_ends_reads_as_one_value() -> None:
    assert Dosage(hold_s=30, hold_max_s=30).describe() == "Hold 30 s"


@pytest.mark.parametrize(
    "tempo",
    [
        "3-0-3",
        "3-0-3-0-0",
        "11-0-3-0",
        "X-0-3-0",
        "3-0-3-X",
        "3 - 0 - 3 - 0",
        "3-0-3-0\n",
        "３-0-3-0",
        "03-0-3-0",
        "0-0-0-0",
        "-1-0-3-0",
    ],
)
def test_bad_tempo(tempo: str) -> None:
    with pytest.raises(DosageError) as caught:
        Dosage(reps=10, tempo=tempo)
    assert set(caught.value.errors) == {"tempo"}


@pytest.mark.parametrize("tempo", ["3-0-3-0", "10-10-10-10", "4-1-X-0", "0-0-X-0", "2-1-0-0"])
def test_good_tempo(tempo: str) -> None:
    assert Dosage(reps=10, tempo=tempo).tempo == tempo


def test_every_field_error_is_reported_at_once() -> None:
    with pytest.raises(DosageError) as caught:
        Dosage.from_dict({"sets": "3", "reps": True, "sides": "both", "colour": "red"})

    assert set(caught.value.errors) == {"sets", "reps", "sides", "colour"}
    assert caught.value.errors["colour"] == "Unknown field."


@pytest.mark.parametrize(
    ("load", "message"),
    [
        ({"kind": "kg", "value": 0}, "A load in kg must be a number from 0.1 to 500."),
        ({"kind": "kg", "value": "5"}, "A load in kg must be a number from 0.1 to 500."),
        ({"kind": "lb", "value": float("inf")}, "A load in lb must be a number from 0.25 to 1100."),
        ({"kind": "rpe", "value": 11}, "An RPE must be a number from 1 to 10."),
        ({"kind": "rpe", "value": True}, "An RPE must be a number from 1 to 10."),
        ({"kind": "band", "value": ""}, "Give the band colour."),
        (
            {"kind": "bodyweight", "value": 70},
            "Bodyweight takes no value; use kg or lb for added weight.",
        ),
        ({"kind": "stone", "value": 1}, "Choose a kind of load: bodyweight, kg, lb, band, rpe."),
        (
            {"kind": "kg", "value": 5, "unit": "kg"},
            "Give the load as an object with a kind and a value.",
        ),
    ],
)
def test_load_messages(load: dict[str, Any], message: str) -> None:
    with pytest.raises(DosageError) as caught:
        Dosage.from_dict({"reps": 5, "load": load})
    assert caught.value.errors == {"load": message}


# from_dict() and to_dict()


def test_to_dict_is_plain_json() -> None:
    data = seed_stretch().to_dict()

    assert data == {
        "sets": None,
        "reps": None,
        "rm_target": None,
        "hold_s": 30,
        "hold_max_s": 60,
        "hold_movement": "turn the leg in and out",
        "sides": "each",
        "side_label": "leg",
        "rest_s": None,
        "rest_max_s": None,
        "tempo": "",
        "load": None,
        "progression": "",
        "times_per_day": None,
        "days_per_week": None,
        "timing": ["before_activity", "during_activity", "after_activity"],
        "activity_label": "runs",
        "weeks": None,
        "pain_rule": {"max_during": 5, "settle_by_next_morning": True},
        "notes": "",
    }
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize(
    "dosage",
    [
        seed_stretch(),
        alfredson(),
        heavy_slow_resistance(),
        isometric_holds(),
        Dosage(sets=3, reps=12, load=Load(LoadKind.BAND, "green"), pain_rule=PainRule(3, False)),
    ],
)
def test_round_trip_through_json(dosage: Dosage) -> None:
    assert Dosage.from_dict(json.loads(json.dumps(dosage.to_dict()))) == dosage


def test_from_dict_fills_defaults() -> None:
    dosage = Dosage.from_dict({"sets": 3, "reps": 15})

    assert dosage == Dosage(sets=3, reps=15)
    assert dosage.pain_rule == PainRule(max_during=5, settle_by_next_morning=True)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"sets": "3", "reps": 10}, "sets"),
        ({"sets": 3.0, "reps": 10}, "sets"),
        ({"sets": True, "reps": 10}, "sets"),
        ({"reps": 10**100}, "reps"),
        ({"reps": None, "hold_s": None, "hold_movement": None}, "hold_movement"),
        ({"reps": 10, "tempo": None}, "tempo"),
        ({"reps": 10, "tempo": 3030}, "tempo"),
        ({"reps": 10, "sides": None}, "sides"),
        ({"reps": 10, "sides": "Each"}, "sides"),
        ({"reps": 10, "sides": ["each"]}, "sides"),
        ({"reps": 10, "timing": "morning"}, "timing"),
        ({"reps": 10, "timing": ["morning", "noon"]}, "timing"),
        ({"reps": 10, "timing": [["morning"]]}, "timing"),
        ({"reps": 10, "load": "5 kg"}, "load"),
        ({"reps": 10, "pain_rule": None}, "pain_rule"),
        ({"reps": 10, "pain_rule": {"max_during": 5.5}}, "pain_rule"),
        ({"reps": 10, "pain_rule": {"max_during": 5, "weekly": True}}, "pain_rule"),
        ({"reps": 10, "pain_rule": {"settle_by_next_morning": 1}}, "pain_rule"),
        ({"reps": 10, "__all__": 1}, "__all__"),
        ({"reps": 10, 7: 1}, "__all__"),
    ],
)
def test_from_dict_rejects_untrusted_input(data: dict[Any, Any], field: str) -> None:
    with pytest.raises(DosageError) as caught:
        Dosage.from_dict(data)
    assert field in caught.value.errors


@pytest.mark.parametrize("data", [None, [], "sets=3", 3, [("sets", 3)]])
def test_from_dict_rejects_anything_but_an_object(data: Any) -> None:
    with pytest.raises(DosageError) as caught:
        Dosage.from_dict(data)
    assert set(caught.value.errors) == {"__all__"}


def test_direct_construction_checks_types_too() -> None:
    with pytest.raises(DosageError) as caught:
        Dosage(sets="3", reps=10, sides="each")  # type: ignore[arg-type]
    assert set(caught.value.errors) == {"sets", "sides"}


# PainRule: the pain-monitoring model


def test_pain_at_the_limit_that_settles_is_fine() -> None:
    assert PainRule().should_ease_off(5, settled_next_morning=True) is False


def test_pain_above_the_limit_means_ease_off() -> None:
    assert PainRule().should_ease_off(6, settled_next_morning=True) is True


def test_pain_that_has_not_settled_by_morning_means_ease_off() -> None:
    assert PainRule().should_ease_off(2, settled_next_morning=False) is True


def test_a_rule_without_the_morning_check_ignores_it() -> None:
    rule = PainRule(max_during=3, settle_by_next_morning=False)

    assert rule.should_ease_off(3, settled_next_morning=False) is False
    assert rule.should_ease_off(4, settled_next_morning=True) is True


def test_pain_rule_describes_itself() -> None:
    assert PainRule().describe() == (
        "Pain up to 5/10 during the exercise is acceptable if it settles by the next morning."
    )


@pytest.mark.parametrize("pain", [-1, 11, 5.5, True, "5", None])
def test_logged_pain_must_be_0_to_10(pain: Any) -> None:
    with pytest.raises(DosageError) as caught:
        PainRule().should_ease_off(pain, settled_next_morning=True)
    assert set(caught.value.errors) == {"pain_during"}


@pytest.mark.parametrize("max_during", [-1, 11, 5.0, False])
def test_pain_rule_limit_must_be_0_to_10(max_during: Any) -> None:
    with pytest.raises(DosageError):
        PainRule(max_during=max_during)


# Property tests

single_line = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="·"),
    max_size=40,
).map(str.strip)
multiline = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\n\t"),
    max_size=60,
)
loads = st.one_of(
    st.none(),
    st.just(Load(LoadKind.BODYWEIGHT)),
    st.builds(Load, st.just(LoadKind.KG), st.floats(0.1, 500) | st.integers(1, 500)),
    st.builds(Load, st.just(LoadKind.LB), st.floats(0.25, 1100)),
    st.builds(Load, st.just(LoadKind.RPE), st.floats(1, 10)),
    st.builds(Load, st.just(LoadKind.BAND), single_line.filter(bool).map(lambda s: s[:30].strip())),
)
tempos = st.builds(
    "-".join,
    st.tuples(
        st.integers(1, 10).map(str),
        st.integers(0, 10).map(str),
        st.sampled_from(["X", *map(str, range(11))]),
        st.integers(0, 10).map(str),
    ),
)


def optional_range(low: int, high: int) -> st.SearchStrategy[tuple[int | None, int | None]]:
    return st.one_of(
        st.just((None, None)),
        st.integers(low, high).map(lambda value: (value, None)),
        st.integers(low, high).flatmap(
            lambda value: st.tuples(st.just(value), st.integers(value, high))
        ),
    )


@st.composite
def dosages(draw: st.DrawFn) -> Dosage:
    volume = draw(st.sampled_from(["reps", "rm", "hold", "reps_and_hold"]))
    sets = draw(st.none() | st.integers(1, 20))
    hold_s, hold_max_s = (None, None)
    if volume in ("hold", "reps_and_hold"):
        hold_s, hold_max_s = draw(optional_range(1, 600).filter(lambda pair: pair[0] is not None))
    reps = draw(st.integers(1, 200 if volume == "reps" else 12)) if "reps" in volume else None
    rm_target = draw(st.integers(1, 30)) if volume == "rm" else None
    rest_s, rest_max_s = draw(optional_range(0, 900)) if (sets or 1) > 1 else (None, None)
    with_tempo = volume in ("reps", "rm") and draw(st.booleans())
    return Dosage(
        sets=sets,
        reps=reps,
        rm_target=rm_target,
        hold_s=hold_s,
        hold_max_s=hold_max_s,
        hold_movement=draw(single_line) if hold_s else "",
        sides=draw(st.sampled_from(Sides)),
        side_label=draw(st.sampled_from(sorted(SIDE_LABELS))),
        rest_s=rest_s,
        rest_max_s=rest_max_s,
        tempo=draw(tempos) if with_tempo else "",
        load=draw(loads),
        progression=draw(multiline),
        times_per_day=draw(st.none() | st.integers(1, 10)),
        days_per_week=draw(st.none() | st.integers(1, 7)),
        timing=draw(st.frozensets(st.sampled_from(Timing))),
        activity_label=draw(single_line.filter(bool)),
        weeks=draw(st.none() | st.integers(1, 52)),
        pain_rule=draw(st.builds(PainRule, st.integers(0, 10), st.booleans())),
        notes=draw(multiline),
    )


@given(dosages())
def test_every_valid_dosage_describes_and_expands(dosage: Dosage) -> None:
    line = dosage.describe()
    steps = dosage.timeline()

    assert line and line[0] == line[0].upper()
    assert steps[0].kind is StepKind.GET_READY
    assert steps[-1].kind is StepKind.DONE
    assert steps[-2].kind is not StepKind.REST
    assert "· ·" not in line and not line.endswith(" ·")
    sets = dosage.sets or 1
    assert {step.set_number for step in steps[1:-1]} == set(range(1, sets + 1))
    rests = [step for step in steps if step.kind is StepKind.REST]
    assert len(rests) == (0 if dosage.rest_s == 0 else sets - 1)


@given(dosages())
def test_every_valid_dosage_round_trips_through_json(dosage: Dosage) -> None:
    data = json.loads(json.dumps(dosage.to_dict()))

    assert Dosage.from_dict(data) == dosage


def expected_total(dosage: Dosage, get_ready_s: int, switch_s: int) -> int:
    """The timeline's length from the dosage's numbers alone."""
    sets = dosage.sets or 1
    sides = 2 if dosage.sides in (Sides.EACH, Sides.ALTERNATING) else 1
    reps = dosage.reps or dosage.rm_target
    if dosage.hold_s is not None:
        work = sides * (reps or 1) * dosage.hold_s
    elif dosage.tempo:
        per_rep = sum(1 if part == "X" else int(part) for part in dosage.tempo.split("-"))
        work = sides * (reps or 0) * per_rep
    else:
        work = 0
    switches = sets * switch_s if dosage.sides is Sides.EACH else 0
    rests = (sets - 1) * (dosage.rest_s or 0)
    return get_ready_s + sets * work + switches + rests


@given(dosages(), st.integers(0, 600), st.integers(0, 600))
def test_timeline_total_is_the_sum_of_its_parts(
    dosage: Dosage, get_ready_s: int, switch_s: int
) -> None:
    steps = dosage.timeline(get_ready_s=get_ready_s, switch_s=switch_s)

    assert total_seconds(steps) == expected_total(dosage, get_ready_s, switch_s)


@given(dosages())
def test_default_pauses(dosage: Dosage) -> None:
    expected = expected_total(dosage, GET_READY_SECONDS, SWITCH_SIDES_SECONDS)
    assert total_seconds(dosage.timeline()) == expected


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**18)
    | st.floats()
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=8,
)
FIELDS = list(Dosage(reps=1).to_dict())
WHOLE_NUMBER_FIELDS = {
    "sets": (1, 20),
    "reps": (1, 200),
    "rm_target": (1, 30),
    "hold_s": (1, 600),
    "hold_max_s": (1, 600),
    "rest_s": (0, 900),
    "rest_max_s": (0, 900),
    "times_per_day": (1, 10),
    "days_per_week": (1, 7),
    "weeks": (1, 52),
}
TEXT_FIELDS = ["hold_movement", "tempo", "progression", "activity_label", "notes", "side_label"]


def outside(field: str) -> st.SearchStrategy[object]:
    low, high = WHOLE_NUMBER_FIELDS[field]
    return json_values.filter(
        lambda value: value is not None and not (type(value) is int and low <= value <= high)
    )


@given(st.data(), st.sampled_from(sorted(WHOLE_NUMBER_FIELDS)))
def test_bad_whole_number_always_raises_dosage_error_for_that_field(
    data: st.DataObject, field: str
) -> None:
    value = data.draw(outside(field))

    with pytest.raises(DosageError) as caught:
        Dosage.from_dict({"reps": 5, "sets": 2, field: value})
    assert field in caught.value.errors


@given(st.sampled_from(TEXT_FIELDS), json_values.filter(lambda value: not isinstance(value, str)))
def test_non_text_always_raises_dosage_error_for_that_field(field: str, value: object) -> None:
    with pytest.raises(DosageError) as caught:
        Dosage.from_dict({"hold_s": 5, field: value})
    assert field in caught.value.errors


@given(st.sampled_from(FIELDS), json_values)
def test_any_json_value_in_any_field_gives_a_dosage_or_a_dosage_error(
    field: str, value: object
) -> None:
    try:
        dosage = Dosage.from_dict({**seed_stretch().to_dict(), field: value})
    except DosageError as error:
        assert error.errors
    else:
        assert Dosage.from_dict(dosage.to_dict()) == dosage


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), json_values, max_size=8))
def test_any_json_object_gives_a_dosage_or_a_dosage_error(data: dict[str, object]) -> None:
    try:
        Dosage.from_dict(data)
    except DosageError as error:
        assert all(isinstance(message, str) and message for message in error.errors.values())


@given(json_values.filter(lambda value: not isinstance(value, dict)))
def test_any_json_value_that_is_not_an_object_raises_dosage_error(value: object) -> None:
    with pytest.raises(DosageError):
        Dosage.from_dict(value)  # type: ignore[arg-type]


@given(
    st.integers(0, 10),
    st.integers(0, 10),
    st.booleans(),
)
def test_ease_off_exactly_when_pain_exceeds_the_limit_or_lingers(
    limit: int, pain: int, settled: bool
) -> None:
    rule = PainRule(max_during=limit)

    assert rule.should_ease_off(pain, settled_next_morning=settled) is (pain > limit or not settled)


def test_one_line_text_may_not_contain_the_separator() -> None:
    with pytest.raises(DosageError) as caught:
        Dosage(hold_s=30, hold_movement="turn · twist")
    assert caught.value.errors == {
        "hold_movement": "Must not contain “·”: it separates the parts of the dosage line."
    }
