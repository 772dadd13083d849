"""mend seed_scale: a made-up practice group of a size linear in N, for benchmarks only."""

from __future__ import annotations

import io
import re
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client
from django.utils import timezone
from wagtail.models import Page

from mend.accounts.models import User
from mend.booking.models import Appointment
from mend.care.models import Episode
from mend.community.models import Comment
from mend.content.models import ArticlePage
from mend.core import scale
from mend.exercises.models import Assignment, SessionLog

# Small enough to be quick, big enough that visits run back into the past grid
# (each of the 20 clinicians has 40 visits booked ahead; 1,200 visits need 400 more).
FACTOR = 0.4


def seed(*extra: str) -> str:
    out = io.StringIO()
    call_command("seed_scale", "--factor", str(FACTOR), *extra, stdout=out)
    return out.getvalue()


def tag_of(output: str) -> str:
    found = re.search(r"\.([0-9a-f]{6})@" + re.escape(scale.EMAIL_DOMAIN), output)
    assert found, output
    return found.group(1)


@pytest.fixture
def debug(settings: Any) -> None:
    settings.DEBUG = True


def test_seed_makes_the_planned_group_with_no_overlapping_visits(debug: None, db: None) -> None:
    output = seed()
    tag = tag_of(output)
    plan = scale.Plan.for_factor(FACTOR)
    assert scale.counts(tag) == {
        "clinicians": plan.clinicians,
        "patients": plan.patients,
        "logs": plan.logs,
        "appointments": plan.appointments,
        "articles": plan.articles,
        "comments": plan.comments,
    }
    assert "session logs" in output and " s" in output  # each part says how long it took
    patients = User.objects.filter(email__endswith=f".{tag}@{scale.EMAIL_DOMAIN}")
    patients = patients.filter(groups__name="patient")
    # Every patient is in an open episode with a clinician, and their program is assigned in it.
    assert Episode.objects.active().filter(patient__in=patients).count() == plan.patients
    mismatched = Assignment.objects.filter(patient__in=patients).exclude(
        episode__patient_id=F("patient_id")
    )
    assert not mismatched.exists()
    first = patients.get(email__startswith="patient000000.")
    first_logs = SessionLog.objects.filter(assignment__patient=first)
    assert first_logs.count() == scale.PROBE_LOG_DAYS
    assert first_logs.values("local_date").distinct().count() == scale.PROBE_LOG_DAYS
    check_no_overlaps(tag)


def check_no_overlaps(tag: str) -> None:
    visits = (
        Appointment.objects.live()
        .filter(clinician__user__email__endswith=f".{tag}@{scale.EMAIL_DOMAIN}")
        .order_by("clinician_id", "busy_from")
        .values_list("clinician_id", "busy_from", "busy_until", "start")
    )
    rows = list(visits)
    now = timezone.now()
    assert any(start < now for *_, start in rows) and any(start > now for *_, start in rows)
    for (clinician, _, until, _), (next_clinician, start, _, _) in pairwise(rows):
        assert clinician != next_clinician or start >= until


def test_articles_are_wagtail_pages_that_serve_and_are_found(debug: None, db: None) -> None:
    tag = tag_of(seed())
    assert all(not problems for problems in Page.find_problems())
    article = ArticlePage.objects.live().get(slug=f"{tag}-1")
    response = Client().get(article.url)
    assert response.status_code == 200
    assert article.title in response.content.decode()
    found = ArticlePage.objects.live().search(article.title.split(":")[0])
    assert article.pk in {page.pk for page in found}
    waiting = Comment.objects.filter(page=article, status=Comment.Status.PENDING)
    assert waiting.exists()


def test_refuses_without_debug(settings: Any, db: None) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="MEND_DEBUG=true"):
        seed()
    assert not User.objects.filter(email__endswith=f"@{scale.EMAIL_DOMAIN}").exists()


def test_refuses_a_database_with_patients(debug: None, make_user: Any) -> None:
    make_user("someone@mail.example", role="patient")
    with pytest.raises(CommandError, match="already holds patients"):
        seed()
    assert not User.objects.filter(email__endswith=f"@{scale.EMAIL_DOMAIN}").exists()


def test_refuses_a_factor_that_is_not_a_positive_number(debug: None, db: None) -> None:
    with pytest.raises(CommandError, match="--factor"):
        call_command("seed_scale", "--factor", "0")


def test_plan_is_linear_in_n() -> None:
    one, hundred = scale.Plan.for_factor(1), scale.Plan.for_factor(100)
    assert (one.patients, one.logs, one.appointments, one.articles, one.comments) == (
        500, 20_000, 3_000, 10, 500,
    )  # fmt: skip
    assert (hundred.clinicians, hundred.patients, hundred.logs) == (200, 50_000, 2_000_000)
    assert (hundred.appointments, hundred.articles, hundred.comments) == (300_000, 1_000, 50_000)
    # The first clinic always has its 20 clinicians, so "first available" is the same work.
    assert one.clinicians == scale.CLINIC_SIZE
    assert (one.practising, hundred.practising) == (2, 200)
