"""An outcome score over an episode, drawn on the server as SVG, readable without JavaScript.

Pure Python: points in, markup out (DESIGN.md, pure modules). Timepoints are
spaced evenly along the x axis (baseline on the left); the score's full range
runs up the y axis. The band around the baseline is the MCID either side of
it: a follow-up outside the band has changed meaningfully. The direction of
the scale is written on the chart, and every follow-up carries its meaning in
words under its label, so nothing depends on colour. The figure has a title
and a description; pages show the same figures in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from mend.outcomes.change import Meaning
from mend.outcomes.instruments import Direction
from mend.outcomes.scoring import round_half_up

# Small enough that its text stays readable when a 360 px screen shrinks it.
WIDTH = 520
HEIGHT = 300
MARGIN_LEFT = 48
MARGIN_RIGHT = 36
MARGIN_TOP = 32
MARGIN_BOTTOM = 64
MAX_TICKS = 6
LINE_COLOUR = "#0b5d52"
BAND_COLOUR = "#e6f2ef"
BAND_EDGE = "#6f9c94"
GRID_COLOUR = "#d5dedb"
TEXT_COLOUR = "#4c5754"
MISSING_COLOUR = "#a4001d"
SHORT = {
    Meaning.IMPROVEMENT: "better",
    Meaning.NO_CHANGE: "no change",
    Meaning.WORSENING: "worse",
}
COLOURS = {
    Meaning.IMPROVEMENT: "#0b5d52",
    Meaning.NO_CHANGE: "#4c5754",
    Meaning.WORSENING: "#8a3b00",
}


@dataclass(frozen=True, slots=True)
class ChartPoint:
    label: str  # "Baseline", "Week 6", "Discharge"
    date: str  # "3 Nov"
    value: float | None  # None: answered, but it cannot be scored
    meaning: Meaning | None = None  # for follow-ups with a baseline and an MCID


@dataclass(frozen=True, slots=True)
class Scale:
    low: float
    high: float
    direction: Direction

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError("the scale's low end must be below its high end")


def number(value: float) -> str:
    """A score as people read it: at most 2 places, halves rounded up, no trailing zeros."""
    text = f"{round_half_up(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def describe(
    points: Sequence[ChartPoint], *, scale: Scale, mcid: float | None, baseline: float | None
) -> str:
    """Sentences for people who cannot see the chart."""
    if not points:
        return "Nothing answered yet."
    parts = [f"Scored {number(scale.low)} to {number(scale.high)}; {scale.direction}."]
    for point in points:
        value = "not scored" if point.value is None else number(point.value)
        meaning = f", {point.meaning}" if point.meaning else ""
        parts.append(f"{point.label} ({point.date}): {value}{meaning}.")
    if mcid is not None and baseline is not None:
        parts.append(
            f"The shaded band is {number(mcid)} either side of the baseline of {number(baseline)}:"
            " a change at least that large is meaningful."
        )
    return " ".join(parts)


def outcome_chart_svg(
    points: Sequence[ChartPoint],
    *,
    scale: Scale,
    mcid: float | None,
    baseline: float | None,
    title: str,
    ident: str,
) -> str:
    """The chart as an inline <svg> (role img, with title and description).

    ``baseline`` centres the MCID band (None: no band); ``ident`` prefixes the
    ids of the title and description, so it must be unique on the page.
    """
    _check(points, scale)
    ident = escape(ident)
    body = [*_grid(scale), _direction(scale.direction)]
    if mcid is not None and baseline is not None:
        body.append(_band(scale, baseline, mcid))
    body += _series(points, scale)
    body += _labels(points)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="outcome-chart" role="img" aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">'
        f"{escape(describe(points, scale=scale, mcid=mcid, baseline=baseline))}</desc>"
        + "".join(body)
        + "</svg>"
    )


def ticks(scale: Scale) -> list[float]:
    """Round values for the grid: both ends, and steps of 1, 2, 5, 10… in between."""
    span = scale.high - scale.low
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 250, 500) if span / s <= MAX_TICKS - 1)
    found = {scale.low, scale.high}
    value = -(-scale.low // step) * step  # the first multiple of step at or above low
    while value < scale.high:
        # A step too close to an end would print on top of it.
        if min(value - scale.low, scale.high - value) >= step / 3:
            found.add(value)
        value += step
    return sorted(found)


def _check(points: Sequence[ChartPoint], scale: Scale) -> None:
    for point in points:
        if point.value is not None and not scale.low <= point.value <= scale.high:
            raise ValueError(f"{point.label}: {point.value} is outside the scale")


def _x(index: int, count: int) -> float:
    inner = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    if count == 1:
        return MARGIN_LEFT + inner / 2
    return MARGIN_LEFT + inner * index / (count - 1)


def _y(value: float, scale: Scale) -> float:
    inner = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    return MARGIN_TOP + inner * (scale.high - value) / (scale.high - scale.low)


def _fmt(coordinate: float) -> str:
    return f"{coordinate:.1f}".rstrip("0").rstrip(".")


def _grid(scale: Scale) -> list[str]:
    parts = []
    for value in ticks(scale):
        y = _fmt(_y(value, scale))
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{y}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{MARGIN_LEFT - 8}" y="{y}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="14" fill="{TEXT_COLOUR}">{number(value)}</text>'
        )
    return parts


def _direction(direction: Direction) -> str:
    return (
        f'<text x="{MARGIN_LEFT}" y="{MARGIN_TOP - 14}" font-size="14" font-weight="600" '
        f'fill="{TEXT_COLOUR}">{escape(str(direction).capitalize())}</text>'
    )


def _band(scale: Scale, baseline: float, mcid: float) -> str:
    top = _y(min(scale.high, baseline + mcid), scale)
    bottom = _y(max(scale.low, baseline - mcid), scale)
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    edge = f'stroke="{BAND_EDGE}" stroke-width="1" stroke-dasharray="5 4"'
    return (
        f'<rect x="{left}" y="{_fmt(top)}" width="{right - left}" '
        f'height="{_fmt(bottom - top)}" fill="{BAND_COLOUR}" fill-opacity="0.8"/>'
        f'<line x1="{left}" y1="{_fmt(top)}" x2="{right}" y2="{_fmt(top)}" {edge}/>'
        f'<line x1="{left}" y1="{_fmt(bottom)}" x2="{right}" y2="{_fmt(bottom)}" {edge}/>'
        f'<text x="{right}" y="{MARGIN_TOP - 14}" text-anchor="end" font-size="14" '
        f'fill="{TEXT_COLOUR}">band: baseline ± MCID {number(mcid)}</text>'
    )


def _series(points: Sequence[ChartPoint], scale: Scale) -> list[str]:
    count = len(points)
    scored = [
        (_fmt(_x(i, count)), _fmt(_y(p.value, scale)), p)
        for i, p in enumerate(points)
        if p.value is not None
    ]
    parts = []
    if len(scored) > 1:
        path = " ".join(f"{x},{y}" for x, y, _ in scored)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{LINE_COLOUR}" stroke-width="2.5"/>'
        )
    for x, y, point in scored:
        colour = COLOURS[point.meaning] if point.meaning else LINE_COLOUR
        parts.append(f'<circle cx="{x}" cy="{y}" r="5" fill="{colour}"/>')
    bottom = _fmt(_y(scale.low, scale) - 8)
    for i, point in enumerate(points):
        if point.value is None:  # a cross on the axis, never a number
            parts.append(
                f'<text x="{_fmt(_x(i, count))}" y="{bottom}" text-anchor="middle" '
                f'font-size="16" fill="{MISSING_COLOUR}">×</text>'
            )
    return parts


def _labels(points: Sequence[ChartPoint]) -> list[str]:
    count = len(points)
    first = HEIGHT - MARGIN_BOTTOM + 18
    parts = []
    for i, point in enumerate(points):
        x = _fmt(_x(i, count))
        note = _note(point)
        parts.append(
            f'<text x="{x}" y="{first}" text-anchor="middle" font-size="14" '
            f'fill="{TEXT_COLOUR}">{escape(point.label)}</text>'
            f'<text x="{x}" y="{first + 16}" text-anchor="middle" font-size="13" '
            f'fill="{TEXT_COLOUR}">{escape(point.date)}</text>'
        )
        if note:
            parts.append(
                f'<text x="{x}" y="{first + 34}" text-anchor="middle" font-size="14" '
                f'font-weight="600" fill="{TEXT_COLOUR}">{escape(note)}</text>'
            )
    return parts


def _note(point: ChartPoint) -> str:
    if point.value is None:
        return "not scored"
    return SHORT[point.meaning] if point.meaning else ""
