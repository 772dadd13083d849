"""Staff pages under the Wagtail admin (its sign-in and permission check come first)."""

from __future__ import annotations

from django.urls import path

from mend.core import converters  # noqa: F401  (registers row_id)
from mend.records import views

app_name = "records_erasure"

urlpatterns = [
    path("<row_id:pk>/", views.carry_out_page, name="carry_out"),
    path("<row_id:pk>/carry-out/", views.carry_out, name="do_carry_out"),
    path("holds/<row_id:pk>/", views.hold_page, name="hold"),
    path("holds/<row_id:pk>/lift/", views.lift_hold, name="lift_hold"),
]
