"""Remote therapeutic monitoring for the clinician: an episode's 30-day periods, the
days with data in each, review minutes, and a CSV of them for billing.

A day has data when the patient logged a session of a program in the episode
(its day in the program's zone, as logged) or answered one of the episode's
questionnaires (its day in the patient's zone). The periods themselves are
counted by ``mend.care.monitoring``; this module only gathers the dates. It
lives in exercises because it reads both the logs and outcomes' answers,
which care may not import.

Only the episode's clinician, while it grants access, reaches these pages;
anyone else gets 404.
"""

from __future__ import annotations

import csv
import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mend.care import monitoring
from mend.care import services as care_services
from mend.care.models import REVIEW_MINUTES, REVIEW_NOTE_MAX_LENGTH, Episode, ReviewTime
from mend.core import audit
from mend.core.http import no_store, see_other
from mend.exercises.models import Assignment, SessionLog
from mend.outcomes.models import Response

TEMPLATE = "exercises/clinic/monitoring.html"
MAX_RANGE_DAYS = 366
DATE_FORMAT = "%Y-%m-%d"
DATE_MESSAGE = "Give a date as YYYY-MM-DD, for example 2026-11-04."
CSV_HEADER = [
    "episode",
    "patient",
    "clinician",
    "period_start",
    "period_end",
    "days_with_data",
    "review_minutes",
]
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _date_field(label: str, *, missing: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={"required": missing, "invalid": DATE_MESSAGE},
    )


class ReviewForm(forms.Form):
    on = _date_field("Day", missing="Give the day of the review.")
    minutes = forms.IntegerField(
        label="Minutes reviewing",
        min_value=REVIEW_MINUTES[0],
        max_value=REVIEW_MINUTES[1],
        error_messages={
            "required": "Give the minutes you spent.",
            "invalid": "Give the minutes as a whole number.",
            "min_value": f"Review time is from {REVIEW_MINUTES[0]} to {REVIEW_MINUTES[1]} minutes.",
            "max_value": f"Review time is from {REVIEW_MINUTES[0]} to {REVIEW_MINUTES[1]} minutes.",
        },
    )
    note = forms.CharField(
        required=False,
        max_length=REVIEW_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What you reviewed, for the record.",
    )


class RangeForm(forms.Form):
    """The days of the CSV, in the query string as ?from=…&to=… (``from`` is a keyword)."""

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["from"] = _date_field("From", missing="Give the first day.")
        self.fields["to"] = _date_field("To", missing="Give the last day.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("from"), data.get("to")
        if first is None or last is None:
            return data
        if first > self.today:
            self.add_error("from", "The range starts after today; there is no data yet.")
        elif last < first:
            self.add_error("to", "The last day must not be before the first.")
        elif (last - first).days + 1 > MAX_RANGE_DAYS:
            self.add_error("to", f"Choose at most {MAX_RANGE_DAYS} days.")
        return data


# Fetching: the episode through granting, its data through visible_to.


def _get_episode(request: HttpRequest, pk: int) -> Episode:
    found = Episode.objects.granting(request.user).filter(pk=pk)
    episode = found.select_related("patient", "clinician").first()
    if episode is None:
        raise Http404("No such episode in your care.")
    audit.read(request, episode.patient, episode)
    return episode


def _patient_zone(episode: Episode, user: Any) -> zoneinfo.ZoneInfo:
    """The zone of the episode's latest program (the patient's, set when assigned)."""
    assignments = Assignment.objects.visible_to(user).filter(episode=episode)
    name = assignments.order_by("-start_date", "-pk").values_list("time_zone", flat=True).first()
    return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)


def _session_dates(episode: Episode, user: Any, start: dt.date, end: dt.date) -> set[dt.date]:
    logs = SessionLog.objects.visible_to(user).filter(
        assignment__episode=episode, local_date__range=(start, end)
    )
    # order_by() drops the default ordering, which DISTINCT would otherwise select too.
    return set(logs.order_by().values_list("local_date", flat=True).distinct())


