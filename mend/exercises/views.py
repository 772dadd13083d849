"""Pages: the public library, the patient's portal and player, the clinician's pages.

Patient data is fetched only through ``visible_to``; anything else is a 404.
The player and the log form take only the patient's own programs. Clinician
pages answer 404 to anyone who is not a clinician.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mend.accounts.models import User
from mend.care import services as care_services
from mend.care.models import Episode, booking_url
from mend.core import audit
from mend.core import portal as portal_panels
from mend.core.http import clinician_or_404, no_store, see_other
from mend.core.pagecache import CACHE_HEADER
from mend.exercises import handout as handouts
from mend.exercises import links, services, stops, summaries
from mend.exercises.filters import LibraryFilter
from mend.exercises.forms import (
    AddItemForm,
    AssignForm,
    DosageForm,
    LogForm,
    NewProgramForm,
    ProgramForm,
    SettledForm,
    ShareForm,
    StartForm,
    SuddenForm,
    dosage_initial,
)
from mend.exercises.models import (
    Assignment,
    Exercise,
    Program,
    ProgramItem,
    SessionLog,
    is_clinician,
)
from mend.outcomes import services as outcome_services
from mend.outcomes import summaries as outcome_summaries
from mend.safety import services as safety
from mend.safety.forms import ScreenForm
from mend.safety.models import Screen
from mend.safety.screening import URGENT

EXERCISES_PER_PAGE = 24
RATINGS = range(11)


def _cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if not request.user.is_authenticated:
        response[CACHE_HEADER] = "store"
    return response


# The public library.


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    found = LibraryFilter(request.GET)
    page = Paginator(found.results(), EXERCISES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"filter": found, "page_obj": page, "pager_query": found.query_string()}
    return _cacheable(request, render(request, "exercises/library.html", context))


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = get_object_or_404(
        Exercise.objects.prefetch_related("regions", "equipment", "tags", "images__image"),
        slug=slug,
    )
    context = {
        "exercise": exercise,
        "dosage": exercise.dosage,
        "start_url": links.start_url(exercise.slug),
        "related": Exercise.objects.filter(regions__in=exercise.regions.all())
        .exclude(pk=exercise.pk)
        .distinct()[:3],
    }
    return _cacheable(request, render(request, "exercises/detail.html", context))


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Start this routine": confirm, then a one-exercise program assigned to oneself."""
    exercise = get_object_or_404(Exercise, slug=slug)
    token = request.GET.get(links.PARAM, "")
    dosage = links.dosage_from_token(token) if token else None
    if token and dosage is None:
        messages.warning(request, "That link was damaged, so this is the exercise's own dosage.")
    dosage = dosage or exercise.dosage
    if request.method == "POST":
        form = StartForm(request.POST)
        assignment = services.start_routine(
            patient=request.user,
            exercise=exercise,
            dosage=dosage,
            time_zone=form.zone(),
            now=timezone.now(),
        )
        messages.success(request, f"{exercise.name} is now in your programs.")
        if stops.screen_due(assignment, now=timezone.now()):
            return see_other("exercises:screen", assignment.program_id)
        return see_other("exercises:program", assignment.program_id)
    return render(request, "exercises/start.html", {"exercise": exercise, "dosage": dosage})


# The patient's pages.


def _get_own_program(request: HttpRequest, pk: int) -> Program:
    """The patient's own program (never one they only see as a clinician), or 404."""
    program = (
        Program.objects.owned_by_patient(request.user)
        .select_related("assignment", "assignment__clinician", "assignment__patient")
        .filter(pk=pk)
        .first()
    )
    if program is None:
        raise Http404("No such program.")
    return program


def _items(program: Program) -> list[ProgramItem]:
    return list(program.items.select_related("exercise").order_by("position", "pk"))


def _log_form(items: list[ProgramItem], data: Any = None) -> LogForm:
    initial = {"token": uuid.uuid4(), "done": [item.position for item in items]}
    return LogForm(data, items=items, initial=initial)


