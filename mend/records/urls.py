from __future__ import annotations

from django.urls import path

from mend.records import views

app_name = "records"

urlpatterns = [
    path("me/export/", views.export, name="export"),
    path("me/delete/", views.erasure_page, name="erasure"),
    path("me/delete/request/", views.request_erasure, name="request_erasure"),
]
