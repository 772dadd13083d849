"""WSGI entry point: Django behind the anonymous page cache."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mend.settings")

from mend.core.pagecache import PageCacheApp

application = PageCacheApp(get_wsgi_application())
