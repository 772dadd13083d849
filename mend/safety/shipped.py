"""The screens Mend ships (data/screens.json) and adding the ones a database lacks.

``add_missing`` takes the model classes, so the data migration can pass its
historical models and ``services.load_screens`` the live ones.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def document() -> dict[str, Any]:
    text = resources.files("mend.safety").joinpath("data", "screens.json").read_text("utf-8")
    found: dict[str, Any] = json.loads(text)
    return found


def add_missing(entries: list[dict[str, Any]], screen_model: Any, question_model: Any) -> list[str]:
    """Add each screen whose slug is new; one already there, edited or not, is left alone.
    A screen for a region that already has an active one comes in inactive. The slugs added."""
    added = []
    for entry in entries:
        if screen_model.objects.filter(slug=entry["slug"]).exists():
            continue
        region = entry.get("region", "")
        screen = screen_model.objects.create(
            slug=entry["slug"],
            name=entry["name"],
            region=region,
            intro=entry.get("intro", ""),
            sources="\n".join(entry.get("sources", [])),
            is_active=not screen_model.objects.filter(region=region, is_active=True).exists(),
        )
        question_model.objects.bulk_create(
            question_model(
                screen=screen,
                sort_order=position,
                key=item["key"],
                text=item["text"],
                hint=item.get("hint", ""),
                level=item["level"],
            )
            for position, item in enumerate(entry["questions"])
        )
        added.append(screen.slug)
    return added
