"""An index for site search on PostgreSQL.

Wagtail's database search backend matches ``(title || body) @@ query``: the two
vectors joined in the query, which neither of its GIN indexes (one per column)
can answer, so every search read every index entry. This GIN index is on that
very expression. SQLite searches its own FTS5 table: nothing to do there.
"""

from django.db import migrations

INDEX = "content_search_title_body"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry"
            " USING gin ((title || body))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0003_guide"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
