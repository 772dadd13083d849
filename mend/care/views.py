"""The patient's episodes and invitations (/me/care/), the clinician's (/clinic/care/)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mend.accounts.models import User
from mend.care import services
from mend.care.forms import BreakGlassForm, DischargeForm, InviteForm
from mend.care.models import BreakGlass, Episode, Flag, Invitation
from mend.core import audit
from mend.core.http import clinician_or_404, no_store, see_other

# The patient


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    episodes = Episode.objects.filter(patient=user).select_related("clinician")
    context = {"episodes": episodes, "invitations": services.invitations_for(user)}
    return no_store(render(request, "care/mine.html", context))


def _answer(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404("No such invitation.")
    try:
        action(patient=request.user, invitation_id=pk, now=timezone.now())
    except services.CareError as error:
        raise Http404(error.message) from None  # not theirs, or answered: nothing to say more
    messages.success(request, done)
    return see_other("care:mine")


@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, services.accept, "You are now in this clinician's care.")


@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, services.decline, "Invitation declined. Nothing was shared.")


# The clinician


def _clinic_page(
    request: HttpRequest,
    form: InviteForm | None = None,
    status: int = 200,
    errors: dict[str, str] | None = None,
) -> Any:
    """The care page; ``errors`` puts a message at one episode's or flag's note field."""
    user = clinician_or_404(request)
    errors = errors or {}
    now = timezone.now()
    episodes = list(
        Episode.objects.granting(user, now=now)
        .select_related("patient")
        .prefetch_related(Prefetch("flags", Flag.objects.open(), to_attr="open_flags"))
    )
    episodes.sort(key=lambda episode: not episode.open_flags)  # flagged first
    audit.read_all(request, episodes, lambda episode: episode.patient)
    for episode in episodes:
        episode.discharge_error = errors.get(f"discharge-{episode.pk}", "")
        for flag in episode.open_flags:
            flag.clear_error = errors.get(f"flag-{flag.pk}", "")
    context = {
        "active": [episode for episode in episodes if episode.is_active],
        "discharged": [episode for episode in episodes if not episode.is_active],
        "invitations": Invitation.objects.pending().filter(clinician=user),
        "form": form or InviteForm(),
    }
    return no_store(render(request, "care/clinic.html", context, status=status))


@require_GET
def clinic(request: HttpRequest) -> HttpResponse:
    return _clinic_page(request)


@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    user = clinician_or_404(request)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _clinic_page(request, form, status=400)
    data = form.cleaned_data
    try:
        services.invite(
            clinician=user, email=data["email"], reason=data["reason"], region=data["region"],
            now=timezone.now(),
        )  # fmt: skip
    except services.CareError as error:
        form.add_error(error.field, error.message)
        return _clinic_page(request, form, status=409)
    messages.success(request, f"Invitation sent to {data['email']}.")
    return see_other("care:clinic")


@require_POST
def discharge(request: HttpRequest, pk: int) -> HttpResponse:
    user = clinician_or_404(request)
    episode = Episode.objects.granting(user).filter(pk=pk).select_related("patient").first()
    if episode is None:
        raise Http404("No such episode in your care.")
    form = DischargeForm(request.POST)
    field = f"discharge-{pk}"
    if not form.is_valid():
        return _clinic_page(request, status=400, errors={field: form.errors["note"][0]})
    try:
        services.discharge(episode, by=user, note=form.cleaned_data["note"], now=timezone.now())
    except services.CareError as error:
        return _clinic_page(request, status=409, errors={field: error.message})
    messages.success(request, f"{episode.patient.get_public_name()} discharged.")
    return see_other("care:clinic")


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = clinician_or_404(request)
    invitation = Invitation.objects.pending().filter(pk=pk, clinician=user).first()
    if invitation is None:
        raise Http404("No such invitation.")
    services.withdraw(invitation, by=user, now=timezone.now())
    messages.success(request, "Invitation withdrawn.")
    return see_other("care:clinic")


@require_POST
def clear_flag(request: HttpRequest, pk: int) -> HttpResponse:
    user = clinician_or_404(request)
    granting = Episode.objects.granting(user).values("pk")
    flag = Flag.objects.open().filter(pk=pk, episode__in=granting).select_related("episode")
    found = flag.first()
    if found is None:
        raise Http404("No such flag.")
    try:
        services.clear_flag(found, by=user, note=request.POST.get("note", ""), now=timezone.now())
    except services.CareError as error:
        status = 400 if error.field == "note" else 409
        return _clinic_page(request, status=status, errors={f"flag-{pk}": error.message})
    messages.success(request, "Flag cleared.")
    return see_other("care:clinic")


# The practice's admin: break-glass


def _admin_or_404(request: HttpRequest) -> User:
    user = request.user
    if not user.is_authenticated or not user.is_superuser:
        raise Http404("No such page.")
    return user  # type: ignore[return-value]


def _break_glass_page(
    request: HttpRequest, user: User, form: BreakGlassForm | None = None, status: int = 200
) -> HttpResponse:
    grants = BreakGlass.objects.open_to(user, now=timezone.now()).select_related("patient")
    context = {
        "form": form or BreakGlassForm(),
        "grants": grants,
        "minutes": settings.MEND_BREAK_GLASS_MINUTES,
    }
    return no_store(render(request, "care/break_glass.html", context, status=status))


@require_GET
def break_glass(request: HttpRequest) -> HttpResponse:
    return _break_glass_page(request, _admin_or_404(request))


@require_POST
def open_break_glass(request: HttpRequest) -> HttpResponse:
    user = _admin_or_404(request)
    form = BreakGlassForm(request.POST)
    if not form.is_valid():
        return _break_glass_page(request, user, form, status=400)
    try:
        grant = services.break_glass(
            admin=user, patient_email=form.cleaned_data["patient"],
            reason=form.cleaned_data["reason"], now=timezone.now(),
        )  # fmt: skip
    except services.CareError as error:
        form.add_error(error.field, error.message)
        return _break_glass_page(request, user, form, status=409)
    ends = timezone.localtime(grant.expires_at)
    messages.warning(
        request,
        f"{grant.patient.get_public_name()}'s record is open to you until {ends:%H:%M %Z}. "
        "Every page you read is in the audit log; the practice has been told.",
    )
    return see_other("care:break_glass")
