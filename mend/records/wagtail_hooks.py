"""Erasure requests and legal holds in the back office, for administrators.

Requests come from the patient (/me/delete/); here an admin sees them, due
dates first, and carries one out. Holds are placed here (through
``services.place_hold``, which audits it) and lifted with their own button;
neither is edited or deleted in place, so the history stays.
"""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from mend.records import admin_urls, services
from mend.records.models import ErasureRequest, LegalHold


class AdminsOnlyPolicy(ModelPermissionPolicy):
    """Administrators only, and only the given actions: the rows are a history."""

    def __init__(self, model: Any, actions: tuple[str, ...]) -> None:
        super().__init__(model)
        self.actions = actions

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action in self.actions and user.is_active and user.is_superuser

    def users_with_any_permission(self, actions: Any) -> Any:
        allowed = [action for action in actions if action in self.actions]
        return super().users_with_any_permission(allowed) if allowed else self.model.objects.none()


register_permission_policy(ErasureRequest, AdminsOnlyPolicy(ErasureRequest, ("view",)))
register_permission_policy(LegalHold, AdminsOnlyPolicy(LegalHold, ("view", "add")))


def _carry_out_url(erasure: ErasureRequest) -> str:
    return reverse("records_erasure:carry_out", args=[erasure.pk])


class ErasureRequestViewSet(ModelViewSet):
    model = ErasureRequest
    icon = "warning"
    menu_label = "Erasure requests"
    list_display = [
        TitleColumn("__str__", label="Request", get_url=_carry_out_url),
        "status",
        "requested_at",
        "due_by",
        Column("overdue", label="Overdue", accessor=lambda row: row.is_overdue(timezone.now())),
        "carried_out_at",
    ]
    list_filter = ["status"]
    copy_view_enabled = False
    form_fields = ["patient"]


def _hold_url(hold: LegalHold) -> str:
    return reverse("records_erasure:hold", args=[hold.pk])


class PlaceHoldView(generic.CreateView):
    def save_instance(self) -> LegalHold:
        data = self.form.cleaned_data
        return services.place_hold(
            patient=data["patient"], reason=data["reason"], by=self.request.user,
            now=timezone.now(),
        )  # fmt: skip


class LegalHoldViewSet(ModelViewSet):
    model = LegalHold
    icon = "lock"
    menu_label = "Legal holds"
    add_view_class = PlaceHoldView
    list_display = [
        TitleColumn("patient", label="Account", get_url=_hold_url),
        "reason",
        "placed_at",
        "placed_by",
        "lifted_at",
    ]
    list_filter = ["lifted_at"]
    form_fields = ["patient", "reason"]
    copy_view_enabled = False
    inspect_view_enabled = True


class RecordsGroup(ModelViewSetGroup):
    menu_label = "Records"
    menu_icon = "folder-open-inverse"
    menu_order = 240
    items = (ErasureRequestViewSet("records_requests"), LegalHoldViewSet("records_holds"))


@hooks.register("register_admin_viewset")
def register_records() -> RecordsGroup:
    return RecordsGroup()


@hooks.register("register_admin_urls")
def register_records_urls() -> list[Any]:
    return [path("records/erasure/", include(admin_urls, namespace="records_erasure"))]