def _questionnaire_dates(
    episode: Episode, user: Any, start: dt.date, end: dt.date, zone: zoneinfo.ZoneInfo
) -> set[dt.date]:
    """The days questionnaires of the episode were answered: the one place outcomes is read."""
    since = dt.datetime.combine(start, dt.time(0), tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    answered = Response.objects.visible_to(user).filter(
        episode=episode, answered_at__gte=since, answered_at__lt=until
    )
    return {
        moment.astimezone(zone).date() for moment in answered.values_list("answered_at", flat=True)
    }


def _reviews(episode: Episode, user: Any, start: dt.date, end: dt.date) -> list[monitoring.Review]:
    rows = ReviewTime.objects.visible_to(user).filter(episode=episode, on__range=(start, end))
    return [monitoring.Review(on, minutes) for on, minutes in rows.values_list("on", "minutes")]


def _periods(
    episode: Episode, user: Any, zone: zoneinfo.ZoneInfo, first: dt.date, last: dt.date
) -> list[monitoring.Period]:
    opened_on = episode.opened_at.astimezone(zone).date()
    covered = monitoring.span(opened_on, first, last)
    if covered is None:
        return []
    start, end = covered
    dates = _session_dates(episode, user, start, end)
    dates |= _questionnaire_dates(episode, user, start, end, zone)
    reviews = _reviews(episode, user, start, end)
    return monitoring.periods(
        opened_on=opened_on, first=first, last=last, data_dates=dates, reviews=reviews
    )


# Pages


def _today(zone: zoneinfo.ZoneInfo) -> dt.date:
    return timezone.now().astimezone(zone).date()


def _page(
    request: HttpRequest,
    episode: Episode,
    *,
    review_form: ReviewForm | None = None,
    range_form: RangeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    zone = _patient_zone(episode, request.user)
    today = _today(zone)
    opened_on = episode.opened_at.astimezone(zone).date()
    # The table runs from the first day to today: every period so far, the current one too.
    periods = _periods(episode, request.user, zone, opened_on, max(today, opened_on))
    reviews = ReviewTime.objects.visible_to(request.user).filter(episode=episode)
    first = max(opened_on, today - dt.timedelta(days=MAX_RANGE_DAYS - 1))
    context = {
        "episode": episode,
        "periods": periods,
        "period_days": monitoring.PERIOD_DAYS,
        "reviews": reviews.select_related("clinician").order_by("-on", "-pk")[:20],
        "review_form": review_form or ReviewForm(initial={"on": today}),
        "range_form": range_form or RangeForm(today=today, initial={"from": first, "to": today}),
        "max_range_days": MAX_RANGE_DAYS,
    }
    return no_store(render(request, TEMPLATE, context, status=status))


@require_GET
def page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _get_episode(request, pk))


@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _get_episode(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _page(request, episode, review_form=form, status=400)
    data = form.cleaned_data
    try:
        care_services.record_review(
            episode=episode,
            by=request.user,
            on=data["on"],
            minutes=data["minutes"],
            note=data["note"],
            now=timezone.now(),
        )
    except care_services.CareError as error:
        form.add_error(error.field, error.message)
        return _page(request, episode, review_form=form, status=409)
    messages.success(request, f"{data['minutes']} minutes recorded for {data['on']:%d %b %Y}.")
    return see_other("exercises:clinic_monitoring", episode.pk)


@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _get_episode(request, pk)
    zone = _patient_zone(episode, request.user)
    form = RangeForm(request.GET, today=_today(zone))
    if not form.is_valid():
        return _page(request, episode, range_form=form, status=400)
    first, last = form.cleaned_data["from"], form.cleaned_data["to"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="monitoring-episode-{episode.pk}-{first}-{last}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for period in _periods(episode, request.user, zone, first, last):
        writer.writerow(_csv_row(episode, period))
    return no_store(response)


def _csv_row(episode: Episode, period: monitoring.Period) -> list[object]:
    clinician = episode.clinician.get_public_name() if episode.clinician else ""
    patient = episode.patient.get_public_name()
    return [
        episode.pk,
        _cell(patient),
        _cell(clinician),
        period.start.isoformat(),
        period.end.isoformat(),
        period.days_with_data,
        period.review_minutes,
    ]


def _cell(text: str) -> str:
    """A name a spreadsheet shows as text, never runs as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
