"""A patient's request to erase their account, and the legal holds that keep a record.

An erasure request is the patient's (GDPR Art 17); the practice carries it
out within a month (Art 12(3)) with ``services.erase``. What erasure keeps
is decided by ``MEND_RECORD_RETENTION_YEARS`` after the last care and by any
legal hold in force; the request keeps the outcome, never the person's data,
and outlives the account.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

ERASURE_WINDOW = dt.timedelta(days=30)  # GDPR Art 12(3): one month


class ErasureRequestQuerySet(models.QuerySet["ErasureRequest"]):
    def pending(self) -> ErasureRequestQuerySet:
        return self.filter(status=ErasureRequest.Status.PENDING)


class ErasureRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the practice"
        DONE = "done", "Carried out"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="erasure_requests",
        help_text="Empty once the account itself is gone; the request stays as the record.",
    )
    requested_at = models.DateTimeField()
    due_by = models.DateTimeField(help_text="One month after the request (GDPR Art 12(3)).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    carried_out_at = models.DateTimeField(null=True, blank=True)
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.TextField(
        blank=True, help_text="What was deleted, what was kept and why: counts, no personal data."
    )

    objects = ErasureRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_by", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="pending"),
                name="erasure_one_pending_per_patient",
                violation_error_message="This account already has an erasure request waiting.",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", carried_out_at__isnull=True)
                | Q(status="done", carried_out_at__isnull=False),
                name="erasure_done_iff_carried_out",
                violation_error_message="A request carried out needs the time it was.",
            ),
        ]

    def __str__(self) -> str:
        who = f"account {self.patient_id}" if self.patient_id else "an erased account"
        return f"Erasure of {who}, due {self.due_by:%Y-%m-%d}"

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.status == self.Status.PENDING and now > self.due_by


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def in_force(self) -> LegalHoldQuerySet:
        return self.filter(lifted_at__isnull=True)

    def visible_to(self, user: Any) -> LegalHoldQuerySet:
        """Holds are the practice's: admins only."""
        return self.all() if user.is_authenticated and user.is_superuser else self.none()


class LegalHold(models.Model):
    """Staff keep a person's records whatever the retention setting (a claim, a court order)."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="legal_holds",
        help_text="Their records are kept, detached from the login, until the hold is lifted.",
    )
    reason = models.CharField(max_length=300, help_text="Why, e.g. a claim's reference.")
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_at__gte=models.F("placed_at")),
                name="legal_hold_lifted_after_placed",
                violation_error_message="A hold is lifted after it was placed.",
            )
        ]

    def __str__(self) -> str:
        state = "in force" if self.lifted_at is None else "lifted"
        return f"Legal hold on account {self.patient_id} ({state})"
