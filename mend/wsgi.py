"""WSGI entry point: Django behind the anonymous page cache, every request with its id
and the ones the page cache answers logged and counted (mend.core.requestlog)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mend.settings")

from mend.core.pagecache import PageCacheApp
from mend.core.requestlog import RequestLogApp

application = RequestLogApp(PageCacheApp(get_wsgi_application()))
