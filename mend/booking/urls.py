from __future__ import annotations

from django.urls import path

from mend.booking import clinic_views, views

app_name = "booking"


def _visit_routes(prefix: str, converter: str, name: str) -> list:  # type: ignore[type-arg]
    """The same pages for a visit reached by its secret link or, signed in, by its id."""
    return [
        path(f"{prefix}/<{converter}>/", views.manage, name=name),
        path(f"{prefix}/<{converter}>/cancel/", views.cancel, name=f"{name}_cancel"),
        path(f"{prefix}/<{converter}>/reschedule/", views.reschedule, name=f"{name}_reschedule"),
        path(f"{prefix}/<{converter}>/move/", views.move, name=f"{name}_move"),
        path(f"{prefix}/<{converter}>/visit.ics", views.calendar_file, name=f"{name}_calendar"),
    ]


urlpatterns = [
    path("book/", views.book, name="book"),
    path("book/details/", views.details, name="details"),
    path("book/waitlist/", views.waitlist, name="waitlist"),
    path("book/waitlist/join/", views.join_waitlist, name="join_waitlist"),
    path("book/offer/<str:token>/", views.claim, name="claim"),
    path("book/offer/<str:token>/book/", views.claim_confirm, name="claim_confirm"),
    path("book/link/<str:token>/", views.link_account, name="link_account"),
    path("book/link/<str:token>/confirm/", views.link_account_confirm, name="link_account_confirm"),
    path("book/visits/", views.visits, name="visits"),
    path("book/packages/", views.package_list, name="packages"),
    *_visit_routes("book/manage", "str:token", "manage"),
    *_visit_routes("book/visits", "int:pk", "visit"),
    path("clinic/", clinic_views.dashboard, name="clinic"),
    path("clinic/visits/<int:pk>/completed/", clinic_views.mark_completed, name="mark_completed"),
    path("clinic/visits/<int:pk>/no-show/", clinic_views.mark_no_show, name="mark_no_show"),
    path("clinic/availability/", clinic_views.availability, name="availability"),
    path("clinic/availability/hours/", clinic_views.add_rule, name="add_rule"),
    path(
        "clinic/availability/hours/<int:pk>/delete/", clinic_views.delete_rule, name="delete_rule"
    ),
    path("clinic/availability/time-off/", clinic_views.add_time_off, name="add_time_off"),
    path(
        "clinic/availability/time-off/<int:pk>/delete/",
        clinic_views.delete_time_off,
        name="delete_time_off",
    ),
    path("clinic/plan/", clinic_views.plan, name="plan"),
    path("clinic/plan/check/", clinic_views.plan_check, name="plan_check"),
    path("clinic/plan/book/", clinic_views.plan_book, name="plan_book"),
    path("clinic/feed/", clinic_views.create_feed, name="create_feed"),
    path("clinic/feed/revoke/", clinic_views.revoke_feed, name="revoke_feed"),
    path("clinic/feed/<str:token>/calendar.ics", clinic_views.feed, name="feed"),
]
