from __future__ import annotations

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "mend.payments"
    label = "payments"
    verbose_name = "Payments"
    default_auto_field = "django.db.models.BigAutoField"
