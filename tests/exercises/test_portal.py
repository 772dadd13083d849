"""The portal, "Start this routine", the player page, progress, the clinician's list, handouts."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
import time_machine
from django.test import Client, override_settings
from pypdf import PdfReader

from mend.accounts.models import User
from mend.care import services as care
from mend.exercises import links, services
from mend.exercises.dosage import Dosage
from mend.exercises.models import Assignment, Exercise, Program
from tests.exercises.conftest import NOW

DAY = dt.timedelta(days=1)


# 09:00 on Wednesday 4 November 2026, UTC.
@time_machine.travel(NOW, tick=False)
def test_portal_lists_todays_sessions(
    client: Client, patient: User, make_assignment, stretch: Exercise, log
) -> None:
    daily = make_assignment(stretch, per_day=2)
    make_assignment(stretch, weekdays="1")  # Tuesdays only
    log(daily)
    client.force_login(patient)
    html = client.get("/me/").content.decode()

    assert "Today: 1 of 2 sessions done." in html
    assert "Nothing due today." in html
    assert "From Dr. Sam Okafor" in html
    assert f'href="/me/programs/{daily.program_id}/play/"' in html


def test_portal_with_nothing_yet_points_to_the_library(client: Client, patient: User) -> None:
    client.force_login(patient)
    assert 'href="/exercises/"' in client.get("/me/").content.decode()


def test_start_this_routine_asks_anonymous_readers_to_sign_in_first(
    client: Client, stretch: Exercise
) -> None:
    url = links.start_url(stretch.slug, Dosage.from_dict({"hold_s": 45, "sides": "each"}))
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/exercises/standing-hamstring-")
    assert "dosage%3D" in response["Location"]  # the article's dosage survives sign-in


def test_start_this_routine_makes_a_one_exercise_program_for_oneself(
    client: Client, patient: User, stretch: Exercise
) -> None:
    dosage = Dosage.from_dict(
        {
            "hold_s": 30,
            "hold_max_s": 60,
            "sides": "each",
            "side_label": "leg",
            "times_per_day": 2,
            "days_per_week": 3,
        }
    )
    url = links.start_url(stretch.slug, dosage)
    client.force_login(patient)
    page = client.get(url).content.decode()
    assert "Hold 30–60 s · each leg · twice a day · 3 days a week" in page

    # 20:00 on Wednesday 4 November 2026 in UTC is 05:00 on Thursday in Tokyo.
    with time_machine.travel(dt.datetime(2026, 11, 4, 20, tzinfo=dt.UTC), tick=False):
        response = client.post(url, {"time_zone": "Asia/Tokyo"})
        again = client.post(url, {"time_zone": "Asia/Tokyo"})

    assignment = Assignment.objects.get()
    # Before the first session of a routine of one's own: the safety questions.
    screen = f"/me/programs/{assignment.program_id}/screen/"
    assert response["Location"] == again["Location"] == screen
    assert assignment.patient == patient and assignment.clinician is None
    assert assignment.time_zone == "Asia/Tokyo" and assignment.start_date == dt.date(2026, 11, 5)
    assert assignment.program.weekdays == "024" and assignment.program.sessions_per_day == 2
    assert assignment.program.items.get().dosage == dosage.to_dict()


def test_a_damaged_start_link_falls_back_to_the_exercise_dosage(
    client: Client, patient: User, stretch: Exercise
) -> None:
    client.force_login(patient)
    response = client.get(f"/exercises/{stretch.slug}/start/?dosage=forged")
    html = response.content.decode()
    assert "That link was damaged" in html and "2 reps · hold 30 s each rep · each leg" in html
    client.post(f"/exercises/{stretch.slug}/start/?dosage=forged", {"time_zone": "Nowhere/Land"})
    assignment = Assignment.objects.get()
    assert assignment.time_zone == "UTC"  # an unknown zone is replaced by the site's
    assert assignment.program.items.get().dosage == stretch.default_dosage


def test_starting_an_unknown_exercise_is_404(client: Client, patient: User, db: None) -> None:
    client.force_login(patient)
    assert client.post("/exercises/nope/start/").status_code == 404


def test_a_patient_may_finish_a_routine_they_started_but_not_one_assigned(
    client: Client, patient: User, stretch: Exercise, assignment: Assignment
) -> None:
    own = services.start_routine(
        patient=patient, exercise=stretch, dosage=stretch.dosage, time_zone="UTC", now=NOW
    )
    client.force_login(patient)
    client.post(f"/me/programs/{own.program_id}/finish/")
    refused = client.post(f"/me/programs/{assignment.program_id}/finish/", follow=True)

    own.refresh_from_db()
    assignment.refresh_from_db()
    assert own.status == "finished" and assignment.status == "active"
    assert "Only your clinician can finish" in refused.content.decode()


@override_settings(MEND_PLAYER_CLOCK_PERCENT=5)
def test_player_page_carries_the_plan_and_the_clock_setting(
    client: Client, patient: User, assignment: Assignment
) -> None:
    client.force_login(patient)
    # 09:00 on Wednesday 4 November 2026, UTC.
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/me/programs/{assignment.program_id}/play/").content.decode()
    plan = json.loads(
        re.search(
            r'<script id="player-plan" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )

    assert plan["clock_percent"] == 5
    assert [item["name"] for item in plan["items"]] == [
        "Standing hamstring stretch",
        "Eccentric heel drop, straight knee",
    ]
    stretch_steps = plan["items"][0]["timeline"]
    assert [s["kind"] for s in stretch_steps][:5] == [
        "get_ready",
        "hold",
        "hold",
        "switch_sides",
        "hold",
    ]
    assert stretch_steps[1] == {
        "kind": "hold",
        "label": "Hold · left leg · rep 1 of 2",
        "seconds": 30,
        "set": 1,
        "sets": 1,
        "side": "left",
        "timed": True,
    }
    assert plan["items"][1]["timeline"][1]["timed"] is False  # reps: the patient taps when done
    assert 'src="/static/mend/player.js"' in html and 'type="module"' in html
    assert "How did it go?" in html  # the log form is in the page


def test_player_for_a_finished_program_says_so(
    client: Client, patient: User, clinician: User, assignment: Assignment
) -> None:
    services.finish(assignment, by=clinician, now=NOW)
    client.force_login(patient)
    html = client.get(f"/me/programs/{assignment.program_id}/play/").content.decode()
    assert "This program has finished, so there is nothing to play." in html
    assert "player-plan" not in html


def test_program_page_shows_adherence_streak_and_the_pain_chart(
    client: Client, patient: User, make_assignment, stretch: Exercise, log
) -> None:
    start = NOW - 9 * DAY  # Monday 26 October
    assignment = make_assignment(stretch, start=start.date(), weekdays="024")
    for days, pain in ((0, 4), (2, 3), (4, 3), (7, 2), (9, 2)):
        log(assignment, now=start + days * DAY, pain_during=pain)
    client.force_login(patient)
    # 10:00 on Wednesday 4 November 2026, UTC.
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        html = client.get(f"/me/programs/{assignment.program_id}/").content.decode()

    assert "Streak: <strong>5 days</strong>" in html
    assert "<td>1</td><td>26 Oct–1 Nov</td><td>3 of 3</td><td>100 %</td>" in html
    assert "<td>2</td><td>2 Nov–4 Nov</td><td>2 of 2</td><td>100 %</td>" in html
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert svg.count("<circle") == 10 and "26 Oct" in svg and "4 Nov" in svg
    assert "Pain during the exercises ranged from 2 to 4 out of 10; the latest was 2." in svg


def test_clinician_list_shows_adherence_last_pain_and_flags(
    client: Client,
    clinician: User,
    patient: User,
    stranger: User,
    make_assignment,
    stretch: Exercise,
    log,
    make_user,
) -> None:
    start = NOW - 20 * DAY
    rising = make_assignment(stretch, start=start.date())
    for days, pain in ((0, 1), (2, 2), (4, 1), (10, 3), (12, 4), (13, 4)):
        log(rising, now=start + days * DAY, pain_during=pain)
    quiet_patient = make_user("quiet@mail.example", display_name="Quinn Quiet")
    program = services.create_program(
        owner=clinician,
        name="Back",
        goal="",
        weekdays="0123456",
        sessions_per_day=1,
        is_template=False,
        now=NOW,
    )
    services.add_item(program, by=clinician, exercise=stretch, now=NOW)
    in_care = care.open_or_join(
        patient=quiet_patient, clinician=clinician, now=NOW - 10 * DAY, source="admin"
    )
    services.assign(
        program,
        by=clinician,
        episode=in_care,
        start_date=(NOW - 10 * DAY).date(),
        weeks=None,
        time_zone="UTC",
        note="",
        screen_first=False,
        now=NOW,
    )
    client.force_login(clinician)
    # 09:00 on Wednesday 4 November 2026, UTC.
    with time_machine.travel(NOW, tick=False):
        html = client.get("/clinic/patients/").content.decode()

    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S)
    assert len(rows) == 2
    patient_row = next(row for row in rows if ">patient<" in row)
    assert "Pain rising" in patient_row
    # 22 October to 4 November: 14 sessions due, 3 done (25, 27 and 28 October).
    assert "21 %" in patient_row and "(3 of 14)" in patient_row
    assert "4/10" in patient_row and "on 28 Oct" in patient_row
    assert "No session for 7 days" in patient_row
    quiet_row = next(row for row in rows if "Quinn Quiet" in row)
    assert "No session for 10 days" in quiet_row and "0 %" in quiet_row


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_handout_pdf_lists_each_exercise_with_its_dosage_and_the_player_address(
    client: Client, patient: User, clinician: User, assignment: Assignment, settings
) -> None:
    client.force_login(patient)
    response = client.get(f"/me/programs/{assignment.program_id}/handout.pdf")
    text = " ".join(_pdf_text(response.content).split())

    assert response["Content-Type"] == "application/pdf"
    assert "Achilles loading" in text and "For patient, from Dr. Sam Okafor" in text
    for item in assignment.program.items.all():
        assert item.exercise.name in text
        assert " ".join(item.dosage_value.describe().split()) in text
    assert "Press the front heel down into the floor" in text
    player = f"{settings.BASE_URL}/me/programs/{assignment.program_id}/play/"
    assert player in text.replace(" ", "") or player in text
    client.force_login(clinician)
    assert client.get(f"/clinic/programs/{assignment.program_id}/handout.pdf").status_code == 200


def test_demo_loader_puts_the_stretch_into_the_achilles_article_and_gives_pat_a_program(
    client: Client, db: None
) -> None:
    from mend.content import demo

    demo.load()
    demo.load()  # idempotent
    html = client.get("/articles/achilles-pain-running-hamstring-stretch/").content.decode()

    assert 'class="exercise-block"' in html
    assert (
        "Hold 30–60 s · each leg · gently turn the leg in and out while holding · before, "
        "during and after runs"
    ) in html
    assert "Start this routine" in html
    assert Exercise.objects.count() >= 15
    pat = User.objects.get(email="pat@riverside-pt.example")
    assert Program.objects.filter(assignment__patient=pat).count() == 1
    assert Program.objects.filter(is_template=True).count() == 2


pytestmark = pytest.mark.django_db


def test_handout_includes_the_exercises_image(
    client: Client, patient: User, assignment: Assignment, stretch: Exercise
) -> None:
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    from mend.exercises.models import ExerciseImage

    image = Image.objects.create(title="Stretch", file=get_test_image_file(colour="red"))
    ExerciseImage.objects.create(exercise=stretch, image=image, alt="Heel down, toes up")
    client.force_login(patient)
    response = client.get(f"/me/programs/{assignment.program_id}/handout.pdf")
    reader = PdfReader(io.BytesIO(response.content))

    assert response.status_code == 200
    assert any(page.images for page in reader.pages)


@pytest.mark.parametrize(
    "url",
    [
        "/me/programs/99999999999999999999/",
        "/clinic/patients/99999999999999999999/",
        "/clinic/programs/99999999999999999999/items/1/",
    ],
)
def test_ids_beyond_the_database_range_are_404(client: Client, clinician: User, url: str) -> None:
    client.force_login(clinician)
    assert client.get(url).status_code == 404
