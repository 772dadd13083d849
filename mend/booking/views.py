"""The patient's side: the booking flow, the manage page, the waitlist, offers.

The flow's steps are GET pages (see ``flow.py``); booking, cancelling and
moving are POSTs to their own views. Pages reached with a secret link (manage,
offer, account link) are never cached or sent as a referrer, and the secret part
of their address is kept out of the logs (``logs.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mend.booking import display, flow, formatting, ics, limits, packages, services, tokens, zones
from mend.booking.availability import (
    NOTHING,
    Ignore,
    active_visit_types,
    by_local_day,
    free_times,
    next_after,
)
from mend.booking.forms import (
    CancelForm,
    DetailsForm,
    WaitlistForm,
    new_request_key,
    screen_form,
)
from mend.booking.models import Appointment, Clinician, SlotHold, VisitPackage, WaitlistOffer
from mend.core import audit, http
from mend.core.http import see_other
from mend.payments.money import format_money
from mend.safety import services as safety
from mend.safety.forms import ScreenForm
from mend.safety.screening import ANSWER_NAMES, EMERGENCY, LEVEL_NAMES


def private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For pages behind a secret link (mend.core.http.private)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return http.private(view(request, *args, **kwargs))

    return wrapped


def page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    return render(request, template, context, status=status)


def _flow_page(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    template = "booking/_flow.html" if request.htmx else "booking/book.html"  # type: ignore[attr-defined]
    return page(request, template, context, status=status)


# The flow


@require_GET
def book(request: HttpRequest) -> HttpResponse:
    selection = flow.read(request.GET)
    context = _flow_context(selection, now=timezone.now())
    return _flow_page(request, context, status=400 if selection.errors else 200)


def _flow_context(
    selection: flow.Selection,
    *,
    now: datetime,
    alternatives: tuple[datetime, ...] = (),
    free: dict[datetime, tuple[int, ...]] | None = None,
) -> dict[str, Any]:
    context: dict[str, Any] = {"s": selection, "zone_options": zones.options_html(selection.tz)}
    if selection.step == "visit":
        context["visit_types"] = active_visit_types()
    if selection.step in {"day", "time"}:
        context.update(_calendar_context(selection, now=now, free=free))
    step = context["step"] = selection.step
    context["pairs"] = [(name, value) for name, value in selection.params(step) if name != "tz"]
    context["change"] = {
        earlier: _step_url(selection, earlier) for earlier in flow.STEPS[: flow.STEPS.index(step)]
    }
    context["waitlist_url"] = (
        reverse("booking:waitlist") + "?" + urlencode(selection.params("day"))
        if selection.step in {"day", "time"}
        else ""
    )
    context["alternatives"] = [
        display.Time(display.iso(moment), formatting.when(moment, selection.tz))
        for moment in alternatives
    ]
    return context


def _step_url(selection: flow.Selection, step: str) -> str:
    """The flow back at step, with the choices made before it."""
    return reverse("booking:book") + "?" + urlencode(selection.params(step))


def _calendar_context(
    selection: flow.Selection,
    *,
    now: datetime,
    ignore: Ignore = NOTHING,
    free: dict[datetime, tuple[int, ...]] | None = None,
) -> dict[str, Any]:
    """Days with room and, once a day is picked, its times, all in the patient's zone."""
    want = selection.want()
    if free is None:
        free = free_times(want, now=now, ignore=ignore)
    zone = ZoneInfo(selection.tz)
    days = by_local_day(free, zone)
    if selection.day is not None and selection.day not in days:
        selection.errors.setdefault(
            "date", "There are no free times on that day. Please pick another."
        )
        selection.day = None
    first = now.astimezone(zone).date()
    last = (now + timedelta(days=want.visit_type.horizon_days)).astimezone(zone).date()
    counts = {day: len(starts) for day, starts in days.items()}
    context: dict[str, Any] = {
        "months": display.months(counts, first, last),
        "zone_label": formatting.zone_label(selection.tz, now),
        "has_room": bool(free),
    }
    if selection.day is not None:
        context["day_label"] = formatting.long_date(selection.day)
        context["parts"] = display.parts_of_day(days[selection.day], selection.tz)
    return context


