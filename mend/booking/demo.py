"""Demo booking data for the fictional clinic, loaded by `mend load_booking_demo`.

Three doctors of physical therapy at one clinic, with video visits too; the
three visit types; weekly hours; and a few visits already booked in the coming
days. Idempotent: what exists is left as it is, what is missing is made. The
clinicians are the demo accounts `mend load_demo` creates (made here, without
a password, if that has not run). The initial evaluation, a new patient's visit,
asks the general safety screen at booking. A package of six follow-ups is on sale,
payable online or at the clinic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from mend.accounts.models import User
from mend.booking import services
from mend.booking.availability import Want
from mend.booking.models import (
    Appointment,
    AvailabilityRule,
    Clinician,
    Location,
    Mode,
    VisitPackage,
    VisitType,
)
from mend.core import roles
from mend.safety import services as safety

ZONE = "America/New_York"
CLINIC = "Riverside Physical Therapy"
ADDRESS = "120 Riverside Avenue, Suite 4\nSpringfield"
EITHER, VIRTUAL, IN_PERSON = "either", "virtual", "in_person"
# Visit types whose patients answer the red-flag screen at booking: a new patient's.
SCREENED = frozenset({"initial-evaluation"})


@dataclass(frozen=True)
class DemoClinician:
    email: str
    name: str
    bio: str
    hours: tuple[tuple[tuple[int, ...], time, time, str], ...]  # weekdays, start, end, mode
    visit_types: tuple[str, ...]


VISIT_TYPES = (
    {
        "slug": "initial-evaluation",
        "name": "Initial evaluation",
        "position": 1,
        "duration_minutes": 60,
        "buffer_after_minutes": 10,
        "price": Decimal("140.00"),
        "allows_virtual": True,
        "allows_in_person": True,
        "description": "A full first assessment: your history, how you move, and a plan.",
        "intake_questions": "What brings you in?\nWhen did it start, and has it changed since?\n"
        "What would you like to be able to do again?",
        "cancellation_policy": "Visits cancelled or moved within 24 hours may be charged "
        "half the fee, unless you are unwell.",
    },
    {
        "slug": "follow-up",
        "name": "Follow-up",
        "position": 2,
        "duration_minutes": 30,
        "buffer_after_minutes": 5,
        "price": Decimal("80.00"),
        "allows_virtual": True,
        "allows_in_person": True,
        "description": "Review your progress and adjust your exercises.",
        "intake_questions": "How have things been since your last visit?",
        "cancellation_policy": "Visits cancelled or moved within 24 hours may be charged "
        "half the fee, unless you are unwell.",
    },
    {
        "slug": "discovery-call",
        "name": "Free discovery call",
        "position": 3,
        "duration_minutes": 15,
        "price": Decimal("0.00"),
        "allows_virtual": True,
        "allows_in_person": False,
        "min_notice_minutes": 60,
        "description": "A short video call to ask whether physical therapy can help you.",
        "intake_questions": "What would you like to ask us?",
    },
)

PACKAGE = {
    "name": "6 follow-ups",
    "description": "Six follow-up visits, by video or at the clinic, for the price of five.",
    "visits": 6,
    "price": Decimal("400.00"),
    "validity_days": 180,
    "pay_at_clinic": True,
}

WEEKDAYS = (0, 1, 2, 3, 4)
CLINICIANS = (
    DemoClinician(
        "sam@riverside-pt.example",
        "Dr. Sam Okafor",
        "Runner and orthopaedic physical therapist; tendon and knee pain.",
        ((WEEKDAYS, time(9), time(17), EITHER),),
        ("initial-evaluation", "follow-up", "discovery-call"),
    ),
    DemoClinician(
        "lena@riverside-pt.example",
        "Dr. Lena Park",
        "Back and neck pain, and getting back to work after an injury.",
        (((0, 1, 2, 3), time(8), time(16), IN_PERSON), ((4,), time(9), time(13), VIRTUAL)),
        ("initial-evaluation", "follow-up"),
    ),
    DemoClinician(
        "ada@riverside-pt.example",
        "Dr. Ada Reyes",
        "Sports injuries and return to running; also edits our articles.",
        (((1, 3), time(12), time(18), VIRTUAL), ((2,), time(9), time(12), EITHER)),
        ("follow-up", "discovery-call"),
    ),
)

GUESTS = (
    ("Jordan Ellis", "jordan@example.org", "follow-up", 1, time(10)),
    ("Priya Nair", "priya@example.org", "initial-evaluation", 2, time(13)),
    ("Chris Mbeki", "chris@example.org", "follow-up", 3, time(11)),
)


@transaction.atomic
def load(now: datetime | None = None) -> list[str]:
    """Make what is missing; return what was made."""
    now = now or timezone.now()
    created: list[str] = []
    location = _location(created)
    visit_types = {data["slug"]: _visit_type(data, created) for data in VISIT_TYPES}
    clinicians = [_clinician(data, location, visit_types, created) for data in CLINICIANS]
    _package(visit_types["follow-up"], created)
    if not Appointment.objects.filter(clinician__in=clinicians).exists():
        _appointments(clinicians, location, visit_types, now, created)
    return created


def _location(created: list[str]) -> Location:
    location = Location.objects.filter(name=CLINIC).first()
    if location is None:
        location = Location.objects.create(
            name=CLINIC, address=ADDRESS, phone="(217) 555-0142", time_zone=ZONE
        )
        created.append(f"location {CLINIC}")
    return location


def _package(follow_up: VisitType, created: list[str]) -> VisitPackage:
    package = VisitPackage.objects.filter(name=PACKAGE["name"]).first()
    if package is None:
        package = VisitPackage.objects.create(**PACKAGE)
        package.visit_types.add(follow_up)
        created.append(f"visit package {package.name}")
    return package


def _visit_type(data: dict[str, object], created: list[str]) -> VisitType:
    visit_type = VisitType.objects.filter(slug=data["slug"]).first()
    if visit_type is None:
        # Visit types carry no body region, so the screen for any region (None if there is none).
        screen = safety.screen_for(()) if data["slug"] in SCREENED else None
        visit_type = VisitType.objects.create(**data, intake_screen=screen)
        created.append(f"visit type {visit_type.name}")
    return visit_type


def _clinician(
    data: DemoClinician,
    location: Location,
    visit_types: dict[str, VisitType],
    created: list[str],
) -> Clinician:
    user = User.objects.filter(email=data.email).first()
    if user is None:
        user = User.objects.create_user(data.email, None, display_name=f"{data.name}, DPT")
    user.groups.add(Group.objects.get(name=roles.CLINICIAN))
    clinician = Clinician.objects.filter(user=user).first()
    if clinician is not None:
        return clinician
    clinician = Clinician.objects.create(
        user=user, display_name=data.name, credentials="DPT", bio=data.bio, time_zone=ZONE
    )
    clinician.locations.add(location)
    clinician.visit_types.add(*(visit_types[slug] for slug in data.visit_types))
    for weekdays, start, end, mode in data.hours:
        for weekday in weekdays:
            AvailabilityRule.objects.create(
                clinician=clinician,
                weekday=weekday,
                start_time=start,
                end_time=end,
                mode=mode,
                location=None if mode == VIRTUAL else location,
            )
    created.append(f"clinician {clinician.full_name()}")
    return clinician


def _appointments(
    clinicians: list[Clinician],
    location: Location,
    visit_types: dict[str, VisitType],
    now: datetime,
    created: list[str],
) -> None:
    """A few visits on the next working days, booked as patients would (checked, no email)."""
    sam = clinicians[0]
    day = now.astimezone(sam.zone).date()
    workdays = []
    while len(workdays) < 5:
        day += timedelta(days=1)
        if day.weekday() < 5:
            workdays.append(day)
    patient = User.objects.filter(email="pat@riverside-pt.example").first()
    bookings = [
        *GUESTS,
        ("Pat Rivera", "pat@riverside-pt.example", "initial-evaluation", 0, time(9)),
    ]
    for name, email, slug, offset, at in bookings:
        start = datetime.combine(workdays[offset], at, tzinfo=sam.zone)
        mode = Mode.IN_PERSON if offset % 2 == 0 else Mode.VIRTUAL
        want = Want(visit_types[slug], mode, location if mode == Mode.IN_PERSON else None, sam)
        contact = services.Contact(
            name=name,
            email=email,
            patient=patient if email == "pat@riverside-pt.example" else None,
            time_zone=ZONE,
        )
        try:
            services.create_appointment(
                want=want, start=start, contact=contact, answers=[], now=now
            )
        except services.BookingError:
            continue  # that hour is not open (a rule was changed): skip it
        created.append(f"visit for {name}")
