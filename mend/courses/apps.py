from __future__ import annotations

from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "mend.courses"
    label = "courses"
    verbose_name = "Courses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mend.core import portal
        from mend.courses import product, signals
        from mend.payments import products

        products.register(product.KIND)
        portal.register(portal.Panel("courses", "courses/panel.html", product.panel, order=50))
        signals.connect()