@require_http_methods(["GET", "POST"])
def details(request: HttpRequest) -> HttpResponse:
    selection = flow.read(request.POST if request.method == "POST" else request.GET)
    now = timezone.now()
    if selection.step != "time" or selection.start is None or selection.errors:
        selection.errors.setdefault("start", "Please pick a time.")
        return _flow_page(request, _flow_context(selection, now=now), status=400)
    if request.method == "POST":
        return _book(request, selection, now=now)
    free = free_times(selection.want(), now=now, around=selection.start)
    if selection.start not in free:
        selection.errors["start"] = services.TAKEN
        free = free_times(selection.want(), now=now)
        later = tuple(next_after(free, selection.start))
        context = _flow_context(selection, now=now, alternatives=later, free=free)
        return _flow_page(request, context, status=409)
    visit_type = selection.want().visit_type
    form = DetailsForm(
        initial=_initial_contact(request) | {"request_key": new_request_key()},
        questions=visit_type.questions(),
    )
    return _details_page(request, selection, form, screen=screen_form(visit_type), free=free)


def _initial_contact(request: HttpRequest) -> dict[str, str]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"name": user.get_full_name() or user.display_name, "email": user.email}  # type: ignore[union-attr]


def _details_page(
    request: HttpRequest,
    selection: flow.Selection,
    form: DetailsForm,
    *,
    screen: ScreenForm | None,
    free: dict[datetime, tuple[int, ...]],
    alternatives: tuple[datetime, ...] = (),
    status: int = 200,
) -> HttpResponse:
    assert selection.start is not None
    clinician = selection.clinician
    if clinician is None and selection.start in free:
        clinician = Clinician.objects.filter(pk=free[selection.start][0]).first()
    context = {
        "s": selection,
        "form": form,
        "screen_form": screen,
        "clinician": clinician,
        "when": formatting.when(selection.start, selection.tz),
        "zone_label": formatting.zone_label(selection.tz, selection.start),
        "hidden": [
            *((name, value) for name, value in selection.params("time") if name != "tz"),
            ("tz", selection.tz),
        ],
        "start_value": display.iso(selection.start),
        "alternatives": [
            display.Time(display.iso(moment), formatting.when(moment, selection.tz))
            for moment in alternatives
        ],
    }
    return page(request, "booking/details.html", context, status=status)


def _book(request: HttpRequest, selection: flow.Selection, *, now: datetime) -> HttpResponse:
    assert selection.start is not None
    want = selection.want()
    form = DetailsForm(request.POST, questions=want.visit_type.questions())
    screen = screen_form(want.visit_type, request.POST)
    limited = _over_limit(request, form)
    if limited or not _all_valid(form, screen):
        free = free_times(want, now=now, around=selection.start)
        status = 429 if limited else 400
        return _details_page(request, selection, form, screen=screen, free=free, status=status)
    data = form.cleaned_data
    contact = services.Contact(
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        patient=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
        time_zone=selection.tz,
    )
    try:
        appointment = services.book(
            want=want,
            start=selection.start,
            contact=contact,
            answers=form.answers(),
            now=now,
            request_key=data["request_key"],
            screen_answers=screen.answers() if screen else None,
        )
    except services.BookingError as error:
        # The service computed the free times once and chose the alternatives from them:
        # the page does not compute them again (the time is gone, so no clinician is named).
        form.add_error(None, error.message)
        return _details_page(
            request,
            selection,
            form,
            screen=screen,
            free={},
            alternatives=error.alternatives,
            status=409,
        )
    _booked_message(request, appointment)
    return see_other(reverse("booking:manage", args=[appointment.manage_token()]))


def _booked_message(request: HttpRequest, appointment: Appointment) -> None:
    paid = packages.paid_note(appointment)
    messages.success(
        request,
        f"You are booked. {paid + '. ' if paid else ''}"
        f"We have sent the details to {appointment.email}.",
    )


