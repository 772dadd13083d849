from __future__ import annotations

from django.urls import path

from mend.core import converters  # noqa: F401  (registers row_id)
from mend.safety import views

app_name = "safety"

urlpatterns = [
    path("safety/<slug:slug>/", views.screen, name="screen"),
    path("me/safety/", views.mine, name="mine"),
    path("clinic/care/<row_id:pk>/safety/", views.clinic_episode, name="clinic_episode"),
]
