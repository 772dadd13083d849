from __future__ import annotations

from django.urls import path

from mend.care import views
from mend.core import converters  # noqa: F401  (registers row_id)

app_name = "care"

urlpatterns = [
    path("me/care/", views.mine, name="mine"),
    path("me/care/invitations/<row_id:pk>/accept/", views.accept, name="accept"),
    path("me/care/invitations/<row_id:pk>/decline/", views.decline, name="decline"),
    path("clinic/care/", views.clinic, name="clinic"),
    path("clinic/care/invite/", views.invite, name="invite"),
    path("clinic/care/<row_id:pk>/discharge/", views.discharge, name="discharge"),
    path("clinic/care/flags/<row_id:pk>/clear/", views.clear_flag, name="clear_flag"),
    path("clinic/care/invitations/<row_id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("clinic/break-glass/", views.break_glass, name="break_glass"),
    path("clinic/break-glass/open/", views.open_break_glass, name="open_break_glass"),
]
