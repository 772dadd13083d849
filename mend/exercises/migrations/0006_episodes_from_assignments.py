"""Each clinician's assignments become an episode of care with that patient.

Before episodes, a clinician saw a patient's whole exercise record once they
had assigned them anything. Now a clinician sees what belongs to an episode
with them: each (patient, clinician) pair with an assignment gets an active
episode holding that clinician's assignments, so nothing they saw of their own
programs is lost. Routines the patient started stay outside any episode, and
other clinicians' programs stay in those clinicians' episodes: nothing
becomes visible that was not before.
"""

from django.db import migrations
from django.db.models import F, Min


def forward(apps, schema_editor):
    Assignment = apps.get_model("exercises", "Assignment")
    Episode = apps.get_model("care", "Episode")
    given = Assignment.objects.filter(clinician__isnull=False).exclude(clinician=F("patient"))
    pairs = given.values("patient_id", "clinician_id").annotate(first=Min("created_at"))
    for pair in pairs:
        episode = Episode.objects.filter(
            patient_id=pair["patient_id"], clinician_id=pair["clinician_id"], status="active"
        ).first() or Episode.objects.create(
            patient_id=pair["patient_id"],
            clinician_id=pair["clinician_id"],
            status="active",
            source="migrated",
            opened_at=pair["first"],
        )
        given.filter(patient_id=pair["patient_id"], clinician_id=pair["clinician_id"]).update(
            episode=episode
        )


def backward(apps, schema_editor):
    apps.get_model("care", "Episode").objects.filter(source="migrated").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
        ("exercises", "0005_assignment_episode"),
    ]

    operations = [migrations.RunPython(forward, backward)]
