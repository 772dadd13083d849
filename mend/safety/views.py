"""The screens as pages: open to anyone from the guide; a person's own answers; the
answers of an episode for its clinician. Screens asked before exercise or at booking
are run by the pages that ask them, with the pieces here (forms, advice, includes)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mend.care.models import Episode, booking_url
from mend.core import audit
from mend.core.http import clinician_or_404, no_store
from mend.safety import services
from mend.safety.forms import ScreenForm
from mend.safety.models import Screen, ScreenResult


@require_http_methods(["GET", "POST"])
def screen(request: HttpRequest, slug: str) -> HttpResponse:
    """A screen on its own (from the guide). Signed-in answers are kept as the person's own;
    nobody else is told."""
    found = get_object_or_404(Screen.objects.active().prefetch_related("questions"), slug=slug)
    context = {"screen": found, "booking_url": booking_url()}
    if request.method == "GET":
        return render(request, "safety/screen.html", context | {"form": ScreenForm(screen=found)})
    form = ScreenForm(request.POST, screen=found)
    if not form.is_valid():
        return render(request, "safety/screen.html", context | {"form": form}, status=400)
    outcome = form.outcome()
    if request.user.is_authenticated:
        services.record(
            patient=request.user,  # type: ignore[arg-type]
            screen=found,
            answers=form.answers(),
            purpose=ScreenResult.Purpose.GUIDE,
            now=timezone.now(),
        )
    context |= {"outcome": outcome, "advice": outcome.level and services.advice_for(outcome.level)}
    return no_store(render(request, "safety/screen_done.html", context))


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    results = ScreenResult.objects.of_patient(request.user).select_related("episode__clinician")
    return no_store(render(request, "safety/mine.html", {"results": results[:50]}))


@require_GET
def clinic_episode(request: HttpRequest, pk: int) -> HttpResponse:
    """The screens answered in one episode, for the clinician it grants access to."""
    user = clinician_or_404(request)
    episode = Episode.objects.for_staff(user).filter(pk=pk).select_related("patient").first()
    if episode is None:
        raise Http404("No such episode in your care.")
    audit.read(request, episode.patient, episode)
    results = ScreenResult.objects.visible_to(user).filter(episode=episode)
    context = {"episode": episode, "results": results[:50]}
    return no_store(render(request, "safety/clinic_episode.html", context))
