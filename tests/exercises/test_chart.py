"""The server-drawn pain chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mend.exercises.chart import PainPoint, describe, pain_chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_chart_draws_one_point_per_session_with_the_limit_line() -> None:
    points = [PainPoint("2 Nov", 3, 2), PainPoint("4 Nov", 5, 3), PainPoint("6 Nov", 2, 1)]
    root = ET.fromstring(pain_chart_svg(points, limit=5))

    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Pain over time"
    assert len(root.findall(f"{SVG}circle")) == 6  # pain during and pain after
    assert "limit 5" in "".join(root.itertext())
    assert [t.text for t in root.findall(f"{SVG}text") if t.text.endswith("Nov")] == [
        "2 Nov",
        "4 Nov",
        "6 Nov",
    ]


def test_description_states_the_range_and_the_sessions_over_the_limit() -> None:
    points = [PainPoint("2 Nov", 3, 2), PainPoint("4 Nov", 7, 3)]

    assert describe(points, 5) == (
        "2 sessions from 2 Nov to 4 Nov. Pain during the exercises ranged from 3 to 7 out "
        "of 10; the latest was 7. 1 above the limit of 5."
    )
    assert describe([], 5) == "No sessions logged yet."


def test_labels_are_escaped() -> None:
    svg = pain_chart_svg([PainPoint("<b>&", 1, 1)], title="A & B")
    assert "<b>&" not in svg and "&lt;b&gt;&amp;" in svg and "A &amp; B" in svg


def test_values_outside_the_scale_are_refused() -> None:
    with pytest.raises(ValueError):
        pain_chart_svg([PainPoint("x", 11, 0)])
    with pytest.raises(ValueError):
        pain_chart_svg([], limit=-1)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), max_size=40),
    st.one_of(st.none(), st.integers(0, 10)),
)
def test_any_valid_series_gives_well_formed_svg_inside_the_frame(
    values: list[tuple[int, int]], limit: int | None
) -> None:
    points = [PainPoint(f"d{i}", during, now) for i, (during, now) in enumerate(values)]
    root = ET.fromstring(pain_chart_svg(points, limit=limit))
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    circles = root.findall(f"{SVG}circle")
    assert len(circles) == 2 * len(points)
    for circle in circles:
        assert 0 <= float(circle.get("cx")) <= width
        assert 0 <= float(circle.get("cy")) <= height
