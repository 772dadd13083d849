"""A printable PDF of a program (WeasyPrint): what to do, how much, and where the player is."""

from __future__ import annotations

import base64
import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from mend.exercises.models import Program, ProgramItem

logger = logging.getLogger(__name__)
IMAGE_SPEC = "max-480x320"


def clinic_name() -> str:
    site = Site.objects.filter(is_default_site=True).only("site_name").first()
    return (site.site_name if site else "") or settings.MEND_SITE_NAME


def _image_data_uri(item: ProgramItem) -> tuple[str, str] | None:
    """The exercise's first image, inlined, so the PDF needs no web requests."""
    picture = item.exercise.images.select_related("image").first()
    if picture is None:
        return None
    try:
        rendition = picture.image.get_rendition(IMAGE_SPEC)
        with rendition.file.open("rb") as handle:
            data = base64.b64encode(handle.read()).decode()
    except (OSError, ValueError):  # a missing or unreadable file: the handout goes without it
        logger.warning("Handout image for exercise %s could not be read", item.exercise_id)
        return None
    mime = "image/png" if rendition.file.name.lower().endswith(".png") else "image/jpeg"
    return f"data:{mime};base64,{data}", picture.alt


def render_pdf(program: Program, *, items: list[ProgramItem]) -> bytes:
    from weasyprint import HTML  # imported here: it loads fonts and is only needed for handouts

    assignment = program.assignment_or_none
    entries = []
    for item in items:
        image = _image_data_uri(item)
        entries.append(
            {
                "item": item,
                "dosage": item.dosage_value,
                "image": image[0] if image else None,
                "alt": image[1] if image else "",
            }
        )
    player = reverse("exercises:play", args=[program.pk])
    html = render_to_string(
        "exercises/handout.html",
        {
            "clinic": clinic_name(),
            "program": program,
            "assignment": assignment,
            "patient": assignment.patient if assignment else None,
            "entries": entries,
            "player_url": f"{settings.BASE_URL}{player}",
            "printed": timezone.localdate(),
        },
    )
    pdf: bytes = HTML(string=html, base_url=settings.BASE_URL).write_pdf()
    return pdf