def _program_context(request: HttpRequest, program: Program, **extra: Any) -> dict[str, Any]:
    assignment = program.assignment
    items = _items(program)
    logs = list(assignment.logs.order_by("logged_at", "pk"))
    now = timezone.now()
    flagged = [
        log.local_date
        for log in SessionLog.objects.filter(
            assignment__patient=assignment.patient, ease_off=True
        ).only("local_date")
    ]
    context = {
        "program": program,
        "assignment": assignment,
        "items": items,
        "progress": summaries.program_progress(
            assignment, items=items, logs=logs, now=now, flagged_days=flagged
        ),
        "recent_logs": logs[::-1][:10],
        "is_open": assignment.is_open(assignment.local_date(now)),
        "screen_due": stops.screen_due(assignment, now=now),
        "stopped_message": stops.stopped_message(assignment) if assignment.paused_at else "",
        "may_resume_itself": stops.may_resume_itself(assignment),
        "settle_log": services.pending_settle_question(assignment, now=now),
        "booking_url": booking_url(),
        "share_choices": _share_choices(assignment),
        "rating_range": RATINGS,
    }
    context.setdefault("log_form", _log_form(items))
    context.update(extra)
    return context


@login_required
@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    entries, finished = summaries.portal(request.user, now=now)
    context = {
        "morning_checks": services.due_morning_checks(request.user, now=now),  # type: ignore[arg-type]
        "rating_range": RATINGS,
        "questionnaires": outcome_services.due_for(request.user, now=now),  # type: ignore[arg-type]
        "entries": entries,
        "finished": finished,
        "is_clinician": is_clinician(request.user),
        "episodes": Episode.objects.active()
        .filter(patient=request.user)
        .select_related("clinician"),
        "invitations": care_services.invitations_for(request.user),  # type: ignore[arg-type]
        "panels": portal_panels.panels_for(request.user, now=now),
    }
    return render(request, "exercises/portal.html", context)


@require_GET
def program_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = _get_own_program(request, pk)
    return render(request, "exercises/program.html", _program_context(request, found))


@require_GET
def play(request: HttpRequest, pk: int) -> HttpResponse:
    found = _get_own_program(request, pk)
    context = _program_context(request, found)
    if context["screen_due"]:
        return redirect("exercises:screen", pk)
    context["plan"] = summaries.player_plan(
        found, context["items"], clock_percent=settings.MEND_PLAYER_CLOCK_PERCENT
    )
    return render(request, "exercises/play.html", context)


@require_http_methods(["GET", "POST"])
def log_session(request: HttpRequest, pk: int) -> HttpResponse:
    found = _get_own_program(request, pk)
    if request.method == "GET":
        return render(request, "exercises/log.html", _program_context(request, found))
    items = _items(found)
    form = _log_form(items, request.POST)
    if not form.is_valid():
        context = _program_context(request, found, log_form=form)
        return render(request, "exercises/log.html", context, status=400)
    try:
        outcome = services.log_session(
            found.assignment, by=request.user, now=timezone.now(), **form.cleaned_data
        )
    except services.ExerciseError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        context = _program_context(request, found, log_form=form)
        return render(request, "exercises/log.html", context, status=409)
    if outcome.ask_sudden:
        return see_other("exercises:sudden", pk, outcome.log.pk)
    _after_log_messages(request, outcome)
    return see_other(reverse("exercises:program", args=[pk]) + "#progress")


