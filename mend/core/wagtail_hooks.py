"""The audit log in the back office: searched, filtered and exported, never edited."""

from __future__ import annotations

from typing import Any

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from mend.core.models import AuditEvent


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Django's view permission only: nobody adds, changes or deletes these rows."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions: Any) -> Any:
        return super().users_with_any_permission([a for a in actions if a == "view"])


register_permission_policy(AuditEvent, ReadOnlyPolicy(AuditEvent))

FIELDS = [
    "at", "action", "actor_label", "actor_email", "actor_role", "actor_id", "patient_label",
    "patient_id", "object_type", "object_id", "object_label", "client_address", "path",
    "detail",
]  # fmt: skip


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = "Audit log"
    menu_order = 900
    add_to_admin_menu = True
    list_display = [
        "at", "action", "actor_label", "patient_label", "object_label", "client_address",
    ]  # fmt: skip
    list_filter = {"action": ["exact"], "at": ["date__gte", "date__lte"]}
    search_fields = ["actor_label", "actor_email", "patient_label", "object_label", "object_type"]
    list_export = FIELDS
    export_filename = "audit-log"
    form_fields = FIELDS  # required by ModelViewSet; the policy never lets a form open
    inspect_view_enabled = True
    inspect_view_fields = FIELDS
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_audit_log() -> AuditEventViewSet:
    return AuditEventViewSet("audit_log")
