"""Keep the secrets in booking links out of the logs.

Manage links, waitlist offers, account links and calendar feeds carry their
secret in the path. Django logs the path of a request that ends in 4xx or 5xx
(``django.request``); the development server and, with MEND_ACCESS_LOG, the
web server log every request. This filter rewrites the secret part before any
handler sees it. Installed on those loggers when the app is ready.
"""

from __future__ import annotations

import logging
import re

SECRET_PATH = re.compile(r"(/book/(?:manage|offer|link)/|/clinic/feed/)[^/\s\"'?]+")
REDACTED = r"\1[redacted]"
LOGGERS = (
    "django.request",
    "django.server",
    "django.security.csrf",
    "granian.access",
    "gunicorn.access",
)


def redact(text: str) -> str:
    return SECRET_PATH.sub(REDACTED, text)


class RedactBookingSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                key: redact(value) if isinstance(value, str) else value
                for key, value in record.args.items()
            }
        return True


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactBookingSecrets) for existing in logger.filters):
            logger.addFilter(RedactBookingSecrets())
