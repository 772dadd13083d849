"""Exercise dosage: a validated value object, its one-line summary and the player's steps.

Standard library only, so it is fast and property-testable (DESIGN.md, pure modules).

Conventions:

* Counts and times are whole numbers. A hold or a rest is one value (``hold_s``)
  or a range (``hold_s`` to ``hold_max_s``); the player's timer always uses the
  lower bound, the part every patient is asked to reach.
* ``reps`` and ``rm_target`` are alternatives: 15 reps, or 8 reps at an 8RM load.
  With a hold, every repetition is held (10 reps, hold 5 s each).
* Sides: ``EACH`` does every rep of a set on the left, switches, then the right;
  ``ALTERNATING`` swaps sides every repetition with no switch pause, and its
  ``reps`` count per side.
* ``tempo`` is eccentric-pause-concentric-pause in seconds ("3-0-3-0"): four whole
  numbers 0-10 joined by hyphens; the lifting phase may be ``X`` for explosive.
  It paces repetitions, so it needs reps and no hold.
* Rest is between sets only, never after the last. ``rest_s=None`` gives an
  untimed rest (the patient taps when ready); ``rest_s=0`` goes straight on.
* Rep steps are not timed: the patient taps when done. With a tempo, their
  ``seconds`` is an estimate (reps x tempo, ``X`` counted as 1 s) the player may
  show as a pace guide. ``total_seconds`` counts it.
* ``from_dict`` reads untrusted JSON and raises only ``DosageError``, whose
  ``errors`` map each field to a message a clinician can act on. Problems with
  single fields are reported before problems between fields.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, Literal, TypeGuard, TypeVar, cast

GET_READY_SECONDS = 5
SWITCH_SIDES_SECONDS = 5
SEPARATOR = " · "
EN_DASH = "\u2013"
TIMES = "\u00d7"  # the multiplication sign in "3 x 15"
NON_FIELD_ERRORS = "__all__"  # the key Django forms use for errors about the whole object

Side = Literal["left", "right"]
_E = TypeVar("_E", bound=StrEnum)


class DosageError(ValueError):
    """A dosage that cannot be used; ``errors`` maps field names to user-facing messages."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__(" ".join(f"{name}: {message}" for name, message in self.errors.items()))


class Sides(StrEnum):
    NONE = "none"
    EACH = "each"
    LEFT = "left"
    RIGHT = "right"
    ALTERNATING = "alternating"


class Timing(StrEnum):
    BEFORE_ACTIVITY = "before_activity"
    DURING_ACTIVITY = "during_activity"
    AFTER_ACTIVITY = "after_activity"
    MORNING = "morning"
    EVENING = "evening"


class LoadKind(StrEnum):
    BODYWEIGHT = "bodyweight"
    KG = "kg"
    LB = "lb"
    BAND = "band"
    RPE = "rpe"


class StepKind(StrEnum):
    GET_READY = "get_ready"
    HOLD = "hold"
    REPS = "reps"
    SWITCH_SIDES = "switch_sides"
    REST = "rest"
    DONE = "done"


# A closed list so that "each leg" / "alternating legs" read correctly.
SIDE_LABELS: dict[str, str] = {
    "side": "sides",
    "leg": "legs",
    "arm": "arms",
    "hand": "hands",
    "foot": "feet",
    "ankle": "ankles",
    "knee": "knees",
    "hip": "hips",
    "shoulder": "shoulders",
    "elbow": "elbows",
    "wrist": "wrists",
}

_NUMBER = r"(10|[0-9])"
_TEMPO = re.compile(rf"{_NUMBER}-{_NUMBER}-({_NUMBER}|X)-{_NUMBER}")
_TEMPO_MESSAGE = (
    "Give the tempo as four whole numbers from 0 to 10 joined by hyphens "
    "(lowering-pause-lifting-pause), e.g. 3-0-3-0; use X for an explosive lift."
)


# Validation helpers: each returns a message, or None when the value is fine.