def _screen_context(found: Program, screen: Screen | None, **extra: Any) -> dict[str, Any]:
    assignment = found.assignment
    return {
        "program": found,
        "assignment": assignment,
        "screen": screen,
        "booking_url": _booking_url(assignment),
        "stopped_message": stops.stopped_message(assignment) if assignment.paused_at else "",
        "may_resume_itself": stops.may_resume_itself(assignment),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The red-flag screen for a program: before its first session, on its recheck, and to
    resume a stopped routine the patient started. A yes or not sure stops the program."""
    found = _get_own_program(request, pk)
    assignment = found.assignment
    chosen = stops.screen_for(assignment)
    if chosen is None or not (
        assignment.paused_at or stops.screen_due(assignment, now=timezone.now())
    ):
        return redirect("exercises:program", pk)
    context = _screen_context(found, chosen)
    if assignment.paused_at and not stops.may_resume_itself(assignment):
        return no_store(render(request, "exercises/screen.html", context))
    ask_checked = bool(assignment.paused_at)
    if request.method == "GET":
        form = ScreenForm(screen=chosen, ask_checked=ask_checked)
        return no_store(render(request, "exercises/screen.html", context | {"form": form}))
    form = ScreenForm(request.POST, screen=chosen, ask_checked=ask_checked)
    if not form.is_valid():
        return render(request, "exercises/screen.html", context | {"form": form}, status=400)
    try:
        result = stops.answer_screen(
            assignment, by=request.user, screen=chosen, answers=form.answers(),  # type: ignore[arg-type]
            checked_confirmed=form.cleaned_data.get("checked", False), now=timezone.now(),
        )  # fmt: skip
    except stops.StopError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return render(request, "exercises/screen.html", context | {"form": form}, status=409)
    if result.is_clear:
        messages.success(request, "Thank you. Nothing in your answers stops this program.")
        return see_other("exercises:play", pk)
    found.assignment.refresh_from_db()
    context = _screen_context(found, chosen, result=result, advice=safety.advice_for(result.level))
    return no_store(render(request, "exercises/screen_stopped.html", context))


def _severe_log(request: HttpRequest, pk: int, log_pk: int) -> tuple[Program, SessionLog]:
    found = _get_own_program(request, pk)
    log = (
        SessionLog.objects.visible_to(request.user)
        .filter(pk=log_pk, assignment=found.assignment)
        .first()
    )
    if log is None or not log.is_severe:
        raise Http404("No such session.")
    return found, log


@require_http_methods(["GET", "POST"])
def sudden(request: HttpRequest, pk: int, log_pk: int) -> HttpResponse:
    """After severe pain: did something sudden happen? Any answer stops the program."""
    found, log = _severe_log(request, pk, log_pk)
    context = {
        "program": found,
        "log": log,
        "booking_url": _booking_url(found.assignment),
        "emergency_number": settings.MEND_EMERGENCY_NUMBER,
        "advice": safety.advice_for(URGENT),
    }
    if log.sudden_answered_at:
        return render(request, "exercises/sudden_done.html", context)
    if request.method == "GET":
        return render(request, "exercises/sudden.html", context | {"form": SuddenForm()})
    form = SuddenForm(request.POST)
    if not form.is_valid():
        return render(request, "exercises/sudden.html", context | {"form": form}, status=400)
    try:
        services.answer_sudden(
            log, by=request.user, answer=form.cleaned_data["answer"], now=timezone.now()
        )
    except services.ExerciseError as error:
        form.add_error("answer", error.message)
        return render(request, "exercises/sudden.html", context | {"form": form}, status=409)
    log.refresh_from_db()
    return render(request, "exercises/sudden_done.html", context)


def _booking_url(assignment: Assignment) -> str:
    """Booking, with the clinician in care chosen when there is one."""
    return assignment.episode.booking_url() if assignment.episode_id else booking_url()


def _ease_off_text(rule_limit: int, pain: int | None) -> str:
    said = (
        f"Your pain during the session ({pain}/10) was above"
        if pain is not None
        else ("Pain that has not settled by the next morning is more than")
    )
    return (
        f"{said} what your program allows (up to {rule_limit}/10, settling by the next "
        "morning). Ease off next time: fewer repetitions or sets, shorter holds or a smaller "
        "range, until the pain stays within the limit and settles overnight."
    )


def _after_log_messages(request: HttpRequest, outcome: services.LogOutcome) -> None:
    if outcome.duplicate:
        messages.info(request, "This session was already saved.")
        return
    messages.success(request, "Session saved. Well done.")
    if outcome.ease_off:
        messages.warning(request, _ease_off_text(outcome.rule.max_during, outcome.log.pain_during))


@require_POST
def settled(request: HttpRequest, pk: int) -> HttpResponse:
    found = _get_own_program(request, pk)
    form = SettledForm(request.POST)
    back = _settle_target(request, pk)
    if not form.is_valid():
        if "settled" in form.errors:
            messages.error(request, "Answer yes or no: has the pain settled?")
        else:
            name = next(iter(form.errors))
            messages.error(request, f"{form.fields[name].label}: {form.errors[name][0]}")
        return see_other(back)
    try:
        outcome = services.answer_settled(
            found.assignment, by=request.user, now=timezone.now(), **form.cleaned_data
        )
    except services.ExerciseError as error:
        messages.error(request, error.message)
        return see_other(back)
    if form.cleaned_data["settled"]:
        messages.success(request, "Good: it settled, so the load suits you.")
    else:
        messages.warning(request, _ease_off_text(outcome.rule.max_during, None))
    return see_other(back)


def _settle_target(request: HttpRequest, pk: int) -> str:
    """Back where the question was asked: the player, the program page or /me/."""
    then = request.POST.get("then")
    if then == "portal":
        return reverse("exercises:portal")
    return reverse("exercises:play" if then == "play" else "exercises:program", args=[pk])


@require_POST
def morning_email(request: HttpRequest, pk: int) -> HttpResponse:
    found = _get_own_program(request, pk)
    wanted = request.POST.get("wanted") == "yes"
    services.set_morning_email(found.assignment, by=request.user, wanted=wanted)
    if wanted:
        messages.success(request, "We will email you the morning after each session.")
    else:
        messages.success(request, "No more morning emails for this program.")
    return see_other("exercises:program", pk)


def _share_choices(assignment: Assignment) -> list[Episode]:
    """The episodes a self-started routine can be shared into: the patient's open ones."""
    if assignment.clinician_id is not None:
        return []
    found = Episode.objects.active().filter(patient_id=assignment.patient_id)
    return list(found.select_related("clinician"))


@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    found = _get_own_program(request, pk)
    form = ShareForm(request.POST, episodes=_share_choices(found.assignment))
    if not form.is_valid():
        context = _program_context(request, found, share_error=form.errors["episode"][0])
        return render(request, "exercises/program.html", context, status=400)
    episode = form.cleaned_data["episode"]
    try:
        services.share(found.assignment, by=request.user, episode=episode, now=timezone.now())
    except services.ExerciseError as error:
        context = _program_context(request, found, share_error=error.message)
        return render(request, "exercises/program.html", context, status=409)
    who = episode.clinician.get_public_name() if episode else None
    messages.success(request, f"Shared with {who}." if who else "This routine is yours alone.")
    return see_other("exercises:program", pk)


@require_POST
def finish(request: HttpRequest, pk: int) -> HttpResponse:
    found = _get_own_program(request, pk)
    try:
        services.finish(found.assignment, by=request.user, now=timezone.now())
    except services.ExerciseError as error:
        messages.error(request, error.message)
        return see_other("exercises:program", pk)
    messages.success(request, f"{found.name} is finished. Its sessions stay in your history.")
    return see_other("exercises:portal")


def _pdf_response(program: Program) -> HttpResponse:
    pdf = handouts.render_pdf(program, items=_items(program))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="program-{program.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def handout(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf_response(_get_own_program(request, pk))


# The clinician's pages.


def _get_clinic_program(request: HttpRequest, pk: int) -> Program:
    user = clinician_or_404(request)
    found = Program.objects.visible_to(user).select_related("assignment__patient").filter(pk=pk)
    program = found.first()
    if program is None:
        raise Http404("No such program.")
    if program.assignment_or_none is not None:
        audit.read(request, program.assignment_or_none.patient, program)
    return program


def _get_editable_program(request: HttpRequest, pk: int) -> Program:
    program = _get_clinic_program(request, pk)
    if not services.can_edit(program, request.user):  # type: ignore[arg-type]
        raise Http404("No such program.")
    return program


def _get_item(program: Program, item_pk: int) -> ProgramItem:
    return get_object_or_404(
        ProgramItem.objects.select_related("exercise"), program=program, pk=item_pk
    )


@require_GET
def clinic_programs(request: HttpRequest) -> HttpResponse:
    user = clinician_or_404(request)
    context = _programs_context(user)
    audit.read_all(request, context["assigned"], lambda program: program.assignment.patient)
    return render(request, "exercises/clinic/programs.html", context)


def _programs_context(user: User, form: NewProgramForm | None = None) -> dict[str, Any]:
    mine = Program.objects.visible_to(user).select_related("assignment__patient")
    return {
        "templates": mine.filter(is_template=True, owner=user),
        "drafts": mine.filter(is_template=False, owner=user, assignment__isnull=True),
        "assigned": mine.filter(assignment__clinician=user).order_by("-assignment__start_date"),
        "form": form or NewProgramForm(),
    }


@require_POST
def clinic_program_new(request: HttpRequest) -> HttpResponse:
    user = clinician_or_404(request)
    form = NewProgramForm(request.POST)
    if not form.is_valid():
        context = _programs_context(user, form)
        return render(request, "exercises/clinic/programs.html", context, status=400)
    data = form.cleaned_data
    program = services.create_program(
        owner=user,
        name=data["name"],
        goal=data["goal"],
        weekdays="".join(data["weekdays"]),
        sessions_per_day=data["sessions_per_day"],
        is_template=data["is_template"],
        measures=data["measures"],
        now=timezone.now(),
    )
    messages.success(request, "Program created. Add its exercises below.")
    return see_other("exercises:clinic_program", program.pk)


def _clinic_program_context(program: Program, **extra: Any) -> dict[str, Any]:
    assignment = program.assignment_or_none
    initial = {
        "name": program.name,
        "goal": program.goal,
        "sessions_per_day": program.sessions_per_day,
        "weekdays": list(program.weekdays),
        "measures": program.measures,
    }
    context = {
        "program": program,
        "assignment": assignment,
        "items": _items(program),
        "details_form": ProgramForm(initial=initial),
        "add_form": AddItemForm(),
        "versions": program.versions.select_related("created_by")[:20],
    }
    context.update(extra)
    return context


@require_GET
def clinic_program(request: HttpRequest, pk: int) -> HttpResponse:
    program = _get_clinic_program(request, pk)
    context = _clinic_program_context(
        program,
        can_edit=services.can_edit(program, request.user),  # type: ignore[arg-type]
    )
    return render(request, "exercises/clinic/program.html", context)


def _edit_failed(request: HttpRequest, program: Program, status: int, **forms: Any) -> HttpResponse:
    context = _clinic_program_context(program, can_edit=True, **forms)
    return render(request, "exercises/clinic/program.html", context, status=status)


@require_POST
def clinic_details(request: HttpRequest, pk: int) -> HttpResponse:
    program = _get_editable_program(request, pk)
    form = ProgramForm(request.POST)
    if not form.is_valid():
        return _edit_failed(request, program, 400, details_form=form)
    data = form.cleaned_data
    try:
        services.update_details(
            program,
            by=request.user,
            name=data["name"],
            goal=data["goal"],
            weekdays="".join(data["weekdays"]),
            sessions_per_day=data["sessions_per_day"],
            measures=data["measures"],
            now=timezone.now(),
        )
    except services.ExerciseError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _edit_failed(request, program, 409, details_form=form)
    messages.success(request, "Program saved.")
    return see_other("exercises:clinic_program", pk)


@require_POST
def clinic_add_item(request: HttpRequest, pk: int) -> HttpResponse:
    program = _get_editable_program(request, pk)
    form = AddItemForm(request.POST)
    if not form.is_valid():
        return _edit_failed(request, program, 400, add_form=form)
    try:
        item = services.add_item(
            program, by=request.user, exercise=form.cleaned_data["exercise"], now=timezone.now()
        )
    except services.ExerciseError as error:
        form.add_error("exercise", error.message)
        return _edit_failed(request, program, 409, add_form=form)
    messages.success(request, f"Added {item.exercise.name} with its usual dosage; adjust it here.")
    return see_other("exercises:clinic_item", pk, item.pk)


@require_http_methods(["GET", "POST"])
def clinic_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    program = _get_editable_program(request, pk)
    item = _get_item(program, item_pk)
    if request.method == "GET":
        form = DosageForm(initial=dosage_initial(item.dosage_value))
        return render(
            request, "exercises/clinic/item.html", {"program": program, "item": item, "form": form}
        )
    form = DosageForm(request.POST)
    if not form.is_valid() or form.dosage is None:
        context = {"program": program, "item": item, "form": form}
        return render(request, "exercises/clinic/item.html", context, status=400)
    try:
        services.update_item(item, by=request.user, dosage=form.dosage, now=timezone.now())
    except services.ExerciseError as error:
        form.add_error(None, error.message)
        context = {"program": program, "item": item, "form": form}
        return render(request, "exercises/clinic/item.html", context, status=409)
    messages.success(request, f"Saved: {item.exercise.name}, {form.dosage.describe()}.")
    return see_other("exercises:clinic_program", pk)


def _item_action(request: HttpRequest, pk: int, item_pk: int, action: Any, done: str) -> Any:
    program = _get_editable_program(request, pk)
    item = _get_item(program, item_pk)
    try:
        action(item, by=request.user, now=timezone.now())
    except services.ExerciseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done.format(name=item.exercise.name))
    return see_other("exercises:clinic_program", pk)


