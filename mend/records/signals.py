"""The deletion rule for staff accounts: a clinician's account may go, their visits stay.

Clinical rows name the clinician with SET_NULL (the record stays the
patient's); the booking profile outlives the account so past visits keep who
saw the patient, and leaves booking: no new visits, no calendar feed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from mend.booking.models import Clinician


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="mend_records_clinician_left")
def clinician_leaves_booking(sender: Any, instance: Any, **kwargs: Any) -> None:
    Clinician.objects.filter(user_id=instance.pk).update(is_active=False, feed_key="")
