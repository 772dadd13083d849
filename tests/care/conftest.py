"""The cast for care tests: a patient, their clinician, another clinician, a stranger.

The clock: NOW is 09:00 UTC on Wednesday 4 November 2026.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress

from mend.accounts.models import User
from mend.core import roles

NOW = dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clinician(make_user: Callable[..., User]) -> User:
    return make_user("sam@clinic.example", role=roles.CLINICIAN, display_name="Dr. Sam Okafor")


@pytest.fixture
def other_clinician(make_user: Callable[..., User]) -> User:
    return make_user("lena@clinic.example", role=roles.CLINICIAN, display_name="Dr. Lena Park")


@pytest.fixture
def verified(db: None) -> Callable[[User], User]:
    def verify(user: User) -> User:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    return verify