def _over_limit(request: HttpRequest, form: DetailsForm | WaitlistForm) -> bool:
    """Count this post against the client's and its email's limits; over either, say so
    at the form (the email's at its field) and store nothing."""
    if limits.address_exceeded(request):
        form.add_error(None, limits.ADDRESS_LIMITED)
        return True
    email = form.cleaned_data.get("email") if form.is_valid() else None
    if email and limits.email_exceeded(str(email)):
        form.add_error("email", ValidationError(limits.EMAIL_LIMITED, code="limited"))
        return True
    return False


def _all_valid(*forms: DetailsForm | ScreenForm | None) -> bool:
    """Validate every form given (so each shows its errors at once), skipping None."""
    return all([form.is_valid() for form in forms if form is not None])


# Managing a visit: by its secret link, or signed in by its id (visible_to)


@dataclass(frozen=True)
class Access:
    appointment: Appointment
    kind: str  # "manage" (secret link) or "visit" (signed in)
    ref: str | int
    may_change: bool = True  # seeing a visit signed in does not make it one's to change
    staff: bool = False  # its clinician or staff: may change it inside the cancellation window

    @property
    def by(self) -> str:
        return Appointment.CancelledBy.CLINIC if self.staff else Appointment.CancelledBy.PATIENT

    def may_change_now(self, now: datetime) -> bool:
        if not self.may_change:
            return False
        if self.staff:
            return self.appointment.is_changeable(now)
        return self.appointment.patient_may_change(now)

    def late(self, now: datetime) -> bool:
        """The patient's visit is inside its window: only the clinic can change it now."""
        changeable = self.may_change and self.appointment.is_changeable(now)
        return changeable and not self.staff and self.appointment.inside_cancellation_window(now)

    def url(self, action: str = "") -> str:
        name = f"booking:{self.kind}_{action}" if action else f"booking:{self.kind}"
        return reverse(name, args=[self.ref])

    def links(self) -> dict[str, str]:
        actions = ("cancel", "reschedule", "move", "calendar")
        return {"page": self.url()} | {action: self.url(action) for action in actions}


def _access(
    request: HttpRequest, token: str | None, pk: int | None, *, change: bool = False
) -> Access:
    """The visit by its manage link (while the link works), or signed in: visible_to to
    see it, changeable_by to cancel or move it; anything else is 404. The manage link
    always acts for the patient; signed in, the visit's clinician or staff act for the clinic."""
    found = Appointment.objects.select_related(
        "visit_type", "clinician", "location", "intake_screen__screen"
    )
    if token is not None:
        uid = tokens.manage_uid(token)
        appointment = found.filter(uid=uid).first() if uid else None
        if appointment is None or not appointment.manage_link_works(timezone.now()):
            raise Http404("No such visit.")
        return Access(appointment, "manage", token)
    if change:
        appointment = get_object_or_404(found.changeable_by(request.user), pk=pk)
        return Access(
            appointment, "visit", pk or 0, staff=appointment.staff_may_change(request.user)
        )
    appointment = get_object_or_404(found.visible_to(request.user), pk=pk)
    audit.read(request, appointment.patient, appointment)
    may_change = Appointment.objects.changeable_by(request.user).filter(pk=pk).exists()
    staff = may_change and appointment.staff_may_change(request.user)
    return Access(appointment, "visit", pk or 0, may_change=may_change, staff=staff)


