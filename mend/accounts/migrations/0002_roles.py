"""The roles as groups: patient, clinician, editor.

Editors may use the Wagtail admin, write, publish and upload images and
documents. Permission rows are created here if Django has not made them yet,
so the groups are complete right after the first migrate.
"""

from django.db import migrations

ROLES = ("patient", "clinician", "editor")
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ("add_image", "change_image", "choose_image"),
    ("wagtaildocs", "document"): ("add_document", "change_document", "choose_document"),
}


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": codename.replace("_", " ").capitalize()},
    )
    return permission


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    editor = Group.objects.get(name="editor")
    editor.permissions.add(_permission(apps, "wagtailadmin", "admin", "access_admin"))

    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = Page.objects.filter(depth=1).first()
    if root is not None:
        for codename in PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=editor, page=root, permission=_permission(apps, "wagtailcore", "page", codename)
            )

    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    collection = Collection.objects.filter(depth=1).first()
    if collection is not None:
        for (app_label, model), codenames in COLLECTION_PERMISSIONS.items():
            for codename in codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=editor,
                    collection=collection,
                    permission=_permission(apps, app_label, model, codename),
                )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
