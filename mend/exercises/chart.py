"""The pain chart: an SVG drawn on the server, readable without JavaScript.

Pure Python: points in, markup out. Sessions are spaced evenly along the
x axis (one column per session, oldest on the left), the 0-10 scale runs up
the y axis, and the pain rule's limit is a dashed line. The figure carries a
title and a description; pages show the same numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 40
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 44
SCALE_MAX = 10
MAX_LABELS = 8
DURING_COLOUR = "#0b5d52"
NOW_COLOUR = "#8a3b00"
GRID_COLOUR = "#d5dedb"
TEXT_COLOUR = "#4c5754"


@dataclass(frozen=True, slots=True)
class PainPoint:
    label: str  # e.g. "3 Mar"
    pain_during: int
    pain_now: int


def _check(points: Sequence[PainPoint]) -> None:
    for point in points:
        for value in (point.pain_during, point.pain_now):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
                raise ValueError("pain values must be whole numbers from 0 to 10")


def _x(index: int, count: int) -> float:
    inner = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    if count == 1:
        return MARGIN_LEFT + inner / 2
    return MARGIN_LEFT + inner * index / (count - 1)


def _y(value: float) -> float:
    inner = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    return MARGIN_TOP + inner * (1 - value / SCALE_MAX)


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def describe(points: Sequence[PainPoint], limit: int | None) -> str:
    """A sentence for people who cannot see the chart."""
    if not points:
        return "No sessions logged yet."
    during = [point.pain_during for point in points]
    text = (
        f"{len(points)} session{'s' if len(points) != 1 else ''} from {points[0].label} "
        f"to {points[-1].label}. Pain during the exercises ranged from {min(during)} to "
        f"{max(during)} out of 10; the latest was {during[-1]}."
    )
    if limit is not None:
        over = sum(1 for value in during if value > limit)
        text += f" {over} above the limit of {limit}." if over else f" None above {limit}."
    return text


def _grid(limit: int | None) -> list[str]:
    parts = []
    for value in (0, 2, 4, 6, 8, 10):
        y = _fmt(_y(value))
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{y}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{MARGIN_LEFT - 8}" y="{y}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="12" fill="{TEXT_COLOUR}">{value}</text>'
        )
    if limit is not None:
        y = _fmt(_y(limit))
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{y}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y}" '
            f'stroke="{NOW_COLOUR}" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{WIDTH - MARGIN_RIGHT}" y="{_fmt(_y(limit) - 6)}" text-anchor="end" '
            f'font-size="12" fill="{NOW_COLOUR}">limit {limit}</text>'
        )
    return parts


def _series(values: list[int], colour: str, *, dashed: bool) -> str:
    count = len(values)
    coords = [(_fmt(_x(i, count)), _fmt(_y(value))) for i, value in enumerate(values)]
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    parts = []
    if count > 1:
        path = " ".join(f"{x},{y}" for x, y in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>'
        )
    parts += [f'<circle cx="{x}" cy="{y}" r="4" fill="{colour}"/>' for x, y in coords]
    return "".join(parts)


def _labels(points: Sequence[PainPoint]) -> list[str]:
    count = len(points)
    step = max(1, -(-count // MAX_LABELS))  # ceiling division: at most MAX_LABELS labels
    shown = set(range(0, count, step)) | {count - 1}
    y = HEIGHT - MARGIN_BOTTOM + 18
    return [
        f'<text x="{_fmt(_x(i, count))}" y="{y}" text-anchor="middle" font-size="12" '
        f'fill="{TEXT_COLOUR}">{escape(points[i].label)}</text>'
        for i in sorted(shown)
    ]


def _legend() -> str:
    y = HEIGHT - 8
    return (
        f'<line x1="{MARGIN_LEFT}" y1="{y - 4}" x2="{MARGIN_LEFT + 24}" y2="{y - 4}" '
        f'stroke="{DURING_COLOUR}" stroke-width="2.5"/>'
        f'<text x="{MARGIN_LEFT + 30}" y="{y}" font-size="12" fill="{TEXT_COLOUR}">'
        "pain during</text>"
        f'<line x1="{MARGIN_LEFT + 130}" y1="{y - 4}" x2="{MARGIN_LEFT + 154}" y2="{y - 4}" '
        f'stroke="{NOW_COLOUR}" stroke-width="2.5" stroke-dasharray="4 3"/>'
        f'<text x="{MARGIN_LEFT + 160}" y="{y}" font-size="12" fill="{TEXT_COLOUR}">'
        "pain after</text>"
    )


def pain_chart_svg(
    points: Sequence[PainPoint],
    *,
    limit: int | None = 5,
    title: str = "Pain over time",
    ident: str = "pain-chart",
) -> str:
    """The chart as an inline <svg> element (role img, with title and description).

    ``ident`` prefixes the ids of its title and description: unique per page.
    """
    _check(points)
    ident = escape(ident)
    if limit is not None and not 0 <= limit <= SCALE_MAX:
        raise ValueError("limit must be from 0 to 10")
    body = _grid(limit)
    if points:
        body.append(_series([p.pain_now for p in points], NOW_COLOUR, dashed=True))
        body.append(_series([p.pain_during for p in points], DURING_COLOUR, dashed=False))
        body += _labels(points)
    body.append(_legend())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="pain-chart" role="img" aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(describe(points, limit))}</desc>'
        + "".join(body)
        + "</svg>"
    )
