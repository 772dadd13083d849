from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from mend.core.http import no_store
from mend.core.models import AuditEvent

ACCESS_PER_PAGE = 50


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not healthy", whatever its type
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /search/",
        f"Sitemap: {settings.BASE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def my_access(request: HttpRequest) -> HttpResponse:
    """Who looked at or changed the signed-in person's record, and when (newest first)."""
    events = AuditEvent.objects.about(request.user)
    page = Paginator(events, ACCESS_PER_PAGE).get_page(request.GET.get("page"))
    return no_store(render(request, "core/access.html", {"page": page}))
