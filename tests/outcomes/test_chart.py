"""The outcome chart: points, the MCID band around baseline, the direction, the meanings."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mend.outcomes.change import Meaning
from mend.outcomes.chart import ChartPoint, Scale, describe, number, outcome_chart_svg, ticks
from mend.outcomes.instruments import Direction

SVG = "{http://www.w3.org/2000/svg}"
PAIN = Scale(0, 10, Direction.HIGHER_IS_WORSE)
POINTS = [
    ChartPoint("Baseline", "2 Nov", 6),
    ChartPoint("Week 2", "16 Nov", 5, Meaning.NO_CHANGE),
    ChartPoint("Week 6", "14 Dec", 3, Meaning.IMPROVEMENT),
]


def draw(points: list[ChartPoint], **options: object) -> ET.Element:
    arguments: dict[str, object] = {
        "scale": PAIN,
        "mcid": 2,
        "baseline": 6,
        "title": "Pain right now",
        "ident": "pain",
    }
    arguments.update(options)
    return ET.fromstring(outcome_chart_svg(points, **arguments))  # type: ignore[arg-type]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_the_chart_is_an_image_with_a_title_and_a_description() -> None:
    root = draw(POINTS)

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "pain-title pain-desc"
    assert root.find(f"{SVG}title").text == "Pain right now"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == (  # type: ignore[union-attr]
        "Scored 0 to 10; higher is worse. Baseline (2 Nov): 6. Week 2 (16 Nov): 5, no "
        "meaningful change. Week 6 (14 Dec): 3, meaningful improvement. The shaded band is 2 "
        "either side of the baseline of 6: a change at least that large is meaningful."
    )


def test_each_point_is_drawn_and_each_follow_up_says_its_meaning_in_words() -> None:
    root = draw(POINTS)

    assert len(root.findall(f"{SVG}circle")) == 3
    assert {"Baseline", "Week 2", "Week 6", "no change", "better"} <= set(texts(root))
    assert "Higher is worse" in texts(root)


def test_the_band_spans_the_mcid_either_side_of_baseline() -> None:
    band = draw(POINTS).find(f"{SVG}rect")

    # The plot is 204 units high for 0-10, from y=32: 8 is at y=72.8 and 4 at y=154.4.
    assert band is not None
    assert (band.get("y"), band.get("height")) == ("72.8", "81.6")


def test_the_band_stops_at_the_ends_of_the_scale() -> None:
    band = draw(POINTS, baseline=9, mcid=3).find(f"{SVG}rect")

    assert band is not None
    assert band.get("y") == "32"  # the top of the plot, 10


def test_without_baseline_or_mcid_there_is_no_band() -> None:
    assert draw(POINTS, baseline=None).find(f"{SVG}rect") is None
    assert draw(POINTS, mcid=None).find(f"{SVG}rect") is None


def test_an_unscorable_answer_is_a_cross_never_a_number() -> None:
    points = [ChartPoint("Baseline", "2 Nov", 6), ChartPoint("Week 2", "16 Nov", None)]
    root = draw(points)

    assert len(root.findall(f"{SVG}circle")) == 1
    assert "×" in texts(root) and "not scored" in texts(root)
    assert "Week 2 (16 Nov): not scored." in (root.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]


def test_labels_are_escaped() -> None:
    svg = outcome_chart_svg(
        [ChartPoint("<b>", "2 Nov", 1)], scale=PAIN, mcid=None, baseline=None,
        title="A & B", ident='x"y',
    )  # fmt: skip

    assert "<b>" not in svg
    ET.fromstring(svg)


def test_a_point_outside_the_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="outside the scale"):
        draw([ChartPoint("Baseline", "2 Nov", 11)])


def test_nothing_answered_yet_is_said() -> None:
    assert describe([], scale=PAIN, mcid=2, baseline=None) == "Nothing answered yet."


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 10, [0, 2, 4, 6, 8, 10]),
        (-7, 7, [-7, -5, 0, 5, 7]),
        (0, 80, [0, 20, 40, 60, 80]),
        (0, 50, [0, 10, 20, 30, 40, 50]),
        (0, 100, [0, 20, 40, 60, 80, 100]),
    ],
)
def test_grid_lines_fall_on_round_values(low: float, high: float, expected: list[float]) -> None:
    assert ticks(Scale(low, high, Direction.HIGHER_IS_BETTER)) == expected


def test_numbers_read_as_people_write_them() -> None:
    assert [number(v) for v in (6.0, 1600 / 45, 4.333333, -0.0, 90.625)] == [
        "6",
        "35.56",
        "4.33",
        "0",
        "90.63",
    ]


@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=0, max_value=10, allow_nan=False)),
        max_size=12,
    ),
    st.sampled_from(list(Meaning)),
)
def test_any_points_on_the_scale_make_well_formed_svg(
    values: list[float | None], meaning: Meaning
) -> None:
    points = [ChartPoint(f"Week {n}", f"{n} Nov", v, meaning) for n, v in enumerate(values)]
    root = draw(points, baseline=values[0] if values else None)

    assert len(root.findall(f"{SVG}circle")) == sum(v is not None for v in values)
