"""The certificate of completion: a one-page PDF (WeasyPrint), as the program handouts are."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from mend.courses.models import Enrolment
from mend.exercises.handout import clinic_name

STYLESHEET = Path(__file__).with_name("certificate.css")


def render_pdf(enrolment: Enrolment) -> bytes:
    from weasyprint import CSS, HTML  # loads fonts: only when a certificate is asked for

    course = enrolment.course
    html = render_to_string(
        "courses/certificate.html",
        {
            "clinic": clinic_name(),
            "course": course,
            "learner": enrolment.user.get_full_name() or enrolment.user.email,
            "completed": enrolment.completed_at.astimezone(enrolment.zone).date()
            if enrolment.completed_at
            else None,
            "lessons": course.lessons().count(),
        },
    )
    document = HTML(string=html, base_url=settings.BASE_URL)
    pdf: bytes = document.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])
    return pdf
