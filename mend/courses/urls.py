from __future__ import annotations

from django.urls import path

from mend.courses import views

app_name = "courses"

urlpatterns = [
    path("learn/<slug:slug>/", views.course, name="course"),
    path("learn/<slug:slug>/join/", views.join, name="join"),
    path("learn/<slug:slug>/resume/", views.resume, name="resume"),
    path("learn/<slug:slug>/certificate/", views.certificate_pdf, name="certificate"),
    path("learn/<slug:slug>/questionnaires/<int:pk>/", views.questionnaire, name="questionnaire"),
    path("learn/<slug:slug>/lessons/<slug:lesson_slug>/", views.lesson, name="lesson"),
    path(
        "learn/<slug:slug>/lessons/<slug:lesson_slug>/exercises/",
        views.exercises,
        name="exercises",
    ),
    path("learn/<slug:slug>/lessons/<slug:lesson_slug>/done/", views.done, name="done"),
]