@require_POST
def clinic_remove_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    return _item_action(request, pk, item_pk, services.remove_item, "Removed {name}.")


@require_POST
def clinic_move_up(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    def up(item: ProgramItem, **kwargs: Any) -> None:
        services.move_item(item, up=True, **kwargs)

    return _item_action(request, pk, item_pk, up, "Moved {name} up.")


@require_POST
def clinic_move_down(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    def down(item: ProgramItem, **kwargs: Any) -> None:
        services.move_item(item, up=False, **kwargs)

    return _item_action(request, pk, item_pk, down, "Moved {name} down.")


@require_http_methods(["GET", "POST"])
def clinic_assign(request: HttpRequest, pk: int) -> HttpResponse:
    program = _get_clinic_program(request, pk)
    user = clinician_or_404(request)
    if not (program.is_template or services.can_edit(program, user)):
        raise Http404("No such program.")
    if request.method == "GET":
        form = AssignForm(clinician=user, initial={"start_date": timezone.localdate()})
        return render(request, "exercises/clinic/assign.html", {"program": program, "form": form})
    form = AssignForm(request.POST, clinician=user)
    if not form.is_valid():
        context = {"program": program, "form": form}
        return render(request, "exercises/clinic/assign.html", context, status=400)
    data = form.cleaned_data
    try:
        assignment = services.assign(
            program,
            by=user,
            episode=data["episode"],
            start_date=data["start_date"],
            weeks=data["weeks"],
            time_zone=data["time_zone"],
            note=data["note"],
            screen_first=data["screen_first"],
            now=timezone.now(),
        )
    except services.ExerciseError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        context = {"program": program, "form": form}
        return render(request, "exercises/clinic/assign.html", context, status=409)
    messages.success(
        request,
        f"Assigned to {assignment.patient.get_public_name()}. Adjust any dosage for them below.",
    )
    return see_other("exercises:clinic_program", assignment.program_id)


@require_POST
def clinic_finish(request: HttpRequest, pk: int) -> HttpResponse:
    program = _get_editable_program(request, pk)
    assignment = program.assignment_or_none
    if assignment is None:
        raise Http404("This program is not assigned.")
    try:
        services.finish(assignment, by=request.user, now=timezone.now())
    except services.ExerciseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Program finished. Its sessions stay in the patient's history.")
    return see_other("exercises:clinic_program", pk)


@require_GET
def clinic_handout(request: HttpRequest, pk: int) -> HttpResponse:
    program = _get_clinic_program(request, pk)
    if program.assignment_or_none is None and not program.items.exists():
        raise Http404("Nothing to print yet.")
    return _pdf_response(program)


@require_GET
def clinic_patients(request: HttpRequest) -> HttpResponse:
    user = clinician_or_404(request)
    rows = summaries.patient_rows(user, now=timezone.now())
    listed = {row.patient.pk for row in rows}
    waiting = [
        episode
        for episode in Episode.objects.granting(user).select_related("patient")
        if episode.patient_id not in listed
    ]
    audit.read_all(request, [row.patient for row in rows], lambda patient: patient)
    audit.read_all(request, waiting, lambda episode: episode.patient)
    context = {"rows": rows, "without_programs": waiting}
    return render(request, "exercises/clinic/patients.html", context)


def _opened_program(request: HttpRequest, assignments: list[Assignment]) -> int | None:
    """The finished program the clinician asked to see in full (?program=<assignment id>)."""
    wanted = request.GET.get("program", "")
    if wanted.isdigit() and any(a.pk == int(wanted) for a in assignments):
        return int(wanted)
    return None


# What the clinician's patient page reads of a session log: for progress and the history.
PATIENT_LOG_FIELDS = (
    "assignment_id",
    "local_date",
    "pain_during",
    "pain_now",
    "effort",
    "ease_off",
    "settled_next_morning",
    "program_version",
    "note",
)


@require_GET
def clinic_patient(request: HttpRequest, pk: int) -> HttpResponse:
    user = clinician_or_404(request)
    found = Episode.objects.for_staff(user)
    episodes = list(found.filter(patient_id=pk).select_related("patient"))
    assignments = list(
        Assignment.objects.visible_to(user)
        .filter(patient_id=pk)
        .select_related("program", "patient", "clinician")
        .prefetch_related(
            Prefetch("program__items", ProgramItem.objects.select_related("exercise"))
        )
    )
    if not episodes:
        raise Http404("No such patient in your care.")
    audit.read(request, episodes[0].patient, episodes[0].patient)
    now = timezone.now()
    logs = list(
        SessionLog.objects.visible_to(user)
        .filter(assignment__patient_id=pk)
        .order_by("logged_at", "pk")
        # Rows of values, not models: years of sessions are hundreds of logs to count.
        .values_list(*PATIENT_LOG_FIELDS, named=True)
    )
    flagged = [log.local_date for log in logs if log.ease_off]
    opened = _opened_program(request, assignments)
    sections = []
    for assignment in assignments:
        own = [log for log in logs if log.assignment_id == assignment.pk]
        section: dict[str, Any] = {"assignment": assignment, "sessions": len(own)}
        # Programs in progress in full; a finished one is a line until the clinician opens it.
        if assignment.status == Assignment.Status.ACTIVE or assignment.pk == opened:
            items = list(assignment.program.items.all())
            section["progress"] = summaries.program_progress(
                assignment, items=items, logs=own, now=now, flagged_days=flagged
            )
            section["logs"] = own[::-1][:20]
        sections.append(section)
    # The open episode's measures in full; a discharged one's charts are a click away.
    current = [episode for episode in episodes if episode.is_active] or episodes[:1]
    context = {
        "patient": episodes[0].patient,
        "episodes": episodes,
        "sections": sections,
        "outcomes": outcome_summaries.results_for(current, now=now),
        "earlier": [episode for episode in episodes if episode not in current],
    }
    return render(request, "exercises/clinic/patient.html", context)
