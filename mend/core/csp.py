"""The Content-Security-Policy: strict on the site, relaxed for the Wagtail admin.

Mend's own pages load scripts and styles only from its static files and carry
no inline script, style or handler, so the policy (``CONTENT_SECURITY_POLICY``
in the settings) needs neither 'unsafe-inline' nor nonces, and a page stored
by the page cache is right for every reader. Wagtail's admin writes inline
scripts and styles throughout: under ``/admin/`` the same policy allows them
('unsafe-inline', never 'unsafe-eval'), may be framed by the site itself (the
preview panel) and shows editors' avatars.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.http import HttpRequest, HttpResponseBase

ADMIN_PREFIX = "/admin/"
ADMIN_REPLACE = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:", "https://www.gravatar.com"],
    "frame-src": [
        SELF,
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    ],
    "connect-src": [SELF, "https://releases.wagtail.org"],
    "frame-ancestors": [SELF],
}


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX):
            parts.replace = {**ADMIN_REPLACE, **(parts.replace or {})}
        return parts
