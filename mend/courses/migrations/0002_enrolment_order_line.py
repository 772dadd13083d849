import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0001_courses_modules_lessons_enrolments'),
        ('payments', '0001_orders_coupons_events'),
    ]

    operations = [
        migrations.AddField(
            model_name='enrolment',
            name='order_line',
            field=models.ForeignKey(blank=True, help_text='The order line it was bought with; empty for a free course joined directly.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='payments.orderline'),
        ),
    ]
