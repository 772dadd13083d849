import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('care', '0004_flag_red_flag_email'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BreakGlass',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(max_length=1000)),
                ('opened_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField()),
                ('emailed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('admin', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='break_glass_grants', to=settings.AUTH_USER_MODEL)),
                ('patient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='break_glass_opened', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'break-glass access',
                'verbose_name_plural': 'break-glass access',
                'ordering': ['-opened_at', '-pk'],
                'indexes': [models.Index(fields=['admin', 'expires_at'], name='care_breakg_admin_i_42af7c_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('opened_at'))), name='break_glass_expires_after_opening', violation_error_message='Break-glass access must end after it opens.'), models.CheckConstraint(condition=models.Q(('patient', models.F('admin')), _negated=True), name='break_glass_not_own_record', violation_error_message='Your own record needs no break-glass.')],
            },
        ),
    ]
