"""Settings come from the environment, and bad values are refused by name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mend import settings as mend_settings

ROOT = Path(__file__).resolve().parents[2]


PRINT_BASICS = (
    "import mend.settings as s;"
    "print(s.DEBUG, s.MEND_EMAIL_BACKEND, s.DATABASES['default']['ENGINE'])"
)


def load_settings(
    tmp_path: Path, *, code: str = PRINT_BASICS, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``code``, which imports mend.settings, in a fresh interpreter with only ``env``."""
    clean = {"PATH": os.environ["PATH"], "MEND_VAR_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_refuses_to_start_without_a_key_when_debug_is_off(tmp_path: Path) -> None:
    result = load_settings(tmp_path, EMAIL_URL="console:")
    assert result.returncode != 0
    assert "MEND_SECRET_KEY" in result.stderr


def test_debug_generates_and_keeps_a_key_under_var(tmp_path: Path) -> None:
    first = load_settings(tmp_path, MEND_DEBUG="true")
    key = (tmp_path / "secret_key").read_text()
    second = load_settings(tmp_path, MEND_DEBUG="true")

    assert first.returncode == second.returncode == 0
    assert len(key) > 40 and (tmp_path / "secret_key").read_text() == key
    assert "True django.core.mail.backends.console.EmailBackend django.db.backends.sqlite3" in (
        first.stdout
    )


def test_key_may_come_from_a_file(tmp_path: Path) -> None:
    (tmp_path / "key").write_text("from-a-file-" + "x" * 40)
    result = load_settings(
        tmp_path, MEND_SECRET_KEY_FILE=str(tmp_path / "key"), EMAIL_URL="smtp://mail.example:25"
    )
    assert result.returncode == 0, result.stderr
    assert "smtp.EmailBackend" in result.stdout


def test_postgres_from_database_url(tmp_path: Path) -> None:
    result = load_settings(
        tmp_path,
        MEND_DEBUG="true",
        DATABASE_URL="postgres://mend@127.0.0.1:5432/mend",
    )
    assert "django.db.backends.postgresql" in result.stdout


@pytest.mark.parametrize(
    ("name", "value"),
    [("MEND_DEBUG", "maybe"), ("MEND_BASE_URL", "ftp://x"), ("EMAIL_URL", "pigeon://coop")],
)
def test_bad_values_name_their_variable(tmp_path: Path, name: str, value: str) -> None:
    result = load_settings(
        tmp_path, **{"MEND_SECRET_KEY": "k" * 50, "EMAIL_URL": "console:", name: value}
    )
    assert result.returncode != 0
    assert name in result.stderr


def test_env_int_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEND_SOMETHING", "twelve")
    with pytest.raises(ImproperlyConfigured, match="MEND_SOMETHING"):
        mend_settings.env_int("MEND_SOMETHING", 3)


def test_email_url_parts() -> None:
    parsed = mend_settings.email_settings("smtp+tls://user%40x:p%3Ass@mail.example:587")
    assert parsed["EMAIL_HOST"] == "mail.example"
    assert parsed["EMAIL_PORT"] == 587
    assert parsed["EMAIL_HOST_USER"] == "user@x"
    assert parsed["EMAIL_HOST_PASSWORD"] == "p:ss"
    assert parsed["EMAIL_USE_TLS"] is True


def test_redis_url_gives_the_cache_that_answers_while_redis_does_not(tmp_path: Path) -> None:
    code = "import mend.settings as s; c = s.CACHES['default']; print(c['BACKEND'], c['LOCATION'])"
    result = load_settings(
        tmp_path, code=code, MEND_DEBUG="true", REDIS_URL="redis://127.0.0.1:6379/3"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["mend.core.cache.RedisCache", "redis://127.0.0.1:6379/3"]
