"""`mend load_demo` makes accounts with published passwords: only in debug, or when forced."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from mend.accounts.models import User
from mend.content import demo

pytestmark = pytest.mark.django_db


def test_refuses_without_debug_and_creates_nothing(settings: Any) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())

    assert not User.objects.filter(email__in=[a.email for a in demo.ACCOUNTS]).exists()


def test_loads_with_force(settings: Any) -> None:
    settings.DEBUG = False
    out = StringIO()

    call_command("load_demo", "--force", stdout=out)

    assert User.objects.filter(email=demo.ACCOUNTS[0].email).exists()
    assert demo.ACCOUNTS[0].password in out.getvalue()


def test_loads_in_debug(settings: Any) -> None:
    settings.DEBUG = True

    call_command("load_demo", stdout=StringIO())

    assert User.objects.filter(email=demo.ACCOUNTS[0].email).exists()