def _manage_page(
    request: HttpRequest,
    access: Access,
    *,
    form: CancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    appointment, now = access.appointment, timezone.now()
    context = {
        "appointment": appointment,
        "links": access.links(),
        "when": formatting.when(appointment.start, appointment.time_zone),
        "where": ics.where(appointment),
        "can_change": access.may_change_now(now),
        "may_change": access.may_change,
        "inside_window": appointment.inside_cancellation_window(now),
        "late": access.late(now),
        "late_message": services.late_change_message(appointment),
        "clinic_phone": appointment.clinic_phone(),
        "clinic_email": settings.MEND_PRACTICE_EMAIL,
        "form": form or CancelForm(),
        "answers": [item for item in appointment.intake_answers if item.get("answer")],
    }
    if access.kind == "manage" or appointment.patient_id == request.user.pk:
        context["paid_note"] = packages.paid_note(appointment)
    context |= _screen_context(request, access, now=now)
    return page(request, "booking/manage.html", context, status=status)


def _screen_context(request: HttpRequest, access: Access, *, now: datetime) -> dict[str, Any]:
    """The safety questions answered at booking. The patient (by the link, or signed in as
    themselves) gets the advice their answers call for while the visit is ahead; anyone else
    who may see the visit (its clinician) gets the answers first, in the clinician's zone."""
    appointment, result = access.appointment, access.appointment.intake_screen
    if result is None:
        return {}
    for_patient = access.kind == "manage" or (
        appointment.patient_id is not None and appointment.patient_id == request.user.pk
    )
    zone = appointment.time_zone if for_patient else appointment.clinician.time_zone
    positive = [
        item
        | {"answer_name": ANSWER_NAMES[item["answer"]], "level_name": LEVEL_NAMES[item["level"]]}
        for item in result.positive_answers()
    ]
    advice = None
    if for_patient and result.level and appointment.is_changeable(now):
        advice = safety.advice_for(result.level)
    return {
        "screen": result,
        "screen_for_patient": for_patient,
        "screen_positive": positive,
        "screen_taken": formatting.when(result.taken_at, zone),
        "advice": advice,
        "advice_first": advice is not None and advice.level == EMERGENCY,
    }


@private
@require_GET
def manage(request: HttpRequest, token: str | None = None, pk: int | None = None) -> HttpResponse:
    return _manage_page(request, _access(request, token, pk))


@private
@require_GET
def calendar_file(
    request: HttpRequest, token: str | None = None, pk: int | None = None
) -> HttpResponse:
    appointment = _access(request, token, pk).appointment
    now = timezone.now()
    if appointment.status == Appointment.Status.CANCELLED:
        content = ics.cancellation(appointment, now=now)
    else:
        content = ics.invitation(appointment, now=now)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="visit.ics"'
    return response


@private
@require_POST
def cancel(request: HttpRequest, token: str | None = None, pk: int | None = None) -> HttpResponse:
    access = _access(request, token, pk, change=True)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, access, form=form, status=400)
    appointment = access.appointment
    try:
        services.cancel(
            appointment, by=access.by, reason=form.cleaned_data["reason"], now=timezone.now()
        )
    except services.BookingError as error:
        form.add_error(None, error.message)
        return _manage_page(request, access, form=form, status=409)
    messages.success(request, "Your visit is cancelled. We have emailed you a confirmation.")
    return see_other(access.url())


@private
@require_GET
def reschedule(
    request: HttpRequest, token: str | None = None, pk: int | None = None
) -> HttpResponse:
    access = _access(request, token, pk, change=True)
    return _reschedule_page(request, access, flow.read(request.GET))


def _reschedule_page(
    request: HttpRequest,
    access: Access,
    picked: flow.Selection,
    *,
    alternatives: tuple[datetime, ...] = (),
    status: int | None = None,
) -> HttpResponse:
    """The same day and time pickers as booking, for this visit's clinician, mode and place."""
    appointment, now = access.appointment, timezone.now()
    selection = flow.Selection(
        visit_type=appointment.visit_type,
        mode=appointment.mode,
        location=appointment.location,
        clinician=appointment.clinician,
        day=picked.day,
        tz=picked.tz if picked.tz_given else appointment.time_zone,
        tz_given=True,
        errors={
            key: value for key, value in picked.errors.items() if key in {"date", "tz", "start"}
        },
    )
    context: dict[str, Any] = {"appointment": appointment, "links": access.links(), "s": selection}
    context["late"] = access.late(now)
    if context["late"]:
        context["late_message"] = services.late_change_message(appointment)
    elif appointment.is_changeable(now):
        ignore = Ignore(appointment_id=appointment.pk)
        context |= _calendar_context(selection, now=now, ignore=ignore)
    context["zone_options"] = zones.options_html(selection.tz)
    context["zone_pairs"] = [("date", selection.day.isoformat())] if selection.day else []
    context["when"] = formatting.when(appointment.start, selection.tz)
    context["inside_window"] = appointment.inside_cancellation_window(now)
    context["alternatives"] = [
        display.Time(display.iso(moment), formatting.when(moment, selection.tz))
        for moment in alternatives
    ]
    code = status or (400 if selection.errors else 200)
    return page(request, "booking/reschedule.html", context, status=code)


