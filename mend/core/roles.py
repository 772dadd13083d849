"""Roles are Django groups; these are their names, created by a data migration."""

from __future__ import annotations

PATIENT = "patient"
CLINICIAN = "clinician"
EDITOR = "editor"

ALL = (PATIENT, CLINICIAN, EDITOR)
