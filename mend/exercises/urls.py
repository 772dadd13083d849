from __future__ import annotations

from django.urls import path

from mend.core import converters  # noqa: F401  (registers row_id)
from mend.exercises import monitoring, views

app_name = "exercises"

urlpatterns = [
    # The public library.
    path("exercises/", views.library, name="library"),
    path("exercises/<slug:slug>/", views.detail, name="detail"),
    path("exercises/<slug:slug>/start/", views.start, name="start"),
    # The patient's portal and player.
    path("me/", views.portal, name="portal"),
    path("me/programs/<row_id:pk>/", views.program_page, name="program"),
    path("me/programs/<row_id:pk>/play/", views.play, name="play"),
    path("me/programs/<row_id:pk>/log/", views.log_session, name="log"),
    path("me/programs/<row_id:pk>/screen/", views.screen, name="screen"),
    path("me/programs/<row_id:pk>/settled/", views.settled, name="settled"),
    path("me/programs/<row_id:pk>/finish/", views.finish, name="finish"),
    path("me/programs/<row_id:pk>/share/", views.share, name="share"),
    path("me/programs/<row_id:pk>/morning-email/", views.morning_email, name="morning_email"),
    path("me/programs/<row_id:pk>/sudden/<row_id:log_pk>/", views.sudden, name="sudden"),
    path("me/programs/<row_id:pk>/handout.pdf", views.handout, name="handout"),
    # The clinician's pages.
    path("clinic/programs/", views.clinic_programs, name="clinic_programs"),
    path("clinic/programs/new/", views.clinic_program_new, name="clinic_program_new"),
    path("clinic/programs/<row_id:pk>/", views.clinic_program, name="clinic_program"),
    path("clinic/programs/<row_id:pk>/details/", views.clinic_details, name="clinic_details"),
    path("clinic/programs/<row_id:pk>/items/add/", views.clinic_add_item, name="clinic_add_item"),
    path(
        "clinic/programs/<row_id:pk>/items/<row_id:item_pk>/", views.clinic_item, name="clinic_item"
    ),
    path(
        "clinic/programs/<row_id:pk>/items/<row_id:item_pk>/remove/",
        views.clinic_remove_item,
        name="clinic_remove_item",
    ),
    path(
        "clinic/programs/<row_id:pk>/items/<row_id:item_pk>/up/",
        views.clinic_move_up,
        name="clinic_move_up",
    ),
    path(
        "clinic/programs/<row_id:pk>/items/<row_id:item_pk>/down/",
        views.clinic_move_down,
        name="clinic_move_down",
    ),
    path("clinic/programs/<row_id:pk>/assign/", views.clinic_assign, name="clinic_assign"),
    path("clinic/programs/<row_id:pk>/finish/", views.clinic_finish, name="clinic_finish"),
    path("clinic/programs/<row_id:pk>/handout.pdf", views.clinic_handout, name="clinic_handout"),
    path("clinic/patients/", views.clinic_patients, name="clinic_patients"),
    path("clinic/patients/<row_id:pk>/", views.clinic_patient, name="clinic_patient"),
    # Remote monitoring
    path("clinic/care/<row_id:pk>/monitoring/", monitoring.page, name="clinic_monitoring"),
    path(
        "clinic/care/<row_id:pk>/monitoring/review/",
        monitoring.review,
        name="clinic_monitoring_review",
    ),
    path("clinic/care/<row_id:pk>/monitoring.csv", monitoring.export, name="clinic_monitoring_csv"),
]
