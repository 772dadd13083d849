"""Care tests use the cast in tests/conftest.py: a patient, their clinician, another
clinician, a stranger.

The clock: NOW is 09:00 UTC on Wednesday 4 November 2026.
"""

from __future__ import annotations

import datetime as dt

NOW = dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)
