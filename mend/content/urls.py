from __future__ import annotations

from django.urls import path

from mend.content import views
from mend.content.feeds import ArticleFeed

app_name = "content"

urlpatterns = [
    path("articles/feed/", ArticleFeed(), name="feed"),
    path("tags/<slug:slug>/", views.tag, name="tag"),
    path("search/", views.search, name="search"),
]
