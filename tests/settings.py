"""Test settings: Mend's settings with fast, isolated parts for tests.

Environment defaults are set before mend.settings reads them; the rest is
overridden below. Nothing here is imported by the running site.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("MEND_SECRET_KEY", "test-only-secret-key-not-for-use-anywhere-else-0123")
os.environ.setdefault("EMAIL_URL", "memory:")
if "MEND_VAR_DIR" not in os.environ:
    _var = tempfile.mkdtemp(prefix="mend-test-")
    atexit.register(shutil.rmtree, _var, ignore_errors=True)
    os.environ["MEND_VAR_DIR"] = _var

from mend.settings import *  # noqa: F403
from mend.settings import STATIC_ROOT

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
os.makedirs(STATIC_ROOT, exist_ok=True)
MEND_FORM_MIN_SECONDS = 3
MEND_PAGE_CACHE_RECHECK = 0.0  # every request sees a purge at once; tests of the delay set it