@private
@require_POST
def move(request: HttpRequest, token: str | None = None, pk: int | None = None) -> HttpResponse:
    access = _access(request, token, pk, change=True)
    picked = flow.read(request.POST)
    if picked.start is None:
        picked.errors.setdefault("start", "Please pick a time.")
        return _reschedule_page(request, access, picked, status=400)
    try:
        services.reschedule(
            access.appointment, start=picked.start, now=timezone.now(), by=access.by
        )
    except services.BookingError as error:
        picked.errors["start"] = error.message
        return _reschedule_page(
            request, access, picked, alternatives=error.alternatives, status=409
        )
    messages.success(request, "Your visit has moved. We have emailed you the new time.")
    return see_other(access.url())


@login_required
@require_GET
def visits(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    mine = (
        Appointment.objects.visible_to(request.user)
        .filter(patient=request.user)
        .select_related("visit_type", "clinician", "location")
    )

    def rows(items: Any) -> list[dict[str, Any]]:
        return [{"appointment": a, "when": formatting.when(a.start, a.time_zone)} for a in items]

    context = {
        "upcoming": rows(mine.filter(start__gte=now).order_by("start")),
        "past": rows(mine.filter(start__lt=now).order_by("-start")[:50]),
    }
    return page(request, "booking/visits.html", context)


# Attaching a guest booking to the account that owns its address


def _link_target(token: str) -> tuple[Appointment, str]:
    parts = tokens.link_parts(token)
    if parts is None:
        raise Http404("This link is not valid or has expired.")
    appointment = Appointment.objects.filter(uid=parts[0]).first()
    if appointment is None:
        raise Http404("No such visit.")
    return appointment, parts[1]


@private
@require_GET
def link_account(request: HttpRequest, token: str) -> HttpResponse:
    appointment, email = _link_target(token)
    context = {
        "appointment": appointment,
        "email": email,
        "when": formatting.when(appointment.start, appointment.time_zone),
        "confirm_url": reverse("booking:link_account_confirm", args=[token]),
        "linked": appointment.patient_id is not None,
    }
    return page(request, "booking/link_account.html", context)


@private
@require_POST
def link_account_confirm(request: HttpRequest, token: str) -> HttpResponse:
    appointment, email = _link_target(token)
    try:
        user = services.link_to_account(appointment, email=email, now=timezone.now())
    except services.BookingError as error:
        messages.error(request, error.message)
        return see_other(reverse("booking:link_account", args=[token]))
    messages.success(request, "This visit is now in your account.")
    if request.user.is_authenticated and request.user.pk == user.pk:
        return see_other(reverse("booking:visit", args=[appointment.pk]))
    return see_other(reverse("booking:manage", args=[appointment.manage_token()]))


# The waitlist and its offers


@require_GET
def waitlist(request: HttpRequest) -> HttpResponse:
    selection = flow.read(request.GET)
    if selection.visit_type is None:
        return redirect("booking:book")
    form = WaitlistForm(initial=_initial_contact(request))
    return _waitlist_page(request, selection, form)


def _waitlist_page(
    request: HttpRequest, selection: flow.Selection, form: WaitlistForm, *, status: int = 200
) -> HttpResponse:
    hidden = [(name, value) for name, value in selection.params("day") if name != "tz"]
    context = {"s": selection, "form": form, "hidden": [*hidden, ("tz", selection.tz)]}
    return page(request, "booking/waitlist.html", context, status=status)


@require_POST
def join_waitlist(request: HttpRequest) -> HttpResponse:
    selection = flow.read(request.POST)
    if selection.visit_type is None:
        raise Http404("No such visit.")
    form = WaitlistForm(request.POST)
    if _over_limit(request, form):
        return _waitlist_page(request, selection, form, status=429)
    if not form.is_valid():
        return _waitlist_page(request, selection, form, status=400)
    earliest, latest = form.times()
    contact = services.Contact(
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        patient=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
        time_zone=selection.tz,
    )
    try:
        services.join_waitlist(
            visit_type=selection.visit_type,
            clinician=selection.clinician,
            mode=selection.mode,
            location=selection.location,
            weekdays=[int(day) for day in form.cleaned_data["weekdays"]],
            earliest=earliest,
            latest=latest,
            contact=contact,
        )
    except services.BookingError as error:
        form.add_error(None, error.message)
        return _waitlist_page(request, selection, form, status=409)
    messages.success(
        request, "You are on the waitlist. When a time that suits you opens up, we will email you."
    )
    return see_other(
        reverse("booking:book") + "?" + urlencode({"visit": selection.visit_type.slug})
    )


def _offer(token: str) -> WaitlistOffer:
    offer_id = tokens.offer_id(token)
    offer = (
        WaitlistOffer.objects.select_related(
            "entry", "hold__visit_type", "hold__clinician", "hold__location"
        )
        .filter(pk=offer_id)
        .first()
        if offer_id
        else None
    )
    if offer is None:
        raise Http404("No such offer.")
    return offer


def _offer_page(
    request: HttpRequest,
    token: str,
    offer: WaitlistOffer,
    form: DetailsForm,
    *,
    screen: ScreenForm | None,
    status: int = 200,
) -> HttpResponse:
    hold, now = offer.hold, timezone.now()
    context = {
        "offer": offer,
        "hold": hold,
        "form": form,
        "screen_form": screen,
        "open": hold.is_open(now),
        "claimed": hold.status == SlotHold.Status.CLAIMED,
        "when": formatting.when(hold.start, offer.entry.time_zone),
        "until": formatting.when(hold.expires_at, offer.entry.time_zone),
        "claim_url": reverse("booking:claim_confirm", args=[token]),
    }
    return page(request, "booking/offer.html", context, status=status)


@private
@require_GET
def claim(request: HttpRequest, token: str) -> HttpResponse:
    offer = _offer(token)
    initial = {
        "name": offer.entry.name,
        "email": offer.entry.email,
        "request_key": new_request_key(),
    }
    visit_type = offer.hold.visit_type
    form = DetailsForm(initial=initial, questions=visit_type.questions())
    return _offer_page(request, token, offer, form, screen=screen_form(visit_type))


@private
@require_POST
def claim_confirm(request: HttpRequest, token: str) -> HttpResponse:
    offer = _offer(token)
    visit_type = offer.hold.visit_type
    form = DetailsForm(request.POST, questions=visit_type.questions())
    screen = screen_form(visit_type, request.POST)
    if not _all_valid(form, screen):
        return _offer_page(request, token, offer, form, screen=screen, status=400)
    data = form.cleaned_data
    contact = services.Contact(
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        patient=offer.entry.patient,
        time_zone=offer.entry.time_zone,
    )
    try:
        appointment = services.claim_offer(
            offer,
            contact=contact,
            answers=form.answers(),
            now=timezone.now(),
            screen_answers=screen.answers() if screen else None,
        )
    except services.BookingError as error:
        form.add_error(None, error.message)
        return _offer_page(request, token, offer, form, screen=screen, status=409)
    _booked_message(request, appointment)
    return see_other(reverse("booking:manage", args=[appointment.manage_token()]))


# Visit packages (bought through checkout, mend.payments)


@require_GET
def package_list(request: HttpRequest) -> HttpResponse:
    """The packages on sale; each Buy button posts to payments:start (kind "package")."""
    found = VisitPackage.objects.filter(active=True).prefetch_related("visit_types")
    rows = [
        {"package": package, "price": format_money(package.price, package.currency)}
        for package in found
    ]
    return page(request, "booking/packages.html", {"rows": rows, "kind": packages.KIND})
