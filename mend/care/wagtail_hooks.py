"""Episodes of care in the back office: where an admin opens, corrects or closes one.

Patients and clinicians work at /me/care/ and /clinic/care/; here the
practice sees every episode and invitation. An episode opened here is in
force at once (source "opened by the practice"), as the issue of who is in
whose care is the practice's to settle. Every look and change here is in
the audit log (mend.core.audited_admin).
"""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from mend.care.models import Episode, Invitation, ReviewTime
from mend.core.audited_admin import AuditedModelViewSet


class EpisodeViewSet(AuditedModelViewSet):
    model = Episode
    icon = "group"
    menu_label = "Episodes"
    list_display = ["patient", "clinician", "reason", "status", "opened_at", "source"]
    list_filter = ["status", "source", "region"]
    search_fields = ["reason", "patient__email", "clinician__email"]
    form_fields = [
        "patient", "clinician", "reason", "region", "status", "opened_at", "discharged_at",
        "discharge_note",
    ]  # fmt: skip
    copy_view_enabled = False
    inspect_view_enabled = True


class InvitationViewSet(AuditedModelViewSet):
    patient_field = ""  # an address, not yet an account
    model = Invitation
    icon = "mail"
    menu_label = "Invitations"
    list_display = ["email", "clinician", "status", "created_at", "answered_at"]
    list_filter = ["status"]
    search_fields = ["email", "clinician__email"]
    form_fields = ["status"]
    copy_view_enabled = False


class ReviewTimeViewSet(AuditedModelViewSet):
    """Review minutes, where the practice corrects one before a claim goes out."""

    model = ReviewTime
    patient_field = "episode.patient"
    icon = "time"
    menu_label = "Review time"
    list_display = ["episode", "clinician", "on", "minutes", "created_at"]
    list_filter = ["on"]
    search_fields = ["note", "episode__patient__email", "clinician__email"]
    form_fields = ["episode", "clinician", "on", "minutes", "note"]
    copy_view_enabled = False


class CareGroup(ModelViewSetGroup):
    menu_label = "Care"
    menu_icon = "group"
    menu_order = 230
    items = (
        EpisodeViewSet("care_episodes"),
        InvitationViewSet("care_invitations"),
        ReviewTimeViewSet("care_review_times"),
    )


@hooks.register("register_admin_viewset")
def register_care() -> CareGroup:
    return CareGroup()
