"""Recording the audit log: who did what, when, from where, to whose data.

``record`` is the one way in. Inside a request, ``AuditMiddleware`` collects
the request's events and writes them with one bulk insert when the response
is ready (a list of 30 patients is 30 events, one INSERT); outside a request
(tasks, commands) an event is written at once. Reads are staff reads: the
patient reading their own record writes nothing, and a request records each
patient (or each object without a patient) it read once.

Core imports no feature app: the object and the patient are whatever the
caller passes, described by their model label, primary key and ``str``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from mend.core.clientip import client_address
from mend.core.models import AuditEvent
from mend.core.roles import CLINICIAN, EDITOR, is_clinician

logger = logging.getLogger(__name__)

Action = AuditEvent.Action


@dataclass
class _Collector:
    request: HttpRequest | None = None
    events: list[AuditEvent] = field(default_factory=list)
    reads: set[tuple[Any, ...]] = field(default_factory=set)


_collector: ContextVar[_Collector | None] = ContextVar("mend_audit_collector", default=None)


def role_of(user: Any) -> str:
    """The role a person acted in, for the patient's list of who looked."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if user.is_superuser:
        return "admin"
    if is_clinician(user):
        return CLINICIAN
    if user.is_staff or user.groups.filter(name=EDITOR).exists():
        return "staff"
    return "patient"


def _clip(value: object, length: int) -> str:
    return str(value)[:length]


def record(
    request_or_actor: Any,
    *,
    action: str,
    patient: Any = None,
    obj: Any = None,
    detail: str = "",
    actor: Any = None,
) -> AuditEvent | None:
    """Record one event. ``request_or_actor`` is the request (actor, address and path from
    it) or the acting user outside a request; ``actor`` names someone else than the
    request's user (a calendar feed read by its token). A repeated read is not kept."""
    request = request_or_actor if isinstance(request_or_actor, HttpRequest) else None
    if actor is None:
        actor = getattr(request, "user", None) if request is not None else request_or_actor
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    # A service called with a user inside a request (a screen answered): that request.
    request = request or getattr(_collector.get(), "request", None)
    event = AuditEvent(
        at=timezone.now(),
        action=action,
        detail=_clip(detail, 500),
        client_address=client_address(request) if request is not None else "",
        path=_clip(request.path, 500) if request is not None else "",
    )
    if actor is not None:
        event.actor_id = actor.pk
        event.actor_label = _clip(actor.get_public_name(), 254)
        event.actor_email = _clip(actor.email, 254)
        event.actor_role = role_of(actor)
    if patient is not None:
        event.patient_id = patient.pk
        event.patient_label = _clip(patient.email, 254)
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = _clip(obj.pk, 64)
        event.object_label = _clip(obj, 254)
    return _keep(event)


def _keep(event: AuditEvent) -> AuditEvent | None:
    collector = _collector.get()
    if collector is None:
        event.save()
        return event
    if event.action == Action.READ:
        what = (event.patient_id,) if event.patient_id else (event.object_type, event.object_id)
        key = (event.actor_id, *what)
        if key in collector.reads:
            return None
        collector.reads.add(key)
    collector.events.append(event)
    return event


def read(request: HttpRequest, patient: Any, obj: Any = None, *, actor: Any = None) -> None:
    """A staff read of a patient's data: recorded unless the reader is the patient.
    ``actor``: the reader when it is not the request's user (a calendar feed's owner)."""
    reader = actor if actor is not None else request.user
    if not reader.is_authenticated or (patient is not None and patient.pk == reader.pk):
        return
    record(request, action=Action.READ, patient=patient, obj=obj, actor=reader)


def read_all(
    request: HttpRequest, rows: Iterable[Any], patient_of: Callable[[Any], Any], *,
    actor: Any = None,
) -> None:  # fmt: skip
    """A staff read of a list: one event per patient in it (per row where there is none)."""
    for row in rows:
        read(request, patient_of(row), row, actor=actor)


class AuditMiddleware:
    """Collects a request's events and writes them in one insert when it is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        collector = _Collector(request)
        token = _collector.set(collector)
        try:
            return self.get_response(request)
        finally:
            _collector.reset(token)
            if collector.events:
                AuditEvent.objects.bulk_create(collector.events)


# Signing in and out, two-factor changes: connected by CoreConfig.ready().


def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(request if request is not None else user, action=Action.SIGN_IN, actor=user)


def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(request if request is not None else user, action=Action.SIGN_OUT, actor=user)


def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    tried = credentials.get("email") or credentials.get("username") or ""
    detail = f"as {tried}" if tried else ""
    # The request's user is still anonymous: no actor, only the address tried.
    record(request, action=Action.SIGN_IN_FAILED, detail=detail)


def _mfa_changed(verb: str) -> Callable[..., None]:
    def receiver(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        authenticator = kwargs.get("authenticator")
        kind = getattr(authenticator, "type", "") or "authenticator"
        record(request, action=Action.MFA_CHANGE, actor=user, detail=f"{kind} {verb}")

    return receiver


_MFA_RECEIVERS = {
    "authenticator_added": _mfa_changed("added"),
    "authenticator_removed": _mfa_changed("removed"),
    "authenticator_reset": _mfa_changed("reset"),
}


def connect_signals() -> None:
    auth_signals.user_logged_in.connect(_signed_in, dispatch_uid="mend_audit_signed_in")
    auth_signals.user_logged_out.connect(_signed_out, dispatch_uid="mend_audit_signed_out")
    auth_signals.user_login_failed.connect(_sign_in_failed, dispatch_uid="mend_audit_failed")
    if not apps.is_installed("allauth.mfa"):
        return
    try:
        from allauth.mfa import signals as mfa_signals
    except (ImportError, RuntimeError):  # an allauth without MFA, or MFA not set up
        logger.warning("allauth.mfa is installed but its signals cannot be imported")
        return
    for name, receiver in _MFA_RECEIVERS.items():
        signal = getattr(mfa_signals, name, None)
        if signal is not None:
            signal.connect(receiver, dispatch_uid=f"mend_audit_{name}")
