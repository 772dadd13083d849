"""The clinician's side at /clinic/: the week ahead, availability, plans of care, the feed.

Every page needs a signed-in user with a clinician profile; anyone else gets
404. Visits are loaded through ``Appointment.objects.visible_to``.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mend.booking import display, formatting, ics, services, tokens
from mend.booking.availability import Want
from mend.booking.forms import PlanForm, RuleForm, TimeOffForm
from mend.booking.identity import verified_account
from mend.booking.models import Appointment, AvailabilityRule, Clinician, Mode, TimeOff
from mend.booking.views import page, private
from mend.core import audit
from mend.core.http import no_store, see_other

WEEK = 7


def _get_clinician(request: HttpRequest) -> Clinician:
    clinician = Clinician.objects.filter(user_id=request.user.pk).first()
    if clinician is None:
        raise Http404("No clinician profile for this account.")
    return clinician


def _get_visit_for_clinician(request: HttpRequest, clinician: Clinician, pk: int) -> Appointment:
    visible = Appointment.objects.visible_to(request.user).filter(clinician=clinician)
    visit = get_object_or_404(visible.select_related("visit_type", "location", "patient"), pk=pk)
    audit.read(request, visit.patient, visit)
    return visit


# The week ahead


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    clinician = _get_clinician(request)
    now = timezone.now()
    today = now.astimezone(clinician.zone).date()
    since = datetime.combine(today, time(0), tzinfo=clinician.zone)
    until = datetime.combine(today + timedelta(days=WEEK + 1), time(0), tzinfo=clinician.zone)
    visits = (
        Appointment.objects.visible_to(request.user)
        .filter(clinician=clinician, start__gte=since, start__lt=until)
        .select_related("visit_type", "location", "intake_screen", "patient")
        .order_by("start")
    )
    by_day: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    audit.read_all(request, visits, lambda visit: visit.patient)
    for visit in visits:
        local, ends = visit.start.astimezone(clinician.zone), visit.end.astimezone(clinician.zone)
        by_day[local.date()].append(
            {
                "visit": visit,
                "time": f"{formatting.clock(local)}–{formatting.clock(ends)}",
                "answers": [item for item in visit.intake_answers if item.get("answer")],
                "markable": visit.has_started(now) and visit.status != Appointment.Status.CANCELLED,
            }
        )
    days = [
        {
            "label": "Today"
            if offset == 0
            else formatting.long_date(today + timedelta(days=offset)),
            "visits": by_day.get(today + timedelta(days=offset), []),
        }
        for offset in range(WEEK + 1)
    ]
    feed_token = clinician.feed_token()
    feed_url = (
        request.build_absolute_uri(reverse("booking:feed", args=[feed_token])) if feed_token else ""
    )
    context = {"clinician": clinician, "days": days, "feed_url": feed_url}
    # Patients' names, intake and safety answers: kept by no cache (DESIGN.md).
    return no_store(page(request, "booking/clinic/dashboard.html", context))


def _mark(request: HttpRequest, pk: int, status: str) -> HttpResponse:
    clinician = _get_clinician(request)
    visit = _get_visit_for_clinician(request, clinician, pk)
    try:
        services.mark(visit, status=status, now=timezone.now())
    except services.BookingError as error:
        messages.error(request, error.message)
        return see_other(reverse("booking:clinic"))
    label = Appointment.Status(status).label.lower()
    messages.success(request, f"{visit.name}'s visit is marked {label}.")
    return see_other(reverse("booking:clinic"))


@require_POST
def mark_completed(request: HttpRequest, pk: int) -> HttpResponse:
    return _mark(request, pk, Appointment.Status.COMPLETED)


@require_POST
def mark_no_show(request: HttpRequest, pk: int) -> HttpResponse:
    return _mark(request, pk, Appointment.Status.NO_SHOW)


# Availability and time off


def _availability_page(
    request: HttpRequest,
    clinician: Clinician,
    *,
    rule_form: RuleForm | None = None,
    off_form: TimeOffForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    rules = clinician.rules.select_related("location").order_by("weekday", "start_time")
    time_off = [
        {
            "item": item,
            "label": f"{formatting.when(item.start, clinician.time_zone)} to "
            f"{formatting.when(item.end, clinician.time_zone)}",
        }
        for item in clinician.time_off.filter(end__gt=now).order_by("start")
    ]
    context = {
        "clinician": clinician,
        "rules": rules,
        "time_off": time_off,
        "rule_form": rule_form or RuleForm(clinician=clinician),
        "off_form": off_form or TimeOffForm(clinician=clinician),
    }
    return page(request, "booking/clinic/availability.html", context, status=status)


@login_required
@require_GET
def availability(request: HttpRequest) -> HttpResponse:
    return _availability_page(request, _get_clinician(request))


@login_required
@require_POST
def add_rule(request: HttpRequest) -> HttpResponse:
    clinician = _get_clinician(request)
    form = RuleForm(request.POST, clinician=clinician)
    if not form.is_valid():
        return _availability_page(request, clinician, rule_form=form, status=400)
    form.save()
    messages.success(request, "Working hours added.")
    return see_other(reverse("booking:availability"))


@login_required
@require_POST
def delete_rule(request: HttpRequest, pk: int) -> HttpResponse:
    clinician = _get_clinician(request)
    get_object_or_404(AvailabilityRule, pk=pk, clinician=clinician).delete()
    messages.success(request, "Working hours removed. Visits already booked stay booked.")
    return see_other(reverse("booking:availability"))


@login_required
@require_POST
def add_time_off(request: HttpRequest) -> HttpResponse:
    clinician = _get_clinician(request)
    form = TimeOffForm(request.POST, clinician=clinician)
    if not form.is_valid():
        return _availability_page(request, clinician, off_form=form, status=400)
    data = form.cleaned_data
    TimeOff.objects.create(
        clinician=clinician, start=data["start"], end=data["end"], note=data["note"]
    )
    clashing = (
        Appointment.objects.live()
        .filter(clinician=clinician, start__lt=data["end"], end__gt=data["start"])
        .count()
    )
    note = f" {clashing} booked visit(s) fall in it: move or cancel them." if clashing else ""
    messages.success(request, f"Time off added.{note}")
    return see_other(reverse("booking:availability"))


@login_required
@require_POST
def delete_time_off(request: HttpRequest, pk: int) -> HttpResponse:
    clinician = _get_clinician(request)
    get_object_or_404(TimeOff, pk=pk, clinician=clinician).delete()
    messages.success(request, "Time off removed.")
    return see_other(reverse("booking:availability"))


# The private calendar feed


@login_required
@require_POST
def create_feed(request: HttpRequest) -> HttpResponse:
    services.create_feed(_get_clinician(request))
    messages.success(
        request, "Your calendar feed has a new address. Any earlier one stopped working."
    )
    return see_other(reverse("booking:clinic") + "#feed")


@login_required
@require_POST
def revoke_feed(request: HttpRequest) -> HttpResponse:
    services.revoke_feed(_get_clinician(request))
    messages.success(request, "Your calendar feed is switched off.")
    return see_other(reverse("booking:clinic") + "#feed")


@private
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    parts = tokens.feed_parts(token)
    clinician = Clinician.objects.filter(pk=parts[0]).first() if parts else None
    if (
        parts is None
        or clinician is None
        or not clinician.feed_key
        or not secrets.compare_digest(clinician.feed_key, parts[1])
    ):
        raise Http404("No such calendar.")
    now = timezone.now()
    visits = clinician.appointments.filter(
        start__gte=now - timedelta(days=30), start__lte=now + timedelta(days=366)
    ).select_related("visit_type", "location", "clinician", "patient")
    audit.read_all(request, visits, lambda visit: visit.patient, actor=clinician.user)
    return HttpResponse(
        ics.feed(clinician, visits, now=now), content_type="text/calendar; charset=utf-8"
    )


# Plans of care


@login_required
@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    clinician = _get_clinician(request)
    today = timezone.now().astimezone(clinician.zone).date()
    form = PlanForm(clinician=clinician, initial={"first_day": today, "weeks": 6})
    return page(request, "booking/clinic/plan.html", {"form": form, "clinician": clinician})


def _plan_want(form: PlanForm, clinician: Clinician) -> Want:
    data = form.cleaned_data
    location = data["location"] if data["mode"] == Mode.IN_PERSON else None
    return Want(data["visit_type"], data["mode"], location, clinician)


def _preview(
    request: HttpRequest,
    form: PlanForm,
    clinician: Clinician,
    occurrences: list[services.Occurrence],
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    zone = clinician.time_zone
    rows = [
        {
            "index": index,
            "requested": display.iso(item.requested),
            "label": formatting.when(item.requested, zone),
            "free": item.free,
            "alternatives": [
                display.Time(display.iso(moment), formatting.when(moment, zone))
                for moment in item.alternatives
            ],
        }
        for index, item in enumerate(occurrences)
    ]
    context = {
        "form": form,
        "clinician": clinician,
        "rows": rows,
        "conflicts": sum(not row["free"] for row in rows),
        "error": error,
    }
    return page(request, "booking/clinic/plan_preview.html", context, status=status)


@login_required
@require_POST
def plan_check(request: HttpRequest) -> HttpResponse:
    clinician = _get_clinician(request)
    form = PlanForm(request.POST, clinician=clinician)
    if not form.is_valid():
        return page(
            request, "booking/clinic/plan.html", {"form": form, "clinician": clinician}, status=400
        )
    data = form.cleaned_data
    starts = services.series_starts(
        first_day=data["first_day"],
        at=data["at"],
        weekdays=[int(day) for day in data["weekdays"]],
        weeks=data["weeks"],
        zone=clinician.zone,
    )
    occurrences = services.plan_series(
        want=_plan_want(form, clinician), starts=starts, now=timezone.now()
    )
    return _preview(request, form, clinician, occurrences)


def _chosen_starts(request: HttpRequest) -> list[datetime] | None:
    """The time picked for each visit of the plan ("skip" leaves one out); None if unreadable."""
    count = request.POST.get("count", "")
    if not count.isdigit() or int(count) > 7 * 26:
        return None
    chosen = []
    for index in range(int(count)):
        value = request.POST.get(f"start_{index}", "")
        if value == "skip":
            continue
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        if moment.utcoffset() is None:
            return None
        chosen.append(moment)
    return chosen


@login_required
@require_POST
def plan_book(request: HttpRequest) -> HttpResponse:
    clinician = _get_clinician(request)
    form = PlanForm(request.POST, clinician=clinician)
    starts = _chosen_starts(request)
    if not form.is_valid() or not starts:
        if form.is_valid():
            form.add_error(None, "Choose a time for at least one visit.")
        return page(
            request, "booking/clinic/plan.html", {"form": form, "clinician": clinician}, status=400
        )
    want = _plan_want(form, clinician)
    data = form.cleaned_data
    contact = services.Contact(
        name=data["name"],
        email=data["email"],
        patient=verified_account(data["email"]),
        time_zone=clinician.time_zone,
    )
    now = timezone.now()
    try:
        series = services.book_series(want=want, starts=starts, contact=contact, now=now)
    except services.BookingError as error:
        occurrences = services.plan_series(want=want, starts=sorted(starts), now=now)
        return _preview(request, form, clinician, occurrences, error=error.message, status=409)
    count = series.appointments.count()
    paid = series.appointments.filter(paid_with__isnull=False).count()
    from_package = f" {paid} of them are paid from their visit package." if paid else ""
    messages.success(
        request,
        f"Booked {count} visits for {series.name}.{from_package} We have emailed them the plan.",
    )
    return see_other(reverse("booking:clinic"))
