from __future__ import annotations

from django.urls import path

from mend.core import converters  # noqa: F401  (registers row_id)
from mend.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("me/outcomes/", views.mine, name="mine"),
    path("me/outcomes/episodes/<row_id:pk>/", views.mine_episode, name="mine_episode"),
    path("me/outcomes/<row_id:pk>/", views.response_page, name="response"),
    path("me/outcomes/<row_id:pk>/answer/", views.answer, name="answer"),
    path("clinic/outcomes/<row_id:pk>/", views.clinic, name="clinic"),
    path("clinic/outcomes/<row_id:pk>/measures/", views.attach, name="attach"),
]
