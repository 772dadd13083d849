"""Outcome measures in the back office: the clinic's MCIDs and its licensed text packs.

MCID settings are edited here: each replaces the figure instruments.py gives
for one score, with its source. Text packs are loaded with
``mend outcomes load-pack``, which checks them against the instrument, so the
admin lists, inspects and deletes them but neither adds nor edits them.
Schedules and responses are patient data and live in the front-end pages.
"""

from __future__ import annotations

from typing import Any

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from mend.outcomes.models import McidSetting, TextPack


class LoadedByCommandPolicy(ModelPermissionPolicy):
    """Django's model permissions, except that nobody adds or edits these in the admin."""

    LOADED_ONLY = ("add", "change")

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action not in self.LOADED_ONLY and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions: Any) -> Any:
        return super().users_with_any_permission(
            [action for action in actions if action not in self.LOADED_ONLY]
        )


# Registered before the viewsets look a policy up (Wagtail requires this order).
register_permission_policy(TextPack, LoadedByCommandPolicy(TextPack))


class McidSettingViewSet(ModelViewSet):
    model = McidSetting
    icon = "pick"
    menu_label = "MCID settings"
    list_display = ["code", "score", "value", "source"]
    list_filter = ["code"]
    form_fields = ["code", "score", "value", "source"]
    copy_view_enabled = False


class TextPackViewSet(ModelViewSet):
    model = TextPack
    icon = "doc-full"
    menu_label = "Text packs"
    list_display = ["code", "instrument_version", "language", "licence_holder", "loaded_at"]
    list_filter = ["code", "language"]
    form_fields = ["licence_note"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "code", "instrument_version", "language", "licence_holder", "licence_note",
        "loaded_at", "loaded_by",
    ]  # fmt: skip
    copy_view_enabled = False


class OutcomesGroup(ModelViewSetGroup):
    menu_label = "Outcome measures"
    menu_icon = "table"
    menu_order = 250
    items = (McidSettingViewSet("outcomes_mcids"), TextPackViewSet("outcomes_text_packs"))


@hooks.register("register_admin_viewset")
def register_outcomes() -> OutcomesGroup:
    return OutcomesGroup()
