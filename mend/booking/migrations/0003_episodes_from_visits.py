"""Each patient's visits with a clinician join an episode of care with that clinician.

Before episodes, a clinician saw every visit booked with them. Visits of
signed-in patients now reach the clinician through an episode: each
(patient, clinician) pair with a visit gets the pair's active episode (made
if there is none), and its visits join it. Guest visits stay visible to their
clinician as before. Nothing becomes visible that was not before: the episode
holds only visits the clinician already saw.
"""

from django.db import migrations
from django.db.models import F, Min


def forward(apps, schema_editor):
    Appointment = apps.get_model("booking", "Appointment")
    Episode = apps.get_model("care", "Episode")
    booked = Appointment.objects.filter(patient__isnull=False).exclude(
        clinician__user=F("patient")
    )
    pairs = booked.values("patient_id", "clinician__user_id").annotate(first=Min("created_at"))
    for pair in pairs:
        patient_id, clinician_id = pair["patient_id"], pair["clinician__user_id"]
        episode = Episode.objects.filter(
            patient_id=patient_id, clinician_id=clinician_id, status="active"
        ).first() or Episode.objects.create(
            patient_id=patient_id,
            clinician_id=clinician_id,
            status="active",
            source="migrated",
            opened_at=pair["first"],
        )
        booked.filter(patient_id=patient_id, clinician__user_id=clinician_id).update(
            episode=episode
        )


def backward(apps, schema_editor):
    apps.get_model("care", "Episode").objects.filter(source="migrated").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
        ("booking", "0002_appointment_episode"),
    ]

    operations = [migrations.RunPython(forward, backward)]