def _is_whole(value: object, low: int, high: int) -> TypeGuard[int]:
    # bool is an int subclass; True must not pass for 1.
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _is_number(value: object) -> TypeGuard[int | float]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def _whole(low: int, high: int, message: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        return None if value is None or _is_whole(value, low, high) else message

    return check


def _text_error(value: object, max_length: int, *, multiline: bool = False) -> str | None:
    if not isinstance(value, str):
        return "Must be text."
    if len(value) > max_length:
        return f"Must be at most {max_length} characters."
    if multiline:
        value = value.replace("\n", "").replace("\t", "")
        if any(unicodedata.category(char) in ("Cc", "Cs") for char in value):
            return "Must not contain control characters."
        return None
    if any(unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") for char in value):
        return "Must be on one line."
    if SEPARATOR.strip() in value:
        return f"Must not contain “{SEPARATOR.strip()}”: it separates the parts of the dosage line."
    if value != value.strip():
        return "Must not start or end with spaces."
    return None


def _text(max_length: int, *, multiline: bool = False) -> Callable[[object], str | None]:
    return lambda value: _text_error(value, max_length, multiline=multiline)


def _choices(enum: type[StrEnum]) -> str:
    return ", ".join(member.value for member in enum)


def _member(enum: type[_E], value: object) -> _E | None:
    return next((member for member in enum if member.value == value), None)


def _tempo_parts(tempo: str) -> tuple[str, str, str, str] | None:
    match = _TEMPO.fullmatch(tempo)
    if match is None:
        return None
    lowering, pause, lifting, top = tempo.split("-")
    return lowering, pause, lifting, top


def _tempo_error(value: object) -> str | None:
    if value == "":
        return None
    if not isinstance(value, str) or (parts := _tempo_parts(value)) is None:
        return _TEMPO_MESSAGE
    if parts[0] == "0" and parts[2] == "0":
        return "The lowering and lifting phases cannot both take 0 seconds."
    return None


def _rep_seconds(tempo: str) -> int | None:
    parts = _tempo_parts(tempo)
    if parts is None:
        return None
    return sum(1 if part == "X" else int(part) for part in parts)


@dataclass(frozen=True, slots=True)
class Load:
    """Bodyweight (no value), kg or lb (a number), a band (its colour) or an RPE (1-10)."""

    kind: LoadKind
    value: float | str | None = None

    def __post_init__(self) -> None:
        message = _load_error(self.kind, self.value)
        if message is not None:
            raise DosageError({"load": message})

    def describe(self) -> str:
        if self.kind is LoadKind.BODYWEIGHT:
            return "bodyweight"
        if self.kind is LoadKind.BAND:
            return f"{self.value} band"
        amount = f"{round(cast(float, self.value), 2):g}"
        return f"RPE {amount}" if self.kind is LoadKind.RPE else f"{amount} {self.kind.value}"

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind.value, "value": self.value}


_LOAD_RANGES: dict[LoadKind, tuple[float, float, str]] = {
    LoadKind.KG: (0.1, 500, "A load in kg must be a number from 0.1 to 500."),
    LoadKind.LB: (0.25, 1100, "A load in lb must be a number from 0.25 to 1100."),
    LoadKind.RPE: (1, 10, "An RPE must be a number from 1 to 10."),
}


def _load_error(kind: object, value: object) -> str | None:
    if not isinstance(kind, LoadKind):
        return f"Choose a kind of load: {_choices(LoadKind)}."
    if kind is LoadKind.BODYWEIGHT:
        return (
            None if value is None else "Bodyweight takes no value; use kg or lb for added weight."
        )
    if kind is LoadKind.BAND:
        if value == "":
            return "Give the band colour."
        message = _text_error(value, 30)
        return None if message is None else f"The band colour: {message}"
    low, high, message = _LOAD_RANGES[kind]
    return None if _is_number(value) and low <= value <= high else message


@dataclass(frozen=True, slots=True)
class PainRule:
    """The pain-monitoring model (Silbernagel 2007): some pain is fine if it settles."""

    max_during: int = 5
    settle_by_next_morning: bool = True

    def __post_init__(self) -> None:
        if not _is_whole(self.max_during, 0, 10):
            raise DosageError({"pain_rule": "The highest acceptable pain must be 0 to 10."})
        if not isinstance(self.settle_by_next_morning, bool):
            raise DosageError({"pain_rule": "Say yes or no: must pain settle by the next morning?"})

    def should_ease_off(self, pain_during: int, *, settled_next_morning: bool) -> bool:
        """True when the logged response says the load was too much."""
        if not _is_whole(pain_during, 0, 10):
            raise DosageError({"pain_during": "Pain must be a whole number from 0 to 10."})
        if not isinstance(settled_next_morning, bool):
            raise DosageError({"settled_next_morning": "Answer yes or no."})
        unsettled = self.settle_by_next_morning and not settled_next_morning
        return pain_during > self.max_during or unsettled

    def describe(self) -> str:
        rule = f"Pain up to {self.max_during}/10 during the exercise is acceptable"
        return (
            f"{rule} if it settles by the next morning."
            if self.settle_by_next_morning
            else f"{rule}."
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "max_during": self.max_during,
            "settle_by_next_morning": self.settle_by_next_morning,
        }


@dataclass(frozen=True, slots=True)
class Step:
    """One screen of the player. ``seconds`` is None for steps the patient ends with a tap."""

    kind: StepKind
    label: str
    seconds: int | None
    set_number: int | None = None
    side: Side | None = None
    rep_number: int | None = None


def total_seconds(steps: Iterable[Step]) -> int:
    return sum(step.seconds for step in steps if step.seconds is not None)


def tempo_explained(tempo: str) -> str:
    """Spell out a tempo, e.g. "3 s lowering, no pause, 3 s lifting, no pause"."""
    parts = _tempo_parts(tempo) if isinstance(tempo, str) else None
    if parts is None:
        raise DosageError({"tempo": _TEMPO_MESSAGE})
    lowering, pause, lifting, top = parts
    phases = [_phase_text(lowering, "lowering"), _pause_text(pause)]
    phases += [_phase_text(lifting, "lifting"), _pause_text(top)]
    return ", ".join(phases)


def _phase_text(seconds: str, phase: str) -> str:
    return f"explosive {phase}" if seconds == "X" else f"{seconds} s {phase}"


def _pause_text(seconds: str) -> str:
    return "no pause" if seconds == "0" else f"{seconds} s pause"


@dataclass(frozen=True, slots=True, kw_only=True)
class Dosage:
    """How much of one exercise, how often and for how long; valid by construction.

    Times are in seconds (``_s``); ``hold_max_s`` / ``rest_max_s`` turn the value
    into a range. ``side_label`` is one of SIDE_LABELS ("each leg"); ``activity_label``
    names the activity the timing refers to ("before and after runs").
    """

    sets: int | None = None
    reps: int | None = None
    rm_target: int | None = None
    hold_s: int | None = None
    hold_max_s: int | None = None
    hold_movement: str = ""
    sides: Sides = Sides.NONE
    side_label: str = "side"
    rest_s: int | None = None
    rest_max_s: int | None = None
    tempo: str = ""
    load: Load | None = None
    progression: str = ""
    times_per_day: int | None = None
    days_per_week: int | None = None
    timing: frozenset[Timing] = frozenset()
    activity_label: str = "activity"
    weeks: int | None = None
    pain_rule: PainRule = PainRule()
    notes: str = ""

    def __post_init__(self) -> None:
        errors = _field_errors(self)
        if not errors:
            errors = _cross_field_errors(self)
        if errors:
            raise DosageError(errors)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Dosage:
        """Read untrusted JSON-like data (missing keys take defaults); raises only DosageError."""
        if not isinstance(data, Mapping):
            raise DosageError({NON_FIELD_ERRORS: "A dosage must be an object of named fields."})
        kwargs, errors = _parse(data)
        try:
            dosage = cast(Callable[..., Dosage], cls)(**kwargs)
        except DosageError as error:
            raise DosageError(error.errors | errors) from None
        if errors:
            raise DosageError(errors)
        return dosage

    def to_dict(self) -> dict[str, object]:
        data = {field.name: getattr(self, field.name) for field in fields(self)}
        data["sides"] = self.sides.value
        data["timing"] = [timing.value for timing in Timing if timing in self.timing]
        data["load"] = None if self.load is None else self.load.to_dict()
        data["pain_rule"] = self.pain_rule.to_dict()
        return data

    @property
    def reps_per_set(self) -> int | None:
        """Repetitions per set (per side), whether given as reps or as an RM target."""
        return self.reps if self.reps is not None else self.rm_target

    # describe()

    def describe(self) -> str:
        """One line for the patient: the parts that are set, joined by SEPARATOR."""
        parts = [
            self._volume_text(),
            self._sides_text(),
            self._movement_text(),
            "" if self.load is None else self.load.describe(),
            f"tempo {self.tempo}" if self.tempo else "",
            self._rest_text(),
            _per_day_text(self.times_per_day),
            "" if self.days_per_week is None else f"{_plural(self.days_per_week, 'day')} a week",
            self._timing_text(),
            "" if self.weeks is None else _plural(self.weeks, "week"),
        ]
        text = SEPARATOR.join(part for part in parts if part)
        return text[:1].upper() + text[1:]

    def _volume_text(self) -> str:
        hold = "" if self.hold_s is None else f"hold {_duration_text(self.hold_s, self.hold_max_s)}"
        if self.reps_per_set is None:
            sets = "" if self.sets is None else _plural(self.sets, "set")
            return SEPARATOR.join(part for part in (hold, sets) if part)
        volume = (
            self._count_text() if self.sets is None else f"{self.sets} {TIMES} {self._rep_text()}"
        )
        return f"{volume}{SEPARATOR}{hold} each rep" if hold else volume

    def _rep_text(self) -> str:
        return f"{self.rm_target}RM" if self.reps is None else str(self.reps)

    def _count_text(self) -> str:
        return f"{self.rm_target}RM" if self.reps is None else _plural(self.reps, "rep")

    def _sides_text(self) -> str:
        label = self.side_label
        return {
            Sides.NONE: "",
            Sides.EACH: f"each {label}",
            Sides.LEFT: f"left {label} only",
            Sides.RIGHT: f"right {label} only",
            Sides.ALTERNATING: f"alternating {SIDE_LABELS[label]}",
        }[self.sides]

    def _movement_text(self) -> str:
        return f"{self.hold_movement} while holding" if self.hold_movement else ""

    def _rest_text(self) -> str:
        if self.rest_s is None:
            return ""
        if self.rest_s == 0 and not self.rest_max_s:
            return "no rest between sets"
        return f"rest {_duration_text(self.rest_s, self.rest_max_s)}"

    def _timing_text(self) -> str:
        around = [word for timing, word in _AROUND_ACTIVITY if timing in self.timing]
        day = [word for timing, word in _TIMES_OF_DAY if timing in self.timing]
        parts = []
        if around:
            parts.append(f"{_join_and(around)} {self.activity_label}")
        if day:
            parts.append(f"in the {_join_and(day)}")
        return SEPARATOR.join(parts)

    # timeline()

    def timeline(
        self, *, get_ready_s: int = GET_READY_SECONDS, switch_s: int = SWITCH_SIDES_SECONDS
    ) -> tuple[Step, ...]:
        """The player's steps: get ready, each set (and side), rests between sets, done."""
        _check_pause("get_ready_s", get_ready_s)
        _check_pause("switch_s", switch_s)
        steps = [Step(StepKind.GET_READY, "Get ready", get_ready_s)] if get_ready_s else []
        total_sets = self.sets or 1
        for set_number in range(1, total_sets + 1):
            steps += self._set_steps(set_number, switch_s)
            if set_number < total_sets:
                steps += self._rest_steps(set_number)
        steps.append(Step(StepKind.DONE, "Done", None))
        return tuple(steps)

    def _set_steps(self, set_number: int, switch_s: int) -> list[Step]:
        if self.sides is Sides.EACH:
            switch = self._switch_steps(set_number, switch_s)
            return self._work(set_number, "left") + switch + self._work(set_number, "right")
        if self.sides is Sides.ALTERNATING:
            return self._alternating_work(set_number)
        return self._work(set_number, _FIXED_SIDE.get(self.sides))

    def _work(self, set_number: int, side: Side | None) -> list[Step]:
        if self.hold_s is None:
            return [self._reps_step(set_number, side)]
        return [self._hold_step(set_number, side, rep) for rep in self._rep_numbers()]

    def _alternating_work(self, set_number: int) -> list[Step]:
        if self.hold_s is None:
            return [self._reps_step(set_number, None)]
        sides: tuple[Side, Side] = ("left", "right")
        return [
            self._hold_step(set_number, side, rep) for rep in self._rep_numbers() for side in sides
        ]

    def _rep_numbers(self) -> list[int | None]:
        return [None] if self.reps_per_set is None else list(range(1, self.reps_per_set + 1))

    def _hold_step(self, set_number: int, side: Side | None, rep: int | None) -> Step:
        parts = ["Hold", self._side_text(side), self.hold_movement]
        if rep is not None:
            parts.append(f"rep {rep} of {self.reps_per_set}")
        label = SEPARATOR.join(part for part in parts if part)
        return Step(StepKind.HOLD, label, self.hold_s, set_number, side, rep)

    def _reps_step(self, set_number: int, side: Side | None) -> Step:
        count = cast(int, self.reps_per_set)  # validation guarantees reps, an RM target or a hold
        reps = _plural(count, "rep")
        if self.rm_target is not None:
            reps += f" at your {self.rm_target}-rep max"
        moves = count * 2 if self.sides is Sides.ALTERNATING else count
        seconds = None if not self.tempo else moves * cast(int, _rep_seconds(self.tempo))
        label = SEPARATOR.join(part for part in (reps, self._side_text(side)) if part)
        return Step(StepKind.REPS, label, seconds, set_number, side)

    def _side_text(self, side: Side | None) -> str:
        if self.sides is Sides.ALTERNATING and side is None:
            return f"alternating {SIDE_LABELS[self.side_label]}"
        return "" if side is None else f"{side} {self.side_label}"

    def _switch_steps(self, set_number: int, switch_s: int) -> list[Step]:
        if not switch_s:
            return []
        label = f"Switch to the right {self.side_label}"
        return [Step(StepKind.SWITCH_SIDES, label, switch_s, set_number)]

    def _rest_steps(self, set_number: int) -> list[Step]:
        if self.rest_s is None:
            return [
                Step(StepKind.REST, "Rest, then start the next set when ready", None, set_number)
            ]
        if self.rest_s == 0:
            return []
        return [Step(StepKind.REST, "Rest", self.rest_s, set_number)]


# Field validation. Every field of Dosage has exactly one check in _FIELD_CHECKS.


def _sides_error(value: object) -> str | None:
    return None if isinstance(value, Sides) else f"Choose one of: {_choices(Sides)}."


def _side_label_error(value: object) -> str | None:
    if isinstance(value, str) and value in SIDE_LABELS:
        return None
    return f"Choose one of: {', '.join(SIDE_LABELS)}."


def _load_field_error(value: object) -> str | None:
    return None if value is None or isinstance(value, Load) else "Give a load, or none."


def _timing_error(value: object) -> str | None:
    if isinstance(value, frozenset) and all(isinstance(item, Timing) for item in value):
        return None
    return f"Choose any of: {_choices(Timing)}."


def _activity_label_error(value: object) -> str | None:
    return "Name the activity, e.g. runs." if value == "" else _text_error(value, 40)


def _pain_rule_field_error(value: object) -> str | None:
    return None if isinstance(value, PainRule) else "Give a pain rule."


_FIELD_CHECKS: dict[str, Callable[[object], str | None]] = {
    "sets": _whole(1, 20, "Sets must be a whole number from 1 to 20."),
    "reps": _whole(1, 200, "Reps must be a whole number from 1 to 200."),
    "rm_target": _whole(
        1, 30, "The repetition-maximum target must be a whole number from 1 to 30."
    ),
    "hold_s": _whole(1, 600, "The hold must be a whole number of seconds from 1 to 600."),
    "hold_max_s": _whole(
        1, 600, "The longest hold must be a whole number of seconds from 1 to 600."
    ),
    "hold_movement": _text(200),
    "sides": _sides_error,
    "side_label": _side_label_error,
    "rest_s": _whole(0, 900, "Rest must be a whole number of seconds from 0 to 900."),
    "rest_max_s": _whole(
        0, 900, "The longest rest must be a whole number of seconds from 0 to 900."
    ),
    "tempo": _tempo_error,
    "load": _load_field_error,
    "progression": _text(500, multiline=True),
    "times_per_day": _whole(1, 10, "Times a day must be a whole number from 1 to 10."),
    "days_per_week": _whole(1, 7, "Days a week must be a whole number from 1 to 7."),
    "timing": _timing_error,
    "activity_label": _activity_label_error,
    "weeks": _whole(1, 52, "The program length must be a whole number of weeks from 1 to 52."),
    "pain_rule": _pain_rule_field_error,
    "notes": _text(2000, multiline=True),
}


def _field_errors(dosage: Dosage) -> dict[str, str]:
    errors = {}
    for name, check in _FIELD_CHECKS.items():
        message = check(getattr(dosage, name))
        if message is not None:
            errors[name] = message
    return errors


def _cross_field_errors(dosage: Dosage) -> dict[str, str]:
    errors: dict[str, str] = {}
    for check in (_volume_error, _hold_error, _rest_error, _tempo_fit_error, _movement_error):
        found = check(dosage)
        if found is not None and found[0] not in errors:
            errors[found[0]] = found[1]
    return errors


def _volume_error(dosage: Dosage) -> tuple[str, str] | None:
    if dosage.reps is not None and dosage.rm_target is not None:
        return "rm_target", "Give reps or a repetition-maximum target, not both."
    if dosage.reps_per_set is None and dosage.hold_s is None:
        return "reps", "Give reps, a repetition-maximum target or a hold."
    return None


def _hold_error(dosage: Dosage) -> tuple[str, str] | None:
    return _range_error("hold", dosage.hold_s, dosage.hold_max_s)


def _rest_error(dosage: Dosage) -> tuple[str, str] | None:
    if dosage.rest_s is not None and (dosage.sets or 1) < 2:
        return "rest_s", "Rest between sets needs at least 2 sets."
    return _range_error("rest", dosage.rest_s, dosage.rest_max_s)


def _range_error(name: str, low: int | None, high: int | None) -> tuple[str, str] | None:
    if high is None:
        return None
    if low is None:
        return f"{name}_s", f"Give the shortest {name} as well as the longest."
    if low > high:
        return f"{name}_max_s", f"The shortest {name} must not be longer than the longest."
    return None


def _tempo_fit_error(dosage: Dosage) -> tuple[str, str] | None:
    if dosage.tempo and (dosage.reps_per_set is None or dosage.hold_s is not None):
        return "tempo", "A tempo paces repetitions, so it needs reps and no hold."
    return None


def _movement_error(dosage: Dosage) -> tuple[str, str] | None:
    if dosage.hold_movement and dosage.hold_s is None:
        return "hold_movement", "A movement during the hold needs a hold."
    return None


def _check_pause(name: str, seconds: object) -> None:
    if not _is_whole(seconds, 0, 600):
        raise DosageError({name: "Must be a whole number of seconds from 0 to 600."})


# from_dict(): fields that are not plain values are parsed here; the rest go to Dosage as given.


def _parse(data: Mapping[str, object]) -> tuple[dict[str, object], dict[str, str]]:
    kwargs: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, value in data.items():
        if not isinstance(name, str):
            errors[NON_FIELD_ERRORS] = "Field names must be text."
        elif name not in _FIELD_CHECKS:
            errors[name] = "Unknown field."
        elif name in _PARSERS:
            try:
                kwargs[name] = _PARSERS[name](value)
            except DosageError as error:
                errors |= error.errors
        else:
            kwargs[name] = value
    return kwargs, errors


def _parse_sides(value: object) -> Sides:
    sides = _member(Sides, value)
    if sides is None:
        raise DosageError({"sides": f"Choose one of: {_choices(Sides)}."})
    return sides


def _parse_timing(value: object) -> frozenset[Timing]:
    message = {"timing": f"Give a list of any of: {_choices(Timing)}."}
    if not isinstance(value, list | tuple):
        raise DosageError(message)
    timings = [_member(Timing, item) for item in value]
    if None in timings:
        raise DosageError(message)
    return frozenset(cast(list[Timing], timings))


def _parse_load(value: object) -> Load | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or not set(value) <= {"kind", "value"}:
        raise DosageError({"load": "Give the load as an object with a kind and a value."})
    kind = _member(LoadKind, value.get("kind"))
    if kind is None:
        raise DosageError({"load": f"Choose a kind of load: {_choices(LoadKind)}."})
    return Load(kind, cast(Any, value.get("value")))  # Load checks the value


def _parse_pain_rule(value: object) -> PainRule:
    keys = {"max_during", "settle_by_next_morning"}
    if not isinstance(value, Mapping) or not set(value) <= keys:
        raise DosageError({"pain_rule": "Give max_during and settle_by_next_morning."})
    return cast(Callable[..., PainRule], PainRule)(**value)  # PainRule checks the values


_PARSERS: dict[str, Callable[[object], object]] = {
    "sides": _parse_sides,
    "timing": _parse_timing,
    "load": _parse_load,
    "pain_rule": _parse_pain_rule,
}


# Wording.

_AROUND_ACTIVITY = (
    (Timing.BEFORE_ACTIVITY, "before"),
    (Timing.DURING_ACTIVITY, "during"),
    (Timing.AFTER_ACTIVITY, "after"),
)
_TIMES_OF_DAY = ((Timing.MORNING, "morning"), (Timing.EVENING, "evening"))
_FIXED_SIDE: dict[Sides, Side] = {Sides.LEFT: "left", Sides.RIGHT: "right"}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _join_and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _per_day_text(times: int | None) -> str:
    if times is None:
        return ""
    return {1: "once a day", 2: "twice a day"}.get(times, f"{times} times a day")


def _duration_text(low: int, high: int | None) -> str:
    values = [low] if high is None or high == low else [low, high]
    if low > 0 and all(value % 60 == 0 for value in values):
        return EN_DASH.join(str(value // 60) for value in values) + " min"
    return EN_DASH.join(str(value) for value in values) + " s"
