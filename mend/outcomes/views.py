"""Pages: the patient's questionnaires and results (/me/outcomes/), the clinician's per episode.

Patient data is fetched only through the episode (``of_patient`` for the
patient's own questionnaires, ``Episode.objects.granting`` for the clinician);
anything else is a 404. Every page here holds patient data, so none is stored
by a cache.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mend.accounts.models import User
from mend.care.models import Episode
from mend.core import audit
from mend.core.http import no_store, see_other
from mend.core.roles import is_clinician
from mend.outcomes import services, summaries
from mend.outcomes.forms import AnswerForm, AttachForm
from mend.outcomes.instruments import PSFS
from mend.outcomes.models import BASELINE, Response, Schedule, text_for, week_timepoint
from mend.outcomes.textpack import Pack

# The patient


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    now = timezone.now()
    episodes = list(
        Episode.objects.filter(patient=user, outcome_schedules__isnull=False)
        .distinct()
        .select_related("clinician")
        .order_by("-opened_at", "-pk")
    )
    # The care going on now in full; earlier episodes a line each, their charts a click away,
    # so the page stays the same size however long the history.
    shown = [episode for episode in episodes if episode.is_active] or episodes[:1]
    context = {
        "due": services.due_for(user, now=now),
        "episodes": summaries.results_for(shown, now=now),
        "earlier": [episode for episode in episodes if episode not in shown],
    }
    return no_store(render(request, "outcomes/mine.html", context))


@login_required
@require_GET
def mine_episode(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the patient's own episodes, with its results."""
    user: User = request.user  # type: ignore[assignment]
    episode = Episode.objects.filter(patient=user, pk=pk).select_related("clinician").first()
    if episode is None:
        raise Http404("No such episode.")
    context = {"episodes": summaries.results_for([episode]), "single": True}
    return no_store(render(request, "outcomes/mine.html", context))


def _get_own_response(request: HttpRequest, pk: int) -> Response:
    """The patient's own questionnaire (never one they see as a clinician), or 404."""
    found = (
        Response.objects.of_patient(request.user)
        .select_related("episode", "episode__clinician", "schedule")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such questionnaire.")
    return found


def _answer_form(response: Response, pack: Pack, data: Any = None) -> AnswerForm:
    activities = services.psfs_activities_for(response) if response.instrument == PSFS.code else []
    return AnswerForm(data, instrument=response.definition, pack=pack, activities=activities)


def _response_page(
    request: HttpRequest, response: Response, form: AnswerForm | None = None, status: int = 200
) -> HttpResponse:
    pack = text_for(response.definition)
    stage = services.stage_of(response, now=timezone.now())
    if form is None and pack is not None and stage is services.Stage.OPEN:
        form = _answer_form(response, pack)
    context = {"response": response, "pack": pack, "stage": stage, "form": form}
    return no_store(render(request, "outcomes/response.html", context, status=status))


@login_required
@require_GET
def response_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _response_page(request, _get_own_response(request, pk))


@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    response = _get_own_response(request, pk)
    pack = text_for(response.definition)
    if pack is None:
        return _response_page(request, response, status=409)
    form = _answer_form(response, pack, request.POST)
    if not form.is_valid():
        return _response_page(request, response, form, status=400)
    try:
        answered = services.answer(
            response,
            by=request.user,  # type: ignore[arg-type]
            answers=form.answers,
            activities=form.activities,
            now=timezone.now(),
        )
    except services.OutcomeError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _response_page(request, response, form, status=409)
    messages.success(request, _thanks(answered))
    return no_store(see_other("outcomes:mine"))


def _thanks(response: Response) -> str:
    if response.unscorable and not any(v is not None for v in response.scores.values()):
        reason = next(iter(response.unscorable.values()))
        return f"Thank you: your answers are saved. This one {reason}, so it has no score."
    return "Thank you: your answers are saved. Your results are below."


# The clinician


def _get_clinic_episode(request: HttpRequest, pk: int) -> Episode:
    """An episode through which this clinician may see data now (admins: by break-glass),
    or 404."""
    user = request.user
    if not user.is_authenticated or not (is_clinician(user) or user.is_superuser):
        raise Http404("No such episode.")
    episodes = Episode.objects.for_staff(user)
    found = episodes.select_related("patient", "clinician").filter(pk=pk).first()
    if found is None:
        raise Http404("No such episode.")
    audit.read(request, found.patient, found)
    return found


def _clinic_page(
    request: HttpRequest, episode: Episode, form: AttachForm | None = None, status: int = 200
) -> HttpResponse:
    may_attach = episode.is_active and request.user.pk == episode.clinician_id
    if form is None:
        has_main = episode.outcome_schedules.filter(is_main=True).exists()
        form = AttachForm(initial=AttachForm.initial_for(has_main=has_main))
    context = {
        "episode": episode,
        "results": summaries.episode_results(episode, now=timezone.now()),
        "form": form if may_attach else None,
        # Why a measure was refused, when the form itself is not offered here.
        "refusal": form.non_field_errors() if form.is_bound and not may_attach else [],
    }
    return no_store(render(request, "outcomes/clinic.html", context, status=status))


@require_GET
def clinic(request: HttpRequest, pk: int) -> HttpResponse:
    return _clinic_page(request, _get_clinic_episode(request, pk))


@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _get_clinic_episode(request, pk)
    form = AttachForm(request.POST)
    if not form.is_valid():
        return _clinic_page(request, episode, form, status=400)
    try:
        schedule = services.attach(
            episode=episode,
            by=request.user,
            now=timezone.now(),
            **form.cleaned_data,  # type: ignore[arg-type]
        )
    except services.OutcomeError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _clinic_page(request, episode, form, status=409)
    messages.success(request, _attached(schedule))
    return no_store(see_other("outcomes:clinic", pk))


def _attached(schedule: Schedule) -> str:
    asked = {r.timepoint for r in schedule.responses.all()}
    past = [week for week in schedule.follow_up_weeks if week_timepoint(week) not in asked]
    text = f"{schedule.definition.name} added."
    if BASELINE in asked:
        text += " The patient has been asked for the baseline now."
    if past:
        weeks = ", ".join(map(str, past))
        text += f" Week {weeks} had already passed, so {'it is' if len(past) == 1 else 'they are'}"
        text += " not asked."
    return text
