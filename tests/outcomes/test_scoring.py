"""The scoring engine: each manual's rules, their edges, bad input and properties."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mend.outcomes.instruments import (
    INSTRUMENTS,
    NOT_APPLICABLE,
    SCORING_VERSION,
    Direction,
    Instrument,
    Item,
    Licence,
)
from mend.outcomes.scoring import (
    InvalidAnswers,
    UnknownInstrument,
    questions_in,
    round_half_up,
    score,
)

UNSCORABLE = re.compile(
    r"cannot be scored: (\d+) of (\d+) answered(?: \((\d+) N/A not counted\))?; "
    r"needs (all|at least) (\d+)"
)


def numbered(prefix: str, values: Sequence[object]) -> dict[str, object]:
    """Answers for items prefix1, prefix2, … in order."""
    return {f"{prefix}{n}": value for n, value in enumerate(values, start=1)}


def questions(instrument: Instrument) -> list[tuple[Item, ...]]:
    """The instrument's questions, each the item or the branch's versions of it."""
    grouped: dict[str, list[Item]] = {}
    for item in instrument.items:
        grouped.setdefault(item.branch or item.id, []).append(item)
    return [tuple(items) for items in grouped.values()]


def extreme_answers(instrument: Instrument, *, highest: bool) -> dict[str, object]:
    """Every question answered with its lowest or highest score (the richest Q8 version)."""
    answers: dict[str, object] = {}
    for versions in questions(instrument):
        item = max(versions, key=lambda item: max(item.values))
        answers[item.id] = max(item.values) if highest else min(item.values)
    return answers


# --- the registry ----------------------------------------------------------------------


def test_registry_is_keyed_by_code_with_ten_instruments() -> None:
    assert list(INSTRUMENTS) == [
        "nprs",
        "psfs",
        "groc",
        "odi",
        "ndi",
        "lefs",
        "quickdash",
        "koos",
        "visa-a",
        "faam",
    ]
    assert all(code == instrument.code for code, instrument in INSTRUMENTS.items())
    assert SCORING_VERSION


@pytest.mark.parametrize(
    ("code", "tier"),
    [
        ("nprs", Licence.A),
        ("psfs", Licence.A),
        ("groc", Licence.A),
        ("lefs", Licence.B),
        ("visa-a", Licence.B),
        ("faam", Licence.B),
        ("ndi", Licence.B),
        ("koos", Licence.C),
        ("odi", Licence.C),
        ("quickdash", Licence.C),
    ],
)
def test_licence_tiers_follow_domain(code: str, tier: Licence) -> None:
    assert INSTRUMENTS[code].licence is tier


@pytest.mark.parametrize("instrument", INSTRUMENTS.values(), ids=list(INSTRUMENTS))
def test_only_tier_a_ships_text(instrument: Instrument) -> None:
    texts = [item.text for item in instrument.items]
    if instrument.licence is Licence.A:
        assert instrument.instructions and all(texts)
    else:
        assert instrument.instructions is None
        assert texts == [None] * len(texts)
        assert all(item.labels == () for item in instrument.items)


def test_tier_a_wording_states_what_the_scales_mean() -> None:
    nprs, psfs, groc = INSTRUMENTS["nprs"], INSTRUMENTS["psfs"], INSTRUMENTS["groc"]
    assert "right now" in (nprs.items[0].text or "")
    assert "3 to 5 activities" in (psfs.instructions or "")
    assert dict(psfs.items[0].labels) == {
        0: "unable to do it",
        10: "able to do it as well as before the problem",
    }
    assert dict(groc.items[0].labels) == {
        -7: "a very great deal worse",
        0: "about the same",
        7: "a very great deal better",
    }
    assert groc.items[0].values == tuple(range(-7, 8))


@pytest.mark.parametrize("instrument", INSTRUMENTS.values(), ids=list(INSTRUMENTS))
def test_definitions_hang_together(instrument: Instrument) -> None:
    ids = [item.id for item in instrument.items]
    assert len(ids) == len(set(ids))
    scored_groups = {definition.group for definition in instrument.scores}
    assert {item.group for item in instrument.items} == scored_groups
    for definition in instrument.scores:
        items = instrument.items_in(definition.group)
        assert 1 <= definition.minimum <= questions_in(items)
        assert definition.low < definition.high
        assert definition.direction in set(Direction)
        assert definition.rule
        assert definition.mcid is not None or definition.mcid_note
        if definition.mcid is not None:
            assert definition.mcid.value > 0 and definition.mcid.source


@pytest.mark.parametrize(
    ("code", "name", "mcid"),
    [
        ("nprs", "total", 2),
        ("psfs", "total", 2),
        ("odi", "total", 10),
        ("ndi", "total", 5),
        ("ndi", "percent", 10),
        ("lefs", "total", 9),
        ("quickdash", "disability", 14),
        ("koos", "pain", 10),
        ("visa-a", "total", 14),
        ("faam", "adl", 8),
        ("faam", "sports", 9),
    ],
)
def test_mcids_follow_domain(code: str, name: str, mcid: float) -> None:
    (definition,) = [d for d in INSTRUMENTS[code].scores if d.name == name]
    assert definition.mcid is not None and definition.mcid.value == mcid


def test_groc_has_no_mcid_and_says_why() -> None:
    (definition,) = INSTRUMENTS["groc"].scores
    assert definition.mcid is None
    assert "anchor" in definition.mcid_note


# --- all lowest and all highest answers ----------------------------------------------------

EXTREMES = [
    ("nprs", {"total": 0.0}, {"total": 10.0}),
    ("psfs", {"total": 0.0}, {"total": 10.0}),
    ("groc", {"total": -7.0}, {"total": 7.0}),
    ("odi", {"total": 0.0}, {"total": 100.0}),
    ("ndi", {"total": 0.0, "percent": 0.0}, {"total": 50.0, "percent": 100.0}),
    ("lefs", {"total": 0.0}, {"total": 80.0}),
    (
        "quickdash",
        {"disability": 0.0, "work": 0.0, "sport": 0.0},
        {"disability": 100.0, "work": 100.0, "sport": 100.0},
    ),
    (
        "koos",
        {"pain": 100.0, "symptoms": 100.0, "adl": 100.0, "sport_rec": 100.0, "qol": 100.0},
        {"pain": 0.0, "symptoms": 0.0, "adl": 0.0, "sport_rec": 0.0, "qol": 0.0},
    ),
    ("visa-a", {"total": 0.0}, {"total": 100.0}),
    ("faam", {"adl": 0.0, "sports": 0.0}, {"adl": 100.0, "sports": 100.0}),
]


@pytest.mark.parametrize(("code", "lowest", "highest"), EXTREMES, ids=[e[0] for e in EXTREMES])
def test_all_lowest_and_all_highest_answers(
    code: str, lowest: dict[str, float], highest: dict[str, float]
) -> None:
    instrument = INSTRUMENTS[code]
    low = score(code, extreme_answers(instrument, highest=False))
    high = score(code, extreme_answers(instrument, highest=True))
    assert (low.scores, low.unscorable) == (lowest, {})
    assert (high.scores, high.unscorable) == (highest, {})


def test_result_carries_the_versions() -> None:
    result = score("odi", numbered("s", [1] * 10))
    assert (result.instrument, result.instrument_version) == ("odi", "2.1a")
    assert result.scoring_version == SCORING_VERSION


# --- NPRS, PSFS, GROC ----------------------------------------------------------------------


def test_nprs_is_the_number_chosen() -> None:
    assert score("nprs", {"pain": 6}).scores == {"total": 6.0}


def test_nprs_unanswered_cannot_be_scored() -> None:
    result = score("nprs", {"pain": None})
    assert result.scores == {"total": None}
    assert result.unscorable == {"total": "cannot be scored: 0 of 1 answered; needs all 1"}


def test_psfs_is_the_mean_of_the_activities_rated() -> None:
    assert score("psfs", {"a1": 3, "a2": 5, "a3": 8}).scores["total"] == pytest.approx(16 / 3)
    assert score("psfs", numbered("a", [2, 4, 6, 7])).scores == {"total": 4.75}


def test_psfs_needs_three_activities() -> None:
    result = score("psfs", {"a1": 3, "a4": 7})
    assert result.scores == {"total": None}
    assert result.unscorable == {"total": "cannot be scored: 2 of 5 answered; needs at least 3"}
    assert score("psfs", {"a1": 3, "a4": 7, "a5": 2}).scores == {"total": 4.0}


def test_groc_keeps_its_sign() -> None:
    assert score("groc", {"rating": -3}).scores == {"total": -3.0}
    assert score("groc", {"rating": 5}).scores == {"total": 5.0}
    assert score("groc", {"rating": 0}).scores == {"total": 0.0}


# --- ODI and NDI ---------------------------------------------------------------------------


def test_odi_manual_example_all_sections() -> None:
    answers = numbered("s", [2, 2, 2, 2, 2, 2, 1, 1, 1, 1])  # 16 of 50
    assert score("odi", answers).scores == {"total": 32.0}


def test_odi_manual_example_one_section_missing_is_rounded_not_truncated() -> None:
    answers = numbered("s", [2, 2, 2, 2, 2, 2, 2, 1, 1, None])  # 16 of 45
    total = score("odi", answers).scores["total"]
    assert total == pytest.approx(1600 / 45)
    assert total is not None and round_half_up(total) == 35.56


def test_odi_scores_with_two_sections_missing_but_not_three() -> None:
    eight = numbered("s", [3, 3, 3, 3, 2, 2, 2, 2])  # 20 of 40
    assert score("odi", eight).scores == {"total": 50.0}
    seven = numbered("s", [3, 3, 3, 3, 2, 2, 2])
    result = score("odi", seven)
    assert result.scores == {"total": None}
    assert result.unscorable == {"total": "cannot be scored: 7 of 10 answered; needs at least 8"}


def test_ndi_total_and_percent() -> None:
    answers = numbered("s", [3, 2, 1, 0, 4, 2, 1, 3, 2, 2])  # 20 of 50
    assert score("ndi", answers).scores == {"total": 20.0, "percent": 40.0}


def test_ndi_counts_a_missing_item_as_the_mean_of_the_others() -> None:
    nine = numbered("s", [2, 2, 2, 2, 2, 2, 2, 2, 2])  # 18 of 45 → 20 of 50
    assert score("ndi", nine).scores == {"total": 20.0, "percent": 40.0}
    eight = numbered("s", [3, 3, 1, 1, 1, 1, 1, 1])  # 12 of 40 → 15 of 50
    assert score("ndi", eight).scores == {"total": 15.0, "percent": 30.0}


def test_ndi_with_three_missing_cannot_be_scored() -> None:
    result = score("ndi", numbered("s", [1] * 7))
    assert result.scores == {"total": None, "percent": None}
    reason = "cannot be scored: 7 of 10 answered; needs at least 8"
    assert result.unscorable == {"total": reason, "percent": reason}


# --- LEFS, VISA-A --------------------------------------------------------------------------


def test_lefs_is_the_sum() -> None:
    assert score("lefs", numbered("i", [4] * 10 + [2] * 10)).scores == {"total": 60.0}


def test_lefs_needs_all_twenty() -> None:
    result = score("lefs", numbered("i", [4] * 19))
    assert result.scores == {"total": None}
    assert result.unscorable == {"total": "cannot be scored: 19 of 20 answered; needs all 20"}


VISA_A_EXAMPLE = {"q1": 8, "q2": 7, "q3": 6, "q4": 5, "q5": 9, "q6": 10, "q7": 7}


def test_visa_a_sums_the_points_with_the_q8_version_answered() -> None:
    assert score("visa-a", {**VISA_A_EXAMPLE, "q8b": 14}).scores == {"total": 66.0}
    assert score("visa-a", {**VISA_A_EXAMPLE, "q8a": 30, "q8c": None}).scores == {"total": 82.0}
    assert score("visa-a", {**VISA_A_EXAMPLE, "q8c": 2}).scores == {"total": 54.0}


def test_visa_a_without_q8_cannot_be_scored() -> None:
    result = score("visa-a", VISA_A_EXAMPLE)
    assert result.scores == {"total": None}
    assert result.unscorable == {"total": "cannot be scored: 7 of 8 answered; needs all 8"}


def test_visa_a_two_q8_versions_are_refused_naming_the_second() -> None:
    with pytest.raises(InvalidAnswers) as error:
        score("visa-a", {**VISA_A_EXAMPLE, "q8a": 7, "q8c": 2})
    assert error.value.item_id == "q8c"
    assert "q8a" in error.value.message


# --- QuickDASH -----------------------------------------------------------------------------


def test_quickdash_disability() -> None:
    answers = numbered("i", [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3])  # mean 3
    result = score("quickdash", answers)
    assert result.scores == {"disability": 50.0, "work": None, "sport": None}
    assert result.unscorable == {}


def test_quickdash_scores_with_ten_of_eleven_but_not_nine() -> None:
    ten = numbered("i", [2, 2, 2, 2, 2, 3, 3, 3, 3, 3])  # mean 2.5
    assert score("quickdash", ten).scores["disability"] == 37.5
    nine = score("quickdash", numbered("i", [2] * 9))
    assert nine.scores["disability"] is None
    assert nine.unscorable == {
        "disability": "cannot be scored: 9 of 11 answered; needs at least 10"
    }


def test_quickdash_modules_need_all_four_once_started() -> None:
    answers = {**numbered("i", [1] * 11), **numbered("w", [2, 3, 4, 5]), "sp1": 2, "sp2": 2}
    result = score("quickdash", answers)
    assert result.scores == {"disability": 0.0, "work": 62.5, "sport": None}
    assert result.unscorable == {"sport": "cannot be scored: 2 of 4 answered; needs all 4"}


def test_quickdash_module_with_only_nulls_was_not_taken() -> None:
    answers = {**numbered("i", [1] * 11), **numbered("w", [None] * 4)}
    assert score("quickdash", answers).unscorable == {}


# --- KOOS ----------------------------------------------------------------------------------


def test_koos_subscales_are_100_minus_the_mean_times_25() -> None:
    answers = {
        **numbered("p", [0, 1, 2, 1, 0, 2, 1, 1, 0]),  # mean 8/9
        **numbered("s", [1] * 7),
        **numbered("a", [2] * 17),
        **numbered("sp", [4, 4, 3, 3, 2]),  # mean 3.2
        **numbered("q", [3, 2, 3, 2]),
    }
    result = score("koos", answers)
    assert result.scores["pain"] == pytest.approx(100 - 8 / 9 * 25)
    assert {name: result.scores[name] for name in ("symptoms", "adl", "sport_rec", "qol")} == {
        "symptoms": 75.0,
        "adl": 50.0,
        "sport_rec": pytest.approx(20.0),
        "qol": 37.5,
    }


@pytest.mark.parametrize(
    ("prefix", "name", "size", "minimum"),
    [
        ("p", "pain", 9, 5),
        ("s", "symptoms", 7, 4),
        ("a", "adl", 17, 9),
        ("sp", "sport_rec", 5, 3),
        ("q", "qol", 4, 2),
    ],
)
def test_koos_subscale_needs_half_its_items(
    prefix: str, name: str, size: int, minimum: int
) -> None:
    enough = score("koos", numbered(prefix, [2] * minimum))
    assert enough.scores[name] == 50.0 and name not in enough.unscorable
    short = score("koos", numbered(prefix, [2] * (minimum - 1)))
    assert short.scores[name] is None
    assert short.unscorable[name] == (
        f"cannot be scored: {minimum - 1} of {size} answered; needs at least {minimum}"
    )


# --- FAAM ----------------------------------------------------------------------------------


def test_faam_subscales_are_percent_of_the_items_rated() -> None:
    answers = {**numbered("adl", [3] * 21), **numbered("sp", [4, 4, 4, 4, 2, 2, 2, 2])}
    assert score("faam", answers).scores == {"adl": 75.0, "sports": 75.0}


def test_faam_adl_needs_nineteen_rated_and_na_is_not_rated() -> None:
    nineteen = numbered("adl", [3] * 19 + [NOT_APPLICABLE] * 2)  # 57 of 76
    assert score("faam", nineteen).scores["adl"] == 75.0
    eighteen = score("faam", numbered("adl", [3] * 18 + [NOT_APPLICABLE] * 3))
    assert eighteen.scores["adl"] is None
    assert eighteen.unscorable["adl"] == (
        "cannot be scored: 18 of 21 answered (3 N/A not counted); needs at least 19"
    )


def test_faam_sports_needs_seven_of_eight() -> None:
    seven = score("faam", numbered("sp", [3, 3, 3, 3, 3, 3, 3, NOT_APPLICABLE]))
    assert seven.scores["sports"] == 75.0
    six = score("faam", numbered("sp", [3] * 6))
    assert six.scores["sports"] is None
    assert six.unscorable["sports"] == "cannot be scored: 6 of 8 answered; needs at least 7"


def test_faam_has_no_total() -> None:
    assert set(score("faam", {}).scores) == {"adl", "sports"}


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "answers", "item_id", "says"),
    [
        ("odi", {"s11": 1}, "s11", "odi has no such item"),
        ("nprs", {"Pain": 3}, "Pain", "no such item"),
        ("lefs", {"i3": 5}, "i3", "5 is out of range; allowed: 0 to 4"),
        ("quickdash", {"i1": 0}, "i1", "allowed: 1 to 5"),
        ("groc", {"rating": 8}, "rating", "allowed: -7 to 7"),
        ("groc", {"rating": -8}, "rating", "out of range"),
        ("visa-a", {"q7": 5}, "q7", "allowed: 0, 4, 7 or 10"),
        ("visa-a", {"q8b": 7}, "q8b", "allowed: 0, 4, 10, 14 or 20"),
        ("nprs", {"pain": True}, "pain", "True is not a whole number"),
        ("nprs", {"pain": False}, "pain", "not a whole number"),
        ("nprs", {"pain": 3.0}, "pain", "3.0 is not a whole number"),
        ("nprs", {"pain": "3"}, "pain", "not a whole number"),
        ("odi", {"s1": NOT_APPLICABLE}, "s1", "not a whole number"),
        ("faam", {"adl1": "NA"}, "adl1", 'allowed: 0 to 4 or "na"'),
        ("faam", {"sp1": 5}, "sp1", "out of range"),
    ],
)
def test_bad_answers_are_refused_naming_the_item(
    code: str, answers: dict[str, object], item_id: str, says: str
) -> None:
    with pytest.raises(InvalidAnswers) as error:
        score(code, answers)
    assert error.value.item_id == item_id
    assert says in error.value.message
    assert str(error.value) == f"{item_id}: {error.value.message}"


def test_unknown_instrument() -> None:
    with pytest.raises(UnknownInstrument, match="'womac'"):
        score("womac", {})


def test_nothing_answered_is_well_formed() -> None:
    result = score("koos", {})
    assert set(result.scores.values()) == {None}
    assert set(result.unscorable) == {"pain", "symptoms", "adl", "sport_rec", "qol"}


# --- rounding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rounded"),
    [(1600 / 45, 35.56), (90.625, 90.63), (96.875, 96.88), (12.5, 12.5), (100 - 25 / 3, 91.67)],
)
def test_round_half_up(value: float, rounded: float) -> None:
    assert round_half_up(value) == rounded


# --- properties ----------------------------------------------------------------------------


@st.composite
def answer_sets(draw: st.DrawFn, instrument: Instrument) -> dict[str, object]:
    """Any well-formed answers: each question absent, null, or one version answered."""
    answers: dict[str, object] = {}
    for versions in questions(instrument):
        choice = draw(st.sampled_from(["absent", "null", *range(len(versions))]))
        if choice == "null":
            answers[versions[0].id] = None
        elif isinstance(choice, int):
            answers[versions[choice].id] = draw(st.sampled_from(_choices(versions[choice])))
    return answers


def _choices(item: Item) -> list[int | str]:
    return [*item.values, *([NOT_APPLICABLE] if item.allows_na else [])]


instruments = st.sampled_from(list(INSTRUMENTS.values()))
filled_in = instruments.flatmap(lambda i: st.tuples(st.just(i), answer_sets(i)))


def _untaken(instrument: Instrument, name: str, answers: dict[str, Any]) -> bool:
    (definition,) = [d for d in instrument.scores if d.name == name]
    items = instrument.items_in(definition.group)
    return definition.optional and all(answers.get(item.id) is None for item in items)


@settings(max_examples=300)
@given(filled_in)
def test_every_score_is_in_range_or_explained(case: tuple[Instrument, dict[str, object]]) -> None:
    instrument, answers = case
    result = score(instrument.code, answers)
    assert list(result.scores) == [definition.name for definition in instrument.scores]
    for definition in instrument.scores:
        value = result.scores[definition.name]
        if value is not None:
            assert definition.low <= value <= definition.high
            assert definition.name not in result.unscorable
        elif not _untaken(instrument, definition.name, answers):
            assert definition.name in result.unscorable


@settings(max_examples=300)
@given(filled_in, st.data())
def test_answering_one_more_question_keeps_scores_scores(
    case: tuple[Instrument, dict[str, object]], data: st.DataObject
) -> None:
    instrument, answers = case
    open_questions = [
        versions
        for versions in questions(instrument)
        if all(answers.get(item.id) is None for item in versions)
    ]
    if not open_questions:
        return
    before = score(instrument.code, answers)
    item = data.draw(st.sampled_from(data.draw(st.sampled_from(open_questions))))
    more = {**answers, item.id: data.draw(st.sampled_from(_choices(item)))}
    after = score(instrument.code, more)
    for name, value in after.scores.items():
        assert value is not None or name in after.unscorable or _untaken(instrument, name, more)
        if before.scores[name] is not None:
            assert value is not None


@settings(max_examples=300)
@given(filled_in)
def test_unscorable_reasons_count_what_was_answered(
    case: tuple[Instrument, dict[str, object]],
) -> None:
    instrument, answers = case
    result = score(instrument.code, answers)
    for name, reason in result.unscorable.items():
        (definition,) = [d for d in instrument.scores if d.name == name]
        items = instrument.items_in(definition.group)
        match = UNSCORABLE.fullmatch(reason)
        assert match is not None, reason
        answered, of, not_applicable, _, needed = match.groups()
        given = [answers.get(item.id) for item in items]
        assert int(answered) == sum(isinstance(value, int) for value in given)
        assert int(not_applicable or 0) == given.count(NOT_APPLICABLE)
        assert int(of) == questions_in(items)
        assert int(needed) == definition.minimum > int(answered)
