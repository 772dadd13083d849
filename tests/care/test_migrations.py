"""The data migrations carry today's assignments and visits into episodes of care.

Run the migrations back to just before episodes, write rows as the old code
did, migrate forward, and read what the clinicians may see.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("exercises", "0004_alter_exercise_video_poster"), ("booking", "0001_initial"),
          ("care", "0001_initial")]  # fmt: skip
AFTER = [("exercises", "0006_episodes_from_assignments"), ("booking", "0003_episodes_from_visits")]
WHEN = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def migrate(targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_assignments_and_visits_become_episodes_and_nothing_new_is_shared() -> None:
    old = migrate(BEFORE)
    User = old.get_model("accounts", "User")
    make = lambda email: User.objects.create(email=email, password="!")  # noqa: E731
    patient, sam, lena = (
        make("pat@mail.example"),
        make("sam@clinic.example"),
        make("lena@x.example"),
    )
    Program = old.get_model("exercises", "Program")
    Assignment = old.get_model("exercises", "Assignment")

    def assignment(clinician):  # type: ignore[no-untyped-def]
        program = Program.objects.create(name="P", created_at=WHEN, updated_at=WHEN)
        return Assignment.objects.create(
            program=program, patient=patient, clinician=clinician, start_date=WHEN.date(),
            created_at=WHEN,
        )  # fmt: skip

    by_sam, own = assignment(sam), assignment(None)
    Clinician = old.get_model("booking", "Clinician")
    VisitType = old.get_model("booking", "VisitType")
    Appointment = old.get_model("booking", "Appointment")
    lena_profile = Clinician.objects.create(user=lena, display_name="Lena")
    visit_type = VisitType.objects.create(name="Visit", slug="visit", duration_minutes=30)
    visit = Appointment.objects.create(
        clinician=lena_profile, patient=patient, name="Pat", email="pat@mail.example",
        visit_type=visit_type, mode="virtual", start=WHEN, end=WHEN + dt.timedelta(minutes=30),
        busy_from=WHEN,
        busy_until=WHEN + dt.timedelta(minutes=30),
    )  # fmt: skip

    new = migrate(AFTER)
    Episode = new.get_model("care", "Episode")
    episodes = {e.clinician_id: e for e in Episode.objects.filter(status="active")}
    assert set(episodes) == {sam.pk, lena.pk}
    assert {e.source for e in episodes.values()} == {"migrated"}
    assignments = new.get_model("exercises", "Assignment").objects
    assert assignments.get(pk=by_sam.pk).episode_id == episodes[sam.pk].pk
    assert assignments.get(pk=own.pk).episode_id is None  # the patient's own routine stays theirs
    visit_now = new.get_model("booking", "Appointment").objects.get(pk=visit.pk)
    assert visit_now.episode_id == episodes[lena.pk].pk
    # Lena's episode holds her visit only: she gains no view of Sam's program.
    assert not assignments.filter(episode=episodes[lena.pk]).exists()
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # back to the latest
