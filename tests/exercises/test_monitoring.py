"""Remote monitoring pages: the periods table, recording review minutes, the CSV.

The episode opened at 09:00 UTC on Wednesday 28 October 2026 (a week before
NOW), so period 1 runs 28 October to 26 November and period 2 from
27 November to 26 December. The program is in UTC unless a test says not.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client

from mend.accounts.models import User
from mend.care import services as care
from mend.care.models import Episode, ReviewTime
from mend.exercises.models import Assignment, Exercise
from mend.outcomes.models import Response
from tests.exercises.conftest import NOW

DAY = dt.timedelta(days=1)
# 09:00 UTC on Friday 4 December 2026: inside period 2.
LATER = NOW + 30 * DAY
HEADER = [
    "episode",
    "patient",
    "clinician",
    "period_start",
    "period_end",
    "days_with_data",
    "review_minutes",
]


def at(month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


def answered(episode: Episode, moment: dt.datetime | None, timepoint: str) -> Response:
    return Response.objects.create(
        episode=episode,
        instrument="nprs",
        instrument_version="1.0",
        scoring_version="1",
        timepoint=timepoint,
        due_at=moment or at(12, 1),
        answered_at=moment,
        answers={"pain": 3},
    )


def review(episode: Episode, clinician: User, on: dt.date, minutes: int) -> ReviewTime:
    return care.record_review(
        episode=episode, by=clinician, on=on, minutes=minutes, note="", now=LATER
    )


@pytest.fixture
def monitored(
    episode: Episode,
    clinician: User,
    assignment: Assignment,
    make_assignment: Callable[..., Assignment],
    stretch: Exercise,
    log: Callable[..., Any],
) -> Episode:
    """Three days with data in each period, 20 review minutes in each."""
    for moment in (NOW, NOW + dt.timedelta(hours=2), at(11, 7), at(11, 27), at(11, 29, 8)):
        log(assignment, now=moment)
    answered(episode, at(11, 10), "week-2")
    answered(episode, at(11, 29, 18), "week-4")  # the same day as a session: counted once
    answered(episode, at(12, 2, 8), "week-5")
    answered(episode, None, "week-6")  # due, not answered: no data
    private = make_assignment(stretch)
    Assignment.objects.filter(pk=private.pk).update(episode=None)  # the patient's own routine
    private.refresh_from_db()
    log(private, now=at(11, 12))
    review(episode, clinician, dt.date(2026, 11, 10), 15)
    review(episode, clinician, dt.date(2026, 11, 26), 5)  # the last day of period 1
    review(episode, clinician, dt.date(2026, 11, 29), 20)
    return episode


def page_url(episode: Episode) -> str:
    return f"/clinic/care/{episode.pk}/monitoring/"


def review_url(episode: Episode) -> str:
    return f"/clinic/care/{episode.pk}/monitoring/review/"


def csv_url(episode: Episode, query: str = "from=2026-10-28&to=2026-12-04") -> str:
    return f"/clinic/care/{episode.pk}/monitoring.csv?{query}"


def rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# The happy paths


@time_machine.travel(LATER, tick=False)
def test_the_page_counts_days_with_data_and_minutes_in_each_period(
    client: Client, clinician: User, monitored: Episode
) -> None:
    client.force_login(clinician)
    response = client.get(page_url(monitored))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    found = [
        (p.number, p.start, p.end, p.data_dates, p.review_minutes)
        for p in response.context["periods"]
    ]
    assert found == [
        (
            1,
            dt.date(2026, 10, 28),
            dt.date(2026, 11, 26),
            (dt.date(2026, 11, 4), dt.date(2026, 11, 7), dt.date(2026, 11, 10)),
            20,
        ),
        (
            2,
            dt.date(2026, 11, 27),
            dt.date(2026, 12, 26),
            (dt.date(2026, 11, 27), dt.date(2026, 11, 29), dt.date(2026, 12, 2)),
            20,
        ),
    ]
    html = response.content.decode()
    assert "3 of 30" in html
    assert "28 Oct 2026 – 26 Nov 2026" in html
    assert f'action="/clinic/care/{monitored.pk}/monitoring/review/"' in html
    assert f'action="/clinic/care/{monitored.pk}/monitoring.csv"' in html


@time_machine.travel(LATER, tick=False)
def test_the_csv_has_one_row_per_period(
    client: Client, clinician: User, monitored: Episode
) -> None:
    client.force_login(clinician)
    response = client.get(csv_url(monitored))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == (
        f'attachment; filename="monitoring-episode-{monitored.pk}-2026-10-28-2026-12-04.csv"'
    )
    pk = str(monitored.pk)
    assert rows(response) == [
        HEADER,
        [pk, "patient", "Dr. Sam Okafor", "2026-10-28", "2026-11-26", "3", "20"],
        [pk, "patient", "Dr. Sam Okafor", "2026-11-27", "2026-12-26", "3", "20"],
    ]


@time_machine.travel(LATER, tick=False)
def test_the_csv_lists_whole_periods_that_overlap_the_range(
    client: Client, clinician: User, monitored: Episode
) -> None:
    client.force_login(clinician)
    response = client.get(csv_url(monitored, "from=2026-11-20&to=2026-11-20"))

    assert [row[3:] for row in rows(response)[1:]] == [["2026-10-28", "2026-11-26", "3", "20"]]


@time_machine.travel(LATER, tick=False)
def test_a_range_before_the_episode_gives_the_header_alone(
    client: Client, clinician: User, monitored: Episode
) -> None:
    client.force_login(clinician)
    response = client.get(csv_url(monitored, "from=2026-01-01&to=2026-10-27"))

    assert response.status_code == 200
    assert rows(response) == [HEADER]


@time_machine.travel(LATER, tick=False)
def test_a_questionnaire_counts_on_the_patients_day(
    client: Client,
    clinician: User,
    episode: Episode,
    make_assignment: Callable[..., Assignment],
    stretch: Exercise,
) -> None:
    make_assignment(stretch, time_zone="America/New_York")
    # 03:00 UTC on 27 November is 22:00 on 26 November in New York: period 1.
    answered(episode, dt.datetime(2026, 11, 27, 3, tzinfo=dt.UTC), "week-4")
    client.force_login(clinician)

    [one, two] = rows(client.get(csv_url(episode)))[1:]

    assert (one[3:6], two[3:6]) == (
        ["2026-10-28", "2026-11-26", "1"],
        ["2026-11-27", "2026-12-26", "0"],
    )


@time_machine.travel(LATER, tick=False)
def test_a_name_is_never_a_formula_in_the_csv(
    client: Client, clinician: User, patient: User, episode: Episode
) -> None:
    patient.display_name = '=HYPERLINK("https://evil.example")'
    patient.save()
    client.force_login(clinician)

    [row] = rows(client.get(csv_url(episode)))[1:2]

    assert row[1] == '\'=HYPERLINK("https://evil.example")'


@time_machine.travel(dt.datetime(2026, 11, 29, 20, tzinfo=dt.UTC), tick=False)
def test_the_clinician_records_review_minutes(
    client: Client, clinician: User, episode: Episode
) -> None:
    client.force_login(clinician)
    response = client.post(
        review_url(episode), {"on": "2026-11-29", "minutes": "25", "note": "Read the logs."}
    )

    assert response.status_code == 303
    assert response["Location"] == page_url(episode)
    saved = ReviewTime.objects.get()
    assert (saved.episode, saved.clinician, saved.on, saved.minutes, saved.note) == (
        episode,
        clinician,
        dt.date(2026, 11, 29),
        25,
        "Read the logs.",
    )
    page = client.get(page_url(episode))
    assert "25 minutes recorded for 29 Nov 2026." in page.content.decode()
    assert [p.review_minutes for p in page.context["periods"]] == [0, 25]


def test_the_care_page_links_each_open_episode_to_its_monitoring(
    client: Client, clinician: User, episode: Episode
) -> None:
    client.force_login(clinician)
    assert f'href="{page_url(episode)}"' in client.get("/clinic/care/").content.decode()


# Wrong method


@pytest.mark.parametrize(
    ("method", "url"),
    [("post", page_url), ("get", review_url), ("post", csv_url), ("put", review_url)],
)
def test_wrong_method_is_405(
    client: Client, clinician: User, episode: Episode, method: str, url: Callable[..., str]
) -> None:
    client.force_login(clinician)
    assert getattr(client, method)(url(episode)).status_code == 405


# Who may not


@pytest.mark.parametrize("who", ["other_clinician", "patient", "stranger", None])
@time_machine.travel(LATER, tick=False)
def test_anyone_but_the_episodes_clinician_gets_404_and_changes_nothing(
    client: Client, monitored: Episode, who: str | None, request: pytest.FixtureRequest
) -> None:
    if who:
        client.force_login(request.getfixturevalue(who))
    before = ReviewTime.objects.count()

    assert client.get(page_url(monitored)).status_code == 404
    assert client.get(csv_url(monitored)).status_code == 404
    posted = client.post(review_url(monitored), {"on": "2026-12-04", "minutes": "10"})

    assert posted.status_code == 404
    assert ReviewTime.objects.count() == before


def test_the_clinician_gets_404_once_access_has_ended(
    client: Client, clinician: User, episode: Episode
) -> None:
    care.discharge(episode, by=clinician, note="", now=NOW)
    with time_machine.travel(NOW + 30 * DAY, tick=False):
        client.force_login(clinician)
        assert client.get(page_url(episode)).status_code == 200
    with time_machine.travel(NOW + 31 * DAY, tick=False):
        client.force_login(clinician)
        assert client.get(page_url(episode)).status_code == 404
        assert client.get(csv_url(episode)).status_code == 404


# Bad input


@pytest.mark.parametrize(
    ("data", "field", "message", "status"),
    [
        ({"on": "2026-12-04", "minutes": "0"}, "minutes", "from 1 to 240 minutes", 400),
        ({"on": "2026-12-04", "minutes": "241"}, "minutes", "from 1 to 240 minutes", 400),
        ({"on": "2026-12-04", "minutes": "ten"}, "minutes", "a whole number", 400),
        ({"on": "2026-12-04"}, "minutes", "Give the minutes you spent.", 400),
        ({"on": "04/12/2026", "minutes": "10"}, "on", "YYYY-MM-DD", 400),
        ({"on": "2026-02-30", "minutes": "10"}, "on", "YYYY-MM-DD", 400),
        ({"minutes": "10"}, "on", "Give the day of the review.", 400),
        ({"on": "2026-12-04", "minutes": "10", "note": "x" * 501}, "note", "500", 400),
        ({"on": "2026-12-07", "minutes": "10"}, "on", "has not begun yet", 409),
        ({"on": "2026-10-01", "minutes": "10"}, "on", "opened on 28 Oct 2026", 409),
    ],
)
@time_machine.travel(LATER, tick=False)
def test_bad_review_input_says_why_at_the_field_and_stores_nothing(
    client: Client,
    clinician: User,
    episode: Episode,
    data: dict[str, str],
    field: str,
    message: str,
    status: int,
) -> None:
    client.force_login(clinician)
    response = client.post(review_url(episode), data)

    assert response.status_code == status
    assert response["Cache-Control"] == "private, no-store"
    assert message in " ".join(response.context["review_form"].errors[field])
    assert not ReviewTime.objects.exists()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("", "from", "Give the first day."),
        ("from=2026-11-01", "to", "Give the last day."),
        ("from=2026-02-30&to=2026-03-01", "from", "YYYY-MM-DD"),
        ("from=04/11/2026&to=2026-11-30", "from", "YYYY-MM-DD"),
        ("from=2026-11-01&to=99999-01-01", "to", "YYYY-MM-DD"),
        ("from=2026-11-10&to=2026-11-01", "to", "must not be before the first"),
        ("from=2025-11-01&to=2026-11-02", "to", "at most 366 days"),
        ("from=9999-12-31&to=9999-12-31", "from", "starts after today"),
    ],
)
@time_machine.travel(LATER, tick=False)
def test_a_bad_range_is_400_with_the_message_at_the_field(
    client: Client, clinician: User, episode: Episode, query: str, field: str, message: str
) -> None:
    client.force_login(clinician)
    response = client.get(csv_url(episode, query))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "private, no-store"
    assert message in " ".join(response.context["range_form"].errors[field])
    assert message in response.content.decode()


@time_machine.travel(LATER, tick=False)
def test_a_range_of_366_days_is_accepted(client: Client, clinician: User, episode: Episode) -> None:
    client.force_login(clinician)
    response = client.get(csv_url(episode, "from=2025-11-03&to=2026-11-03"))
    assert response.status_code == 200
    assert [row[3] for row in rows(response)[1:]] == ["2026-10-28"]
