"""The screens Mend ships, added to every database (screens a clinic has are left alone)."""

from django.db import migrations


def add_screens(apps, schema_editor):
    from mend.safety import shipped

    shipped.add_missing(
        shipped.document()["screens"],
        apps.get_model("safety", "Screen"),
        apps.get_model("safety", "ScreenQuestion"),
    )


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]
    operations = [migrations.RunPython(add_screens, migrations.RunPython.noop)]
