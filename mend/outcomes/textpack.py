"""Text packs: a clinic's licensed wording for a tier B or C questionnaire, checked on import.

Standard library only (DESIGN.md, pure modules). Mend ships the item ids and
the scoring of tier B and C instruments but not their wording, which belongs
to the copyright holder; a clinic with permission or a licence loads it as one
JSON document per instrument version and language (docs/outcomes.md shows the
format). ``parse`` accepts a pack only if it covers the instrument exactly:
every item with its text and a label for every answer it can take, nothing
the instrument does not have. A message names the item at fault.

Tier A instruments carry their own text in instruments.py; ``bundled`` gives
it in the same shape, so the form reads one kind of thing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from mend.outcomes.instruments import INSTRUMENTS, NOT_APPLICABLE, Instrument, Item, Licence

FORMAT = "mend-text-pack/1"
MAX_TEXT = 2000
MAX_LABEL = 300
MAX_NAME = 200
# A BCP 47 tag as people write it: "en", "en-GB", "pt-BR", "sr-Latn".
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
REQUIRED = ("format", "instrument", "version", "language", "licence", "items")
OPTIONAL = ("instructions", "branches")


class PackError(ValueError):
    """A pack that cannot be loaded; ``item_id`` is the item at fault, if one is."""

    def __init__(self, message: str, *, item_id: str | None = None) -> None:
        self.message = f"{item_id}: {message}" if item_id else message
        self.item_id = item_id
        super().__init__(self.message)


@dataclass(frozen=True)
class ItemText:
    text: str
    # (answer, label) in the item's own order; the answer as the form posts it.
    options: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Pack:
    instrument: str
    version: str
    language: str
    holder: str
    note: str
    instructions: str
    branches: dict[str, str]
    items: dict[str, ItemText]

    def as_json(self) -> dict[str, object]:
        """The pack as a document ``parse`` reads back: what Mend stores."""
        return {
            "format": FORMAT,
            "instrument": self.instrument,
            "version": self.version,
            "language": self.language,
            "licence": {"holder": self.holder, "note": self.note},
            "instructions": self.instructions,
            "branches": dict(self.branches),
            "items": {
                item_id: {"text": item.text, "options": dict(item.options)}
                for item_id, item in self.items.items()
            },
        }


def answer_keys(item: Item) -> tuple[str, ...]:
    """The answers an item can take, as strings: its scores, and "na" where allowed."""
    keys = tuple(str(value) for value in item.values)
    return (*keys, NOT_APPLICABLE) if item.allows_na else keys


def parse(document: object) -> Pack:
    data = _mapping(document, "the pack")
    _only_known(data, REQUIRED, OPTIONAL, "the pack")
    if data["format"] != FORMAT:
        raise PackError(f'"format" must be "{FORMAT}", not {data["format"]!r}')
    instrument = _instrument(data)
    language = _text(data["language"], '"language"', MAX_NAME)
    if not LANGUAGE.fullmatch(language):
        raise PackError(
            f'"language" must be a language tag such as "en" or "en-GB", not {language!r}'
        )
    holder, note = _licence(data["licence"])
    return Pack(
        instrument=instrument.code,
        version=instrument.version,
        language=language,
        holder=holder,
        note=note,
        instructions=_optional_text(data.get("instructions"), '"instructions"'),
        branches=_branches(instrument, data.get("branches")),
        items=_items(instrument, data["items"]),
    )


def bundled(instrument: Instrument) -> Pack | None:
    """The text Mend ships for a tier A instrument; None for tiers B and C."""
    if instrument.licence is not Licence.A:
        return None
    return Pack(
        instrument=instrument.code,
        version=instrument.version,
        language="en",
        holder="Mend",
        note="Written for Mend in its own words.",
        instructions=instrument.instructions or "",
        branches={},
        items={item.id: _bundled_item(item) for item in instrument.items},
    )


def _bundled_item(item: Item) -> ItemText:
    anchors = dict(item.labels)
    signed = min(item.values) < 0  # GROC: +3 reads as better, 3 could be either
    options = []
    for value in item.values:
        number = f"{value:+d}" if signed and value > 0 else str(value)
        anchor = anchors.get(value)
        options.append((str(value), f"{number}: {anchor}" if anchor else number))
    return ItemText(text=item.text or item.id, options=tuple(options))


def _instrument(data: Mapping[str, object]) -> Instrument:
    code = data["instrument"]
    instrument = INSTRUMENTS.get(code) if isinstance(code, str) else None
    if instrument is None:
        known = ", ".join(INSTRUMENTS)
        raise PackError(f'"instrument" must be one of {known}, not {code!r}')
    if instrument.licence is Licence.A:
        raise PackError(f"{code} is tier A: Mend ships its text, so it takes no pack")
    if data["version"] != instrument.version:
        raise PackError(
            f"this pack is for {code} version {data['version']!r}, but Mend scores version "
            f"{instrument.version!r}: the items may differ"
        )
    return instrument


def _licence(value: object) -> tuple[str, str]:
    licence = _mapping(value, '"licence"')
    _only_known(licence, ("holder",), ("note",), '"licence"')
    holder = _text(licence["holder"], '"licence"."holder"', MAX_NAME)
    return holder, _optional_text(licence.get("note"), '"licence"."note"')


def _branches(instrument: Instrument, value: object) -> dict[str, str]:
    if value is None:
        return {}
    branches = _mapping(value, '"branches"')
    known = tuple(dict.fromkeys(item.branch for item in instrument.items if item.branch))
    for name in branches:
        if name not in known:
            raise PackError(f"{instrument.code} has no branched question {name!r}")
    return {name: _text(text, f'"branches".{name}', MAX_TEXT) for name, text in branches.items()}


def _items(instrument: Instrument, value: object) -> dict[str, ItemText]:
    given = _mapping(value, '"items"')
    for item_id in given:
        if instrument.item(item_id) is None:
            raise PackError(f"{instrument.code} has no such item", item_id=item_id)
    found = {}
    for item in instrument.items:
        if item.id not in given:
            raise PackError("missing: every item needs its text and labels", item_id=item.id)
        found[item.id] = _item(item, given[item.id])
    return found


def _item(item: Item, value: object) -> ItemText:
    entry = _mapping(value, "the item", item_id=item.id)
    _only_known(entry, ("text", "options"), (), "the item", item_id=item.id)
    text = _text(entry["text"], '"text"', MAX_TEXT, item_id=item.id)
    options = _mapping(entry["options"], '"options"', item_id=item.id)
    keys = answer_keys(item)
    for key in options:
        if key not in keys:
            raise PackError(
                f'"options" has {key!r}, which is not one of its answers ({", ".join(keys)})',
                item_id=item.id,
            )
    labels = []
    for key in keys:
        if key not in options:
            raise PackError(f'"options" has no label for the answer {key}', item_id=item.id)
        labels.append(
            (key, _text(options[key], f"the label for {key}", MAX_LABEL, item_id=item.id))
        )
    return ItemText(text=text, options=tuple(labels))


def _mapping(value: object, what: str, *, item_id: str | None = None) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise PackError(f"{what} must be a JSON object", item_id=item_id)
    return value


def _only_known(
    data: Mapping[str, object],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    what: str,
    *,
    item_id: str | None = None,
) -> None:
    for key in data:
        if key not in required + optional:
            raise PackError(f"{what} has an unknown key {key!r}", item_id=item_id)
    for key in required:
        if key not in data:
            raise PackError(f'{what} needs "{key}"', item_id=item_id)


def _text(value: object, what: str, limit: int, *, item_id: str | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PackError(f"{what} must be text, not empty", item_id=item_id)
    if len(value) > limit:
        raise PackError(f"{what} is longer than {limit} characters", item_id=item_id)
    return value.strip()


def _optional_text(value: object, what: str) -> str:
    return "" if value is None or value == "" else _text(value, what, MAX_TEXT)
