"""The patient's copy (/me/export/) and erasure request (/me/delete/); staff carry it out.

There is no id in the patient's URLs: a person exports, or asks to delete,
only their own account. The staff pages live under the Wagtail admin and
are for administrators only (anyone else gets 404).
"""

from __future__ import annotations

from typing import Any

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mend.accounts.models import User
from mend.core.http import no_store, see_other
from mend.records import fhir, services
from mend.records.forms import CarryOutForm, ErasureForm
from mend.records.models import ErasureRequest, LegalHold

# The patient


@require_GET
@login_required
@reauthentication_required
def export(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    user: User = request.user  # type: ignore[assignment]
    body = services.export_json(user, now=now, by=request)
    response = HttpResponse(body, content_type=fhir.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="mend-record-{now:%Y-%m-%d}.json"'
    return no_store(response)


def _erasure_context(user: User, form: ErasureForm | None = None) -> dict[str, Any]:
    now = timezone.now()
    retention = services.retention_for(user, now=now)
    return {
        "form": form or ErasureForm(),
        "pending": ErasureRequest.objects.pending().filter(patient=user).first(),
        "has_record": retention.last_care is not None,
        "keep_until": retention.keep_until,
        # The setting's answer; a legal hold, if any, is the practice's to explain.
        "keeps_record": retention.keep_until is not None and now < retention.keep_until,
        "years": settings.MEND_RECORD_RETENTION_YEARS,
    }


@require_GET
@login_required
@reauthentication_required
def erasure_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return no_store(render(request, "records/erasure.html", _erasure_context(user)))


@require_POST
@login_required
@reauthentication_required
def request_erasure(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ErasureForm(request.POST)
    if not form.is_valid():
        context = _erasure_context(user, form)
        return no_store(render(request, "records/erasure.html", context, status=400))
    try:
        erasure = services.request_erasure(user, now=timezone.now(), request=request)
    except services.RecordsError as error:
        form.add_error(None, error.message)
        context = _erasure_context(user, form)
        return no_store(render(request, "records/erasure.html", context, status=409))
    messages.success(
        request,
        f"Your request is with the practice. It will be carried out by "
        f"{erasure.due_by:%d %B %Y}; until then you can still sign in.",
    )
    return see_other("records:erasure")


# Staff (under /admin/, administrators only)


def _admin_or_404(request: HttpRequest) -> User:
    if not (request.user.is_authenticated and request.user.is_superuser):
        raise Http404("No such page.")
    return request.user  # type: ignore[return-value]


def _get_erasure_for_admin(request: HttpRequest, pk: int) -> ErasureRequest:
    _admin_or_404(request)
    erasure = ErasureRequest.objects.select_related("patient").filter(pk=pk).first()
    if erasure is None:
        raise Http404("No such request.")
    return erasure


def _carry_out_page(
    request: HttpRequest, erasure: ErasureRequest, form: CarryOutForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    retention = None
    if erasure.patient is not None and erasure.status == ErasureRequest.Status.PENDING:
        retention = services.retention_for(erasure.patient, now=timezone.now())
    context = {
        "erasure": erasure,
        "retention": retention,
        "form": form or CarryOutForm(),
        "overdue": erasure.is_overdue(timezone.now()),
    }
    return no_store(render(request, "records/carry_out.html", context, status=status))


@require_GET
def carry_out_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _carry_out_page(request, _get_erasure_for_admin(request, pk))


@require_POST
def carry_out(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = _get_erasure_for_admin(request, pk)
    form = CarryOutForm(request.POST)
    if not form.is_valid():
        return _carry_out_page(request, erasure, form, status=400)
    try:
        erasure = services.erase(erasure, by=_admin_or_404(request), now=timezone.now())
    except services.RecordsError as error:
        form.add_error(None, error.message)
        return _carry_out_page(request, erasure, form, status=409)
    messages.success(request, "Erasure carried out.")
    return see_other("records_erasure:carry_out", erasure.pk)


def _get_hold_for_admin(request: HttpRequest, pk: int) -> LegalHold:
    admin = _admin_or_404(request)
    hold = LegalHold.objects.visible_to(admin).filter(pk=pk).select_related("patient").first()
    if hold is None:
        raise Http404("No such hold.")
    return hold


@require_GET
def hold_page(request: HttpRequest, pk: int) -> HttpResponse:
    hold = _get_hold_for_admin(request, pk)
    return no_store(render(request, "records/hold.html", {"hold": hold}))


@require_POST
def lift_hold(request: HttpRequest, pk: int) -> HttpResponse:
    admin = _admin_or_404(request)
    hold = _get_hold_for_admin(request, pk)
    try:
        services.lift_hold(hold, by=admin, now=timezone.now())
    except services.RecordsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Legal hold lifted.")
    return see_other("records_erasure:hold", hold.pk)
