"""The cast for outcome tests: a patient in a clinician's care, another clinician, a
stranger, an admin; an episode opened at NOW; a text pack for LEFS with placeholder text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from mend.accounts.models import User
from mend.care.models import Episode
from mend.outcomes import services, textpack
from mend.outcomes.instruments import INSTRUMENTS
from mend.outcomes.models import Schedule, TextPack

# 09:00 on Monday 2 November 2026 in UTC (10:00 in Berlin).
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("boss@clinic.example", is_staff=True, is_superuser=True)


@pytest.fixture
def episode(patient: User, clinician: User) -> Episode:
    return Episode.objects.create(patient=patient, clinician=clinician, opened_at=NOW)


def discharge(episode: Episode, *, at: dt.datetime) -> Episode:
    Episode.objects.filter(pk=episode.pk).update(status=Episode.Status.FINISHED, discharged_at=at)
    episode.refresh_from_db()
    return episode


@pytest.fixture
def attach(episode: Episode, clinician: User) -> Callable[..., Schedule]:
    def make(instrument: str = "nprs", *, now: dt.datetime = NOW, **options: Any) -> Schedule:
        values: dict[str, Any] = {
            "at_baseline": True,
            "follow_up_weeks": [2, 6, 12],
            "at_discharge": True,
            "is_main": True,
            "review_week": 6,
            "time_zone": "UTC",
        }
        values.update(options)
        return services.attach(
            episode=values.pop("episode", episode),
            by=values.pop("by", clinician),
            instrument=instrument,
            now=now,
            **values,
        )

    return make


def placeholder_pack(code: str = "lefs", **changes: Any) -> dict[str, Any]:
    """A pack that passes the checks, with made-up wording (never an instrument's own)."""
    instrument = INSTRUMENTS[code]
    items = {
        item.id: {
            "text": f"Placeholder question {item.id}.",
            "options": {key: f"Placeholder answer {key}" for key in textpack.answer_keys(item)},
        }
        for item in instrument.items
    }
    pack: dict[str, Any] = {
        "format": textpack.FORMAT,
        "instrument": code,
        "version": instrument.version,
        "language": "en",
        "licence": {"holder": "Example Holder", "note": "Used with permission (example)."},
        "instructions": "Placeholder instructions.",
        "items": items,
    }
    pack.update(changes)
    return pack


@pytest.fixture
def lefs_pack(db: None) -> TextPack:
    pack = textpack.parse(placeholder_pack("lefs"))
    return TextPack.objects.create(
        code="lefs",
        instrument_version=pack.version,
        language=pack.language,
        text=pack.as_json(),
        licence_holder=pack.holder,
        licence_note=pack.note,
        loaded_at=NOW,
    )


def lefs_answers(value: int = 2, count: int = 20) -> dict[str, int]:
    return {f"i{n}": value for n in range(1, count + 1)}
