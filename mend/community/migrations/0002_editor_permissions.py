"""Editors moderate comments and read contact messages.

Permission rows are created here if Django has not made them yet, as in
accounts/0002_roles, so the editor group is complete right after migrate.
"""

from django.db import migrations

EDITOR_PERMISSIONS = {
    ("community", "comment"): ("change_comment", "view_comment", "delete_comment"),
    ("community", "contactmessage"): ("view_contactmessage",),
}
NAMES = {"change": "Can change", "view": "Can view", "delete": "Can delete"}
VERBOSE = {"comment": "comment", "contactmessage": "contact message"}


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    action = codename.split("_", 1)[0]
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"{NAMES[action]} {VERBOSE[model]}"},
    )
    return permission


def grant(apps, schema_editor):
    editor, _ = apps.get_model("auth", "Group").objects.get_or_create(name="editor")
    for (app_label, model), codenames in EDITOR_PERMISSIONS.items():
        for codename in codenames:
            editor.permissions.add(_permission(apps, app_label, model, codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor = Group.objects.filter(name="editor").first()
    if editor is None:
        return
    for (app_label, model), codenames in EDITOR_PERMISSIONS.items():
        editor.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=codenames,
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
