"""Courses as something the checkout sells (the kind "course", ref = the course page's id),
and the learner's panel on /me/."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from mend.courses import services
from mend.courses.models import CoursePage, Enrolment
from mend.payments.models import OrderLine
from mend.payments.products import Kind, Product


def find(ref: str) -> Product | None:
    course = services.live_course(ref)
    if course is None:
        return None
    return Product(
        kind="course",
        ref=str(course.pk),
        description=f"Course: {course.title}",
        unit_price=course.price,
        currency=course.currency,
    )


def _course_of(line: OrderLine) -> CoursePage:
    # The page as it is now (even unpublished since): what was bought is kept.
    return CoursePage.objects.get(pk=int(line.ref))


def fulfil(line: OrderLine, now: datetime) -> None:
    services.enrol(user=line.order.buyer, course=_course_of(line), now=now, order_line=line)


def revoke(line: OrderLine, now: datetime) -> None:
    enrolment = Enrolment.objects.filter(user=line.order.buyer_id, course_id=int(line.ref)).first()
    if enrolment is not None:
        services.revoke(enrolment, now=now)


def next_url(line: OrderLine) -> str:
    return reverse("courses:course", args=[_course_of(line).slug])


def already_has(user: Any, ref: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not ref.isdigit():
        return False
    return Enrolment.objects.active().filter(user=user, course_id=int(ref)).exists()


KIND = Kind(
    name="course",
    find=find,
    fulfil=fulfil,
    revoke=revoke,
    next_url=next_url,
    already_has=already_has,
)


def panel(user: Any, now: datetime) -> dict[str, Any] | None:
    """The learner's courses, each with progress and where to resume."""
    if not user.is_authenticated:
        return None
    enrolments = (
        Enrolment.objects.active()
        .filter(user=user, course__live=True)
        .select_related("course", "last_lesson")
    )
    rows = []
    for enrolment in enrolments:
        outline = services.outline(enrolment, now=now)
        resume = services.resume_lesson(enrolment, now=now)
        rows.append({"enrolment": enrolment, "outline": outline, "resume": resume})
    return {"course_rows": rows} if rows else None
