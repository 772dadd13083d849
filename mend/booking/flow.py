"""The booking flow's state, read from the query string (or a posted form).

Each step is a plain GET form that carries the earlier choices as hidden
fields, so the flow works without JavaScript, survives the back button and
can be bookmarked; htmx only swaps the step in place. Anything unreadable or
forged (an unknown visit, a mode the visit does not allow, a clinician who does
not offer it, a malformed date or time zone) is dropped with a message for
that field, and the flow asks for it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from mend.booking import zones
from mend.booking.availability import (
    Want,
    bookable_clinicians,
    locations_for,
)
from mend.booking.models import Clinician, Location, Mode, VisitType

STEPS = ("visit", "where", "who", "day", "time")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Selection:
    visit_type: VisitType | None = None
    modes: list[str] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    mode: str = ""
    location: Location | None = None
    clinicians: list[Clinician] = field(default_factory=list)
    clinician: Clinician | None = None
    any_clinician: bool = False
    day: date | None = None
    start: datetime | None = None
    tz: str = "UTC"
    tz_given: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def step(self) -> str:
        if self.visit_type is None:
            return "visit"
        if not self.mode or (self.mode == Mode.IN_PERSON and self.location is None):
            return "where"
        if self.clinician is None and not self.any_clinician:
            return "who"
        return "day" if self.day is None else "time"

    def want(self) -> Want:
        assert self.visit_type is not None
        return Want(self.visit_type, self.mode, self.location, self.clinician)

    def params(self, upto: str = "time") -> list[tuple[str, str]]:
        """The choices made before step upto, as (name, value) pairs for hidden fields."""
        made: list[tuple[str, str]] = []
        wanted = STEPS[: STEPS.index(upto)]
        if self.visit_type and "visit" in wanted:
            made.append(("visit", self.visit_type.slug))
        if self.mode and "where" in wanted:
            made.append(("mode", self.mode))
            if self.location and self.mode == Mode.IN_PERSON:
                made.append(("location", str(self.location.pk)))
        if "who" in wanted and (self.clinician or self.any_clinician):
            made.append(("clinician", str(self.clinician.pk) if self.clinician else "any"))
        if "day" in wanted and self.day:
            made.append(("date", self.day.isoformat()))
        if self.tz_given:
            made.append(("tz", self.tz))
        return made

    def where_label(self) -> str:
        if self.mode == Mode.VIRTUAL:
            return "Video visit"
        return f"In person at {self.location}" if self.location else "In person"


def read(data: Any) -> Selection:
    """The selection from a QueryDict; each part is read only if the parts before it hold."""
    selection = Selection()
    _read_visit(selection, data.get("visit", ""))
    if selection.visit_type is not None:
        _read_where(selection, data.get("mode", ""), data.get("location", ""))
    if selection.mode and selection.step != "where":
        _read_who(selection, data.get("clinician", ""))
    _read_zone(selection, data.get("tz", ""))
    _read_day(selection, data.get("date", ""))
    _read_start(selection, data.get("start", ""))
    return selection


def _read_visit(selection: Selection, slug: str) -> None:
    if not slug:
        return
    visit_type = VisitType.objects.filter(slug=slug[:60], is_active=True).first()
    if visit_type is None:
        selection.errors["visit"] = "That visit is not offered. Please choose one below."
        return
    selection.visit_type = visit_type
    selection.locations = locations_for(visit_type)
    selection.modes = [
        mode
        for mode in visit_type.modes()
        if mode == Mode.VIRTUAL or selection.locations  # in person needs somewhere to go
    ]


def _read_where(selection: Selection, mode: str, location: str) -> None:
    visit_type = selection.visit_type
    assert visit_type is not None
    if mode and mode not in selection.modes:
        selection.errors["mode"] = (
            f"{visit_type.name} is not offered that way. Please choose below."
        )
        mode = ""
    if not mode and len(selection.modes) == 1:
        mode = selection.modes[0]  # only one way to have this visit: no need to ask
    selection.mode = mode
    if mode != Mode.IN_PERSON:
        return
    places = {str(place.pk): place for place in selection.locations}
    if location and location not in places:
        selection.errors["location"] = "Please choose one of our locations."
    selection.location = places.get(location)
    if selection.location is None and len(places) == 1 and not location:
        selection.location = next(iter(places.values()))


def _read_who(selection: Selection, value: str) -> None:
    selection.clinicians = bookable_clinicians(selection.want())
    if value == "any":
        selection.any_clinician = True
        return
    if not value:
        return
    chosen = {str(clinician.pk): clinician for clinician in selection.clinicians}.get(value)
    if chosen is None:
        selection.errors["clinician"] = "Please choose one of the clinicians listed."
    selection.clinician = chosen


def _read_zone(selection: Selection, value: str) -> None:
    selection.tz = default_zone(selection)
    if not value:
        return
    if zones.is_zone(value[:64]):
        selection.tz, selection.tz_given = value, True
    else:
        selection.errors["tz"] = f"Unknown time zone, so times are shown in {selection.tz}."


def default_zone(selection: Selection) -> str:
    """Without the browser's zone: the clinic's, as the place or clinician keeps it."""
    if selection.location is not None:
        return selection.location.time_zone
    if selection.clinician is not None:
        return selection.clinician.time_zone
    first = Location.objects.order_by("pk").first()
    return first.time_zone if first else "UTC"


def _read_day(selection: Selection, value: str) -> None:
    if not value:
        return
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        selection.day = date.fromisoformat(value)
    except ValueError:
        selection.errors["date"] = "That date could not be read. Please pick a day below."


def _read_start(selection: Selection, value: str) -> None:
    if not value:
        return
    try:
        start = datetime.fromisoformat(value[:40])
        if start.utcoffset() is None:
            raise ValueError(value)
        selection.start = start.astimezone(UTC)
    except (ValueError, OverflowError):  # unreadable, naive, or beyond the calendar in UTC
        selection.errors["start"] = "That time could not be read. Please pick one of the times."
