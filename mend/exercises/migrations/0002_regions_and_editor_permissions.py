"""The controlled list of body regions, and the editors' rights to the exercise library.

Permission rows are created here if Django has not made them yet, as in
accounts/0002_roles, so the editor group is complete right after migrate.
"""

from django.db import migrations

# A copy of mend.exercises.models.REGIONS as it was when this migration was written.
REGIONS = (
    ("foot-ankle", "Foot and ankle"),
    ("calf-achilles", "Calf and Achilles"),
    ("knee", "Knee"),
    ("thigh-hamstring", "Thigh and hamstring"),
    ("hip-glutes", "Hip and glutes"),
    ("low-back", "Low back"),
    ("upper-back-neck", "Upper back and neck"),
    ("shoulder", "Shoulder"),
    ("elbow-wrist-hand", "Elbow, wrist and hand"),
)
EDITOR_PERMISSIONS = {
    "exercise": ("add_exercise", "change_exercise", "delete_exercise", "view_exercise"),
    "equipment": ("add_equipment", "change_equipment", "view_equipment"),
}
NAMES = {"add": "Can add", "change": "Can change", "delete": "Can delete", "view": "Can view"}


def _permission(apps, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="exercises", model=model)
    action = codename.split("_", 1)[0]
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": f"{NAMES[action]} {model}"}
    )
    return permission


def forwards(apps, schema_editor):
    Region = apps.get_model("exercises", "Region")
    for position, (slug, name) in enumerate(REGIONS):
        Region.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})
    editor, _ = apps.get_model("auth", "Group").objects.get_or_create(name="editor")
    for model, codenames in EDITOR_PERMISSIONS.items():
        for codename in codenames:
            editor.permissions.add(_permission(apps, model, codename))


def backwards(apps, schema_editor):
    apps.get_model("exercises", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
