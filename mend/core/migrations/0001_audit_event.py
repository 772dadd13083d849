"""The audit log, and the database's refusal to change or remove its rows.

PostgreSQL: a trigger raises on UPDATE and DELETE (TRUNCATE, which test
databases use to empty tables, fires no row trigger). SQLite: a trigger
aborts UPDATE; DELETE stays allowed there, as Django empties SQLite test
databases with DELETE between transactional tests. The model and its
queryset refuse both on every database.
"""

import django.utils.timezone
from django.db import migrations, models

POSTGRESQL_FORWARD = """
CREATE FUNCTION core_auditevent_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse();
"""
POSTGRESQL_BACKWARD = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse();
"""
SQLITE_FORWARD = """
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS core_auditevent_no_update;"


def _run(schema_editor, statements):
    if statements:
        # No parameters: the PL/pgSQL's "%" is its own placeholder, not the driver's.
        schema_editor.execute(statements, params=None)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}.get(vendor))


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(vendor))


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
                ('action', models.CharField(choices=[('read', 'Read'), ('create', 'Created'), ('change', 'Changed'), ('delete', 'Deleted'), ('export', 'Exported'), ('sign-in', 'Signed in'), ('sign-out', 'Signed out'), ('sign-in-failed', 'Sign-in failed'), ('mfa-change', 'Changed two-factor authentication'), ('screen-answered', 'Answered a safety screen'), ('break-glass', 'Opened a record by break-glass')], max_length=20)),
                ('actor_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name="actor's account id")),
                ('actor_label', models.CharField(blank=True, max_length=254, verbose_name='actor')),
                ('actor_email', models.CharField(blank=True, max_length=254, verbose_name="actor's email")),
                ('actor_role', models.CharField(blank=True, max_length=40, verbose_name="actor's role")),
                ('patient_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name="patient's account id")),
                ('patient_label', models.CharField(blank=True, max_length=254, verbose_name='patient')),
                ('object_type', models.CharField(blank=True, max_length=100)),
                ('object_id', models.CharField(blank=True, max_length=64)),
                ('object_label', models.CharField(blank=True, max_length=254, verbose_name='object')),
                ('client_address', models.CharField(blank=True, max_length=45)),
                ('path', models.CharField(blank=True, max_length=500)),
                ('detail', models.CharField(blank=True, max_length=500)),
            ],
            options={
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['patient_id', '-at'], name='audit_patient_at'), models.Index(fields=['actor_id', '-at'], name='audit_actor_at')],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
