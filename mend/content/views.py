from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from taggit.models import Tag

from mend.content.models import ArticlePage, live_articles, paginate

SEARCH_MAX_LENGTH = 200


@require_GET
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Tag, slug=slug)
    articles = live_articles().filter(tags=found)
    if not articles.exists():
        raise Http404("No articles carry this tag.")
    return render(
        request,
        "content/tag.html",
        {"tag": found, "articles": paginate(articles, request.GET.get("page"))},
    )


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]
    results = None
    if query:
        found = ArticlePage.objects.live().public().specific().search(query)
        results = paginate(found, request.GET.get("page"))  # type: ignore[arg-type]
    context = {"query": query, "results": results, "pager_query": urlencode({"q": query})}
    return render(request, "content/search.html", context)
