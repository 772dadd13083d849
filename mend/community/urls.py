from __future__ import annotations

from django.urls import path

from mend.community import views

app_name = "community"

urlpatterns = [
    path("comments/<int:page_id>/", views.post_comment, name="post_comment"),
    path("contact/", views.contact, name="contact"),
]
