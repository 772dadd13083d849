"""Where the guide's body map draws each region, keyed by region slug.

The map is one SVG: the body seen from the front on the left half, from the
back on the right. Coordinates are in its viewBox. Every shape is at least
MIN_TARGET units on each side and no two shapes overlap, so each is a whole
target: the map is drawn at most VIEWBOX_WIDTH units across in about 320 px
or more (a 360 px screen less the page's margins), which keeps a shape at 44
px or more. A region may have shapes in both figures (the hip in front, the
glutes behind); they form one link.
"""

from __future__ import annotations

from dataclasses import dataclass

VIEWBOX_WIDTH = 360
VIEWBOX_HEIGHT = 484
MIN_TARGET = 56


@dataclass(frozen=True)
class Shape:
    x: int
    y: int
    width: int
    height: int
    radius: int = 14  # corner radius; half the side makes a circle

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def overlaps(self, other: Shape) -> bool:
        return not (
            self.right <= other.x
            or other.right <= self.x
            or self.bottom <= other.y
            or other.bottom <= self.y
        )


@dataclass(frozen=True)
class Figure:
    label: str
    x: int  # where the figure, drawn at 0-180 across, is moved to
    centre: int


FIGURES = (Figure("Front", 0, 90), Figure("Back", 180, 270))

SHAPES: dict[str, tuple[Shape, ...]] = {
    "foot-ankle": (Shape(52, 404, 76, 58),),
    "calf-achilles": (Shape(238, 340, 64, 104),),
    "knee": (Shape(58, 316, 64, 56),),
    "thigh-hamstring": (Shape(58, 254, 64, 60), Shape(238, 256, 64, 60)),
    "hip-glutes": (Shape(58, 196, 64, 56), Shape(238, 198, 64, 56)),
    "low-back": (Shape(236, 140, 68, 56),),
    "upper-back-neck": (Shape(222, 62, 96, 76),),
    "shoulder": (Shape(18, 68, 56, 56, radius=28), Shape(106, 68, 56, 56, radius=28)),
    "elbow-wrist-hand": (Shape(0, 150, 56, 124), Shape(124, 150, 56, 124)),
}


def viewbox() -> str:
    return f"0 0 {VIEWBOX_WIDTH} {VIEWBOX_HEIGHT}"
