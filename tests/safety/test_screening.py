"""The pure rules of a screen: what a set of answers calls for, and when a screen is due."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mend.safety import advice, screening
from mend.safety.screening import EMERGENCY, NO, SOON, UNSURE, URGENT, YES, Question

QUESTIONS = [
    Question("pop", "A sudden pop?", URGENT),
    Question("chest", "Chest pain?", EMERGENCY),
    Question("night", "Night pain?", SOON),
]


def test_all_no_is_clear() -> None:
    outcome = screening.evaluate(QUESTIONS, {"pop": NO, "chest": NO, "night": NO})
    assert outcome.clear and outcome.level is None and outcome.positive == ()


def test_not_sure_counts_as_yes() -> None:
    outcome = screening.evaluate(QUESTIONS, {"pop": UNSURE, "chest": NO, "night": NO})
    assert outcome.level == URGENT and [q.key for q in outcome.positive] == ["pop"]


def test_the_most_urgent_positive_answer_decides_and_comes_first() -> None:
    outcome = screening.evaluate(QUESTIONS, {"pop": YES, "chest": UNSURE, "night": YES})
    assert outcome.level == EMERGENCY
    assert [q.key for q in outcome.positive] == ["chest", "pop", "night"]


def test_an_unanswered_question_is_not_a_no() -> None:
    assert screening.missing_answers(QUESTIONS, {"pop": NO, "chest": "maybe"}) == ["chest", "night"]
    with pytest.raises(ValueError, match="chest, night"):
        screening.evaluate(QUESTIONS, {"pop": NO})


@given(st.lists(st.sampled_from(screening.ANSWERS), min_size=3, max_size=3))
def test_level_is_the_highest_among_positive_answers(answers: list[str]) -> None:
    given_answers = {q.key: a for q, a in zip(QUESTIONS, answers, strict=True)}
    outcome = screening.evaluate(QUESTIONS, given_answers)
    positive = [q for q in QUESTIONS if given_answers[q.key] != NO]
    if not positive:
        assert outcome.clear
    else:
        assert outcome.level == min((q.level for q in positive), key=screening.rank)
        assert set(outcome.positive) == set(positive)


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([], "at least one"),
        ([Question("Bad Key", "x", SOON)], "lower-case"),
        ([Question("a", "x", SOON), Question("a", "y", SOON)], "used twice"),
        ([Question("a", "  ", SOON)], "no text"),
        ([Question("a", "x", "later")], "unknown level"),
    ],
)
def test_bad_screens_are_refused_with_the_reason(questions: list[Question], message: str) -> None:
    with pytest.raises(screening.ScreenDataError, match=message):
        screening.check_questions(questions)


def test_a_screen_is_due_first_and_again_after_the_recheck_days() -> None:
    assert screening.is_due(None, 100, 28)
    assert not screening.is_due(100, 127, 28)
    assert screening.is_due(100, 128, 28)


def test_each_level_says_where_to_go_and_how_fast_and_never_what_it_is() -> None:
    emergency = advice.for_level(EMERGENCY, emergency_number="112", same_day_text="See a GP today.")
    urgent = advice.for_level(URGENT, emergency_number="112", same_day_text="See a GP today.")
    soon = advice.for_level(SOON, emergency_number="112", same_day_text="See a GP today.")
    assert emergency.heading == "Call 112 now" and emergency.call == "112" and not emergency.book
    assert urgent.heading == "Get medical care today" and "See a GP today." in urgent.steps
    assert soon.book and "few days" in soon.heading
    words = " ".join(step for a in (emergency, urgent, soon) for step in (a.heading, *a.steps))
    for diagnosis in ("rupture", "clot", "cauda", "fracture", "cancer", "infection"):
        assert diagnosis not in words.lower()
    with pytest.raises(ValueError):
        advice.for_level("later", emergency_number="112", same_day_text="")
