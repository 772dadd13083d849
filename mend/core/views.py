from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from mend.core import health as checks_of
from mend.core.http import no_store
from mend.core.models import AuditEvent

ACCESS_PER_PAGE = 50


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness: this process answers. It asks nothing of the database, so a database
    outage does not get every server restarted; readiness is /health/ready/."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def health_ready(request: HttpRequest) -> JsonResponse:
    """Readiness for a load balancer: 200 when the database, the cache and the task queue
    are fine, else 503; the body names each check's answer."""
    checks = checks_of.readiness(now=timezone.now())
    ready = all(answer == "ok" for answer in checks.values())
    response = JsonResponse(checks, status=200 if ready else 503)
    no_store(response)
    return response


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
