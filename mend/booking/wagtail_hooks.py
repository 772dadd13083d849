"""Booking in the back office: one "Booking" menu with every booking model.

Clinicians keep their own hours and time off at /clinic/availability/; here
the practice sets up locations, visit types and clinicians, and can correct
anything. Visits are booked through the booking flow (which checks the time,
sends the emails and queues the reminders), so the admin edits and cancels
visits but does not create them. Edits made here send no email.
"""

from __future__ import annotations

from typing import Any

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from mend.booking.models import (
    Appointment,
    AvailabilityRule,
    Clinician,
    Location,
    TimeOff,
    VisitPackage,
    VisitType,
    WaitlistEntry,
)
from mend.core.audited_admin import AuditedModelViewSet


class BookedThroughTheFlowPolicy(ModelPermissionPolicy):
    """Django's model permissions, except that nobody adds these rows in the admin."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action != "add" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions: Any) -> Any:
        return super().users_with_any_permission([a for a in actions if a != "add"])


register_permission_policy(Appointment, BookedThroughTheFlowPolicy(Appointment))
register_permission_policy(WaitlistEntry, BookedThroughTheFlowPolicy(WaitlistEntry))


class LocationViewSet(ModelViewSet):
    model = Location
    icon = "site"
    list_display = ["name", "time_zone"]
    form_fields = ["name", "address", "phone", "time_zone"]
    copy_view_enabled = False


class VisitTypeViewSet(ModelViewSet):
    model = VisitType
    icon = "date"
    list_display = [
        "name",
        "duration_minutes",
        "price",
        "allows_virtual",
        "allows_in_person",
        "is_active",
    ]
    list_filter = ["is_active", "allows_virtual", "allows_in_person"]
    form_fields = [
        "name", "slug", "description", "position", "duration_minutes",
        "buffer_before_minutes", "buffer_after_minutes", "price", "currency",
        "allows_virtual", "allows_in_person", "min_notice_minutes", "horizon_days",
        "cancellation_window_hours", "cancellation_policy", "intake_questions", "intake_screen",
        "is_active",
    ]  # fmt: skip


class VisitPackageViewSet(ModelViewSet):
    """Packages sold through checkout; what patients hold shows on their /me/ page."""

    model = VisitPackage
    icon = "tag"
    menu_label = "Visit packages"
    list_display = ["name", "visits", "price", "currency", "validity_days", "active"]
    list_filter = ["active", "visit_types"]
    form_fields = [
        "name", "description", "visit_types", "visits", "price", "currency", "validity_days",
        "pay_at_clinic", "active", "position",
    ]  # fmt: skip


class ClinicianViewSet(ModelViewSet):
    model = Clinician
    icon = "user"
    list_display = ["display_name", "credentials", "time_zone", "is_active"]
    list_filter = ["is_active", "locations", "visit_types"]
    search_fields = ["display_name", "user__email"]
    form_fields = [
        "user", "display_name", "credentials", "bio", "photo", "time_zone",
        "locations", "visit_types", "is_active",
    ]  # fmt: skip
    copy_view_enabled = False


class AvailabilityRuleViewSet(ModelViewSet):
    model = AvailabilityRule
    icon = "time"
    menu_label = "Weekly hours"
    list_display = ["clinician", "weekday", "start_time", "end_time", "mode", "location"]
    list_filter = ["clinician", "weekday", "mode"]
    form_fields = [
        "clinician", "weekday", "start_time", "end_time", "mode", "location",
        "valid_from", "valid_until",
    ]  # fmt: skip


class TimeOffViewSet(ModelViewSet):
    model = TimeOff
    icon = "warning"
    menu_label = "Time off"
    list_display = ["clinician", "start", "end", "note"]
    list_filter = ["clinician"]
    form_fields = ["clinician", "start", "end", "note"]
    copy_view_enabled = False


class AppointmentViewSet(AuditedModelViewSet):
    model = Appointment
    icon = "calendar"
    menu_label = "Visits"
    list_display = ["start", "name", "visit_type", "clinician", "mode", "status"]
    list_filter = ["status", "mode", "clinician", "visit_type"]
    search_fields = ["name", "email"]
    form_fields = [
        "clinician", "start", "mode", "location", "status", "name", "email", "phone",
        "patient", "cancellation_reason",
    ]  # fmt: skip
    inspect_view_enabled = True
    inspect_view_fields = [
        "uid", "clinician", "visit_type", "start", "end", "mode", "location", "status",
        "name", "email", "phone", "patient", "episode", "video_link", "intake_answers",
        "intake_screen", "series",
        "sequence", "created_at", "updated_at", "cancelled_at", "cancelled_by",
        "cancellation_reason", "time_zone",
    ]  # fmt: skip
    copy_view_enabled = False


class WaitlistEntryViewSet(AuditedModelViewSet):
    model = WaitlistEntry
    icon = "list-ul"
    menu_label = "Waitlist"
    list_display = ["name", "visit_type", "clinician", "status", "created_at"]
    list_filter = ["status", "visit_type"]
    search_fields = ["name", "email"]
    form_fields = ["status", "weekdays", "earliest", "latest", "clinician", "mode", "location"]
    copy_view_enabled = False


class BookingGroup(ModelViewSetGroup):
    menu_label = "Booking"
    menu_icon = "calendar"
    menu_order = 240
    items = (
        AppointmentViewSet("booking_visits"),
        WaitlistEntryViewSet("booking_waitlist"),
        ClinicianViewSet("booking_clinicians"),
        AvailabilityRuleViewSet("booking_hours"),
        TimeOffViewSet("booking_time_off"),
        VisitTypeViewSet("booking_visit_types"),
        VisitPackageViewSet("booking_packages"),
        LocationViewSet("booking_locations"),
    )


@hooks.register("register_admin_viewset")
def register_booking() -> BookingGroup:
    return BookingGroup()
