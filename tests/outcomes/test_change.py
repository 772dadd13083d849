"""Meaningful change against baseline: at least the MCID in the better direction improves."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mend.outcomes.change import Meaning, against_baseline, change, classify
from mend.outcomes.instruments import Direction

BETTER = Direction.HIGHER_IS_BETTER
WORSE = Direction.HIGHER_IS_WORSE
scores = st.floats(min_value=-100, max_value=100, allow_nan=False)
mcids = st.floats(min_value=0.1, max_value=50, allow_nan=False)
directions = st.sampled_from([BETTER, WORSE])
FLIP = {
    Meaning.IMPROVEMENT: Meaning.WORSENING,
    Meaning.WORSENING: Meaning.IMPROVEMENT,
    Meaning.NO_CHANGE: Meaning.NO_CHANGE,
}


def test_a_pain_fall_of_exactly_the_mcid_is_an_improvement() -> None:
    assert classify(6, 4, mcid=2, direction=WORSE) is Meaning.IMPROVEMENT
    assert classify(6, 5, mcid=2, direction=WORSE) is Meaning.NO_CHANGE
    assert classify(6, 8, mcid=2, direction=WORSE) is Meaning.WORSENING


def test_a_function_rise_of_exactly_the_mcid_is_an_improvement() -> None:
    assert classify(40, 49, mcid=9, direction=BETTER) is Meaning.IMPROVEMENT
    assert classify(40, 48, mcid=9, direction=BETTER) is Meaning.NO_CHANGE
    assert classify(40, 31, mcid=9, direction=BETTER) is Meaning.WORSENING


def test_a_change_of_the_mcid_on_paper_counts_despite_floating_point() -> None:
    # PSFS means: 5/3 → 11/3 is exactly 2 points, 1.9999999999999998 in binary.
    assert (11 / 3) - (5 / 3) < 2
    assert classify(5 / 3, 11 / 3, mcid=2, direction=BETTER) is Meaning.IMPROVEMENT


@pytest.mark.parametrize("mcid", [0, -2, math.nan, math.inf])
def test_an_mcid_must_be_a_positive_number(mcid: float) -> None:
    with pytest.raises(ValueError, match="MCID"):
        classify(1, 2, mcid=mcid, direction=BETTER)


def test_scores_must_be_finite_numbers() -> None:
    with pytest.raises(ValueError, match="baseline"):
        classify(math.nan, 2, mcid=1, direction=BETTER)
    with pytest.raises(ValueError, match="follow-up"):
        change(1, True)  # type: ignore[arg-type]


def test_against_baseline_leaves_gaps_where_there_is_nothing_to_compare() -> None:
    assert against_baseline(6, [4, None, 7], mcid=2, direction=WORSE) == [
        Meaning.IMPROVEMENT,
        None,
        Meaning.NO_CHANGE,
    ]
    assert against_baseline(None, [4, 3], mcid=2, direction=WORSE) == [None, None]
    assert against_baseline(6, [4], mcid=None, direction=WORSE) == [None]


@given(scores, mcids, directions)
def test_no_change_is_no_meaningful_change(score: float, mcid: float, direction: Direction) -> None:
    assert classify(score, score, mcid=mcid, direction=direction) is Meaning.NO_CHANGE


@given(scores, scores, mcids, directions)
def test_swapping_baseline_and_follow_up_swaps_the_meaning(
    baseline: float, follow_up: float, mcid: float, direction: Direction
) -> None:
    there = classify(baseline, follow_up, mcid=mcid, direction=direction)
    back = classify(follow_up, baseline, mcid=mcid, direction=direction)
    assert back is FLIP[there]


@given(scores, scores, mcids)
def test_reversing_the_direction_swaps_the_meaning(
    baseline: float, follow_up: float, mcid: float
) -> None:
    higher_better = classify(baseline, follow_up, mcid=mcid, direction=BETTER)
    higher_worse = classify(baseline, follow_up, mcid=mcid, direction=WORSE)
    assert higher_worse is FLIP[higher_better]


@given(scores, scores, mcids, directions)
def test_a_meaningful_change_is_at_least_the_mcid_and_others_are_smaller(
    baseline: float, follow_up: float, mcid: float, direction: Direction
) -> None:
    meaning = classify(baseline, follow_up, mcid=mcid, direction=direction)
    size = abs(change(baseline, follow_up))
    assert (meaning is Meaning.NO_CHANGE) == (size < mcid)


@given(scores, scores, scores, mcids, directions)
def test_a_better_follow_up_never_means_less(
    baseline: float, first: float, second: float, mcid: float, direction: Direction
) -> None:
    low, high = sorted((first, second))
    assume(low != high)
    order = [Meaning.WORSENING, Meaning.NO_CHANGE, Meaning.IMPROVEMENT]
    worse, better = (low, high) if direction is BETTER else (high, low)
    assert order.index(classify(baseline, better, mcid=mcid, direction=direction)) >= order.index(
        classify(baseline, worse, mcid=mcid, direction=direction)
    )


@given(scores, st.integers(min_value=1, max_value=20), directions)
def test_exactly_the_mcid_in_the_better_direction_is_an_improvement(
    baseline: float, mcid: int, direction: Direction
) -> None:
    step = mcid if direction is BETTER else -mcid
    assert classify(baseline, baseline + step, mcid=mcid, direction=direction) is (
        Meaning.IMPROVEMENT
    )
