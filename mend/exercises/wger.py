"""Read wger's exercise export into Mend records, keeping each exercise's licence and author.

wger (wger.de, AGPL code) publishes exercise text under per-exercise Creative
Commons licences, mostly CC-BY-SA, with the author in ``license_author``. The
input is its ``exerciseinfo`` API output (``{"results": [...]}`` or a plain
list); each entry is one exercise with its translations (``translations``, or
``exercises`` in older exports). Only the English translation is imported;
entries without one are skipped with a reason. The licence and author come
from the translation, else from the exercise; an entry with neither is an
error, so nothing is imported without attribution.

wger has no dosage, so imported exercises get a plain 3 × 10 marked as ours
to change; regions are guessed from wger's category and muscles.
"""

from __future__ import annotations

from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

from django.utils.text import slugify

ENGLISH_ID = 2
SOURCE = "wger"
SOURCE_URL = "https://wger.de/"
DOSAGE = {"sets": 3, "reps": 10, "notes": "wger gives no dosage: set one before prescribing."}
CATEGORY_REGIONS = {
    "abs": "low-back",
    "arms": "elbow-wrist-hand",
    "back": "upper-back-neck",
    "calves": "calf-achilles",
    "chest": "shoulder",
    "legs": "thigh-hamstring",
    "shoulders": "shoulder",
}
MUSCLE_REGIONS = {
    "gastrocnemius": "calf-achilles",
    "soleus": "calf-achilles",
    "biceps femoris": "thigh-hamstring",
    "quadriceps femoris": "knee",
    "gluteus maximus": "hip-glutes",
    "obliquus externus abdominis": "low-back",
    "rectus abdominis": "low-back",
    "trapezius": "upper-back-neck",
    "latissimus dorsi": "upper-back-neck",
    "anterior deltoid": "shoulder",
    "serratus anterior": "shoulder",
    "biceps brachii": "elbow-wrist-hand",
    "triceps brachii": "elbow-wrist-hand",
    "brachialis": "elbow-wrist-hand",
    "pectoralis major": "shoulder",
}
BLOCK_TAGS = {"p", "li", "br", "div", "ol", "ul", "h1", "h2", "h3", "h4"}


class _Lines(HTMLParser):
    """Text of an HTML description, one line per paragraph or list item."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._current: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.lines.append(text[:500])
        self._current = []

    def result(self) -> list[str]:
        self._flush()
        return self.lines


def description_lines(html: str) -> list[str]:
    parser = _Lines()
    parser.feed(html or "")
    parser.close()
    return parser.result()


def _entries(data: object) -> list[Any]:
    if isinstance(data, Mapping) and isinstance(data.get("results"), list):
        return list(data["results"])
    if isinstance(data, list):
        return data
    raise ValueError('A wger export is a list of exercises or an object with "results".')


def _language(translation: Mapping[str, Any]) -> object:
    language = translation.get("language")
    if isinstance(language, Mapping):
        return language.get("id", language.get("short_name"))
    return language


def _english(entry: Mapping[str, Any]) -> Mapping[str, Any] | None:
    translations = entry.get("translations", entry.get("exercises", []))
    if not isinstance(translations, list):
        return None
    for translation in translations:
        if isinstance(translation, Mapping) and _language(translation) in (ENGLISH_ID, "en"):
            return translation
    return None


def _licence(*candidates: Mapping[str, Any]) -> tuple[str, str, str]:
    """(licence, its address, author) from the first candidate that names them."""
    name = url = author = ""
    for candidate in candidates:
        licence = candidate.get("license")
        if isinstance(licence, Mapping) and not name:
            name = str(licence.get("short_name") or licence.get("full_name") or "")
            url = str(licence.get("url") or "")
        if not author and isinstance(candidate.get("license_author"), str):
            author = candidate["license_author"].strip()
    return name, url, author


def _names(items: object, key: str = "name") -> list[str]:
    if not isinstance(items, list):
        return []
    found = []
    for item in items:
        if isinstance(item, Mapping):
            value = item.get("name_en") or item.get(key)
            if isinstance(value, str) and value.strip():
                found.append(value.strip())
    return found


def _regions(entry: Mapping[str, Any]) -> list[str]:
    regions = set()
    for muscle in _names(entry.get("muscles")) + _names(entry.get("muscles_secondary")):
        region = MUSCLE_REGIONS.get(muscle.lower())
        if region:
            regions.add(region)
    category = entry.get("category")
    if isinstance(category, Mapping):
        region = CATEGORY_REGIONS.get(str(category.get("name", "")).lower())
        if region and not regions:
            regions.add(region)
    return sorted(regions) or ["thigh-hamstring" if _is_legs(entry) else "upper-back-neck"]


def _is_legs(entry: Mapping[str, Any]) -> bool:
    category = entry.get("category")
    return isinstance(category, Mapping) and str(category.get("name", "")).lower() in (
        "legs",
        "calves",
    )


def to_records(data: object) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Mend records for the English exercises, and (entry, reason) for those skipped."""
    records: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = []
    slugs: set[str] = set()
    for number, entry in enumerate(_entries(data), start=1):
        if not isinstance(entry, Mapping):
            records.append({"slug": f"wger-entry-{number}"})  # reported as a bad record
            continue
        ident = str(entry.get("uuid") or entry.get("id") or number)
        translation = _english(entry)
        if translation is None:
            skipped.append((f"wger {ident}", "no English text"))
            continue
        name = str(translation.get("name") or "").strip()
        slug = (slugify(name)[:100] or "exercise") + "-wger"
        if slug in slugs:
            slug = f"{slug}-{entry.get('id', number)}"
        slugs.add(slug)
        licence, licence_url, author = _licence(translation, entry)
        category = entry.get("category")
        cardio = isinstance(category, Mapping) and str(category.get("name", "")).lower() == "cardio"
        records.append(
            {
                "slug": slug,
                "name": name,
                "regions": _regions(entry),
                "purpose": "cardio" if cardio else "strengthen",
                "aliases": _names(translation.get("aliases"), key="alias"),
                "equipment": _names(entry.get("equipment")),
                "steps": description_lines(str(translation.get("description") or "")),
                "dosage": DOSAGE,
                "source": SOURCE,
                "source_url": SOURCE_URL,
                "source_id": ident,
                "licence": licence,
                "licence_url": licence_url,
                "author": author,
            }
        )
    return records, skipped
